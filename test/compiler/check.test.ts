// The checker, one rule at a time: inline IDL in, diagnostics (code, line:col, spanned text) out.
import { describe, expect, test } from "vitest";
import { formatDiagnostic } from "../../compiler/diagnostics.js";
import { checkSource, diagnose, errors, idl } from "./check-support.js";

describe("types", () => {
  test("an unknown type is one error at its name, with a suggestion", () => {
    const source = idl(
      "struct Money { 1: i64 units }",
      "struct Order {",
      "  1: required Mony total",
      "}",
    );
    const result = checkSource(source);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["unknown-type"]);
    expect(formatDiagnostic(result.diagnostics[0]!)).toBe(
      [
        `main.thrift:3:15: error: unknown type "Mony"; did you mean "Money"?`,
        ` 3 |   1: required Mony total`,
        `   |               ^^^^`,
      ].join("\n"),
    );
  });

  test("types may be used before they are defined", () => {
    expect(
      diagnose(
        idl(
          "struct A { 1: B b, 2: list<T> ts, 3: map<E, C> m }",
          "typedef C T",
          "typedef B C",
          "struct B { 1: A a }",
          "enum E { X }",
        ),
      ),
    ).toEqual([]);
  });

  test("a service is not a type", () => {
    expect(errors(idl("service S {}", "struct A { 1: S s }"))).toEqual([
      'error not-a-type 2:15 "S"',
    ]);
  });

  test("includes are not transitive, and a file does not prefix its own names", () => {
    const files = {
      "leaf.thrift": idl("struct Leaf {}"),
      "mid.thrift": idl('include "leaf.thrift"', "struct Mid { 1: leaf.Leaf l }"),
    };
    const result = checkSource(
      idl('include "mid.thrift"', "struct A { 1: leaf.Leaf l, 2: main.A self, 3: mid.Mid m }"),
      files,
    );
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      `unknown-type unknown type "leaf.Leaf" ("leaf" is not included by this file; includes are not transitive)`,
      `unknown-type unknown type "main.A" (a file refers to its own definitions without the "main." prefix)`,
    ]);
  });

  test("a typedef cycle is one error and nothing else", () => {
    expect(
      diagnose(idl("typedef A B", "typedef B A", "struct S { 1: A a, 2: B b }", "const A X = 1")),
    ).toEqual(['error typedef-cycle 1:11 "B"']);
    expect(diagnose(idl("typedef list<A> A", "struct S { 1: A a }"))).toEqual([
      'error typedef-cycle 1:17 "A"',
    ]);
  });

  test("a long typedef chain neither overflows nor errs", () => {
    const lines = ["typedef i32 T0"];
    for (let i = 1; i < 20_000; i++) lines.push(`typedef T${i - 1} T${i}`);
    lines.push("const T19999 X = 5");
    expect(diagnose(idl(...lines))).toEqual([]);
  });

  test("byte warns once per file; list<byte> suggests binary", () => {
    expect(diagnose(idl("struct S { 1: byte a, 2: byte b, 3: list<i8> c }"))).toEqual([
      'warning byte-type 1:15 "byte"',
      'warning list-of-byte 1:37 "list<i8>"',
    ]);
  });
});

describe("definitions", () => {
  test("duplicate type names point at both places", () => {
    const result = checkSource(idl("struct A {}", "enum A {}", "service A {}"));
    expect(result.diagnostics.map((d) => withNote(d))).toEqual([
      'error duplicate-definition 2:6 "A" / note 1:8',
      'error duplicate-definition 3:9 "A" / note 1:8',
    ]);
    function withNote(d: (typeof result.diagnostics)[number]) {
      const { line, column } = d.span.file.position(d.span.start);
      const note = d.related?.[0];
      const at = note && note.span.file.position(note.span.start);
      const text = JSON.stringify(d.span.file.text.slice(d.span.start, d.span.end));
      return `${d.severity} ${d.code} ${line}:${column} ${text} / note ${at?.line}:${at?.column}`;
    }
  });

  test("a diagnostic keeps only the places of the nodes it is about, not the nodes", () => {
    // AST nodes are their own spans; a diagnostic (data, kept by watch mode and callers) must
    // not hold a node and the tree below it.
    const result = checkSource(idl("struct A { 1: i32 x }", "struct A { 1: Mony y }"));
    expect(result.diagnostics.length).toBe(2);
    for (const d of result.diagnostics) {
      expect(Object.keys(d.span).sort()).toEqual(["end", "file", "start"]);
      for (const r of d.related ?? [])
        expect(Object.keys(r.span).sort()).toEqual(["end", "file", "start"]);
    }
    expect(result.diagnostics.some((d) => (d.related ?? []).length > 0)).toBe(true);
  });

  test("duplicate const names; consts and types are separate namespaces", () => {
    expect(
      errors(idl("const i32 A = 1", "const i32 A = 2", "struct B {}", "const i32 B = 3")),
    ).toEqual(['error duplicate-definition 2:11 "A"']);
  });

  test("a type named like an included one clashes only with common namespaces (as Apache)", () => {
    const same = { "inc.thrift": idl("struct Money {}") };
    expect(errors(idl('include "inc.thrift"', "struct Money {}"), same)).toEqual([
      'error duplicate-definition 2:8 "Money"',
    ]);
    const other = { "inc.thrift": idl("namespace java a", "struct Money {}") };
    expect(
      errors(idl('include "inc.thrift"', "namespace java b", "struct Money {}"), other),
    ).toEqual([]);
  });

  test("names being defined cannot be dotted", () => {
    expect(
      errors(
        idl(
          "struct a.b { 1: i32 c.d }",
          "enum E { x.y }",
          "const i32 k.l = 1",
          "service s.t { void f.g() }",
        ),
      ),
    ).toEqual([
      'error dotted-name 1:8 "a.b"',
      'error dotted-name 1:21 "c.d"',
      'error dotted-name 2:10 "x.y"',
      'error dotted-name 3:11 "k.l"',
      'error dotted-name 4:9 "s.t"',
      'error dotted-name 4:20 "f.g"',
    ]);
  });

  test("a dotted enum value with a value: Apache accepts it but generates invalid code", () => {
    const result = checkSource(idl("enum E { p.q = 1 }"));
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'dotted-name enum value name "p.q" cannot contain a dot (Apache accepts it when a value is given, but generates invalid code)',
    ]);
  });

  test("unknown namespace scopes warn; known ones and * do not", () => {
    expect(
      diagnose(
        idl(
          "namespace * a",
          "namespace java a.b",
          "namespace py.twisted a",
          "namespace foo a",
          "namespace smalltalk.category a",
        ),
      ),
    ).toEqual([
      'warning unknown-namespace-scope 4:11 "foo"',
      'warning deprecated-namespace-scope 5:11 "smalltalk.category"',
    ]);
  });
});

describe("enums", () => {
  test("duplicate value names; duplicate numbers are fine", () => {
    expect(diagnose(idl("enum E { A = 1, B = 1, A }"))).toEqual([
      'error duplicate-enum-value 1:24 "A"',
    ]);
  });

  test("values outside i32, and auto-increment past it", () => {
    expect(
      errors(idl("enum E { A = 2147483648, B = -2147483649 }", "enum F { X = 2147483647, Y, Z }")),
    ).toEqual([
      'error enum-value-out-of-range 1:14 "2147483648"',
      'error enum-value-out-of-range 1:30 "-2147483649"',
      'error enum-value-overflow 2:26 "Y"',
    ]);
  });
});

describe("fields", () => {
  test("duplicate ids and names point at the first use", () => {
    const result = checkSource(idl("struct S {", "  1: i32 a", "  1: i32 b", "  2: i32 a", "}"));
    expect(result.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([
      'duplicate-field-id: field id 1 is already used by "a" in struct "S"',
      'duplicate-field-name: field "a" is already defined in struct "S"',
    ]);
    expect(
      result.diagnostics.map((d) => d.related?.[0]?.span.file.position(d.related[0].span.start)),
    ).toEqual([
      { line: 2, column: 3 },
      { line: 2, column: 10 },
    ]);
  });

  test("ids outside i16 are errors; missing and non-positive ids warn", () => {
    expect(diagnose(idl("struct S { 40000: i32 a, i32 b, 0: i32 c, -3: i32 d }"))).toEqual([
      'error field-id-out-of-range 1:12 "40000"',
      'warning implicit-field-id 1:30 "b"',
      'warning nonpositive-field-id 1:33 "0"',
      'warning nonpositive-field-id 1:43 "-3"',
    ]);
  });

  test("unions: required members are rejected, one default at most", () => {
    expect(errors(idl("union U { 1: required i32 a, 2: i32 b = 1, 3: i32 c = 2 }"))).toEqual([
      'error union-required-field 1:14 "required"',
      'error union-multiple-defaults 1:55 "2"',
    ]);
  });

  test("optional arguments and requiredness in throws are ignored with a warning", () => {
    expect(
      diagnose(
        idl(
          "exception E {}",
          "service S { void f(1: optional i32 a, 2: required i32 b) throws (1: required E e, 2: optional E e2) }",
        ),
      ),
    ).toEqual([
      'warning optional-argument 2:23 "optional"',
      'warning required-in-throws 2:69 "required"',
      'warning optional-in-throws 2:86 "optional"',
    ]);
  });
});

describe("services", () => {
  test("extends must name an earlier service", () => {
    expect(
      errors(
        idl(
          "struct T {}",
          "service A extends Nope {}",
          "service B extends T {}",
          "service C extends D {}",
          "service D {}",
          "service E extends E {}",
        ),
      ),
    ).toEqual([
      'error unknown-service 2:19 "Nope"',
      'error extends-non-service 3:19 "T"',
      'error forward-reference 4:19 "D"',
      'error forward-reference 6:19 "E"',
    ]);
  });

  test("function names are unique, inherited ones included", () => {
    const source = idl(
      "service A { void f() }",
      "service B extends A { void g(), void g(), i32 f() }",
    );
    expect(checkSource(source).diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'duplicate-function function "g" is already defined in service "B"',
      'duplicate-function function "f" is already defined in service "B" (inherited from "A")',
    ]);
    expect(errors(source)).toEqual([
      'error duplicate-function 2:38 "g"',
      'error duplicate-function 2:47 "f"',
    ]);
  });

  test("oneway functions return void and throw nothing; async warns", () => {
    expect(
      diagnose(
        idl(
          "exception E {}",
          "service S {",
          "  oneway i32 a()",
          "  oneway void b() throws (1: E e)",
          "  oneway void c() throws ()",
          "  async void d()",
          "}",
        ),
      ),
    ).toEqual([
      'error oneway-with-result 3:10 "i32"',
      'error oneway-throws 4:19 "throws (1: E e)"',
      'warning async-keyword 6:3 "async"',
    ]);
  });

  test("throws lists earlier exceptions only", () => {
    expect(
      errors(
        idl(
          "struct NotAnException {}",
          "exception Early {}",
          "typedef Early Alias",
          "service S { void f() throws (1: NotAnException a, 2: Early b, 3: Alias c, 4: Late d, 5: i32 e) }",
          "exception Late {}",
        ),
      ),
    ).toEqual([
      'error throws-non-exception 4:33 "NotAnException"',
      'error forward-reference 4:78 "Late"',
      'error throws-non-exception 4:89 "i32"',
    ]);
  });

  test("argument defaults are checked like constants", () => {
    expect(errors(idl('service S { void f(1: i32 a = "x") }'))).toEqual([
      'error const-type-mismatch 1:31 "\\"x\\""',
    ]);
  });
});

describe("constants", () => {
  test("values must fit their type", () => {
    expect(
      errors(
        idl(
          'const i32 A = "x"',
          "const i32 B = 1e3",
          "const string C = 1",
          "const double D = 1",
          "const bool E = true",
          "const i32 F = true",
          "const list<i32> G = { 1: 2 }",
          "const map<i32, i32> H = [1]",
          "const binary I = 'bytes'",
        ),
      ),
    ).toEqual([
      'error const-type-mismatch 1:15 "\\"x\\""',
      'error const-type-mismatch 2:15 "1e3"',
      'error const-type-mismatch 3:18 "1"',
      'error const-type-mismatch 7:21 "{ 1: 2 }"',
      'error const-type-mismatch 8:25 "[1]"',
    ]);
  });

  test("integers are range-checked for their width (stricter than Apache, and it says so)", () => {
    const result = checkSource(
      idl(
        "const i8 A = 300",
        "const i8 B = -128",
        "const i16 C = 32768",
        "const i32 D = -2147483649",
        "const bool E = 2",
        "const list<i8> F = [1, 128]",
        "const i64 G = 9223372036854775807",
      ),
    );
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual(Array(5).fill("const-out-of-range"));
    expect(errors[0]!.message).toBe(
      'const "A" value 300 is out of range for i8 (-128..127; Apache does not check this, idlc rejects it)',
    );
    expect(errors.map((d) => d.span.file.position(d.span.start).line)).toEqual([1, 3, 4, 5, 6]);
  });

  test("references go backwards only", () => {
    expect(
      errors(
        idl(
          "const i32 A = B",
          "const i32 B = 1",
          "const i32 C = C",
          "const i32 D = E.X",
          "enum E { X }",
          "const i32 F = E.X",
          "const i32 G = Nope",
        ),
      ),
    ).toEqual([
      'error forward-reference 1:15 "B"',
      'error forward-reference 3:15 "C"',
      'error forward-reference 4:15 "E.X"',
      'error unknown-constant 7:15 "Nope"',
    ]);
  });

  test("a constant value needs its types defined first (as Apache reads it)", () => {
    expect(
      errors(
        idl(
          'const P A = {"x": 1}',
          "const list<P> B = []",
          "struct S { 1: P p = {} }",
          "struct P { 1: i32 x }",
          'const P C = {"x": 1}',
        ),
      ),
    ).toEqual(['error forward-reference 1:13 "{\\"x\\": 1}"', 'error forward-reference 3:21 "{}"']);
  });

  test("enum values must be qualified, exist, and belong to the enum", () => {
    expect(
      errors(
        idl(
          "enum Color { RED = 1, GREEN }",
          "enum Size { S, M }",
          "const Color A = RED",
          "const Color B = Color.BLUE",
          "const Color C = 7",
          "const Color D = Size.M",
          "const Color E = 2",
          "const Color F = Color.GREEN",
          "struct X { 1: Color c = RED }",
        ),
      ),
    ).toEqual([
      'error unqualified-enum-value 3:17 "RED"',
      'error unknown-enum-value 4:17 "Color.BLUE"',
      'error unknown-enum-value 5:17 "7"',
      'error const-type-mismatch 6:17 "Size.M"',
      'error unqualified-enum-value 9:25 "RED"',
    ]);
  });

  test("struct constants name existing fields; unions set exactly one", () => {
    expect(
      errors(
        idl(
          "struct P { 1: i32 x, 2: string y }",
          "union U { 1: i32 a, 2: i32 b }",
          'const P A = {"x": 1, "q": 2}',
          'const P B = {"x": "one"}',
          'const U C = {"a": 1, "b": 2}',
          'const U D = {"a": 1}',
          "const P E = {1: 2}",
        ),
      ),
    ).toEqual([
      'error unknown-struct-field 3:22 "\\"q\\""',
      'error const-type-mismatch 4:19 "\\"one\\""',
      'error union-value-arity 5:13 "{\\"a\\": 1, \\"b\\": 2}"',
      'error const-type-mismatch 7:14 "1"',
    ]);
  });

  test("struct constants cannot be used by name (Apache rejects it)", () => {
    expect(
      errors(
        idl(
          "struct P { 1: i32 x }",
          'const P A = {"x": 1}',
          "const P B = A",
          "const list<P> C = [A]",
          "struct S { 1: P p = A }",
        ),
      ),
    ).toEqual([
      'error struct-const-reference 3:13 "A"',
      'error struct-const-reference 4:20 "A"',
      'error struct-const-reference 5:21 "A"',
    ]);
  });

  test("a field given twice in a struct value warns; the last value wins", () => {
    const result = checkSource(idl("struct P { 1: i32 x }", 'const P A = {"x": 1, "x": 2}'));
    expect(result.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([
      'duplicate-map-key: field "x" appears twice in const "A"; the last value wins (as in Apache)',
    ]);
    const a = result.programs[0]!.definitions[1]!;
    expect(a.kind === "const" && a.value).toMatchObject({
      kind: "struct",
      fields: [{ value: { kind: "int", value: 2n } }],
    });
  });

  test("a repeated map key warns, and the last value wins", () => {
    const result = checkSource(idl('const map<string, i32> M = {"a": 1, "b": 2, "a": 3}'));
    expect(result.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual([
      "warning duplicate-map-key",
    ]);
    const m = result.programs[0]!.definitions[0]!;
    expect(m.kind === "const" && m.value).toEqual({
      kind: "map",
      entries: [
        { key: { kind: "string", value: "a" }, value: { kind: "int", value: 3n } },
        { key: { kind: "string", value: "b" }, value: { kind: "int", value: 2n } },
      ],
    });
  });

  test("uuid constants are checked and normalised", () => {
    expect(
      errors(
        idl(
          'const uuid A = "00112233-4455-6677-8899-AABBCCDDEEFF"',
          'const uuid B = "{00112233-4455-6677-8899-aabbccddeeff}"',
          'const uuid C = "not-a-uuid"',
        ),
      ),
    ).toEqual(['error invalid-uuid 3:16 "\\"not-a-uuid\\""']);
  });

  test("one mistake, one message", () => {
    expect(
      errors(
        idl("const Mony A = 5", "const i32 B = A", "struct S { 1: Mony m = 5, 2: i32 n = B }"),
      ),
    ).toEqual(['error unknown-type 1:7 "Mony"', 'error unknown-type 3:15 "Mony"']);
  });
});
