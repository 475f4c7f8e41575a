// The compact protocol (compact-protocol.md): zigzag varints, 4-bit type ids, field ids as
// deltas from the previous field, bool fields folded into their header, little-endian doubles.
import type { MessageHeader, ProtocolReader, ProtocolWriter } from "./protocol.js";
import type { MessageType } from "./ttype.js";
import { ByteReader } from "./byte-reader.js";
import { skipNested } from "./skip.js";
import { TType } from "./ttype.js";
import {
  INITIAL_CAPACITY,
  MAX_RETAINED_CAPACITY,
  badValue,
  copyOut,
  fail,
  grow,
  highHalf,
  joinI64,
  lowHalf,
  readDouble,
  splitI64,
  truncated,
  writeDouble,
} from "./byte-buffer.js";
import { readUtf8, writeUtf8 } from "./utf8.js";
import { writeUuid } from "./uuid.js";
import { COMPACT_MIN_BYTES, COMPACT_TYPE_OF, TTYPE_OF_COMPACT } from "./wire-types.js";

/** First byte of every compact message (§8). */
const PROTOCOL_ID = 0x82;
/** The version in the low 5 bits of the second byte (§8). */
const VERSION = 1;

/** Bytes of the unsigned varint for `n` (0 ≤ n < 2^32). */
function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Writes compact-encoded values into one growing buffer; reuse it with `reset()`. */
export class CompactWriter implements ProtocolWriter {
  readonly protocol = "compact" as const;
  private buf: Uint8Array = new Uint8Array(INITIAL_CAPACITY);
  private pos = 0;
  /** Id of the last field written in the current struct (§4.4). */
  private lastId = 0;
  /** Saved `lastId`s of the enclosing structs; `depth` entries are in use. */
  private readonly lastIds: number[] = [];
  private depth = 0;
  /** A bool field's header waits for its value (§4.3): its id, or NaN when none is pending. */
  private pendingBoolId = Number.NaN;

  get length(): number {
    return this.pos;
  }

  reset(): void {
    if (this.buf.length > MAX_RETAINED_CAPACITY) this.buf = new Uint8Array(INITIAL_CAPACITY);
    this.pos = 0;
    this.lastId = 0;
    this.depth = 0;
    this.pendingBoolId = Number.NaN;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written; small ones share a pooled ArrayBuffer (see `copyOut`). */
  finish(): Uint8Array {
    return copyOut(this.buf, this.pos);
  }

  messageBegin(name: string, type: MessageType, seqid: number): void {
    if (type !== 1 && type !== 2 && type !== 3 && type !== 4)
      badValue("message type", type, "1 (CALL), 2 (REPLY), 3 (EXCEPTION) or 4 (ONEWAY)");
    if ((seqid | 0) !== seqid) badValue("seqid", seqid, "an i32");
    this.ensure(7);
    this.buf[this.pos++] = PROTOCOL_ID;
    this.buf[this.pos++] = (type << 5) | VERSION;
    // The seqid travels as the unsigned varint of its 32-bit pattern, not zigzagged (§8).
    this.varint(seqid >>> 0);
    this.string(name);
  }

  structBegin(): void {
    this.lastIds[this.depth++] = this.lastId;
    this.lastId = 0;
  }

  field(type: number, id: number): void {
    if (type === TType.BOOL) {
      this.pendingBoolId = id;
      return;
    }
    const compactType = COMPACT_TYPE_OF[type] ?? -1;
    if (compactType <= 0) badValue("field type", type, "a TType other than STOP and VOID");
    this.fieldHeader(compactType, id);
  }

  /** Short form when the id is 1–15 above the last one, else the type then a zigzag id (§4.1–4.2). */
  private fieldHeader(compactType: number, id: number): void {
    this.ensure(6);
    const delta = id - this.lastId;
    if (delta > 0 && delta <= 15) {
      this.buf[this.pos++] = (delta << 4) | compactType;
    } else {
      this.buf[this.pos++] = compactType;
      this.varint(((id << 1) ^ (id >> 31)) >>> 0);
    }
    this.lastId = id;
  }

  structEnd(): void {
    this.ensure(1);
    this.buf[this.pos++] = 0; // STOP
    this.lastId = this.depth > 0 ? this.lastIds[--this.depth]! : 0;
  }

  listBegin(elementType: number, size: number): void {
    this.collectionBegin(elementType, size);
  }

  setBegin(elementType: number, size: number): void {
    this.collectionBegin(elementType, size);
  }

  /** Size 0–14 in the high nibble, else `F` and a varint size (§5). */
  private collectionBegin(elementType: number, size: number): void {
    const compactType = COMPACT_TYPE_OF[elementType] ?? -1;
    if (compactType <= 0) badValue("element type", elementType, "a TType other than STOP and VOID");
    if (size >>> 0 !== size || size > 0x7fffffff) badValue("size", size, "a count in [0, 2^31)");
    this.ensure(6);
    if (size <= 14) {
      this.buf[this.pos++] = (size << 4) | compactType;
    } else {
      this.buf[this.pos++] = 0xf0 | compactType;
      this.varint(size);
    }
  }

  /** An empty map is the single byte `00`; else varint size, then key and value types (§6). */
  mapBegin(keyType: number, valueType: number, size: number): void {
    const key = COMPACT_TYPE_OF[keyType] ?? -1;
    const value = COMPACT_TYPE_OF[valueType] ?? -1;
    if (key <= 0) badValue("map key type", keyType, "a TType other than STOP and VOID");
    if (value <= 0) badValue("map value type", valueType, "a TType other than STOP and VOID");
    if (size >>> 0 !== size || size > 0x7fffffff) badValue("size", size, "a count in [0, 2^31)");
    this.ensure(6);
    if (size === 0) {
      this.buf[this.pos++] = 0;
      return;
    }
    this.varint(size);
    this.buf[this.pos++] = (key << 4) | value;
  }

  bool(value: boolean): void {
    if (value !== true && value !== false) badValue("bool", value, "true or false");
    const id = this.pendingBoolId;
    if (id === id) {
      // Not NaN: this completes a bool field's header, type 1 (true) or 2 (false).
      this.pendingBoolId = Number.NaN;
      this.fieldHeader(value ? 1 : 2, id);
      return;
    }
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 2; // a bool element: 01 true, 02 false (§3)
  }

  i8(value: number): void {
    if ((value << 24) >> 24 !== value) badValue("i8", value, "an integer in [-128, 127]");
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  i16(value: number): void {
    if ((value << 16) >> 16 !== value) badValue("i16", value, "an integer in [-32768, 32767]");
    this.ensure(3);
    this.varint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** Zigzag, then a varint of 7 bits per byte, low bits first (§1). */
  i32(value: number): void {
    if ((value | 0) !== value) badValue("i32", value, "an integer in [-2^31, 2^31 - 1]");
    this.ensure(5);
    this.varint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** Zigzag over 64 bits computed on two 32-bit halves; no BigInt arithmetic. */
  i64(value: bigint): void {
    splitI64(value);
    const valueLow = lowHalf();
    const valueHigh = highHalf();
    const sign = valueHigh >> 31;
    let low = ((valueLow << 1) ^ sign) >>> 0;
    let high = (((valueHigh << 1) | (valueLow >>> 31)) ^ sign) >>> 0;
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (high !== 0) {
      buf[pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    while (low > 0x7f) {
      buf[pos++] = (low & 0x7f) | 0x80;
      low >>>= 7;
    }
    buf[pos++] = low;
    this.pos = pos;
  }

  /** 8 bytes little-endian, unlike binary (§3). */
  double(value: number): void {
    if (typeof value !== "number") badValue("double", value, "a number");
    this.ensure(8);
    writeDouble(this.buf, this.pos, value, true);
    this.pos += 8;
  }

  /** Varint byte length, then UTF-8. The prefix is sized for ASCII (bytes = UTF-16 units) and
   * the bytes moved in the rare case that non-ASCII makes the length need a longer varint. */
  string(value: string): void {
    if (typeof value !== "string") badValue("string", value, "a string");
    const length = value.length;
    this.ensure(5 + length * 3);
    const buf = this.buf;
    if (length < 0x80) {
      // Most strings: a one-byte prefix, stored after the bytes once their count is known.
      const at = this.pos;
      const end = writeUtf8(buf, at + 1, value);
      const byteLength = end - at - 1;
      if (byteLength < 0x80) {
        buf[at] = byteLength;
        this.pos = end;
        return;
      }
      // Non-ASCII took it to 128 bytes or more: a two-byte prefix, so the bytes move by one.
      buf.copyWithin(at + 2, at + 1, end);
      this.varint(byteLength);
      this.pos += byteLength;
      return;
    }
    const prefix = varintSize(length);
    const start = this.pos + prefix;
    const end = writeUtf8(buf, start, value);
    const byteLength = end - start;
    const actualPrefix = varintSize(byteLength);
    if (actualPrefix !== prefix) buf.copyWithin(this.pos + actualPrefix, start, end);
    this.varint(byteLength);
    this.pos += byteLength;
  }

  binary(value: Uint8Array): void {
    if (!(value instanceof Uint8Array)) badValue("binary", value, "a Uint8Array");
    this.ensure(5 + value.length);
    this.varint(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  uuid(value: string): void {
    this.ensure(16);
    writeUuid(this.buf, this.pos, value);
    this.pos += 16;
  }

  /** Writes `n` (0 ≤ n < 2^32) as a varint; the caller ensured 5 bytes of room. */
  private varint(n: number): void {
    const buf = this.buf;
    let pos = this.pos;
    while (n > 0x7f) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.buf = grow(this.buf, this.pos, bytes);
  }
}

/** Reads compact-encoded values from `bytes[start, end)`; reuse it with `reset()`. */
export class CompactReader extends ByteReader implements ProtocolReader {
  readonly protocol = "compact" as const;
  /** Id of the last field read in the current struct, and the saved ones of outer structs. */
  private lastId = 0;
  private readonly lastIds: number[] = [];
  private structDepth = 0;
  /** The value of the bool field whose header was just read: 1 true, 2 false, 0 none (§4.3). */
  private boolField = 0;
  /** The halves of the last 64-bit varint read. */
  private varLow = 0;
  private varHigh = 0;

  protected override clearState(): void {
    this.lastId = 0;
    this.structDepth = 0;
    this.boolField = 0;
  }

  messageBegin(): MessageHeader {
    const at = this.pos;
    const id = this.byte();
    if (id !== PROTOCOL_ID)
      fail("bad-version", `bad protocol id 0x${hex(id)} in message header (compact is 0x82)`, at);
    const typeAndVersion = this.byte();
    const version = typeAndVersion & 0x1f;
    if (version !== VERSION)
      fail("bad-version", `bad compact protocol version ${version} (expected ${VERSION})`, at + 1);
    const type = typeAndVersion >> 5;
    if (type < 1 || type > 4) fail("invalid-data", `unknown message type ${type}`, at + 1);
    const seqid = this.varint32() | 0; // written as the unsigned pattern of an i32 (§8)
    const name = this.messageName(this.length());
    return { name, type: type as MessageType, seqid };
  }

  structBegin(): void {
    if (++this.depth > this.maxDepth) this.tooDeep();
    this.lastIds[this.structDepth++] = this.lastId;
    this.lastId = 0;
  }

  fieldBegin(): number {
    const at = this.pos;
    if (at >= this.end) truncated(at, 1, this.end);
    const header = this.buf[at]!;
    this.pos = at + 1;
    const compactType = header & 0x0f;
    if (compactType === 0) {
      // STOP. Apache's readers look only at the type nibble.
      this.fieldId = 0;
      this.boolField = 0;
      return TType.STOP;
    }
    const delta = header >> 4;
    // Short form: a delta from the last id; long form (high nibble 0): a zigzag i16 (§4.1–4.2).
    // Ids are i16: Apache's readers wrap a sum past 32767 the same way.
    const id = ((delta !== 0 ? this.lastId + delta : this.i32()) << 16) >> 16;
    this.fieldId = id;
    this.lastId = id;
    if (compactType <= 2) {
      this.boolField = compactType;
      return TType.BOOL;
    }
    this.boolField = 0;
    const type = TTYPE_OF_COMPACT[compactType]!;
    if (type < 0) fail("invalid-data", `unknown compact type ${compactType} in field header`, at);
    return type;
  }

  structEnd(): void {
    this.depth--;
    this.lastId = this.structDepth > 0 ? this.lastIds[--this.structDepth]! : 0;
  }

  listBegin(): number {
    return this.collectionBegin();
  }

  setBegin(): number {
    return this.collectionBegin();
  }

  private collectionBegin(): number {
    const at = this.pos;
    const header = this.byte();
    const compactType = header & 0x0f;
    const size = header >> 4 === 15 ? this.size() : header >> 4;
    const type = this.elementTypeOf(compactType, size, at);
    this.checkCount(size, COMPACT_MIN_BYTES[type]!, "list or set", at);
    if (++this.depth > this.maxDepth) this.tooDeep();
    this.elementType = type;
    return size;
  }

  mapBegin(): number {
    const at = this.pos;
    const size = this.size();
    if (size === 0) {
      // An empty map is one byte with no key/value types; report STOP as Apache does (§6).
      this.keyType = TType.STOP;
      this.valueType = TType.STOP;
    } else {
      const types = this.byte();
      const key = this.elementTypeOf(types >> 4, size, this.pos - 1);
      const value = this.elementTypeOf(types & 0x0f, size, this.pos - 1);
      this.checkCount(size, COMPACT_MIN_BYTES[key]! + COMPACT_MIN_BYTES[value]!, "map", at);
      this.keyType = key;
      this.valueType = value;
    }
    if (++this.depth > this.maxDepth) this.tooDeep();
    return size;
  }

  /** The TType of an element type nibble: bool is 1 or 2; STOP only for an empty container. */
  private elementTypeOf(compactType: number, size: number, at: number): number {
    const type = TTYPE_OF_COMPACT[compactType]!;
    if (type < 0 || (type === TType.STOP && size > 0))
      fail("invalid-data", `unknown compact element type ${compactType}`, at);
    return type;
  }

  bool(): boolean {
    const field = this.boolField;
    if (field !== 0) {
      this.boolField = 0;
      return field === 1;
    }
    return this.byte() === 1; // a bool element: only 01 is true, as every Apache reader does
  }

  i16(): number {
    return (this.i32() << 16) >> 16; // Apache truncates an oversized value to 16 bits too
  }

  i32(): number {
    const z = this.varint32();
    return (z >>> 1) ^ -(z & 1);
  }

  i64(): bigint {
    this.varint64();
    const low = this.varLow;
    const high = this.varHigh;
    const sign = -(low & 1);
    return joinI64(((high >>> 1) ^ sign) | 0, (((low >>> 1) | (high << 31)) ^ sign) >>> 0);
  }

  double(): number {
    const at = this.pos;
    if (at + 8 > this.end) truncated(at, 8, this.end);
    this.pos = at + 8;
    return readDouble(this.buf, at, true);
  }

  string(): string {
    // Fast path: a one-byte length (< 128) that fits the bytes left and the limit.
    const at = this.pos;
    if (at < this.end) {
      const length = this.buf[at]!;
      const start = at + 1;
      if (length < 0x80 && start + length <= this.end && length <= this.maxStringBytes) {
        this.pos = start + length;
        return readUtf8(this.buf, start, start + length);
      }
    }
    const length = this.length();
    const start = this.pos;
    this.pos = start + length;
    return readUtf8(this.buf, start, start + length);
  }

  binary(): Uint8Array {
    const length = this.length();
    const start = this.pos;
    this.pos = start + length;
    return this.buf.slice(start, start + length);
  }

  skip(type: number): void {
    switch (type) {
      case TType.BOOL:
        this.bool();
        return;
      case TType.BYTE:
        this.byte();
        return;
      case TType.I16:
      case TType.I32:
        this.varint32();
        return;
      case TType.I64:
        this.varint64();
        return;
      case TType.DOUBLE:
        this.skipBytes(8);
        return;
      case TType.STRING:
        this.skipBytes(this.length());
        return;
      case TType.UUID:
        this.skipBytes(16);
        return;
      default:
        skipNested(this, type, this.pos);
    }
  }

  /** A string/binary length, checked against the limit and the bytes left (§10). */
  private length(): number {
    const at = this.pos;
    const length = this.size();
    this.checkLength(length, at);
    return length;
  }

  /** A varint size; as an i32 it must not be negative (Apache's NEGATIVE_SIZE). */
  private size(): number {
    const at = this.pos;
    const size = this.varint32();
    if (size > 0x7fffffff) fail("negative-size", `negative size ${size | 0}`, at);
    return size;
  }

  /** An unsigned varint of at most 5 bytes (bits beyond 32 are dropped, as Java does). */
  private varint32(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    if (pos < end) {
      const b = buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= end) truncated(pos, 1, end);
      const b = buf[pos++]!;
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    return fail("invalid-data", "varint longer than 5 bytes", this.pos);
  }

  /** An unsigned varint of at most 10 bytes into `varLow`/`varHigh`. */
  private varint64(): void {
    if (this.end - this.pos >= 10) this.varint64Unchecked();
    else this.varint64Checked();
  }

  /** `varint64` with 10 bytes left at least, so no byte needs a bounds check: ids and
   * timestamps take 5–9 bytes, and a check per byte cost a third of the loop. */
  private varint64Unchecked(): void {
    const buf = this.buf;
    let pos = this.pos;
    let b = buf[pos++]!;
    let low = b & 0x7f;
    let high = 0;
    for (let shift = 7; b >= 0x80 && shift < 28; shift += 7) {
      b = buf[pos++]!;
      low |= (b & 0x7f) << shift;
    }
    if (b >= 0x80) {
      // Byte 5 straddles the halves: 4 bits to the low half, 3 to the high one.
      b = buf[pos++]!;
      low |= (b & 0x7f) << 28;
      high = (b & 0x7f) >> 4;
      // Bytes 6–10 fill the high half from bit 3.
      for (let shift = 3; b >= 0x80 && shift <= 31; shift += 7) {
        b = buf[pos++]!;
        high |= (b & 0x7f) << shift;
      }
      if (b >= 0x80) fail("invalid-data", "varint longer than 10 bytes", this.pos);
    }
    this.varLow = low >>> 0;
    this.varHigh = high >>> 0;
    this.pos = pos;
  }

  /** `varint64` near the end of the input: every byte is bounds-checked. */
  private varint64Checked(): void {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    let low = 0;
    let high = 0;
    let b = 0;
    // Bytes 1–4 fill bits 0–27 of the low half.
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) truncated(pos, 1, end);
      b = buf[pos++]!;
      low |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.varLow = low >>> 0;
        this.varHigh = 0;
        this.pos = pos;
        return;
      }
    }
    // Byte 5 straddles the halves: 4 bits to the low half, 3 to the high one.
    if (pos >= end) truncated(pos, 1, end);
    b = buf[pos++]!;
    low |= (b & 0x7f) << 28;
    high = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      // Bytes 6–10 fill the high half from bit 3.
      for (let shift = 3; ; shift += 7) {
        if (shift > 31) fail("invalid-data", "varint longer than 10 bytes", this.pos);
        if (pos >= end) truncated(pos, 1, end);
        b = buf[pos++]!;
        high |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.varLow = low >>> 0;
    this.varHigh = high >>> 0;
    this.pos = pos;
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
