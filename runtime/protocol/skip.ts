// Skipping what a reader does not know, shared by both protocols: the nested types are walked
// through the reader's own calls, so its depth and size limits apply while skipping too
// (compact-protocol.md §7). Each reader skips primitive values itself: only it knows their width.
import { fail } from "./byte-buffer.js";
import type { ProtocolReader } from "./protocol.js";
import { TType } from "./ttype.js";
import { typeName } from "./wire-types.js";

/** Skips one struct, list, set or map; any other type is invalid data at `offset`. */
export function skipNested(r: ProtocolReader, type: number, offset: number): void {
  switch (type) {
    case TType.STRUCT: {
      r.structBegin();
      for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) r.skip(t);
      r.structEnd();
      return;
    }
    case TType.LIST:
    case TType.SET: {
      const size = r.listBegin(); // lists and sets share one header in both protocols
      const elementType = r.elementType;
      for (let i = 0; i < size; i++) r.skip(elementType);
      r.containerEnd();
      return;
    }
    case TType.MAP: {
      const size = r.mapBegin();
      const keyType = r.keyType;
      const valueType = r.valueType;
      for (let i = 0; i < size; i++) {
        r.skip(keyType);
        r.skip(valueType);
      }
      r.containerEnd();
      return;
    }
    default:
      fail("invalid-data", `cannot skip a value of ${typeName(type)}`, offset);
  }
}
