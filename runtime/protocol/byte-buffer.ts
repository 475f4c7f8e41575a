// Helpers shared by the writers and readers: buffer growth, the error throwers (kept out of the
// hot methods so those stay small enough to inline), and endian-explicit double conversion.
import { EncodeError, ProtocolError } from "./errors.js";
import type { ProtocolErrorCode } from "./errors.js";

/** First capacity of a writer's buffer, in bytes. */
export const INITIAL_CAPACITY = 1024;

/** Largest buffer `reset()` keeps for reuse, in bytes; a bigger one is dropped so that one huge
 * message does not pin its memory for the writer's lifetime. */
export const MAX_RETAINED_CAPACITY = 1024 * 1024;

/** A buffer holding `used` bytes of `buf` with room for at least `needed` more (doubling). */
export function grow(buf: Uint8Array, used: number, needed: number): Uint8Array {
  let capacity = Math.max(buf.length * 2, INITIAL_CAPACITY);
  while (capacity < used + needed) capacity *= 2;
  const next = new Uint8Array(capacity);
  next.set(buf.subarray(0, used));
  return next;
}

/** Results up to this many bytes are carved from a shared pool, in bytes (Node's Buffer pool
 * does the same below 4 KiB): allocating a fresh ArrayBuffer costs more than encoding a small
 * struct. */
export const POOLED_COPY_MAX = 4096;
/** Size of each pool slab, in bytes. */
const POOL_SLAB_BYTES = 32 * 1024;
let pool = new ArrayBuffer(POOL_SLAB_BYTES);
let poolOffset = 0;

/**
 * A copy of `buf[0, length)`. Small copies are views into a shared slab (8-byte aligned), as
 * Node's `Buffer.allocUnsafe` gives: `byteOffset` may be non-zero, and `.buffer` holds other
 * results too, so it must not be transferred or detached.
 */
export function copyOut(buf: Uint8Array, length: number): Uint8Array {
  if (length > POOLED_COPY_MAX) return buf.slice(0, length);
  if (poolOffset + length > POOL_SLAB_BYTES) {
    pool = new ArrayBuffer(POOL_SLAB_BYTES);
    poolOffset = 0;
  }
  const out = new Uint8Array(pool, poolOffset, length);
  out.set(buf.subarray(0, length));
  poolOffset = (poolOffset + length + 7) & ~7;
  return out;
}

/** `bytes` as a plain Uint8Array (a Node Buffer is re-viewed, not copied), so readers stay
 * monomorphic and `slice` always copies (Buffer#slice returns a view). */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Throws a ProtocolError; a function so that throw sites cost hot paths nothing. */
export function fail(code: ProtocolErrorCode, message: string, offset: number): never {
  throw new ProtocolError(message, { code, offset });
}

/** Throws the ProtocolError for reading `needed` bytes at `offset` when fewer are left. */
export function truncated(offset: number, needed: number, end: number): never {
  const left = Math.max(0, end - offset);
  throw new ProtocolError(`unexpected end of input: need ${needed} bytes, ${left} left`, {
    code: "truncated",
    offset,
  });
}

/** Throws the EncodeError for a value that is not a `type`. */
export function badValue(type: string, value: unknown, expected: string): never {
  const shown =
    typeof value === "bigint"
      ? `${value}n`
      : typeof value === "string"
        ? JSON.stringify(value)
        : String(value);
  throw new EncodeError(`cannot write ${shown} as ${type}: expected ${expected}`);
}

// Doubles go through one shared 8-byte scratch: DataView takes the endianness explicitly and
// nothing is allocated per value.
const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

/** Writes the IEEE 754 bits of `value` at `pos` (little- or big-endian). */
export function writeDouble(
  buf: Uint8Array,
  pos: number,
  value: number,
  littleEndian: boolean,
): void {
  scratch.setFloat64(0, value, littleEndian);
  buf[pos] = scratchBytes[0]!;
  buf[pos + 1] = scratchBytes[1]!;
  buf[pos + 2] = scratchBytes[2]!;
  buf[pos + 3] = scratchBytes[3]!;
  buf[pos + 4] = scratchBytes[4]!;
  buf[pos + 5] = scratchBytes[5]!;
  buf[pos + 6] = scratchBytes[6]!;
  buf[pos + 7] = scratchBytes[7]!;
}

/** Reads the double whose 8 bytes start at `pos` (the caller checked the bounds). */
export function readDouble(buf: Uint8Array, pos: number, littleEndian: boolean): number {
  scratchBytes[0] = buf[pos]!;
  scratchBytes[1] = buf[pos + 1]!;
  scratchBytes[2] = buf[pos + 2]!;
  scratchBytes[3] = buf[pos + 3]!;
  scratchBytes[4] = buf[pos + 4]!;
  scratchBytes[5] = buf[pos + 5]!;
  scratchBytes[6] = buf[pos + 6]!;
  scratchBytes[7] = buf[pos + 7]!;
  return scratch.getFloat64(0, littleEndian);
}

// i64 values cross between bigint and two 32-bit halves through one shared 8-byte scratch: a
// BigInt64Array store and a Uint32/Int32 load (and back) are optimized to plain machine moves,
// with no BigInt arithmetic and no allocation; `BigInt.asIntN(64, v) === v`, the range check,
// is too. (Number(v) and BigInt(n) allocate heap numbers and cost several times more.)
const i64Scratch = new BigInt64Array(1);
const u32Scratch = new Uint32Array(i64Scratch.buffer);
const i32Scratch = new Int32Array(i64Scratch.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1; // platform byte order
const HIGH = 1 - LOW;

/** Loads `value` for `lowHalf()`/`highHalf()`; throws an EncodeError unless it is a bigint in
 * the i64 range. */
export function splitI64(value: bigint): void {
  if (typeof value !== "bigint" || BigInt.asIntN(64, value) !== value)
    badValue("i64", value, "a bigint in [-2^63, 2^63 - 1]");
  i64Scratch[0] = value;
}

/** The low 32 bits of the value last given to `splitI64`, unsigned. */
export function lowHalf(): number {
  return u32Scratch[LOW]!;
}

/** The high 32 bits of the value last given to `splitI64`, signed. */
export function highHalf(): number {
  return i32Scratch[HIGH]!;
}

/** The i64 whose high (signed or unsigned) and low 32-bit halves are given. */
export function joinI64(high: number, low: number): bigint {
  i32Scratch[HIGH] = high;
  u32Scratch[LOW] = low;
  return i64Scratch[0]!;
}
