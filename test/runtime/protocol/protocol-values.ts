// A generic model of Thrift wire values for the protocol tests: write any value through a
// ProtocolWriter and read it back by its wire type, the way generated codecs will, without a
// generated codec. Also hex helpers for the spec's byte vectors.
import { TType } from "idlc/runtime";
import type { ProtocolReader, ProtocolWriter } from "idlc/runtime";

/** One Thrift value with its wire type. */
export type WireValue =
  | { readonly type: "bool"; readonly value: boolean }
  | { readonly type: "i8" | "i16" | "i32" | "double"; readonly value: number }
  | { readonly type: "i64"; readonly value: bigint }
  | { readonly type: "string" | "uuid"; readonly value: string }
  | { readonly type: "binary"; readonly value: Uint8Array }
  | { readonly type: "struct"; readonly fields: readonly WireField[] }
  | {
      readonly type: "list" | "set";
      readonly element: number;
      readonly items: readonly WireValue[];
    }
  | {
      readonly type: "map";
      readonly key: number;
      readonly value: number;
      readonly entries: readonly (readonly [WireValue, WireValue])[];
    };

/** A struct field: id and value. */
export interface WireField {
  readonly id: number;
  readonly value: WireValue;
}

/** The TType of a wire value (strings and binaries share STRING). */
export function ttypeOf(v: WireValue): number {
  switch (v.type) {
    case "bool":
      return TType.BOOL;
    case "i8":
      return TType.BYTE;
    case "i16":
      return TType.I16;
    case "i32":
      return TType.I32;
    case "i64":
      return TType.I64;
    case "double":
      return TType.DOUBLE;
    case "string":
    case "binary":
      return TType.STRING;
    case "uuid":
      return TType.UUID;
    case "struct":
      return TType.STRUCT;
    case "list":
      return TType.LIST;
    case "set":
      return TType.SET;
    case "map":
      return TType.MAP;
  }
}

/** Writes `v` as a bare value (a struct with its fields and STOP). */
export function writeValue(w: ProtocolWriter, v: WireValue): void {
  switch (v.type) {
    case "bool":
      return w.bool(v.value);
    case "i8":
      return w.i8(v.value);
    case "i16":
      return w.i16(v.value);
    case "i32":
      return w.i32(v.value);
    case "i64":
      return w.i64(v.value);
    case "double":
      return w.double(v.value);
    case "string":
      return w.string(v.value);
    case "binary":
      return w.binary(v.value);
    case "uuid":
      return w.uuid(v.value);
    case "struct":
      w.structBegin();
      for (const f of v.fields) {
        w.field(ttypeOf(f.value), f.id);
        writeValue(w, f.value);
      }
      return w.structEnd();
    case "list":
    case "set":
      if (v.type === "list") w.listBegin(v.element, v.items.length);
      else w.setBegin(v.element, v.items.length);
      for (const item of v.items) writeValue(w, item);
      return;
    case "map":
      w.mapBegin(v.key, v.value, v.entries.length);
      for (const [key, value] of v.entries) {
        writeValue(w, key);
        writeValue(w, value);
      }
      return;
  }
}

/**
 * Reads a value of wire type `type`. The wire does not tell a string from a binary: STRING reads
 * as "binary" where `like` (the value that was written, if known) has a binary, else "string".
 */
export function readValue(r: ProtocolReader, type: number, like?: WireValue): WireValue {
  switch (type) {
    case TType.BOOL:
      return { type: "bool", value: r.bool() };
    case TType.BYTE:
      return { type: "i8", value: r.i8() };
    case TType.I16:
      return { type: "i16", value: r.i16() };
    case TType.I32:
      return { type: "i32", value: r.i32() };
    case TType.I64:
      return { type: "i64", value: r.i64() };
    case TType.DOUBLE:
      return { type: "double", value: r.double() };
    case TType.STRING:
      return like?.type === "binary"
        ? { type: "binary", value: r.binary() }
        : { type: "string", value: r.string() };
    case TType.UUID:
      return { type: "uuid", value: r.uuid() };
    case TType.STRUCT: {
      const fields: WireField[] = [];
      r.structBegin();
      for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
        const id = r.fieldId;
        // Fields come back in the order written (ids may repeat), so the hint is positional.
        const likeField = like?.type === "struct" ? like.fields[fields.length] : undefined;
        fields.push({ id, value: readValue(r, t, likeField?.value) });
      }
      r.structEnd();
      return { type: "struct", fields };
    }
    case TType.LIST:
    case TType.SET: {
      const size = type === TType.LIST ? r.listBegin() : r.setBegin();
      const element = r.elementType;
      const items: WireValue[] = [];
      const likeItems = like?.type === "list" || like?.type === "set" ? like.items : [];
      for (let i = 0; i < size; i++) items.push(readValue(r, element, likeItems[i]));
      r.containerEnd();
      return { type: type === TType.LIST ? "list" : "set", element, items };
    }
    case TType.MAP: {
      const size = r.mapBegin();
      const { keyType: key, valueType: value } = r;
      const entries: [WireValue, WireValue][] = [];
      const likeEntries = like?.type === "map" ? like.entries : [];
      for (let i = 0; i < size; i++)
        entries.push([
          readValue(r, key, likeEntries[i]?.[0]),
          readValue(r, value, likeEntries[i]?.[1]),
        ]);
      r.containerEnd();
      return { type: "map", key, value, entries };
    }
    default:
      r.skip(type); // an unknown type: the reader throws its ProtocolError
      throw new Error(`reader skipped unknown type ${type}`);
  }
}

/** `v` as a reader reports it: an empty map's key and value types are unknown (compact: 0). */
export function asRead(v: WireValue, protocol: "compact" | "binary"): WireValue {
  switch (v.type) {
    case "struct":
      return {
        ...v,
        fields: v.fields.map((f) => ({ id: f.id, value: asRead(f.value, protocol) })),
      };
    case "list":
    case "set":
      return { ...v, items: v.items.map((item) => asRead(item, protocol)) };
    case "map":
      return protocol === "compact" && v.entries.length === 0
        ? { ...v, key: TType.STOP, value: TType.STOP }
        : {
            ...v,
            entries: v.entries.map(([k, x]) => [asRead(k, protocol), asRead(x, protocol)] as const),
          };
    default:
      return v;
  }
}

/** Bytes from spaced hex, e.g. `"15 ac 02 00"`. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, "");
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) throw new Error(`bad hex: ${text}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Spaced lower-case hex of `bytes`, for readable failures. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

// Short constructors for vectors.
export const bool = (value: boolean): WireValue => ({ type: "bool", value });
export const i8 = (value: number): WireValue => ({ type: "i8", value });
export const i16 = (value: number): WireValue => ({ type: "i16", value });
export const i32 = (value: number): WireValue => ({ type: "i32", value });
export const i64 = (value: bigint): WireValue => ({ type: "i64", value });
export const double = (value: number): WireValue => ({ type: "double", value });
export const str = (value: string): WireValue => ({ type: "string", value });
export const bin = (value: Uint8Array): WireValue => ({ type: "binary", value });
export const uuid = (value: string): WireValue => ({ type: "uuid", value });
export const struct = (...fields: [number, WireValue][]): WireValue => ({
  type: "struct",
  fields: fields.map(([id, value]) => ({ id, value })),
});
export const list = (element: number, items: WireValue[]): WireValue => ({
  type: "list",
  element,
  items,
});
export const set = (element: number, items: WireValue[]): WireValue => ({
  type: "set",
  element,
  items,
});
export const map = (key: number, value: number, entries: [WireValue, WireValue][]): WireValue => ({
  type: "map",
  key,
  value,
  entries,
});
/** `n` i8 values 0, 1, … n-1. */
export const bytesList = (n: number): WireValue =>
  list(
    TType.BYTE,
    Array.from({ length: n }, (_, i) => i8(i)),
  );
/** Spaced hex of 0, 1, … n-1. */
export const countingHex = (n: number): string =>
  Array.from({ length: n }, (_, i) => i.toString(16).padStart(2, "0")).join(" ");
