// Unframed ("buffered") transport: messages back to back with no length (rpc.md §8.1), Apache's
// default for Node peers. Sending is just the payload; receiving finds each message's end with
// the skip-based scanner, re-scanning only once at least as many bytes as it last asked for
// have arrived, and bounded by a maximum message size.
import type { ProtocolName } from "../protocol/ttype.js";
import { FrameError, plainView, type MessageDecoder } from "./frame-decoder.js";
import { INVALID, MessageScanner, NEED_MORE } from "./message-scanner.js";
import type { OutBuffer } from "./out-buffer.js";

const EMPTY = new Uint8Array(0);

/** Appends one unframed message to `out`. */
export function writeUnframed(out: OutBuffer, payload: Uint8Array): void {
  out.reserve(payload.length);
  out.append(payload);
}

/** Splits a stream of unframed messages of one protocol. */
export class BufferedDecoder implements MessageDecoder {
  bytes: Uint8Array = EMPTY;
  start = 0;
  end = 0;

  /** Largest message accepted, in bytes. */
  readonly maxMessageBytes: number;
  private readonly scanner: MessageScanner;
  // Received bytes not yet handed out: buf[head, tail). `owned` when buf is our own copy (it
  // can be appended to); otherwise it is a chunk the socket gave us.
  private buf: Uint8Array = EMPTY;
  private head = 0;
  private tail = 0;
  private owned = false;
  // Bytes the message being received needs at least (from the last scan), so a big message
  // arriving in many chunks is not re-scanned for each of them.
  private needed = 0;

  constructor(protocol: ProtocolName, maxMessageBytes: number, maxDepth: number) {
    this.maxMessageBytes = maxMessageBytes;
    this.scanner = new MessageScanner(protocol, maxDepth);
  }

  get buffered(): number {
    return this.tail - this.head;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const view = plainView(chunk);
    const pending = this.tail - this.head;
    if (pending === 0) {
      this.buf = view;
      this.head = 0;
      this.tail = view.length;
      this.owned = false;
      return;
    }
    if (this.owned && this.buf.length - this.tail >= view.length) {
      this.buf.set(view, this.tail);
      this.tail += view.length;
      return;
    }
    const next = new Uint8Array(Math.max(pending + view.length, pending * 2));
    next.set(this.buf.subarray(this.head, this.tail));
    next.set(view, pending);
    this.buf = next;
    this.head = 0;
    this.tail = pending + view.length;
    this.owned = true;
  }

  next(): boolean {
    const pending = this.tail - this.head;
    if (pending === 0) {
      // All handed out: hold no reference to the chunk, so an idle connection keeps no memory.
      this.buf = this.bytes = EMPTY;
      this.head = this.tail = 0;
      this.owned = false;
      return false;
    }
    if (pending < this.needed) return false;
    const end = this.scanner.scan(this.buf, this.head, this.tail);
    if (end >= 0) {
      this.bytes = this.buf;
      this.start = this.head;
      this.end = end;
      this.head = end;
      this.needed = 0;
      return true;
    }
    if (end === NEED_MORE) {
      const least = this.scanner.needed - this.head;
      if (least > this.maxMessageBytes)
        throw new FrameError(
          `message of at least ${least} bytes exceeds maxFrameBytes (${this.maxMessageBytes})`,
          { code: "too-large", size: least, limit: this.maxMessageBytes },
        );
      this.needed = least;
      return false;
    }
    if (end === INVALID)
      throw new FrameError(`malformed message: ${this.scanner.error}`, {
        code: "malformed",
      });
    return false;
  }
}
