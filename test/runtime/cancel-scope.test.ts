// Cancel scopes without sockets: a pending call made with an idlc server context as parent
// inherits its deadline exactly, links into it (no AbortController), is settled when it is
// cancelled and unlinks when it settles; any other CallContext is still followed by its signal.
import { afterEach, describe, expect, test } from "vitest";
import { RpcError, RpcErrorCode, type CallContext, type MethodDescriptor } from "idlc/runtime";
import { CancelScope, type ScopeLink } from "../../runtime/cancel-scope.js";
import { PendingCall, type CallOwner } from "../../runtime/client/pending-call.js";
import { DeadlineScheduler } from "../../runtime/deadline.js";
import { NO_HEADERS, ServerCallContext } from "../../runtime/server/context.js";
import { MethodCounters } from "../../runtime/server/stats.js";
import { Calc } from "../support/calc-service.js";

const method = Calc.methods.get("slow") as MethodDescriptor;

/** Counts AbortControllers made while it is installed. */
function countAbortControllers(): { made: () => number; restore: () => void } {
  const Original = globalThis.AbortController;
  let made = 0;
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      made++;
    }
  };
  return { made: () => made, restore: () => (globalThis.AbortController = Original) };
}

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

function context(deadline: number | undefined): ServerCallContext {
  const owner = { expired() {}, peerCertificate: () => undefined };
  const counters = new MethodCounters();
  return new ServerCallContext(owner, "Calc", method, counters, 1, "peer", deadline, NO_HEADERS);
}

/** A call owner recording what settled its calls. */
function recordingOwner(): CallOwner & { cancelled: unknown[] } {
  const cancelled: unknown[] = [];
  return { cancelled, expire() {}, cancel: (_call, reason) => cancelled.push(reason) };
}

describe("a pending call with an idlc server context as parent", () => {
  test("inherits the parent's deadline exactly, even with a longer timeout of its own", () => {
    const deadline = Date.now() + 12_345;
    const parent = context(deadline);
    const a = new PendingCall(recordingOwner(), "Calc", method);
    expect(a.prepare({ parent }, undefined)).toBeUndefined();
    expect(a.deadline).toBe(deadline);
    const b = new PendingCall(recordingOwner(), "Calc", method);
    b.prepare({ parent, timeoutMs: 60_000 }, 90_000);
    expect(b.deadline).toBe(deadline);
    const c = new PendingCall(recordingOwner(), "Calc", method);
    c.prepare({ parent, deadline: deadline - 1 }, undefined);
    expect(c.deadline).toBe(deadline - 1); // an earlier own deadline still wins
  });

  test("makes no AbortController, and cancelling the parent settles every linked call", () => {
    const counter = countAbortControllers();
    restore = counter.restore;
    const parent = context(undefined);
    const owner = recordingOwner();
    const calls = [1, 2, 3].map(() => new PendingCall(owner, "Calc", method));
    for (const call of calls) call.prepare({ parent }, undefined);
    calls[1]!.finish(new DeadlineScheduler()); // settled on its own: unlinked
    const reason = new RpcError("connection closed", { code: RpcErrorCode.CANCELLED });
    parent.cancel(reason);
    expect(owner.cancelled).toEqual([reason, reason]); // calls 0 and 2, not the settled one
    expect(counter.made()).toBe(0);
    // A call made after the parent was cancelled is cancelled at once, nothing linked.
    const late = new PendingCall(owner, "Calc", method);
    expect(late.prepare({ parent }, undefined)).toEqual({ reason });
    expect(late.scope).toBeUndefined();
    expect(counter.made()).toBe(0);
  });

  test("reading context.signal makes one controller, aborted with the cancel reason", () => {
    const counter = countAbortControllers();
    restore = counter.restore;
    const parent = context(undefined);
    const signal = parent.signal;
    expect(parent.signal).toBe(signal);
    expect(counter.made()).toBe(1);
    const reason = new Error("gone");
    parent.cancel(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    // Read first after the cancel: already aborted.
    const other = context(undefined);
    other.cancel(reason);
    expect(other.signal.reason).toBe(reason);
  });
});

test("any other CallContext as parent is followed through its signal", () => {
  const controller = new AbortController();
  const parent: CallContext = {
    service: "X",
    method: "y",
    peer: "p",
    deadline: undefined,
    signal: controller.signal,
    headers: NO_HEADERS,
  };
  const owner = recordingOwner();
  const call = new PendingCall(owner, "Calc", method);
  call.prepare({ parent }, undefined);
  controller.abort(new Error("stop"));
  expect(owner.cancelled).toHaveLength(1);
  expect((owner.cancelled[0] as Error).message).toBe("stop");
});

test("a scope's list survives links and unlinks in any order", () => {
  const scope = new CancelScope();
  const settled: number[] = [];
  const links: ScopeLink[] = [0, 1, 2, 3, 4].map((i) => ({
    scope: undefined,
    scopePrev: undefined,
    scopeNext: undefined,
    scopeCancelled: () => settled.push(i),
  }));
  for (const link of links) scope.link(link);
  scope.unlink(links[0]!); // the tail
  scope.unlink(links[4]!); // the head
  scope.unlink(links[2]!); // the middle
  scope.unlink(links[2]!); // twice: a no-op
  scope.cancel(new Error("x"));
  expect(settled.sort()).toEqual([1, 3]);
  expect(links.every((l) => l.scope === undefined)).toBe(true);
});
