// The interop IDL: every type Apache Thrift 0.17 supports, compiled by idlc, by
// `thrift --gen py` and by `thrift --gen js:node,es6`, so each side can read what the others write.
// Apache 0.17 constraints: no `uuid`, no reserved words (`from`, `next`, ...) as names, no
// keywords as field names.

/** Colours, as plain positive values. */
enum Color {
  RED = 1,
  GREEN = 2,
  BLUE = 3,
}

/** Negative, zero and extreme values. */
enum Sign {
  MINIMUM = -2147483648,
  NEGATIVE = -5,
  ZERO = 0,
  POSITIVE = 7,
  MAXIMUM = 2147483647,
}

struct Point {
  1: i32 x,
  2: i32 y,
}

struct Branch {
  1: string label,
  2: optional Point at,
  3: list<Point> path,
  4: optional Branch child,
}

union Shape {
  1: Point point,
  2: double radius,
  3: string name,
  4: binary blob,
  5: list<i32> ids,
  20: bool flag,
}

/** Thrown by Calc.divide when the divisor is zero. */
exception DivideByZero {
  1: i32 dividend,
  2: string why,
}

exception NotFound {
  1: string message,
  2: optional i64 key,
}

/** Every kind of field; ids out of declaration order on purpose (Node writes declaration order). */
struct Everything {
  1: bool flag,
  2: byte oneByte,
  3: i8 tiny,
  4: i16 small,
  5: i32 medium,
  6: i64 large,
  7: double real,
  8: string text,
  9: binary data,
  10: Color color,
  11: Sign sign,
  12: Point point,
  13: Branch branch,
  14: Shape shape,
  15: list<i32> ints,
  16: list<bool> bools,
  17: set<i64> longs,
  18: set<string> names,
  19: map<i64, string> byId,
  20: map<string, list<Point>> routes,
  21: list<map<string, set<i32>>> deep,
  22: map<Color, double> weights,
  23: list<binary> blobs,
  24: optional string maybe,
  25: required i32 must,
  26: i32 withDefault = 42,
  27: string greeting = "hi",
  28: list<i32> primes = [2, 3, 5],
  40: i64 far,
  30: optional DivideByZero problem,
  300: i16 veryFar,
  9000: bool last,
  29: list<list<string>> matrix,
  31: map<i32, map<i32, bool>> grid,
  32: set<bool> truths,
  33: list<double> reals,
  34: list<Shape> shapes,
  35: optional Sign maybeSign,
}

service Calc {
  /** Returns a + b (wrapping like i32). */
  i32 add(1: i32 a, 2: i32 b),
  void ping(),
  /** Integer division; throws DivideByZero when b is 0. */
  i32 divide(1: i32 a, 2: i32 b) throws (1: DivideByZero oops),
  /** Returns its argument unchanged. */
  Everything echo(1: Everything e),
  /** Throws NotFound for key < 0, else returns the key as a string. */
  string lookup(1: i64 key) throws (1: NotFound missing),
  /** Records `what`; `lastFired` returns it. */
  oneway void fire(1: string what),
  string lastFired(),
  /** Sleeps `ms` milliseconds, then returns `tag`. */
  i32 slow(1: i32 ms, 2: i32 tag),
  /** The THeader headers this call arrived with (empty without THeader). */
  map<string, string> echoHeaders(),
  /** Fails with an error the IDL does not declare. */
  void fail(),
}

/** A second service, for multiplexing. */
service Greeter {
  string greet(1: string name),
  i64 twice(1: i64 v),
}
