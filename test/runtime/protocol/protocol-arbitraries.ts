// fast-check arbitraries of Thrift wire values for the protocol tests: a random type tree
// first, then values of that type, with edge values mixed in.
import fc from "fast-check";
import { TType } from "idlc/runtime";
import type { WireValue } from "./protocol-values.js";
import {
  bin,
  bool,
  double,
  i16,
  i32,
  i64,
  i8,
  list,
  map,
  set,
  str,
  struct,
  uuid,
} from "./protocol-values.js";

/** i64 values around the 32-bit, 53-bit and 64-bit seams. */
export const I64_EDGES = [
  0n,
  1n,
  -1n,
  2n ** 31n - 1n,
  -(2n ** 31n),
  2n ** 31n,
  2n ** 32n - 1n,
  2n ** 32n,
  -(2n ** 32n),
  -(2n ** 32n) - 1n,
  2n ** 53n - 1n,
  2n ** 53n,
  -(2n ** 53n) + 1n,
  -(2n ** 53n),
  -(2n ** 53n) - 1n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  2n ** 62n,
  -(2n ** 62n) - 7n,
  0x123456789abcdefn,
];

/** Any string: graphemes, any code point, and raw UTF-16 units (lone surrogates). */
export const anyString = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    maxLength: 30,
  }),
  fc.string({ unit: "binary", minLength: 60, maxLength: 400 }),
);

/** A Thrift type, as the shape of the values to generate. */
type Shape =
  | { kind: "bool" | "i8" | "i16" | "i32" | "i64" | "double" | "string" | "binary" | "uuid" }
  | { kind: "list" | "set"; element: Shape }
  | { kind: "map"; key: Shape; value: Shape }
  | { kind: "struct"; fields: [number, Shape][] };

const fieldId = fc.oneof(fc.integer({ min: -3, max: 40 }), fc.integer({ min: -32768, max: 32767 }));

const shapes = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { maxDepth: 4, depthSize: "small", withCrossShrink: true },
    fc.constantFrom<Shape>(
      ...(["bool", "i8", "i16", "i32", "i64", "double", "string", "binary", "uuid"] as const).map(
        (kind) => ({ kind }),
      ),
    ),
    fc.record({ kind: fc.constantFrom("list" as const, "set" as const), element: tie("shape") }),
    fc.record({ kind: fc.constant("map" as const), key: tie("shape"), value: tie("shape") }),
    fc.record({
      kind: fc.constant("struct" as const),
      fields: fc.array(fc.tuple(fieldId, tie("shape")), { maxLength: 6 }),
    }),
  ),
})).shape;

/** A value of `shape`. */
function valueOf(shape: Shape): fc.Arbitrary<WireValue> {
  switch (shape.kind) {
    case "bool":
      return fc.boolean().map(bool);
    case "i8":
      return fc.integer({ min: -128, max: 127 }).map(i8);
    case "i16":
      return fc.integer({ min: -32768, max: 32767 }).map(i16);
    case "i32":
      return fc.integer().map(i32);
    case "i64":
      return fc
        .oneof(fc.constantFrom(...I64_EDGES), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }))
        .map(i64);
    case "double":
      return fc.double().map(double);
    case "string":
      return anyString.map(str);
    case "binary":
      return fc.uint8Array({ maxLength: 40 }).map(bin);
    case "uuid":
      return fc.uuid().map(uuid);
    case "list":
    case "set": {
      const make = shape.kind === "list" ? list : set;
      const element = shape.element;
      return fc
        .array(valueOf(element), { maxLength: isScalar(element) ? 20 : 4 })
        .map((items) => make(ttypeOfShape(element), items));
    }
    case "map": {
      const { key, value } = shape;
      return fc
        .array(fc.tuple(valueOf(key), valueOf(value)), {
          maxLength: isScalar(key) && isScalar(value) ? 17 : 3,
        })
        .map((entries) => map(ttypeOfShape(key), ttypeOfShape(value), entries));
    }
    case "struct":
      return fc
        .tuple(
          ...shape.fields.map(([id, s]) => valueOf(s).map((v): [number, WireValue] => [id, v])),
        )
        .map((fields) => struct(...fields));
  }
}

/** Containers of scalars go past 14 elements (the compact long header); nested ones stay small. */
function isScalar(shape: Shape): boolean {
  return (
    shape.kind !== "list" && shape.kind !== "set" && shape.kind !== "map" && shape.kind !== "struct"
  );
}

function ttypeOfShape(shape: Shape): number {
  const probe: Record<Shape["kind"], number> = {
    bool: TType.BOOL,
    i8: TType.BYTE,
    i16: TType.I16,
    i32: TType.I32,
    i64: TType.I64,
    double: TType.DOUBLE,
    string: TType.STRING,
    binary: TType.STRING,
    uuid: TType.UUID,
    list: TType.LIST,
    set: TType.SET,
    map: TType.MAP,
    struct: TType.STRUCT,
  };
  return probe[shape.kind];
}

/** Any Thrift value, nested up to a few levels. */
export const values = shapes.chain(valueOf);
