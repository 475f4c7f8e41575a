// Tables about wire types both protocols share: the compact protocol's 4-bit ids and the least
// number of bytes one value of each type occupies, which bounds what a declared container size
// can honestly claim before anything is allocated for it.
import { TType } from "./ttype.js";

/** Compact type id for each TType (index), -1 where the TType has none (compact-protocol.md §2). */
export const COMPACT_TYPE_OF: Int8Array = (() => {
  const table = new Int8Array(17).fill(-1);
  table[TType.STOP] = 0;
  table[TType.BOOL] = 1; // the element type of bool containers; bool fields use 1 or 2
  table[TType.BYTE] = 3;
  table[TType.I16] = 4;
  table[TType.I32] = 5;
  table[TType.I64] = 6;
  table[TType.DOUBLE] = 7;
  table[TType.STRING] = 8;
  table[TType.LIST] = 9;
  table[TType.SET] = 10;
  table[TType.MAP] = 11;
  table[TType.STRUCT] = 12;
  table[TType.UUID] = 13;
  return table;
})();

/** TType for each compact type id (index 0–15), -1 for the unused ids 14 and 15. */
export const TTYPE_OF_COMPACT: Int8Array = Int8Array.from([
  TType.STOP,
  TType.BOOL, // BOOLEAN_TRUE
  TType.BOOL, // BOOLEAN_FALSE
  TType.BYTE,
  TType.I16,
  TType.I32,
  TType.I64,
  TType.DOUBLE,
  TType.STRING,
  TType.LIST,
  TType.SET,
  TType.MAP,
  TType.STRUCT,
  TType.UUID,
  -1,
  -1,
]);

/** Fewest bytes one compact value of each TType takes (index), 0 for types that have no value. */
export const COMPACT_MIN_BYTES: Uint8Array = minBytes({
  double: 8,
  i16: 1,
  i32: 1,
  i64: 1,
  string: 1,
  map: 1,
  list: 1,
});

/** Fewest bytes one binary value of each TType takes (index), 0 for types that have no value. */
export const BINARY_MIN_BYTES: Uint8Array = minBytes({
  double: 8,
  i16: 2,
  i32: 4,
  i64: 8,
  string: 4,
  map: 6,
  list: 5,
});

function minBytes(sizes: {
  double: number;
  i16: number;
  i32: number;
  i64: number;
  string: number;
  map: number;
  list: number;
}): Uint8Array {
  const table = new Uint8Array(17);
  table[TType.BOOL] = 1;
  table[TType.BYTE] = 1;
  table[TType.DOUBLE] = sizes.double;
  table[TType.I16] = sizes.i16;
  table[TType.I32] = sizes.i32;
  table[TType.I64] = sizes.i64;
  table[TType.STRING] = sizes.string;
  table[TType.STRUCT] = 1; // at least its STOP byte
  table[TType.MAP] = sizes.map;
  table[TType.SET] = sizes.list;
  table[TType.LIST] = sizes.list;
  table[TType.UUID] = 16;
  return table;
}

/** A readable name for a TType in messages, e.g. `i32 (8)`. */
export function typeName(type: number): string {
  const names: Record<number, string> = {
    0: "stop",
    1: "void",
    2: "bool",
    3: "i8",
    4: "double",
    6: "i16",
    8: "i32",
    10: "i64",
    11: "string",
    12: "struct",
    13: "map",
    14: "set",
    15: "list",
    16: "uuid",
  };
  return `${names[type] ?? "unknown type"} (${type})`;
}
