// The JSON mapping the interop tests exchange with the Apache peers, on the idlc side: idlc values
// (bigint, Uint8Array, Set, Map, generated structs) ⇄ JSON, typed by the IDL model that
// `thrift --gen json` prints. The mapping is documented once, in py/jsonmap.py:
//   bool → boolean · i8/i16/i32/enum → number · i64 → decimal string · double → number or
//   "NaN" | "Infinity" | "-Infinity" | "-0" · string → string · binary → lower-case hex ·
//   list → array · set → array · map → array of [key, value] · struct/exception → object by
//   field name, unset fields absent · union → object with exactly one key.
// Set and map order carries no meaning: compare through `canonical`.
import { readFileSync } from "node:fs";

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A type as `thrift --gen json` describes it (fields, elements, keys and values). */
export interface ThriftType {
  readonly typeId: string;
  readonly class?: string;
  readonly elemTypeId?: string;
  readonly elemType?: ThriftType;
  readonly keyTypeId?: string;
  readonly keyType?: ThriftType;
  readonly valueTypeId?: string;
  readonly valueType?: ThriftType;
}

/** A field of a struct, union or exception in the `thrift --gen json` model. */
export interface ModelField extends ThriftType {
  readonly key: number;
  readonly name: string;
  readonly type?: ThriftType;
  readonly required: "required" | "optional" | "req_out";
  readonly default?: Json;
}

/** A struct, union or exception in the `thrift --gen json` model. */
export interface ModelStruct {
  readonly name: string;
  readonly isException: boolean;
  readonly isUnion: boolean;
  readonly fields: readonly ModelField[];
}

/** The structs of one or more `thrift --gen json` files, by name. */
export class Schema {
  readonly structs = new Map<string, ModelStruct>();

  constructor(models: readonly { structs: readonly ModelStruct[] }[]) {
    for (const model of models)
      for (const s of model.structs) {
        if (this.structs.has(s.name)) throw new Error(`struct "${s.name}" is defined twice`);
        this.structs.set(s.name, s);
      }
  }

  /** Reads `thrift --gen json` output files. */
  static load(paths: readonly string[]): Schema {
    return new Schema(
      paths.map((p) => JSON.parse(readFileSync(p, "utf8")) as { structs: ModelStruct[] }),
    );
  }

  struct(name: string): ModelStruct {
    const s = this.structs.get(name.split(".").pop() ?? name);
    if (s === undefined) throw new Error(`unknown struct "${name}"`);
    return s;
  }
}

const NESTED = new Set(["struct", "union", "exception", "list", "set", "map"]);

/** The type of a field (no prefix) or of a container's elem/key/value. */
export function typeOf(
  desc: ThriftType | ModelField,
  prefix?: "elem" | "key" | "value",
): ThriftType {
  const typeId = prefix === undefined ? desc.typeId : desc[`${prefix}TypeId`];
  const nested = prefix === undefined ? (desc as ModelField).type : desc[`${prefix}Type`];
  if (typeId === undefined) throw new Error(`type without typeId: ${JSON.stringify(desc)}`);
  if (NESTED.has(typeId)) {
    if (nested === undefined) throw new Error(`${typeId} without a nested type`);
    return nested;
  }
  return { typeId };
}

/** The type of a named struct, union or exception. */
export function structType(schema: Schema, name: string): ThriftType {
  const s = schema.struct(name);
  return { typeId: s.isUnion ? "union" : s.isException ? "exception" : "struct", class: s.name };
}

/** How idlc represents structs, unions and exceptions (the test supplies the generated shapes). */
export interface StructShapes {
  /** Builds the idlc value of a struct/union/exception from its set fields (idlc values). */
  build(struct: ModelStruct, fields: ReadonlyMap<string, unknown>): unknown;
  /** Reads the set fields of an idlc struct/union/exception value. */
  fields(struct: ModelStruct, value: unknown): ReadonlyMap<string, unknown>;
}

/** Plain objects keyed by field name; absent or undefined means unset. */
export const plainObjects: StructShapes = {
  build: (_struct, fields) => Object.fromEntries(fields),
  fields(struct, value) {
    const out = new Map<string, unknown>();
    const record = value as Record<string, unknown>;
    for (const f of struct.fields) {
      const v = record[f.name];
      if (v !== undefined && v !== null) out.set(f.name, v);
    }
    return out;
  },
};

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

function unhex(text: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(text)) throw new Error(`bad hex "${text}"`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export { hex as toHex, unhex as fromHex };

function doubleToJson(v: number): Json {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  if (Object.is(v, -0)) return "-0";
  return v;
}

function doubleFromJson(v: Json): number {
  if (typeof v === "number") return v;
  switch (v) {
    case "NaN":
      return NaN;
    case "Infinity":
      return Infinity;
    case "-Infinity":
      return -Infinity;
    case "-0":
      return -0;
    default:
      throw new Error(`bad double ${JSON.stringify(v)}`);
  }
}

function check<T>(ok: boolean, value: T, what: string): T {
  if (!ok) throw new Error(`expected ${what}, got ${String(value)}`);
  return value;
}

/** An idlc value → JSON. */
export function toJson(
  schema: Schema,
  type: ThriftType,
  value: unknown,
  shapes: StructShapes = plainObjects,
): Json {
  switch (type.typeId) {
    case "bool":
      return check(typeof value === "boolean", value as boolean, "a boolean");
    case "i8":
    case "i16":
    case "i32":
      return check(Number.isInteger(value), value as number, `an ${type.typeId} number`);
    case "i64":
      return check(typeof value === "bigint", value as bigint, "an i64 bigint").toString();
    case "double":
      return doubleToJson(check(typeof value === "number", value as number, "a double"));
    case "string":
      return check(typeof value === "string", value as string, "a string");
    case "binary":
      return hex(check(value instanceof Uint8Array, value as Uint8Array, "a Uint8Array"));
    case "list": {
      const elem = typeOf(type, "elem");
      const list = check(Array.isArray(value), value as unknown[], "an array");
      return list.map((e) => toJson(schema, elem, e, shapes));
    }
    case "set": {
      const elem = typeOf(type, "elem");
      const set = check(value instanceof Set, value as Set<unknown>, "a Set");
      return [...set].map((e) => toJson(schema, elem, e, shapes));
    }
    case "map": {
      const [kt, vt] = [typeOf(type, "key"), typeOf(type, "value")];
      const map = check(value instanceof Map, value as Map<unknown, unknown>, "a Map");
      return [...map].map(([k, v]) => [
        toJson(schema, kt, k, shapes),
        toJson(schema, vt, v, shapes),
      ]);
    }
    case "struct":
    case "union":
    case "exception": {
      const struct = schema.struct(type.class ?? "");
      const out: { [key: string]: Json } = {};
      const fields = shapes.fields(struct, value);
      for (const f of struct.fields) {
        const v = fields.get(f.name);
        if (v !== undefined && v !== null) out[f.name] = toJson(schema, typeOf(f), v, shapes);
      }
      return out;
    }
    default:
      throw new Error(`unsupported type ${type.typeId}`);
  }
}

/** JSON → an idlc value. */
export function fromJson(
  schema: Schema,
  type: ThriftType,
  json: Json,
  shapes: StructShapes = plainObjects,
): unknown {
  switch (type.typeId) {
    case "bool":
      return check(typeof json === "boolean", json, "a boolean");
    case "i8":
    case "i16":
    case "i32":
      return check(Number.isInteger(json), json, `an ${type.typeId} number`);
    case "i64":
      return BigInt(check(typeof json === "string", json as string, "an i64 decimal string"));
    case "double":
      return doubleFromJson(json);
    case "string":
      return check(typeof json === "string", json, "a string");
    case "binary":
      return unhex(check(typeof json === "string", json as string, "hex"));
    case "list":
    case "set": {
      const elem = typeOf(type, "elem");
      const items = check(Array.isArray(json), json as Json[], "an array").map((e) =>
        fromJson(schema, elem, e, shapes),
      );
      return type.typeId === "list" ? items : new Set(items);
    }
    case "map": {
      const [kt, vt] = [typeOf(type, "key"), typeOf(type, "value")];
      const pairs = check(Array.isArray(json), json as [Json, Json][], "an array of pairs");
      return new Map(
        pairs.map(([k, v]) => [fromJson(schema, kt, k, shapes), fromJson(schema, vt, v, shapes)]),
      );
    }
    case "struct":
    case "union":
    case "exception": {
      const struct = schema.struct(type.class ?? "");
      const record = check(
        json !== null && typeof json === "object" && !Array.isArray(json),
        json as { [key: string]: Json },
        "an object",
      );
      const fields = new Map<string, unknown>();
      for (const f of struct.fields) {
        const v = record[f.name];
        if (v !== undefined) fields.set(f.name, fromJson(schema, typeOf(f), v, shapes));
      }
      const extra = Object.keys(record).filter((k) => !struct.fields.some((f) => f.name === k));
      if (extra.length > 0) throw new Error(`${struct.name} has no field(s) ${extra.join(", ")}`);
      return shapes.build(struct, fields);
    }
    default:
      throw new Error(`unsupported type ${type.typeId}`);
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A JSON value in one canonical form: sets and maps sorted by the JSON text of their (canonical)
 * elements and keys, struct keys in field-id order. Two peers agree on a value iff their
 * canonical forms are deep-equal.
 */
export function canonical(schema: Schema, type: ThriftType, json: Json): Json {
  switch (type.typeId) {
    case "list":
      return (json as Json[]).map((e) => canonical(schema, typeOf(type, "elem"), e));
    case "set":
      return (json as Json[])
        .map((e) => canonical(schema, typeOf(type, "elem"), e))
        .sort((a, b) => compareText(JSON.stringify(a), JSON.stringify(b)));
    case "map": {
      const [kt, vt] = [typeOf(type, "key"), typeOf(type, "value")];
      return (json as [Json, Json][])
        .map(([k, v]): Json => [canonical(schema, kt, k), canonical(schema, vt, v)])
        .sort((a, b) =>
          compareText(JSON.stringify((a as Json[])[0]), JSON.stringify((b as Json[])[0])),
        );
    }
    case "struct":
    case "union":
    case "exception": {
      const struct = schema.struct(type.class ?? "");
      const record = json as { [key: string]: Json };
      const out: { [key: string]: Json } = {};
      for (const f of [...struct.fields].sort((a, b) => a.key - b.key)) {
        const v = record[f.name];
        if (v !== undefined) out[f.name] = canonical(schema, typeOf(f), v);
      }
      return out;
    }
    default:
      return json;
  }
}

/**
 * An IDL default as `thrift --gen json` prints it → the JSON mapping (i64 there is a number, a
 * map an object keyed by the key's text, binary the literal's text).
 */
export function modelDefault(type: ThriftType, value: Json): Json {
  switch (type.typeId) {
    case "i64":
      return String(value);
    case "binary":
      return hex(new TextEncoder().encode(String(value)));
    case "list":
    case "set":
      return (value as Json[]).map((e) => modelDefault(typeOf(type, "elem"), e));
    case "map": {
      const [kt, vt] = [typeOf(type, "key"), typeOf(type, "value")];
      return Object.entries(value as { [key: string]: Json }).map(([k, v]): Json => {
        const key: Json = kt.typeId === "string" || kt.typeId === "i64" ? k : Number(k);
        return [modelDefault(kt, key), modelDefault(vt, v)];
      });
    }
    default:
      return value;
  }
}

/**
 * The value Apache's generated code reads back from bytes that carry `json`: IDL defaults filled
 * in for default-valued fields the bytes lack (recursively, as nested structs are read).
 */
export function withDefaults(schema: Schema, type: ThriftType, json: Json): Json {
  switch (type.typeId) {
    case "list":
    case "set":
      return (json as Json[]).map((e) => withDefaults(schema, typeOf(type, "elem"), e));
    case "map": {
      const [kt, vt] = [typeOf(type, "key"), typeOf(type, "value")];
      return (json as [Json, Json][]).map(([k, v]) => [
        withDefaults(schema, kt, k),
        withDefaults(schema, vt, v),
      ]);
    }
    case "struct":
    case "union":
    case "exception": {
      const struct = schema.struct(type.class ?? "");
      const record = json as { [key: string]: Json };
      const out: { [key: string]: Json } = {};
      for (const f of struct.fields) {
        const v =
          record[f.name] ??
          (f.default === undefined ? undefined : modelDefault(typeOf(f), f.default));
        if (v !== undefined) out[f.name] = withDefaults(schema, typeOf(f), v);
      }
      return out;
    }
    default:
      return json;
  }
}
