// Framed transport, receiving side: bytes arrive in chunks of any size; whole frames come out.
// A frame is an i32 big-endian length, then that many payload bytes (rpc.md §8.2). The length
// is checked against the limit before any byte of the frame is buffered, and a frame lying
// wholly inside one chunk is handed out as a view of that chunk (no copy). A frame split across
// chunks is assembled in a buffer that grows with the bytes received (doubling, up to the
// declared size), never allocated from the declared size alone: a peer that claims 16 MB and
// sends 10 bytes costs 10 bytes, not 16 MB. Pure: no Node API.

/** Why a byte stream cannot be split into messages. */
export type FrameErrorCode =
  "negative-size" | "empty-frame" | "too-large" | "malformed" | "unsupported";

/** A stream that cannot be split into messages; the connection carrying it must be closed. */
export class FrameError extends Error {
  override readonly name: string = "FrameError";
  /** What was wrong. */
  readonly code: FrameErrorCode;
  /** The declared (or, unframed, the least known) message size in bytes, when known. */
  readonly size: number | undefined;
  /** The limit that was exceeded, for `too-large`. */
  readonly limit: number | undefined;

  constructor(
    message: string,
    options: { code: FrameErrorCode; size?: number; limit?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.size = options.size;
    this.limit = options.limit;
  }
}

/**
 * Splits a byte stream into messages. Feed chunks with `push`, then call `next()` until it
 * returns false; after each true, the message is `bytes[start, end)`, valid until the next
 * `push` or `next`. The consumer may stop calling `next()` at any time (backpressure): what is
 * left stays queued. Framed, unframed and THeader decoders share this shape.
 */
export interface MessageDecoder {
  push(chunk: Uint8Array): void;
  /** Advances to the next whole message; false when more bytes are needed. Throws FrameError. */
  next(): boolean;
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  /** Bytes held that are not yet handed out as messages (parsed length prefixes excluded). */
  readonly buffered: number;
}

const EMPTY = new Uint8Array(0);
/** Smallest buffer a split frame starts with, in bytes: tiny chunks need not regrow each time. */
const MIN_PARTIAL_BYTES = 256;

/** A plain Uint8Array over the same memory, so readers stay monomorphic (Node gives Buffers). */
export function plainView(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Splits a stream of length-prefixed frames (rpc.md §8.2) into frame payloads. */
export class FrameDecoder implements MessageDecoder {
  bytes: Uint8Array = EMPTY;
  start = 0;
  end = 0;

  /** Largest payload accepted, in bytes. */
  readonly maxFrameBytes: number;
  // Input not yet consumed: chunk[offset, chunk.length).
  private chunk: Uint8Array = EMPTY;
  private offset = 0;
  // Length prefix split across chunks: the bytes seen so far.
  private readonly prefix = new Uint8Array(4);
  private prefixLength = 0;
  // A frame split across chunks: its declared size, its buffer (grown as bytes arrive, at most
  // `partialSize`) and how much of it is filled.
  private partial: Uint8Array | undefined;
  private partialSize = 0;
  private filled = 0;

  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes;
  }

  get buffered(): number {
    return this.chunk.length - this.offset + this.prefixLength + this.filled;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const view = plainView(chunk);
    const left = this.chunk.length - this.offset;
    if (left === 0) {
      this.chunk = view;
    } else {
      // Only when the consumer stopped early (backpressure) with whole frames still queued.
      const joined = new Uint8Array(left + view.length);
      joined.set(this.chunk.subarray(this.offset));
      joined.set(view, left);
      this.chunk = joined;
    }
    this.offset = 0;
  }

  next(): boolean {
    if (this.partial !== undefined) return this.fillPartial();
    const chunk = this.chunk;
    let offset = this.offset;
    let size: number;
    if (this.prefixLength > 0) {
      while (this.prefixLength < 4 && offset < chunk.length)
        this.prefix[this.prefixLength++] = chunk[offset++]!;
      this.offset = offset;
      if (this.prefixLength < 4) {
        this.releaseChunk();
        return false;
      }
      this.prefixLength = 0;
      size = readInt32(this.prefix, 0);
    } else {
      const left = chunk.length - offset;
      if (left < 4) {
        for (let i = 0; i < left; i++) this.prefix[i] = chunk[offset + i]!;
        this.prefixLength = left;
        this.releaseChunk();
        return false;
      }
      size = readInt32(chunk, offset);
      offset += 4;
      this.offset = offset;
    }
    this.checkSize(size);
    if (chunk.length - offset >= size) {
      // The whole frame is in this chunk: hand out a view.
      this.bytes = chunk;
      this.start = offset;
      this.end = offset + size;
      this.offset = offset + size;
      return true;
    }
    this.partial = EMPTY; // grown by fillPartial to what has arrived, never to `size` up front
    this.partialSize = size;
    this.filled = 0;
    return this.fillPartial();
  }

  private fillPartial(): boolean {
    const size = this.partialSize;
    const available = this.chunk.length - this.offset;
    const take = Math.min(size - this.filled, available);
    let partial = this.partial!;
    if (this.filled + take > partial.length) {
      // Doubling keeps the copies linear in the frame's size; the cap keeps it exact at the end.
      const grown = new Uint8Array(
        Math.min(size, Math.max(this.filled + take, partial.length * 2, MIN_PARTIAL_BYTES)),
      );
      grown.set(partial.subarray(0, this.filled));
      partial = this.partial = grown;
    }
    partial.set(this.chunk.subarray(this.offset, this.offset + take), this.filled);
    this.filled += take;
    this.offset += take;
    if (take === available) this.releaseChunk();
    if (this.filled < size) return false;
    this.partial = undefined;
    this.filled = 0;
    this.bytes = partial;
    this.start = 0;
    this.end = size;
    return true;
  }

  /** Drops the references to a fully consumed chunk, so an idle connection holds none. */
  private releaseChunk(): void {
    this.chunk = EMPTY;
    this.offset = 0;
    this.bytes = EMPTY; // the last message handed out is no longer valid (see MessageDecoder)
  }

  private checkSize(size: number): void {
    if (size > 0 && size <= this.maxFrameBytes) return;
    if (size < 0)
      throw new FrameError(`invalid frame size ${size} (negative)`, {
        code: "negative-size",
        size,
      });
    if (size === 0) throw new FrameError("empty frame (length 0)", { code: "empty-frame", size });
    throw new FrameError(`frame of ${size} bytes exceeds maxFrameBytes (${this.maxFrameBytes})`, {
      code: "too-large",
      size,
      limit: this.maxFrameBytes,
    });
  }
}

/** Reads a big-endian i32 (signed) at `offset`. */
export function readInt32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset]! << 24) |
    (bytes[offset + 1]! << 16) |
    (bytes[offset + 2]! << 8) |
    bytes[offset + 3]!
  );
}
