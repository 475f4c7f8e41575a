// What npm thrift 0.24 (with `thrift --gen js:node,es6` 0.17 code) cannot represent or gets
// wrong, found by harness.test.ts; values sent through npm thrift avoid these, and the harness
// asserts each bug still exists (so the workarounds go when npm fixes them).
//  1. -0 doubles are written as +0 (compact and binary `writeDouble` test `v < 0`).
//  2. map<i64,…> keys are JS object keys: read through a JS number (inexact beyond 2^53), and
//     TBinaryProtocol.writeI64 parses the string key as hex ("10" → 16). Only keys 0–9 survive
//     both protocols.
//  3. TCompactProtocol.readBool outside a field header reads `trans.readByte().value`, which is
//     undefined, so every bool list/set element and map value reads as false.
//  4. TApplicationException is written without its type field (rpc.md §6).
//  5. THeader: clients never write the header frame (generated send_* flush the transport, not
//     THeaderProtocol); a server answers a handler that completes asynchronously without it
//     (node/server.cjs and node/client.cjs work around both).
import type { JsonArbitraryOptions } from "./arbitrary-json.js";
import { type Json, type Schema, type ThriftType, typeOf } from "./json-mapping.js";

/** Arbitrary options for values npm thrift must write or read. */
export const NPM_SAFE: JsonArbitraryOptions = {
  negativeZero: false,
  i64MapKeys: "digit",
  trueElements: false,
};

/** `json` with what npm thrift cannot carry replaced (limits 1–3); throws on unfixable keys. */
export function npmSafe(schema: Schema, type: ThriftType, json: Json): Json {
  const element = (t: ThriftType, e: Json): Json =>
    t.typeId === "bool" ? false : npmSafe(schema, t, e);
  switch (type.typeId) {
    case "double":
      return json === "-0" ? 0 : json;
    case "list":
      return (json as Json[]).map((e) => element(typeOf(type, "elem"), e));
    case "set": {
      const elem = typeOf(type, "elem");
      const items = (json as Json[]).map((e) => element(elem, e));
      return items.filter(
        (e, i) => items.findIndex((x) => JSON.stringify(x) === JSON.stringify(e)) === i,
      );
    }
    case "map": {
      const [kt, vt] = [typeOf(type, "key"), typeOf(type, "value")];
      return (json as [Json, Json][]).map(([k, v]) => {
        if (kt.typeId === "i64" && !/^[0-9]$/.test(String(k)))
          throw new Error(`npm thrift cannot carry map<i64,…> key ${String(k)}`);
        return [npmSafe(schema, kt, k), element(vt, v)];
      });
    }
    case "struct":
    case "union":
    case "exception": {
      const struct = schema.struct(type.class ?? "");
      const record = json as { [key: string]: Json };
      const out: { [key: string]: Json } = {};
      for (const f of struct.fields) {
        const v = record[f.name];
        if (v !== undefined) out[f.name] = npmSafe(schema, typeOf(f), v);
      }
      return out;
    }
    default:
      return json;
  }
}
