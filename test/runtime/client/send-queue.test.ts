// The client's send queue without sockets: bytes are copied and counted, settled calls are
// never written, writes stop once the socket is blocked, and waitForReady calls are kept only
// within their wait.
import type { Socket } from "node:net";
import { describe, expect, test } from "vitest";
import type { MethodDescriptor } from "idlc/runtime";
import { PendingCall } from "../../../runtime/client/pending-call.js";
import { SendQueue } from "../../../runtime/client/send-queue.js";

const owner = { expire() {}, cancel() {} };
const method = { name: "m", oneway: false } as MethodDescriptor;
const call = () => new PendingCall(owner, "S", method);

/** A socket stand-in that takes `capacity` bytes, then reports itself blocked. */
function fakeSocket(capacity: number) {
  const writes: number[][] = [];
  let taken = 0;
  const socket = {
    cork() {},
    uncork() {},
    write(bytes: Uint8Array) {
      writes.push([...bytes]);
      taken += bytes.length;
      return taken < capacity;
    },
    get writableLength() {
      return Math.max(0, taken - capacity);
    },
    get writableNeedDrain() {
      return taken >= capacity;
    },
  };
  return { socket: socket as unknown as Socket, writes };
}

describe("SendQueue", () => {
  test("copies bytes, counts them, and never writes a call that settled while queued", () => {
    const queue = new SendQueue();
    const [a, b, c] = [call(), call(), call()];
    const slab = new Uint8Array([1, 2, 3]);
    queue.push(a, slab, false);
    slab.fill(9); // the connection reuses its slab: the queue kept its own copy
    queue.push(b, new Uint8Array([4]), false);
    queue.push(c, new Uint8Array([5, 6]), false);
    expect([queue.size, queue.bytes]).toEqual([3, 6]);
    b.done = true; // timed out while queued
    const { socket, writes } = fakeSocket(1_000);
    const written: PendingCall[] = [];
    expect(queue.writeTo(socket, (x) => written.push(x))).toBe(false);
    expect(writes).toEqual([
      [1, 2, 3],
      [5, 6],
    ]);
    expect(written).toEqual([a, c]);
    expect([queue.size, queue.bytes]).toEqual([0, 0]);
  });

  test("stops at a blocked socket and keeps the rest in order", () => {
    const queue = new SendQueue();
    const calls = Array.from({ length: 4 }, call);
    for (const x of calls) queue.push(x, new Uint8Array(300 * 1024), false);
    const { socket } = fakeSocket(100 * 1024);
    const written: PendingCall[] = [];
    expect(queue.writeTo(socket, (x) => written.push(x))).toBe(true);
    expect(written).toEqual([calls[0]]); // a batch ends past 256 KiB: one call of 300 KiB
    expect(queue.calls()).toEqual(calls.slice(1));
    expect(queue.bytes).toBe(3 * 300 * 1024);
  });

  test("keeps waitForReady calls within their wait, returns the others", () => {
    const queue = new SendQueue();
    const [plain, waiting, withDeadline, settled] = [call(), call(), call(), call()];
    withDeadline.expiresAt = Date.now() + 60_000;
    settled.done = true;
    queue.push(plain, new Uint8Array(1), false);
    queue.push(waiting, new Uint8Array(1), true);
    queue.push(withDeadline, new Uint8Array(1), true);
    queue.push(settled, new Uint8Array(1), true);
    expect(queue.keepWaitingForReady(60_000)).toEqual([plain]);
    expect(queue.calls()).toEqual([waiting, withDeadline]);
    // With no time left to wait, only the call with a deadline stays.
    expect(queue.keepWaitingForReady(0)).toEqual([waiting]);
    expect(queue.calls()).toEqual([withDeadline]);
    expect(queue.bytes).toBe(1);
    queue.dropSettled();
    expect(queue.size).toBe(1);
  });
});
