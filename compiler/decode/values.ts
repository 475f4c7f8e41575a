// Values off the wire as JSON: by wire type alone (no IDL), or typed by the checked model (names,
// enums by name, i64 as a decimal string, binary as base64). Reads go through the runtime's
// ProtocolReader, so its size and depth limits (and its byte offsets in errors) apply here too.
import { resolveType, type Field, type Struct, type Type } from "../check/model.js";
import type { ProtocolReader } from "../../runtime/protocol/protocol.js";
import { TType } from "../../runtime/protocol/ttype.js";

/** Short names of the wire types, as the IDL spells them (`typeName` adds the number). */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  [TType.BOOL]: "bool",
  [TType.BYTE]: "i8",
  [TType.DOUBLE]: "double",
  [TType.I16]: "i16",
  [TType.I32]: "i32",
  [TType.I64]: "i64",
  [TType.STRING]: "string",
  [TType.STRUCT]: "struct",
  [TType.MAP]: "map",
  [TType.SET]: "set",
  [TType.LIST]: "list",
  [TType.UUID]: "uuid",
};

function typeName(type: number): string {
  return TYPE_NAMES[type] ?? `type ${type}`;
}

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Standard base64 with padding (RFC 4648 §4). */
export function base64(bytes: Uint8Array): string {
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += abc[n >> 18]! + abc[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? abc[(n >> 6) & 63]! : "=";
    out += i + 2 < bytes.length ? abc[n & 63]! : "=";
  }
  return out;
}

function number(value: number): Json {
  return Number.isFinite(value) ? value : String(value); // NaN and ±Infinity are not JSON
}

/** A struct's fields by id and wire type: `[{ id, type, value }]`. */
export function readUntypedStruct(r: ProtocolReader): Json[] {
  const fields: Json[] = [];
  r.structBegin();
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    const id = r.fieldId;
    fields.push({ id, type: typeName(t), value: readUntyped(r, t) });
  }
  r.structEnd();
  return fields;
}

/** One value by its wire type; a string that is not UTF-8 comes out as `{ base64 }`. */
export function readUntyped(r: ProtocolReader, type: number): Json {
  switch (type) {
    case TType.BOOL:
      return r.bool();
    case TType.BYTE:
      return r.i8();
    case TType.I16:
      return r.i16();
    case TType.I32:
      return r.i32();
    case TType.I64:
      return r.i64().toString();
    case TType.DOUBLE:
      return number(r.double());
    case TType.UUID:
      return r.uuid();
    case TType.STRING: {
      const bytes = r.binary();
      try {
        return utf8.decode(bytes);
      } catch {
        return { base64: base64(bytes) };
      }
    }
    case TType.STRUCT:
      return readUntypedStruct(r);
    case TType.LIST:
    case TType.SET: {
      const size = type === TType.LIST ? r.listBegin() : r.setBegin();
      const element = r.elementType;
      const items: Json[] = [];
      for (let i = 0; i < size; i++) items.push(readUntyped(r, element));
      r.containerEnd();
      return items;
    }
    case TType.MAP: {
      const size = r.mapBegin();
      const [k, v] = [r.keyType, r.valueType];
      const entries: Json[] = [];
      for (let i = 0; i < size; i++) entries.push([readUntyped(r, k), readUntyped(r, v)]);
      r.containerEnd();
      return entries;
    }
    default:
      r.skip(type); // throws the reader's own error, with the offset
      return null;
  }
}

/** The TType a model type travels as. */
export function wireType(type: Type): number {
  const t = resolveType(type);
  switch (t.kind) {
    case "base":
      return BASE_TTYPES[t.name];
    case "enum":
      return TType.I32;
    case "struct":
      return TType.STRUCT;
    case "list":
      return TType.LIST;
    case "set":
      return TType.SET;
    case "map":
      return TType.MAP;
    case "unresolved":
      return -1;
  }
}

const BASE_TTYPES = {
  bool: TType.BOOL,
  i8: TType.BYTE,
  i16: TType.I16,
  i32: TType.I32,
  i64: TType.I64,
  double: TType.DOUBLE,
  string: TType.STRING,
  binary: TType.STRING,
  uuid: TType.UUID,
} as const;

/**
 * A struct's fields by name, typed by `fields`. A field the model does not know, or that arrives
 * with another wire type, is kept by id (`"#7"`) with its wire type, so nothing is hidden.
 */
export function readTypedFields(
  r: ProtocolReader,
  fields: readonly Pick<Field, "id" | "name" | "type">[],
): { [key: string]: Json } {
  const out = Object.create(null) as { [key: string]: Json }; // a field may be named __proto__
  const byId = new Map(fields.map((f) => [f.id, f]));
  r.structBegin();
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    const field = byId.get(r.fieldId);
    if (field !== undefined && wireType(field.type) === t) {
      out[field.name] = readTyped(r, field.type);
    } else {
      const id = r.fieldId;
      const note =
        field === undefined ? "unknown field" : `"${field.name}" arrived as ${typeName(t)}`;
      out[`#${id}`] = { type: typeName(t), note, value: readUntyped(r, t) };
    }
  }
  r.structEnd();
  return out;
}

/** A struct value: its fields by name; a union is `{ member: value }` (one member, as sent). */
function readStruct(r: ProtocolReader, s: Struct): Json {
  return readTypedFields(r, s.fields);
}

/** One value, typed by the model; a container whose element type differs is read untyped. */
export function readTyped(r: ProtocolReader, type: Type): Json {
  const t = resolveType(type);
  switch (t.kind) {
    case "base":
      if (t.name === "binary") return base64(r.binary());
      if (t.name === "string") return r.string();
      return readUntyped(r, BASE_TTYPES[t.name]);
    case "enum": {
      const n = r.i32();
      return t.definition.values.find((v) => v.value === n)?.name ?? n;
    }
    case "struct":
      return readStruct(r, t.definition);
    case "list":
    case "set": {
      const size = t.kind === "list" ? r.listBegin() : r.setBegin();
      const typed = r.elementType === wireType(t.element);
      const element = r.elementType;
      const items: Json[] = [];
      for (let i = 0; i < size; i++)
        items.push(typed ? readTyped(r, t.element) : readUntyped(r, element));
      r.containerEnd();
      return items;
    }
    case "map": {
      const size = r.mapBegin();
      const [k, v] = [r.keyType, r.valueType];
      // An empty compact map carries no key and value types: nothing to disagree with.
      const typed = size === 0 || (k === wireType(t.key) && v === wireType(t.value));
      const key = resolveType(t.key);
      // String and enum keys make a JSON object; any other key type a list of [key, value].
      const asObject =
        typed && (key.kind === "enum" || (key.kind === "base" && key.name === "string"));
      const object = Object.create(null) as { [key: string]: Json };
      const pairs: Json[] = [];
      for (let i = 0; i < size; i++) {
        const kv = typed ? readTyped(r, t.key) : readUntyped(r, k);
        const vv = typed ? readTyped(r, t.value) : readUntyped(r, v);
        if (asObject) object[String(kv)] = vv;
        else pairs.push([kv, vv]);
      }
      r.containerEnd();
      return asObject ? object : pairs;
    }
    case "unresolved":
      return null;
  }
}
