// Unframed messages have no length (rpc.md §8.1): the only way to find where one ends is to walk
// its header and argument struct. This scanner walks them by wire type, without building values
// and without throwing: it answers "ends at byte N", "need more bytes (at least up to M)" or
// "invalid, because …". Pure: no Node API. Layouts: binary-protocol.md §1–5, compact-protocol.md
// §2–8.
import { TType, type ProtocolName } from "../protocol/ttype.js";
import { readInt32 } from "./frame-decoder.js";

/** `scan()` result: the message is not complete yet; `needed` says how far it reaches at least. */
export const NEED_MORE = -1;
/** `scan()` result: the bytes are not a message; `error` says why. */
export const INVALID = -2;

/** Bytes of a binary value of a fixed-width type, or 0 when its width varies. */
function binaryWidth(type: number): number {
  switch (type) {
    case TType.BOOL:
    case TType.BYTE:
      return 1;
    case TType.I16:
      return 2;
    case TType.I32:
      return 4;
    case TType.DOUBLE:
    case TType.I64:
      return 8;
    case TType.UUID:
      return 16;
    default:
      return 0;
  }
}

/** Bytes of a compact container element of a fixed-width type, or 0 when its width varies. */
function compactElementWidth(type: number): number {
  switch (type) {
    case 1: // BOOLEAN_TRUE: a bool element is one byte
    case 2: // BOOLEAN_FALSE
    case 3: // BYTE
      return 1;
    case 7: // DOUBLE
      return 8;
    case 13: // UUID
      return 16;
    default:
      return 0;
  }
}

/** Finds the end of one unframed message (header + struct) in either protocol. */
export class MessageScanner {
  readonly protocol: ProtocolName;
  readonly maxDepth: number;
  /** After NEED_MORE: the message reaches at least this offset. */
  needed = 0;
  /** After INVALID: what was wrong, and at which offset. */
  error = "";

  private bytes: Uint8Array = new Uint8Array(0);
  private end = 0;
  private p = 0;
  private status = 0;

  constructor(protocol: ProtocolName, maxDepth: number) {
    this.protocol = protocol;
    this.maxDepth = maxDepth;
  }

  /** Returns the end offset of the message starting at `start`, NEED_MORE or INVALID. */
  scan(bytes: Uint8Array, start: number, end: number): number {
    this.bytes = bytes;
    this.end = end;
    this.p = start;
    this.status = 0;
    const ok = this.protocol === "binary" ? this.binaryMessage() : this.compactMessage();
    return ok ? this.p : this.status;
  }

  private more(n: number): boolean {
    if (this.p + n <= this.end) return true;
    this.needed = this.p + n;
    this.status = NEED_MORE;
    return false;
  }

  private advance(n: number): boolean {
    if (!this.more(n)) return false;
    this.p += n;
    return true;
  }

  private invalid(why: string): false {
    this.error = `${why} (at byte ${this.p})`;
    this.status = INVALID;
    return false;
  }

  // ---- binary (binary-protocol.md) ----

  private binaryMessage(): boolean {
    if (!this.more(4)) return false;
    const first = readInt32(this.bytes, this.p);
    if (first < 0) {
      // Strict header: 80 01 00 TT, name, seqid (§5).
      if ((first & 0xffff0000) !== (0x80010000 | 0))
        return this.invalid(`bad binary message version 0x${(first >>> 0).toString(16)}`);
      const type = first & 0xff;
      if (type < 1 || type > 4) return this.invalid(`invalid message type ${type}`);
      this.p += 4;
      if (!this.binaryString()) return false;
      if (!this.advance(4)) return false;
    } else {
      // Old header: name, i8 type, seqid.
      if (!this.binaryString()) return false;
      if (!this.more(1)) return false;
      const type = this.bytes[this.p]!;
      if (type < 1 || type > 4) return this.invalid(`invalid message type ${type}`);
      if (!this.advance(5)) return false;
    }
    return this.binaryValue(TType.STRUCT, 0);
  }

  private binaryString(): boolean {
    if (!this.more(4)) return false;
    const length = readInt32(this.bytes, this.p);
    if (length < 0) return this.invalid(`negative length ${length}`);
    return this.advance(4 + length);
  }

  private binaryValue(type: number, depth: number): boolean {
    const width = binaryWidth(type);
    if (width > 0) return this.advance(width);
    switch (type) {
      case TType.STRING:
        return this.binaryString();
      case TType.STRUCT: {
        if (depth >= this.maxDepth) return this.invalid(`nesting deeper than ${this.maxDepth}`);
        for (;;) {
          if (!this.more(1)) return false;
          const fieldType = this.bytes[this.p]!;
          if (fieldType === TType.STOP) {
            this.p += 1;
            return true;
          }
          if (!this.advance(3)) return false; // type, i16 id
          if (!this.binaryValue(fieldType, depth + 1)) return false;
        }
      }
      case TType.MAP: {
        if (depth >= this.maxDepth) return this.invalid(`nesting deeper than ${this.maxDepth}`);
        if (!this.more(6)) return false;
        const keyType = this.bytes[this.p]!;
        const valueType = this.bytes[this.p + 1]!;
        const size = readInt32(this.bytes, this.p + 2);
        if (size < 0) return this.invalid(`negative map size ${size}`);
        this.p += 6;
        return this.binaryElements(size, keyType, valueType, depth + 1);
      }
      case TType.SET:
      case TType.LIST: {
        if (depth >= this.maxDepth) return this.invalid(`nesting deeper than ${this.maxDepth}`);
        if (!this.more(5)) return false;
        const elementType = this.bytes[this.p]!;
        const size = readInt32(this.bytes, this.p + 1);
        if (size < 0) return this.invalid(`negative list size ${size}`);
        this.p += 5;
        return this.binaryElements(size, elementType, -1, depth + 1);
      }
      default:
        return this.invalid(`unknown type id ${type}`);
    }
  }

  /** `size` elements (or key/value pairs when `valueType >= 0`). */
  private binaryElements(size: number, type: number, valueType: number, depth: number): boolean {
    if (size === 0) return true;
    const keyWidth = binaryWidth(type);
    const valueWidth = valueType >= 0 ? binaryWidth(valueType) : 0;
    if (keyWidth > 0 && (valueType < 0 || valueWidth > 0))
      return this.advance(size * (keyWidth + valueWidth));
    for (let i = 0; i < size; i++) {
      if (!this.binaryValue(type, depth)) return false;
      if (valueType >= 0 && !this.binaryValue(valueType, depth)) return false;
    }
    return true;
  }

  // ---- compact (compact-protocol.md) ----

  private compactMessage(): boolean {
    if (!this.more(2)) return false;
    if (this.bytes[this.p] !== 0x82)
      return this.invalid(`bad compact protocol id 0x${this.bytes[this.p]!.toString(16)}`);
    const second = this.bytes[this.p + 1]!;
    if ((second & 0x1f) !== 1) return this.invalid(`bad compact version ${second & 0x1f}`);
    const type = (second >> 5) & 0x07;
    if (type < 1 || type > 4) return this.invalid(`invalid message type ${type}`);
    this.p += 2;
    if (this.varint(5) < 0) return false; // seqid
    if (!this.compactString()) return false;
    return this.compactValue(12, 0, false);
  }

  /** Reads a varint of at most `maxBytes` bytes; its value (exact below 2^53), or -1. */
  private varint(maxBytes: number): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < maxBytes; i++) {
      if (!this.more(1)) return -1;
      const b = this.bytes[this.p++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    this.invalid(`varint longer than ${maxBytes} bytes`);
    return -1;
  }

  private compactString(): boolean {
    const length = this.varint(5);
    if (length < 0) return false;
    if (length > 0x7fffffff) return this.invalid(`negative length ${length | 0}`);
    return this.advance(length);
  }

  /** Skips a value of compact type `type`; a bool field (`inField`) has no value bytes. */
  private compactValue(type: number, depth: number, inField: boolean): boolean {
    switch (type) {
      case 1:
      case 2:
        return inField ? true : this.advance(1);
      case 3:
        return this.advance(1);
      case 4:
      case 5:
        return this.varint(5) >= 0;
      case 6:
        return this.varint(10) >= 0;
      case 7:
        return this.advance(8);
      case 8:
        return this.compactString();
      case 13:
        return this.advance(16);
      case 12: {
        if (depth >= this.maxDepth) return this.invalid(`nesting deeper than ${this.maxDepth}`);
        for (;;) {
          if (!this.more(1)) return false;
          const header = this.bytes[this.p++]!;
          if (header === 0) return true;
          if (header >> 4 === 0 && this.varint(5) < 0) return false; // long form: zigzag id
          if (!this.compactValue(header & 0x0f, depth + 1, true)) return false;
        }
      }
      case 9:
      case 10: {
        if (depth >= this.maxDepth) return this.invalid(`nesting deeper than ${this.maxDepth}`);
        if (!this.more(1)) return false;
        const header = this.bytes[this.p++]!;
        let size = header >> 4;
        if (size === 15) {
          size = this.varint(5);
          if (size < 0) return false;
          if (size > 0x7fffffff) return this.invalid(`negative list size ${size | 0}`);
        }
        return this.compactElements(size, header & 0x0f, -1, depth + 1);
      }
      case 11: {
        if (depth >= this.maxDepth) return this.invalid(`nesting deeper than ${this.maxDepth}`);
        const size = this.varint(5);
        if (size < 0) return false;
        if (size > 0x7fffffff) return this.invalid(`negative map size ${size | 0}`);
        if (size === 0) return true;
        if (!this.more(1)) return false;
        const types = this.bytes[this.p++]!;
        return this.compactElements(size, types >> 4, types & 0x0f, depth + 1);
      }
      default:
        return this.invalid(`unknown compact type id ${type}`);
    }
  }

  /** `size` elements (or key/value pairs when `valueType >= 0`). */
  private compactElements(size: number, type: number, valueType: number, depth: number): boolean {
    if (size === 0) return true;
    const keyWidth = compactElementWidth(type);
    const valueWidth = valueType >= 0 ? compactElementWidth(valueType) : 0;
    if (keyWidth > 0 && (valueType < 0 || valueWidth > 0))
      return this.advance(size * (keyWidth + valueWidth));
    for (let i = 0; i < size; i++) {
      if (!this.compactValue(type, depth, false)) return false;
      if (valueType >= 0 && !this.compactValue(valueType, depth, false)) return false;
    }
    return true;
  }
}
