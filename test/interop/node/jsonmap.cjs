// The JSON mapping of the interop tests, for npm thrift 0.24 with `thrift --gen js:node,es6`
// code. The mapping itself is documented once, in ../py/jsonmap.py; this file mirrors it.
//
// How npm thrift holds values: i64 as node-int64 `Int64`; binary as Buffer; set as an array;
// map as a plain object whose keys are strings (so map<i64,…> keys go through Int64#toString,
// which is a JS number: keys beyond 2^53 are not exact, and TBinaryProtocol.writeI64 parses a
// string key as *hex*: npm thrift cannot write map<i64,…> in binary correctly).
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const thrift = require("thrift");

/** Struct definitions from `thrift --gen json`, with the classes js:node,es6 generated. */
class Schema {
  constructor(genDir, modelPaths) {
    this.structs = new Map();
    this.classes = new Map();
    for (const modelPath of modelPaths) {
      const model = JSON.parse(fs.readFileSync(modelPath, "utf8"));
      const types = require(path.resolve(genDir, `${model.name}_types.js`));
      for (const struct of model.structs) {
        if (this.structs.has(struct.name))
          throw new Error(`struct ${struct.name} is defined twice`);
        this.structs.set(struct.name, struct);
        this.classes.set(struct.name, types[struct.name]);
      }
    }
  }

  struct(name) {
    const bare = name.split(".").pop();
    const struct = this.structs.get(bare);
    if (!struct) throw new Error(`unknown struct ${JSON.stringify(name)}`);
    return { struct, cls: this.classes.get(bare) };
  }
}

function typeOf(desc, prefix) {
  const typeId = prefix ? desc[`${prefix}TypeId`] : desc.typeId;
  const nested = prefix ? desc[`${prefix}Type`] : desc.type;
  if (["struct", "union", "exception", "list", "set", "map"].includes(typeId)) return nested;
  return { typeId };
}

function intFromJson(v, bits) {
  if (typeof v !== "number" || !Number.isInteger(v))
    throw new Error(`expected an integer, got ${JSON.stringify(v)}`);
  const limit = 2 ** (bits - 1);
  if (v < -limit || v >= limit) throw new Error(`${v} does not fit in i${bits}`);
  return v;
}

function doubleFromJson(v) {
  if (typeof v === "number") return v;
  const specials = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };
  if (typeof v === "string" && v in specials) return specials[v];
  throw new Error(`bad double ${JSON.stringify(v)}`);
}

function doubleToJson(v) {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  if (Object.is(v, -0)) return "-0";
  return v;
}

/** The key string npm thrift's generated code uses for a map key of type `t`. */
function mapKeyToJs(schema, t, k) {
  switch (t.typeId) {
    case "i64":
      // what Int64#toString gives when reading; parseInt/BigInt accept it when writing
      return String(BigInt(k));
    case "string":
    case "bool":
    case "i8":
    case "i16":
    case "i32":
    case "double":
      return String(fromJson(schema, t, k));
    default:
      throw new Error(`npm thrift cannot hold map keys of type ${t.typeId}`);
  }
}

function mapKeyFromJs(t, k) {
  switch (t.typeId) {
    case "i64":
      if (!/^-?\d+$/.test(k)) throw new Error(`npm thrift map<i64,…> key ${k} is not exact`);
      return k;
    case "string":
      return k;
    case "bool":
      return k === "true";
    case "i8":
    case "i16":
    case "i32":
      return Number(k);
    case "double":
      return doubleToJson(Number(k));
    default:
      throw new Error(`npm thrift cannot hold map keys of type ${t.typeId}`);
  }
}

/** JSON value → what npm thrift's generated code expects. */
function fromJson(schema, t, v) {
  switch (t.typeId) {
    case "bool":
      if (typeof v !== "boolean") throw new Error(`expected a bool, got ${JSON.stringify(v)}`);
      return v;
    case "i8":
      return intFromJson(v, 8);
    case "i16":
      return intFromJson(v, 16);
    case "i32":
      return intFromJson(v, 32);
    case "i64": {
      if (typeof v !== "string")
        throw new Error(`i64 must be a decimal string, got ${JSON.stringify(v)}`);
      const big = BigInt(v);
      if (BigInt.asIntN(64, big) !== big) throw new Error(`${v} does not fit in i64`);
      return thrift.fromBigInt(big);
    }
    case "double":
      return doubleFromJson(v);
    case "string":
      if (typeof v !== "string") throw new Error(`expected a string, got ${JSON.stringify(v)}`);
      return v;
    case "binary":
      return Buffer.from(v, "hex");
    case "list":
    case "set":
      return v.map((e) => fromJson(schema, typeOf(t, "elem"), e));
    case "map": {
      const out = {};
      for (const [k, x] of v) {
        out[mapKeyToJs(schema, typeOf(t, "key"), k)] = fromJson(schema, typeOf(t, "value"), x);
      }
      return out;
    }
    case "struct":
    case "union":
    case "exception":
      return structFromJson(schema, t.class, v);
    default:
      throw new Error(`unsupported type ${t.typeId}`);
  }
}

function structFromJson(schema, name, v) {
  const { struct, cls } = schema.struct(name);
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new Error(`${name}: expected an object`);
  const known = new Set(struct.fields.map((f) => f.name));
  const extra = Object.keys(v).filter((k) => !known.has(k));
  if (extra.length > 0) throw new Error(`${name} has no field(s) ${extra.join(", ")}`);
  const args = {};
  for (const field of struct.fields) {
    if (field.name in v) args[field.name] = fromJson(schema, typeOf(field), v[field.name]);
  }
  const obj = new cls(args);
  // the constructor applies IDL defaults; the JSON says exactly what is written
  for (const field of struct.fields) if (!(field.name in v)) obj[field.name] = null;
  return obj;
}

function sortKey(json) {
  if (typeof json === "boolean") return [0, Number(json), ""];
  if (typeof json === "number") return [1, json, ""];
  return [2, 0, JSON.stringify(json)];
}

function compareKeys(a, b) {
  for (let i = 0; i < 3; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

function sortByJson(items, keyOf) {
  return items.sort((x, y) => compareKeys(sortKey(keyOf(x)), sortKey(keyOf(y))));
}

/** A value npm thrift produced → JSON. */
function toJson(schema, t, v) {
  switch (t.typeId) {
    case "bool":
      return Boolean(v);
    case "i8":
    case "i16":
    case "i32":
      return Number(v);
    case "i64":
      return v instanceof thrift.Int64 ? thrift.toBigInt(v).toString() : String(BigInt(v));
    case "double":
      return doubleToJson(v);
    case "string":
      return Buffer.isBuffer(v) ? v.toString("utf8") : v;
    case "binary":
      return Buffer.from(v).toString("hex");
    case "list":
      return v.map((e) => toJson(schema, typeOf(t, "elem"), e));
    case "set":
      return sortByJson(
        v.map((e) => toJson(schema, typeOf(t, "elem"), e)),
        (j) => j,
      );
    case "map": {
      const kt = typeOf(t, "key");
      const vt = typeOf(t, "value");
      const pairs = Object.keys(v).map((k) => [mapKeyFromJs(kt, k), toJson(schema, vt, v[k])]);
      return sortByJson(pairs, (p) => p[0]);
    }
    case "struct":
    case "union":
    case "exception":
      return structToJson(schema, t.class, v);
    default:
      throw new Error(`unsupported type ${t.typeId}`);
  }
}

function structToJson(schema, name, obj) {
  const { struct } = schema.struct(name);
  const out = {};
  for (const field of struct.fields) {
    const value = obj[field.name];
    if (value !== null && value !== undefined)
      out[field.name] = toJson(schema, typeOf(field), value);
  }
  return out;
}

module.exports = { Schema, typeOf, fromJson, toJson, structFromJson, structToJson };
