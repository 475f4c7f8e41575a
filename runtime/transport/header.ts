// Apache's THeader transport (rpc.md §10; apache/thrift doc/specs/HeaderFormat.md; Python
// THeaderTransport.py): a frame whose payload starts with magic 0x0FFF, flags, a sequence number
// and a variable header (protocol id, transforms, info blocks), padded to 4 bytes, then the
// ordinary binary or compact message. Info block 1 carries string key/value headers: idlc puts
// the caller's remaining deadline and a request id there. Transforms (zlib, …) are not
// supported: a frame that uses one is refused with INVALID_TRANSFORM.
import type { ProtocolName } from "../protocol/ttype.js";
import { FrameDecoder, FrameError, readInt32, type MessageDecoder } from "./frame-decoder.js";
import type { OutBuffer } from "./out-buffer.js";

/** The 16-bit magic at the start of a THeader frame's payload (bytes 4–5 of the frame). */
export const HEADER_MAGIC = 0x0fff;
/** THeader's hard limit on a frame, in bytes (HeaderFormat.md, Python HARD_MAX_FRAME_SIZE). */
export const MAX_HEADER_FRAME_BYTES = 0x3fffffff;

/**
 * Header keys idlc sends and reads: the remaining deadline in ms (fbthrift's name), a request id,
 * and, on replies of a server that is shutting down, `idlc-draining: 1` (send no new calls here).
 */
export const THeaderKey = {
  TIMEOUT_MS: "client_timeout",
  REQUEST_ID: "request_id",
  DRAINING: "idlc-draining",
} as const;

/** THeader's protocol ids (HeaderFormat.md; JSON, id 1, is not supported). */
const PROTOCOL_ID = { binary: 0, compact: 2 } as const;
/** Info block id of key/value headers. */
const INFO_KEY_VALUE = 1;
const TRANSFORM_NAMES: Readonly<Record<number, string>> = { 1: "zlib", 2: "hmac", 3: "snappy" };

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** A THeader frame that is well-formed but asks for something idlc does not do. */
export class HeaderError extends FrameError {
  override readonly name: string = "HeaderError";
  /** The frame's sequence number, to address the EXCEPTION reply. */
  readonly seqid: number;
  /** TApplicationException type to answer with (INVALID_TRANSFORM 8, INVALID_PROTOCOL 9). */
  readonly applicationType: number;

  constructor(message: string, options: { seqid: number; applicationType: number }) {
    super(message, { code: "unsupported" });
    this.seqid = options.seqid;
    this.applicationType = options.applicationType;
  }
}

/** Splits a stream of THeader frames; after `next()`, the message and its header fields. */
export class HeaderDecoder implements MessageDecoder {
  bytes: Uint8Array = EMPTY;
  start = 0;
  end = 0;
  /** The frame's flags. */
  flags = 0;
  /** The frame's sequence number (Apache sets it to the message's seqid). */
  seqid = 0;
  /** The protocol of the message inside. */
  protocol: ProtocolName = "binary";
  /** Key/value headers of the frame, undefined when it has none. */
  headers: Map<string, string> | undefined;

  private readonly frames: FrameDecoder;

  constructor(maxFrameBytes: number) {
    this.frames = new FrameDecoder(Math.min(maxFrameBytes, MAX_HEADER_FRAME_BYTES));
  }

  get buffered(): number {
    return this.frames.buffered;
  }

  push(chunk: Uint8Array): void {
    this.frames.push(chunk);
  }

  next(): boolean {
    if (!this.frames.next()) return false;
    const { bytes, start, end } = this.frames;
    if (end - start < 10 || ((bytes[start]! << 8) | bytes[start + 1]!) !== HEADER_MAGIC)
      throw new FrameError("not a THeader frame (no 0x0FFF magic after the length)", {
        code: "malformed",
      });
    this.flags = (bytes[start + 2]! << 8) | bytes[start + 3]!;
    this.seqid = readInt32(bytes, start + 4);
    const headerEnd = start + 10 + ((bytes[start + 8]! << 8) | bytes[start + 9]!) * 4;
    if (headerEnd > end)
      throw new FrameError("THeader header size is larger than its frame", { code: "malformed" });
    const cursor = new HeaderCursor(bytes, start + 10, headerEnd);
    const protocolId = cursor.varint();
    if (protocolId === PROTOCOL_ID.binary) this.protocol = "binary";
    else if (protocolId === PROTOCOL_ID.compact) this.protocol = "compact";
    else
      throw new HeaderError(
        `THeader protocol id ${protocolId} is not supported (binary 0, compact 2)`,
        {
          seqid: this.seqid,
          applicationType: 9, // INVALID_PROTOCOL
        },
      );
    const transforms = cursor.varint();
    if (transforms > 0) {
      const id = cursor.varint();
      throw new HeaderError(
        `THeader transform ${id} (${TRANSFORM_NAMES[id] ?? "unknown"}) is not supported; send without transforms`,
        { seqid: this.seqid, applicationType: 8 }, // INVALID_TRANSFORM
      );
    }
    this.headers = undefined;
    // Info blocks until the padding (id 0) or one we do not know, as Python does.
    while (cursor.offset < headerEnd && cursor.peek() !== 0) {
      if (cursor.varint() !== INFO_KEY_VALUE) break;
      const count = cursor.varint();
      this.headers ??= new Map();
      for (let i = 0; i < count; i++) this.headers.set(cursor.string(), cursor.string());
    }
    this.bytes = bytes;
    this.start = headerEnd;
    this.end = end;
    return true;
  }
}

/** Reads varints and strings of the variable header, bounded by its end. */
class HeaderCursor {
  offset: number;
  private readonly bytes: Uint8Array;
  private readonly end: number;

  constructor(bytes: Uint8Array, start: number, end: number) {
    this.bytes = bytes;
    this.offset = start;
    this.end = end;
  }

  peek(): number {
    return this.bytes[this.offset]!;
  }

  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.offset >= this.end) break;
      const b = this.bytes[this.offset++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    throw new FrameError("THeader header is truncated or has a bad varint", { code: "malformed" });
  }

  string(): string {
    const length = this.varint();
    if (length > this.end - this.offset)
      throw new FrameError("THeader header string runs past the header", { code: "malformed" });
    const start = this.offset;
    this.offset += length;
    try {
      return utf8Decoder.decode(this.bytes.subarray(start, this.offset));
    } catch (cause) {
      throw new FrameError("THeader header string is not UTF-8", { code: "malformed", cause });
    }
  }
}

/** A header to send: key and value. */
export type HeaderEntry = readonly [key: string, value: string];

function varintLength(value: number): number {
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

function writeVarint(out: OutBuffer, value: number): void {
  while (value >= 0x80) {
    out.byte((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.byte(value);
}

/**
 * Appends one THeader frame carrying `payload` (a `protocol` message) with `headers`, sequence
 * number `seqid` and `flags` (rpc.md §10, the layout Python's `THeaderTransport.flush` writes).
 */
export function writeHeaderFrame(
  out: OutBuffer,
  payload: Uint8Array,
  protocol: ProtocolName,
  seqid: number,
  flags: number,
  headers: readonly HeaderEntry[] | undefined,
): void {
  let encoded: Uint8Array[] | undefined;
  let infoLength = 0;
  if (headers !== undefined && headers.length > 0) {
    encoded = [];
    infoLength = 1 + varintLength(headers.length);
    for (const [key, value] of headers) {
      for (const text of [key, value]) {
        const bytes = utf8Encoder.encode(text);
        encoded.push(bytes);
        infoLength += varintLength(bytes.length) + bytes.length;
      }
    }
  }
  const unpadded = 2 + infoLength; // protocol id, transform count 0, info
  const headerLength = (unpadded + 3) & ~3;
  if (headerLength / 4 > 0xffff)
    throw new FrameError(`THeader headers of ${headerLength} bytes exceed the format's 262140`, {
      code: "too-large",
      size: headerLength,
      limit: 0xffff * 4,
    });
  out.reserve(14 + headerLength + payload.length);
  out.int32(10 + headerLength + payload.length);
  out.uint16(HEADER_MAGIC);
  out.uint16(flags);
  out.int32(seqid);
  out.uint16(headerLength / 4);
  out.byte(PROTOCOL_ID[protocol]);
  out.byte(0); // no transforms
  if (encoded !== undefined) {
    writeVarint(out, INFO_KEY_VALUE);
    writeVarint(out, encoded.length / 2);
    for (const bytes of encoded) {
      writeVarint(out, bytes.length);
      out.append(bytes);
    }
  }
  for (let i = unpadded; i < headerLength; i++) out.byte(0);
  out.append(payload);
}
