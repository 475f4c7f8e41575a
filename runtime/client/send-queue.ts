// Calls a connection has encoded but the socket cannot take yet: the connection is not open, or
// the kernel's send buffer is full (a peer that reads slower than calls are made). Each keeps a
// copy of its bytes (the connection's slab is reused once the socket has written it), so a call
// that settles while queued (deadline, cancel) is simply skipped: it is never written. The
// connection bounds the queue (`maxQueuedBytes`); this is the slow path, the fast one writes
// straight from the slab.
import type { Socket } from "node:net";
import { EARLY_FLUSH_BYTES } from "../transport/out-buffer.js";
import type { PendingCall } from "./pending-call.js";

/** A call waiting for the socket, with its own copy of its bytes. */
interface QueuedCall {
  readonly call: PendingCall;
  readonly bytes: Uint8Array;
  /** When it was queued (epoch ms), to bound a `waitForReady` call that has no deadline. */
  readonly since: number;
  readonly waitForReady: boolean;
}

/**
 * Whether the kernel left bytes unwritten and "drain" will say when it takes more; until then
 * further calls queue.
 */
export function isBlocked(socket: Socket): boolean {
  return socket.writableLength > 0 && socket.writableNeedDrain;
}

/** A connection's queue of calls waiting for the socket, oldest first. */
export class SendQueue {
  private entries: QueuedCall[] = [];
  /** Bytes of the queued calls, settled ones included until dropped. */
  bytes = 0;

  /** Queued calls. */
  get size(): number {
    return this.entries.length;
  }

  /** Queues `call` with a copy of `bytes`. */
  push(call: PendingCall, bytes: Uint8Array, waitForReady: boolean): void {
    const copy = bytes.slice();
    this.entries.push({ call, bytes: copy, since: Date.now(), waitForReady });
    this.bytes += copy.length;
  }

  /** Forgets the calls that settled while queued. */
  dropSettled(): void {
    this.keep((queued) => !queued.call.done);
  }

  /**
   * Writes queued calls to `socket`, oldest first, in corked batches, until it is blocked or the
   * queue is empty, skipping settled ones; `written` is told of each call written. Returns
   * whether the socket is blocked.
   */
  writeTo(socket: Socket, written: (call: PendingCall) => void): boolean {
    const queue = this.entries;
    let i = 0;
    let blocked = false;
    while (i < queue.length && !blocked) {
      socket.cork(); // a batch of small calls goes out in one write, as on the fast path
      for (let batch = 0; i < queue.length && batch < EARLY_FLUSH_BYTES;) {
        const { call, bytes } = queue[i++]!;
        this.bytes -= bytes.length;
        if (call.done) continue;
        socket.write(bytes);
        batch += bytes.length;
        written(call);
      }
      socket.uncork();
      blocked = isBlocked(socket);
    }
    this.entries = i === queue.length ? [] : queue.slice(i);
    return blocked;
  }

  /** The unsettled queued calls. */
  calls(): PendingCall[] {
    return this.entries.filter((queued) => !queued.call.done).map((queued) => queued.call);
  }

  /**
   * Keeps only the unsettled `waitForReady` calls still within their wait (their deadline, or
   * `waitMs` from when they were queued if they have none); returns the others, now removed.
   */
  keepWaitingForReady(waitMs: number): PendingCall[] {
    const now = Date.now();
    const removed: PendingCall[] = [];
    this.keep(({ call, since, waitForReady }) => {
      if (call.done) return false;
      const waiting = waitForReady && (call.deadline !== undefined || now - since < waitMs);
      if (!waiting) removed.push(call);
      return waiting;
    });
    return removed;
  }

  /** Empties the queue. */
  clear(): void {
    this.entries = [];
    this.bytes = 0;
  }

  private keep(predicate: (queued: QueuedCall) => boolean): void {
    this.entries = this.entries.filter(predicate);
    this.bytes = this.entries.reduce((sum, queued) => sum + queued.bytes.length, 0);
  }
}
