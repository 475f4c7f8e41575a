// A channel over a discovery source that is not ready yet: calls wait for its first read (one
// shared `ready()`), bounded by their own deadline and signal, and leave no timer or listener
// behind; a failed first read fails them as "unavailable" naming why; after the first read an
// empty list fails at once. A source passed in stays open when the channel closes. And an
// endpoint that leaves the list keeps its connection until its calls are answered.
// The source here is driven by hand, so every step is explicit; loopback server on port 0.
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, test, vi } from "vitest";
import {
  connect,
  createServer,
  RpcError,
  type ClientChannel,
  type Endpoint,
  type EndpointSource,
  type Server,
} from "idlc/runtime";
import { Calc, type CalcHandler } from "../../support/calc-service.js";

const servers: Server[] = [];
const channels: ClientChannel[] = [];

afterEach(async () => {
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
});

/** A Calc server on 127.0.0.1 whose `add` counts its calls. */
async function serveCalc(): Promise<{ endpoint: Endpoint; calls: () => number }> {
  let calls = 0;
  const handler = {
    add: (a: number, b: number) => {
      calls++;
      return a + b;
    },
  } as unknown as CalcHandler;
  const server = createServer({ logger: { warn() {}, error() {} } }).add(Calc, handler);
  servers.push(server);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return { endpoint: { host: "127.0.0.1", port }, calls: () => calls };
}

/** An EndpointSource whose list, readiness and failures the test drives. */
function manualSource() {
  let list: readonly Endpoint[] = [];
  const listeners = new Set<() => void>();
  let waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  const counts = { ready: 0, close: 0 };
  const source: Required<EndpointSource> = {
    endpoints: () => list,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready() {
      counts.ready++;
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    close() {
      counts.close++;
    },
  };
  const settle = (error?: unknown) => {
    const settling = waiters;
    waiters = [];
    for (const w of settling) {
      if (error === undefined) w.resolve();
      else w.reject(error);
    }
  };
  return {
    source,
    counts,
    /** Lists `endpoints` and tells subscribers (as a source does before it resolves ready). */
    publish(endpoints: readonly Endpoint[]) {
      list = endpoints;
      for (const listener of [...listeners]) listener();
    },
    ready: () => settle(),
    fail: (error: Error) => settle(error),
    /** ready() calls not yet settled. */
    waiting: () => waiters.length,
  };
}

function channelOn(source: EndpointSource, options: { timeoutMs?: number } = {}) {
  const channel = connect({ endpoints: source, ...options });
  channels.push(channel);
  return { channel, calc: Calc.client(channel) };
}

/** Lets settled promises run their reactions. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

async function rejection(promise: Promise<unknown>): Promise<RpcError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RpcError);
  return error as RpcError;
}

describe("calls before the source's first read", () => {
  test("wait for it, share one ready(), and then go to the endpoints it listed", async () => {
    const server = await serveCalc();
    const manual = manualSource();
    const { calc } = channelOn(manual.source, { timeoutMs: 10_000 });
    const results = Promise.all(Array.from({ length: 5 }, (_, i) => calc.add(i, 10)));
    await flush();
    expect(manual.counts.ready, "one ready() for all waiting calls").toBe(1);
    expect(server.calls(), "nothing is sent before the source is read").toBe(0);

    manual.publish([server.endpoint]);
    manual.ready();
    expect(await results).toEqual([10, 11, 12, 13, 14]);
    expect(server.calls()).toBe(5);
    expect(await calc.add(1, 1)).toBe(2);
    expect(manual.counts.ready, "once there are endpoints nobody waits").toBe(1);
  });

  test("are sent as soon as endpoints appear, even before ready() resolves", async () => {
    const server = await serveCalc();
    const manual = manualSource();
    const { calc } = channelOn(manual.source);
    const result = calc.add(2, 3);
    await flush();
    manual.publish([server.endpoint]);
    expect(await result).toBe(5);
    manual.ready();
  });

  test("fail with unavailable naming the reason when the first read fails; a later call waits again", async () => {
    const server = await serveCalc();
    const manual = manualSource();
    const { calc } = channelOn(manual.source);
    const first = calc.add(1, 2);
    const second = calc.add(3, 4);
    await flush();
    manual.fail(new Error("etcd at http://127.0.0.1:1 is unreachable: connect ECONNREFUSED"));
    for (const error of [await rejection(first), await rejection(second)]) {
      expect(error.code).toBe("unavailable");
      expect(error.message).toBe(
        "Calc.add: no endpoint to call: the endpoint source's first read failed: etcd at http://127.0.0.1:1 is unreachable: connect ECONNREFUSED",
      );
      expect((error.cause as Error).message).toContain("ECONNREFUSED");
    }

    const third = calc.add(5, 6);
    await flush();
    expect(manual.counts.ready, "the next call asks the source again").toBe(2);
    manual.publish([server.endpoint]);
    manual.ready();
    expect(await third).toBe(11);
  });

  test("after the first read, an empty list fails at once with unavailable", async () => {
    const manual = manualSource();
    const { calc } = channelOn(manual.source);
    const waiting = calc.add(1, 1);
    await flush();
    manual.ready();
    const error = await rejection(waiting);
    expect([error.code, error.message]).toEqual(["unavailable", "Calc.add: no endpoint to call"]);

    const later = await rejection(calc.add(1, 1));
    expect(later.code).toBe("unavailable");
    expect(manual.counts.ready, "a ready source is not asked again").toBe(1);
  });

  test("a call whose deadline passes while waiting rejects and leaves no timer behind", async () => {
    const server = await serveCalc();
    const manual = manualSource();
    // Fake clock and timers (the deadline scheduler's timer is unref'd, so Node's list of
    // active handles would not show it); I/O and setImmediate stay real.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      const { calc } = channelOn(manual.source);
      const call = rejection(calc.add(1, 1, { timeoutMs: 30 }));
      await flush();
      expect(vi.getTimerCount(), "one timer while waiting: the channel's scheduler").toBe(1);
      vi.advanceTimersByTime(30);
      const error = await call;
      expect(error.code).toBe("deadline-exceeded");
      expect(error.message).toBe(
        "Calc.add: deadline of 30 ms exceeded while waiting for the endpoint source's first read",
      );
      expect(vi.getTimerCount(), "the scheduler disarmed").toBe(0);
    } finally {
      vi.useRealTimers();
    }

    // The source becomes ready later: the expired call is not sent.
    manual.publish([server.endpoint]);
    manual.ready();
    await flush();
    expect(server.calls()).toBe(0);
  });

  test("an aborted call rejects as cancelled and its signal keeps no listener", async () => {
    const server = await serveCalc();
    const manual = manualSource();
    const { calc } = channelOn(manual.source);
    const controller = new AbortController();
    const call = calc.add(1, 1, { signal: controller.signal, timeoutMs: 10_000 });
    const other = calc.add(2, 2, { timeoutMs: 10_000 });
    await flush();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort(new Error("user went away"));
    const error = await rejection(call);
    expect([error.code, error.message]).toEqual([
      "cancelled",
      "Calc.add: cancelled while waiting for the endpoint source's first read: user went away",
    ]);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);

    // The other call still waits, and goes out once the source is ready.
    manual.publish([server.endpoint]);
    manual.ready();
    expect(await other).toBe(4);
    expect(server.calls()).toBe(1);
  });

  test("a call with an already aborted signal, or no time left, rejects at once", async () => {
    const manual = manualSource();
    const { calc } = channelOn(manual.source);
    const aborted = await rejection(calc.add(1, 1, { signal: AbortSignal.abort() }));
    expect(aborted.code).toBe("cancelled");
    const late = await rejection(calc.add(1, 1, { deadline: Date.now() - 1 }));
    expect(late.code).toBe("deadline-exceeded");
    expect(manual.counts.ready, "nothing waited").toBe(0);
  });

  test("closing the channel cancels the waiting calls", async () => {
    const manual = manualSource();
    const { channel, calc } = channelOn(manual.source);
    const waiting = rejection(calc.add(1, 1));
    await flush();
    await channel.close();
    const error = await waiting;
    expect([error.code, error.message]).toEqual(["cancelled", "Calc.add: the channel is closed"]);
    manual.ready(); // too late: nothing happens
    await flush();
  });
});

describe("who closes the source", () => {
  test("a source passed in stays open when a channel using it closes", async () => {
    const server = await serveCalc();
    const manual = manualSource();
    manual.publish([server.endpoint]);
    const first = channelOn(manual.source);
    const second = channelOn(manual.source);
    expect(await first.calc.add(1, 1)).toBe(2);
    await first.channel.close();
    expect(manual.counts.close).toBe(0);
    expect(await second.calc.add(2, 2), "the other channel still uses it").toBe(4);
    await second.channel.close();
    expect(manual.counts.close).toBe(0);
  });
});

describe("an endpoint that leaves the list", () => {
  test("keeps its connection until the calls on it are answered, then closes it and forgets it", async () => {
    // Server A answers `add` only when the test opens its gate; B answers at once.
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let entered = 0;
    const slow = createServer({ logger: { warn() {}, error() {} } }).add(Calc, {
      add: async (a: number, b: number) => {
        entered++;
        await gate;
        return a + b;
      },
    } as unknown as CalcHandler);
    servers.push(slow);
    const a = { host: "127.0.0.1", port: (await slow.listen({ host: "127.0.0.1", port: 0 })).port };
    const b = await serveCalc();
    const manual = manualSource();
    manual.publish([a]);
    manual.ready();
    const { channel, calc } = channelOn(manual.source, { timeoutMs: 10_000 });

    const onA = calc.add(20, 22);
    for (let i = 0; i < 200 && entered === 0; i++) await flush();
    expect(entered, "the call reached A's handler").toBe(1);
    manual.publish([b.endpoint]); // A leaves the list while its call runs
    expect(await calc.add(1, 2), "new calls go to B").toBe(3);
    expect(b.calls()).toBe(1);
    expect(slow.connections, "A's connection stays while its call is pending").toBe(1);

    openGate();
    expect(await onA, "the call on the retired connection is answered").toBe(42);
    for (let i = 0; i < 200 && slow.connections > 0; i++) await flush();
    expect(slow.connections, "then the retired connection closes").toBe(0);
    // White-box: the channel no longer holds the closed connection (it used to, a leak that
    // grew with every endpoint change). It lets go when its own socket has closed.
    const retired = (channel as unknown as { retired: Set<unknown> }).retired;
    for (let i = 0; i < 200 && retired.size > 0; i++) await flush();
    expect(retired.size).toBe(0);
  });
});
