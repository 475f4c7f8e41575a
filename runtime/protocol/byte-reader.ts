// What the compact and binary readers share: the byte range being read, the nesting depth, the
// limits, and the reads that do not depend on the wire format. A shallow base class: V8 inlines
// its methods into the subclasses' as it does their own, and both subclasses lay out these
// fields first, in this order, so a call site seeing both readers finds them at one offset.
import type { DecodeLimits } from "./limits.js";
import { fail, plainBytes, truncated } from "./byte-buffer.js";
import { readUtf8 } from "./utf8.js";
import { readUuid } from "./uuid.js";
import { typeName } from "./wire-types.js";

/** Longest message name (UTF-8 bytes) whose string a reader keeps for reuse. */
const MESSAGE_NAME_CACHE_BYTES = 64;

/** Byte-range state and format-independent reads for `CompactReader` and `BinaryReader`. */
export abstract class ByteReader {
  readonly limits: DecodeLimits;
  readonly strict: boolean;
  fieldId = 0;
  elementType = 0;
  keyType = 0;
  valueType = 0;
  /** The bytes last given to the constructor or `reset`; `buf` views the same memory as a plain
   * Uint8Array. */
  protected input: Uint8Array;
  protected buf: Uint8Array;
  protected pos: number;
  protected end: number;
  /** Structs and containers entered and not yet left. */
  protected depth = 0;
  protected readonly maxDepth: number;
  protected readonly maxStringBytes: number;
  protected readonly maxContainerSize: number;
  /** The last message name read, and its UTF-8 bytes (`messageName`; made on first use, as a
   * reader decoding a struct alone never reads a message). */
  private lastName = "";
  private lastNameLength = -1;
  private lastNameBytes: Uint8Array | undefined;

  constructor(bytes: Uint8Array, limits: DecodeLimits, strict: boolean) {
    this.limits = limits;
    this.strict = strict;
    this.maxDepth = limits.maxDepth;
    this.maxStringBytes = limits.maxStringBytes;
    this.maxContainerSize = limits.maxContainerSize;
    this.input = bytes;
    this.buf = plainBytes(bytes);
    this.pos = 0;
    this.end = bytes.length;
  }

  get position(): number {
    return this.pos;
  }

  /** Points the reader at `bytes[start, end)` and clears its state, for reuse. */
  reset(bytes: Uint8Array, start = 0, end = bytes.length): void {
    if (!(start >= 0 && start <= end && end <= bytes.length))
      throw new RangeError(`invalid range [${start}, ${end}) of ${bytes.length} bytes`);
    if (bytes !== this.input) {
      // A transport passes the same Buffer again and again: re-view it only when it changes.
      this.input = bytes;
      this.buf = plainBytes(bytes);
    }
    this.pos = start;
    this.end = end;
    this.depth = 0;
    this.fieldId = 0;
    this.elementType = 0;
    this.keyType = 0;
    this.valueType = 0;
    this.clearState();
  }

  /** Clears what a subclass keeps beyond the byte range, on `reset`. (A hook, not an override
   * of `reset` calling `super.reset`: that cost about 1% more instructions per decode.) */
  protected clearState(): void {}

  containerEnd(): void {
    this.depth--;
  }

  i8(): number {
    return (this.byte() << 24) >> 24;
  }

  uuid(): string {
    const at = this.pos;
    if (at + 16 > this.end) truncated(at, 16, this.end);
    this.pos = at + 16;
    return readUuid(this.buf, at);
  }

  /** A known field with another wire type: skipped as Apache does, or an error when `strict`. */
  skipMismatch(type: number, expectedType: number, fieldName: string): void {
    if (this.strict)
      fail(
        "invalid-data",
        `field "${fieldName}" arrived as ${typeName(type)}, expected ${typeName(expectedType)}`,
        this.pos,
      );
    this.skip(type);
  }

  /** Skips one value of the given wire type, depth-limited. */
  abstract skip(type: number): void;

  /**
   * The message name in the next `length` bytes (already checked), which it consumes. A reader
   * serves one connection, whose calls name a few methods, most often the one before: that name's
   * string is then reused, which saves decoding it and, for the server's route lookup, hashing a
   * fresh string (a string computes its hash on first use; `route` was ~3 % of server CPU).
   */
  protected messageName(length: number): string {
    const buf = this.buf;
    const start = this.pos;
    this.pos = start + length;
    const cached = (this.lastNameBytes ??= new Uint8Array(MESSAGE_NAME_CACHE_BYTES));
    if (length === this.lastNameLength) {
      let k = 0;
      while (k < length && buf[start + k] === cached[k]) k++;
      if (k === length) return this.lastName;
    }
    const name = readUtf8(buf, start, start + length);
    if (length <= cached.length) {
      for (let k = 0; k < length; k++) cached[k] = buf[start + k]!;
      this.lastNameLength = length;
      this.lastName = name;
    }
    return name;
  }

  protected byte(): number {
    const at = this.pos;
    if (at >= this.end) truncated(at, 1, this.end);
    this.pos = at + 1;
    return this.buf[at]!;
  }

  protected skipBytes(count: number): void {
    if (count > this.end - this.pos) truncated(this.pos, count, this.end);
    this.pos += count;
  }

  /** Throws the ProtocolError for one level of nesting too many. */
  protected tooDeep(): never {
    return fail("depth-limit", `nesting deeper than maxDepth ${this.maxDepth}`, this.pos);
  }

  /** Rejects a container size beyond the limit or beyond what the bytes left can hold. */
  protected checkCount(size: number, minBytes: number, what: string, at: number): void {
    if (size > this.maxContainerSize)
      fail(
        "size-limit",
        `${what} of ${size} elements exceeds maxContainerSize ${this.maxContainerSize}`,
        at,
      );
    if (size * minBytes > this.end - this.pos)
      fail(
        "truncated",
        `${what} of ${size} elements cannot fit in the ${this.end - this.pos} bytes left`,
        at,
      );
  }

  /** Rejects a string/binary length (read at `at`) beyond the limit or the bytes left. */
  protected checkLength(length: number, at: number): void {
    if (length > this.maxStringBytes)
      fail(
        "size-limit",
        `string of ${length} bytes exceeds maxStringBytes ${this.maxStringBytes}`,
        at,
      );
    if (length > this.end - this.pos)
      fail(
        "truncated",
        `string of ${length} bytes cannot fit in the ${this.end - this.pos} bytes left`,
        at,
      );
  }
}
