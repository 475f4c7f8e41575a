// fast-check arbitraries for the types of test/compiler/golden/everything.idl, with the edge
// values wire code gets wrong mixed in: i64 extremes, -0.0 and NaN, empty and >14-element
// containers (compact's long list header), unicode and 64 KB strings, unknown enum values.
import fc from "fast-check";
import type {
  Choice,
  Everything,
  Leaf,
  RecordV2,
  Mandatory,
  Status,
  Tree,
} from "../compiler/golden/everything.js";
import { Failure, Status as StatusValues } from "../compiler/golden/everything.js";

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** i64 values, extremes and the ±2^53 boundary included. */
export const i64 = fc.oneof(
  fc.bigInt({ min: I64_MIN, max: I64_MAX }),
  fc.constantFrom(I64_MIN, I64_MAX, 0n, -1n, 2n ** 53n, -(2n ** 53n) - 1n, 2n ** 32n),
);
export const i32 = fc.oneof(fc.integer(), fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 0, -1));
export const i16 = fc.integer({ min: -32768, max: 32767 });
export const i8 = fc.integer({ min: -128, max: 127 });
/** Doubles including -0, NaN and ±Infinity (fc.double's defaults). */
export const double = fc.oneof(fc.double(), fc.constantFrom(-0, Number.NaN, Infinity, -Infinity));
/** Unicode text, astral planes included. */
export const text = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
);
/** Text that is now and then a 64 KB string (used for one field, so values stay small). */
export const bigText = fc.oneof(
  { weight: 10, arbitrary: text },
  { weight: 1, arbitrary: fc.constant("ü€😀".repeat((64 * 1024) / 9) + "end") },
);
export const binary = fc.uint8Array({ maxLength: 40 });
export const uuid = fc.uuid();
/** A declared status or any other i32: unknown enum values must survive. */
export const status: fc.Arbitrary<Status | number> = fc.oneof(
  fc.constantFrom(...Object.values(StatusValues)),
  i32,
);

/** Arrays that are often empty and sometimes longer than 14 elements. */
function list<T>(item: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant([] as T[]) },
    { weight: 4, arbitrary: fc.array(item, { maxLength: 5 }) },
    { weight: 1, arbitrary: fc.array(item, { minLength: 15, maxLength: 20 }) },
  );
}
function set<T>(item: fc.Arbitrary<T>): fc.Arbitrary<Set<T>> {
  return list(item).map((items) => new Set(items));
}
function map<K, V>(key: fc.Arbitrary<K>, value: fc.Arbitrary<V>): fc.Arbitrary<Map<K, V>> {
  return list(fc.tuple(key, value)).map((entries) => new Map(entries));
}
function optional<T>(item: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(item, { nil: undefined, freq: 3 });
}

export const leaf: fc.Arbitrary<Leaf> = fc.record({ n: i32, s: optional(text) });

export const choice: fc.Arbitrary<Choice> = fc.oneof(
  leaf.map((value) => ({ kind: "leaf" as const, value })),
  text.map((value) => ({ kind: "text" as const, value })),
  i64.map((value) => ({ kind: "number" as const, value })),
  list(fc.boolean()).map((value) => ({ kind: "flags" as const, value })),
  map(text, leaf).map((value) => ({ kind: "byName" as const, value })),
);

export const failure: fc.Arbitrary<Failure> = fc
  .record({ message: text, code: optional(i32), detail: optional(leaf) })
  .map((init) => new Failure(init));

export const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.record({
    label: fc.string({ maxLength: 5 }),
    children: optional(fc.array(tie("tree"), { maxLength: 3, depthIdentifier: "tree" })),
  }),
})).tree;

export const everything: fc.Arbitrary<Everything> = fc.record({
  flag: optional(fc.boolean()),
  tiny: optional(i8),
  small: optional(i16),
  medium: optional(i32),
  large: optional(i64),
  real: optional(double),
  text: optional(bigText),
  data: optional(binary),
  id: optional(uuid),
  status: optional(status),
  leaf: optional(leaf),
  choice: optional(choice),
  failure: optional(failure),
  flags: optional(list(fc.boolean())),
  longs: optional(list(i64)),
  longSet: optional(set(i64)),
  byLong: optional(map(i64, text)),
  byLeaf: optional(map(leaf, text)),
  nestedLists: optional(list(list(i32))),
  deepMap: optional(map(text, map(text, list(double)))),
  names: optional(set(text)),
  blobs: optional(list(binary)),
  statuses: optional(list(status)),
  ids: optional(list(i64)),
  tree: optional(tree),
  choices: optional(list(choice)),
  statusSet: optional(set(status)),
  uuids: optional(list(uuid)),
  byStatus: optional(map(status, leaf)),
  farField: optional(text),
  veryFar: optional(i64),
  negative: optional(text),
});

export const required: fc.Arbitrary<Mandatory> = fc.record({
  a: i32,
  leaf,
  leaves: list(leaf),
  note: optional(text),
});

export const recordV2: fc.Arbitrary<RecordV2> = fc.record({
  a: optional(i32),
  b: optional(list(map(text, leaf))),
  c: optional(text),
  d: optional(leaf),
  e: optional(fc.boolean()),
  f: optional(set(i64)),
  g: optional(double),
  h: optional(uuid),
  i: optional(binary),
});
