// Outgoing bytes of one connection. The messages made together (in one tick, one received
// chunk or one event-loop turn; the connection decides) are appended here and the lot goes to
// the socket in one write. Bytes are appended to a large slab and handed out as views that are
// never written again (the socket may still hold them), so a flush allocates nothing; only
// when the slab is used up does a new one replace it. The first slab is small and each one that
// fills up is replaced by one twice its size, up to 64 KiB, so a connection with little traffic
// holds a few KiB while a busy one soon writes from 64 KiB slabs as before; `release()` drops
// the slab when the connection goes idle, so an idle connection holds none. Pure: no Node API.

/** Size of the first slab, in bytes: a few small replies. */
const FIRST_SLAB_BYTES = 4 * 1024;
/** Size a busy connection's slabs grow to, in bytes. */
const SLAB_BYTES = 64 * 1024;
/** Largest slab kept for reuse after a rewind, in bytes. */
const MAX_KEPT_SLAB_BYTES = 1024 * 1024;
const NO_SLAB = new Uint8Array(0);

/**
 * Pending bytes at which a connection writes at once instead of at the end of the event-loop
 * turn, so a huge burst goes out in pieces rather than growing one buffer.
 */
export const EARLY_FLUSH_BYTES = 256 * 1024;

/** Accumulates outgoing bytes; `take()` hands out what was appended since the last take. */
export class OutBuffer {
  private slab = NO_SLAB;
  /** Size of the next slab when this one is used up (doubles up to SLAB_BYTES). */
  private nextSlabBytes = FIRST_SLAB_BYTES;
  private start = 0;
  private end = 0;

  /** Bytes appended and not yet taken. */
  get pending(): number {
    return this.end - this.start;
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.slab.length - this.end >= n) return;
    const pending = this.end - this.start;
    const next = new Uint8Array(Math.max(this.nextSlabBytes, (pending + n) * 2));
    this.nextSlabBytes = Math.min(SLAB_BYTES, this.nextSlabBytes * 2);
    next.set(this.slab.subarray(this.start, this.end));
    this.slab = next;
    this.start = 0;
    this.end = pending;
  }

  /** Appends a big-endian i32 (room must have been reserved). */
  int32(value: number): void {
    const s = this.slab;
    const i = this.end;
    s[i] = value >>> 24;
    s[i + 1] = value >>> 16;
    s[i + 2] = value >>> 8;
    s[i + 3] = value;
    this.end = i + 4;
  }

  /** Appends a big-endian u16 (room must have been reserved). */
  uint16(value: number): void {
    this.slab[this.end] = value >>> 8;
    this.slab[this.end + 1] = value;
    this.end += 2;
  }

  /** Appends one byte (room must have been reserved). */
  byte(value: number): void {
    this.slab[this.end++] = value;
  }

  /** Appends bytes (room must have been reserved). */
  append(bytes: Uint8Array): void {
    this.slab.set(bytes, this.end);
    this.end += bytes.length;
  }

  /** The bytes appended since the last take (a view never written again), or undefined. */
  take(): Uint8Array | undefined {
    if (this.end === this.start) return undefined;
    const view = this.slab.subarray(this.start, this.end);
    this.start = this.end;
    return view;
  }

  /**
   * Starts again at the front of the slab. Only when everything taken has been written out
   * (the socket holds no reference to it any more) and nothing is pending.
   */
  rewind(): void {
    if (this.end !== this.start) return;
    this.start = this.end = 0;
    // A slab grown for one huge message is not kept for the connection's lifetime.
    if (this.slab.length > MAX_KEPT_SLAB_BYTES) this.slab = NO_SLAB;
  }

  /** Forgets pending bytes (connection gone). */
  clear(): void {
    this.start = this.end;
  }

  /** Bytes of slab held now (0 before the first append and after a release). */
  get capacity(): number {
    return this.slab.length;
  }

  /**
   * Drops the slab (the next append allocates a new one). Only when everything taken has been
   * written out and nothing is pending, as for `rewind`; an idle connection calls it.
   */
  release(): void {
    if (this.end !== this.start) return;
    this.slab = NO_SLAB;
    this.nextSlabBytes = FIRST_SLAB_BYTES;
    this.start = this.end = 0;
  }
}
