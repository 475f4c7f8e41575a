// fast-check arbitraries of JSON-mapped values (json-mapping.ts) for any type of the
// `thrift --gen json` model, so one generated value can be handed to idlc, Python and npm thrift.
// Edge values are in: integer and i64 extremes, NaN, ±Infinity, -0, empty containers, and
// strings outside the BMP.
import fc from "fast-check";
import { type Json, type Schema, type ThriftType, toHex, typeOf } from "./json-mapping.js";

/** What to leave out for peers that cannot represent it (npm thrift, see node/jsonmap.cjs). */
export interface JsonArbitraryOptions {
  /** Longest generated list/set/map/string/binary; default 6. */
  readonly maxLength?: number;
  /** Struct nesting beyond which optional struct fields are left unset; default 3. */
  readonly maxDepth?: number;
  /** Generate -0 doubles (npm thrift writes -0 as +0); default true. */
  readonly negativeZero?: boolean;
  /**
   * map<i64,…> keys: "any" i64; "safe" within ±2^53 (npm reads keys through a JS number);
   * "digit" 0–9 only (npm's TBinaryProtocol parses string keys as hex). Default "any".
   */
  readonly i64MapKeys?: "any" | "safe" | "digit";
  /** Generate `true` as a list/set element or map value (npm's compact reader reads false). */
  readonly trueElements?: boolean;
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

function doubleJson(negativeZero: boolean): fc.Arbitrary<Json> {
  return fc
    .oneof(
      fc.double(),
      fc.constantFrom(0, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE),
    )
    .map((v) => (negativeZero || !Object.is(v, -0) ? v : 0))
    .map((v): Json => {
      if (Number.isNaN(v)) return "NaN";
      if (v === Infinity) return "Infinity";
      if (v === -Infinity) return "-Infinity";
      if (Object.is(v, -0)) return "-0";
      return v;
    });
}

function i64Json(min = I64_MIN, max = I64_MAX): fc.Arbitrary<Json> {
  return fc
    .oneof(
      fc.bigInt({ min, max }),
      fc.constantFrom(...[min, max, 0n, -1n, 1n].filter((v) => v >= min && v <= max)),
    )
    .map((v) => v.toString());
}

/** Values of `type` in the JSON mapping. */
export function arbitraryJson(
  schema: Schema,
  type: ThriftType,
  options: JsonArbitraryOptions = {},
  depth = 0,
): fc.Arbitrary<Json> {
  const maxLength = options.maxLength ?? 6;
  const maxDepth = options.maxDepth ?? 3;
  const inner = (t: ThriftType): fc.Arbitrary<Json> => arbitraryJson(schema, t, options, depth + 1);
  const element = (t: ThriftType): fc.Arbitrary<Json> =>
    t.typeId === "bool" && options.trueElements === false ? fc.constant(false) : inner(t);
  switch (type.typeId) {
    case "bool":
      return fc.boolean();
    case "i8":
      return fc.integer({ min: -128, max: 127 });
    case "i16":
      return fc.integer({ min: -32768, max: 32767 });
    case "i32":
      return fc.integer({ min: -2147483648, max: 2147483647 });
    case "i64":
      return i64Json();
    case "double":
      return doubleJson(options.negativeZero ?? true);
    case "string":
      return fc.string({ unit: "binary", maxLength });
    case "binary":
      return fc.uint8Array({ maxLength }).map(toHex);
    case "list":
      return fc.array(element(typeOf(type, "elem")), { maxLength });
    case "set":
      return fc.uniqueArray(element(typeOf(type, "elem")), {
        maxLength,
        selector: (e) => JSON.stringify(e),
      });
    case "map": {
      const keyType = typeOf(type, "key");
      let key = inner(keyType);
      if (keyType.typeId === "i64" && options.i64MapKeys === "safe")
        key = i64Json(BigInt(Number.MIN_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER));
      if (keyType.typeId === "i64" && options.i64MapKeys === "digit") key = i64Json(0n, 9n);
      return fc.uniqueArray(fc.tuple(key, element(typeOf(type, "value"))), {
        maxLength,
        selector: ([k]) => JSON.stringify(k),
      }) as fc.Arbitrary<Json>;
    }
    case "union": {
      const struct = schema.struct(type.class ?? "");
      const members = struct.fields.filter((f) => depth < maxDepth || !isStruct(f));
      return fc.oneof(...members.map((f) => inner(typeOf(f)).map((v): Json => ({ [f.name]: v }))));
    }
    case "struct":
    case "exception": {
      const struct = schema.struct(type.class ?? "");
      // required and default-valued fields are always set, so "unset" never meets a default
      const always = struct.fields.filter(
        (f) => f.required === "required" || f.default !== undefined,
      );
      const fields = struct.fields.filter(
        (f) => always.includes(f) || depth < maxDepth || !isStruct(typeOf(f)),
      );
      const model: Record<string, fc.Arbitrary<Json>> = {};
      for (const f of fields) model[f.name] = inner(typeOf(f));
      return fc
        .record(model, { requiredKeys: always.map((f) => f.name) })
        .map((r) => ({ ...r }) as Json);
    }
    default:
      throw new Error(`no arbitrary for ${type.typeId}`);
  }
}

function isStruct(t: ThriftType): boolean {
  return t.typeId === "struct" || t.typeId === "union" || t.typeId === "exception";
}
