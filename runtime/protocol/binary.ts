// The binary protocol (binary-protocol.md): fixed-width big-endian values, i32 lengths and
// sizes, one type byte and an i16 id per field header, strict message headers.
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
import { BINARY_MIN_BYTES } from "./wire-types.js";

/** Top half of a strict header's first word: sign bit set, version 1 (§5). */
const VERSION_1 = 0x80010000 | 0;
const VERSION_MASK = 0xffff0000 | 0;

/** Writes binary-encoded values into one growing buffer; reuse it with `reset()`. */
export class BinaryWriter implements ProtocolWriter {
  readonly protocol = "binary" as const;
  private buf: Uint8Array = new Uint8Array(INITIAL_CAPACITY);
  private pos = 0;

  get length(): number {
    return this.pos;
  }

  reset(): void {
    if (this.buf.length > MAX_RETAINED_CAPACITY) this.buf = new Uint8Array(INITIAL_CAPACITY);
    this.pos = 0;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written; small ones share a pooled ArrayBuffer (see `copyOut`). */
  finish(): Uint8Array {
    return copyOut(this.buf, this.pos);
  }

  /** The strict header: `80 01 00 TT`, the name, then the seqid (§5). */
  messageBegin(name: string, type: MessageType, seqid: number): void {
    if (type !== 1 && type !== 2 && type !== 3 && type !== 4)
      badValue("message type", type, "1 (CALL), 2 (REPLY), 3 (EXCEPTION) or 4 (ONEWAY)");
    if ((seqid | 0) !== seqid) badValue("seqid", seqid, "an i32");
    this.ensure(4);
    this.put32(VERSION_1 | type);
    this.string(name);
    this.ensure(4);
    this.put32(seqid);
  }

  structBegin(): void {}

  field(type: number, id: number): void {
    if (!((BINARY_MIN_BYTES[type] ?? 0) > 0))
      badValue("field type", type, "a TType other than STOP and VOID");
    this.ensure(3);
    const buf = this.buf;
    const pos = this.pos;
    buf[pos] = type;
    buf[pos + 1] = id >> 8;
    buf[pos + 2] = id;
    this.pos = pos + 3;
  }

  structEnd(): void {
    this.ensure(1);
    this.buf[this.pos++] = TType.STOP;
  }

  listBegin(elementType: number, size: number): void {
    this.collectionBegin(elementType, size);
  }

  setBegin(elementType: number, size: number): void {
    this.collectionBegin(elementType, size);
  }

  private collectionBegin(elementType: number, size: number): void {
    if (!((BINARY_MIN_BYTES[elementType] ?? 0) > 0))
      badValue("element type", elementType, "a TType other than STOP and VOID");
    if (size >>> 0 !== size || size > 0x7fffffff) badValue("size", size, "a count in [0, 2^31)");
    this.ensure(5);
    this.buf[this.pos++] = elementType;
    this.put32(size);
  }

  /** Key type, value type, i32 size; an empty map keeps its types, unlike compact (§4). */
  mapBegin(keyType: number, valueType: number, size: number): void {
    if (!((BINARY_MIN_BYTES[keyType] ?? 0) > 0))
      badValue("map key type", keyType, "a TType other than STOP and VOID");
    if (!((BINARY_MIN_BYTES[valueType] ?? 0) > 0))
      badValue("map value type", valueType, "a TType other than STOP and VOID");
    if (size >>> 0 !== size || size > 0x7fffffff) badValue("size", size, "a count in [0, 2^31)");
    this.ensure(6);
    this.buf[this.pos++] = keyType;
    this.buf[this.pos++] = valueType;
    this.put32(size);
  }

  bool(value: boolean): void {
    if (value !== true && value !== false) badValue("bool", value, "true or false");
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  i8(value: number): void {
    if ((value << 24) >> 24 !== value) badValue("i8", value, "an integer in [-128, 127]");
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  i16(value: number): void {
    if ((value << 16) >> 16 !== value) badValue("i16", value, "an integer in [-32768, 32767]");
    this.ensure(2);
    this.buf[this.pos++] = value >> 8;
    this.buf[this.pos++] = value;
  }

  i32(value: number): void {
    if ((value | 0) !== value) badValue("i32", value, "an integer in [-2^31, 2^31 - 1]");
    this.ensure(4);
    this.put32(value);
  }

  /** Two big-endian 32-bit halves, split without BigInt arithmetic. */
  i64(value: bigint): void {
    splitI64(value);
    this.ensure(8);
    this.put32(highHalf());
    this.put32(lowHalf());
  }

  /** The IEEE 754 bits, big-endian (§1). */
  double(value: number): void {
    if (typeof value !== "number") badValue("double", value, "a number");
    this.ensure(8);
    writeDouble(this.buf, this.pos, value, false);
    this.pos += 8;
  }

  /** i32 byte length, then UTF-8, written in place after a 4-byte gap for the length. */
  string(value: string): void {
    if (typeof value !== "string") badValue("string", value, "a string");
    this.ensure(4 + value.length * 3);
    const start = this.pos;
    const end = writeUtf8(this.buf, start + 4, value);
    this.put32(end - start - 4);
    this.pos = end;
  }

  binary(value: Uint8Array): void {
    if (!(value instanceof Uint8Array)) badValue("binary", value, "a Uint8Array");
    this.ensure(4 + value.length);
    this.put32(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  uuid(value: string): void {
    this.ensure(16);
    writeUuid(this.buf, this.pos, value);
    this.pos += 16;
  }

  /** Writes 32 bits big-endian; the caller ensured the room. */
  private put32(n: number): void {
    const buf = this.buf;
    const pos = this.pos;
    buf[pos] = n >>> 24;
    buf[pos + 1] = n >>> 16;
    buf[pos + 2] = n >>> 8;
    buf[pos + 3] = n;
    this.pos = pos + 4;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.buf = grow(this.buf, this.pos, bytes);
  }
}

/** Reads binary-encoded values from `bytes[start, end)`; reuse it with `reset()`. */
export class BinaryReader extends ByteReader implements ProtocolReader {
  readonly protocol = "binary" as const;

  /** Strict (`80 01 00 TT`, name, seqid) or old (name, type byte, seqid) headers (§5). */
  messageBegin(): MessageHeader {
    const at = this.pos;
    const first = this.i32();
    let type: number;
    let name: string;
    if (first < 0) {
      if ((first & VERSION_MASK) !== VERSION_1)
        fail(
          "bad-version",
          `bad version 0x${(first >>> 0).toString(16).padStart(8, "0")} in message header`,
          at,
        );
      type = first & 0xff;
      const lengthAt = this.pos;
      name = this.messageName(this.length(this.i32(), lengthAt));
    } else {
      // Old format: the word was the name's length.
      name = this.messageName(this.length(first, at));
      type = this.byte();
    }
    if (type < 1 || type > 4) fail("invalid-data", `unknown message type ${type}`, at);
    const seqid = this.i32();
    return { name, type: type as MessageType, seqid };
  }

  structBegin(): void {
    if (++this.depth > this.maxDepth) this.tooDeep();
  }

  fieldBegin(): number {
    const at = this.pos;
    if (at + 1 > this.end) truncated(at, 1, this.end);
    const buf = this.buf;
    const type = buf[at]!;
    if (type === TType.STOP) {
      this.pos = at + 1;
      this.fieldId = 0;
      return TType.STOP;
    }
    if (at + 3 > this.end) truncated(at, 3, this.end);
    this.fieldId = (((buf[at + 1]! << 8) | buf[at + 2]!) << 16) >> 16;
    this.pos = at + 3;
    return type;
  }

  structEnd(): void {
    this.depth--;
  }

  listBegin(): number {
    return this.collectionBegin();
  }

  setBegin(): number {
    return this.collectionBegin();
  }

  private collectionBegin(): number {
    const at = this.pos;
    const type = this.byte();
    const size = this.size();
    this.checkCount(size, this.minBytes(type, size, at), "list or set", at);
    if (++this.depth > this.maxDepth) this.tooDeep();
    this.elementType = type;
    return size;
  }

  mapBegin(): number {
    const at = this.pos;
    const key = this.byte();
    const value = this.byte();
    const size = this.size();
    const entryBytes = this.minBytes(key, size, at) + this.minBytes(value, size, at + 1);
    this.checkCount(size, entryBytes, "map", at);
    if (++this.depth > this.maxDepth) this.tooDeep();
    this.keyType = key;
    this.valueType = value;
    return size;
  }

  /** Fewest bytes an element of `type` takes; an unknown type is an error unless `size` is 0. */
  private minBytes(type: number, size: number, at: number): number {
    const bytes = type <= 16 ? BINARY_MIN_BYTES[type]! : 0;
    if (bytes === 0 && size > 0) fail("invalid-data", `unknown element type ${type}`, at);
    return bytes;
  }

  /** Any non-zero byte is true, as Apache's Node, Python and C++ readers have it (§1). */
  bool(): boolean {
    return this.byte() !== 0;
  }

  i16(): number {
    const at = this.pos;
    if (at + 2 > this.end) truncated(at, 2, this.end);
    this.pos = at + 2;
    return (((this.buf[at]! << 8) | this.buf[at + 1]!) << 16) >> 16;
  }

  i32(): number {
    const at = this.pos;
    if (at + 4 > this.end) truncated(at, 4, this.end);
    this.pos = at + 4;
    const buf = this.buf;
    return (buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!;
  }

  i64(): bigint {
    const at = this.pos;
    if (at + 8 > this.end) truncated(at, 8, this.end);
    this.pos = at + 8;
    const buf = this.buf;
    const high = (buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!;
    const low = (buf[at + 4]! << 24) | (buf[at + 5]! << 16) | (buf[at + 6]! << 8) | buf[at + 7]!;
    return joinI64(high, low);
  }

  double(): number {
    const at = this.pos;
    if (at + 8 > this.end) truncated(at, 8, this.end);
    this.pos = at + 8;
    return readDouble(this.buf, at, false);
  }

  string(): string {
    const at = this.pos;
    return this.utf8(this.length(this.i32(), at));
  }

  binary(): Uint8Array {
    const at = this.pos;
    const length = this.length(this.i32(), at);
    const start = this.pos;
    this.pos = start + length;
    return this.buf.slice(start, start + length);
  }

  skip(type: number): void {
    switch (type) {
      case TType.BOOL:
      case TType.BYTE:
        this.skipBytes(1);
        return;
      case TType.I16:
        this.skipBytes(2);
        return;
      case TType.I32:
        this.skipBytes(4);
        return;
      case TType.I64:
      case TType.DOUBLE:
        this.skipBytes(8);
        return;
      case TType.STRING: {
        const at = this.pos;
        this.skipBytes(this.length(this.i32(), at));
        return;
      }
      case TType.UUID:
        this.skipBytes(16);
        return;
      default:
        skipNested(this, type, this.pos);
    }
  }

  /** Decodes the next `length` bytes (already checked) as UTF-8. */
  private utf8(length: number): string {
    const start = this.pos;
    this.pos = start + length;
    return readUtf8(this.buf, start, start + length);
  }

  /** A string/binary length read at `at`: not negative, within the limit and the bytes left. */
  private length(length: number, at: number): number {
    if (length < 0) fail("negative-size", `negative length ${length}`, at);
    this.checkLength(length, at);
    return length;
  }

  /** An i32 size, which must not be negative (Apache's NEGATIVE_SIZE). */
  private size(): number {
    const at = this.pos;
    const size = this.i32();
    if (size < 0) fail("negative-size", `negative size ${size}`, at);
    return size;
  }
}
