// One AbortSignal shared by many calls: the client adds one "abort" listener per signal, not
// per call (no MaxListenersExceededWarning), aborting it cancels every call, and a settled call
// leaves no listener behind. Loopback, port 0; every channel and server is closed.
import { getEventListeners } from "node:events";
import { afterEach, expect, test } from "vitest";
import { connect, createServer, type ClientChannel, type Server } from "idlc/runtime";
import { Calc, type CalcHandler } from "../support/calc-service.js";
import { withTimeout } from "../support/loopback.js";

const CALLS = 50;

const servers: Server[] = [];
const channels: ClientChannel[] = [];
const warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};

afterEach(async () => {
  process.off("warning", onWarning);
  warnings.length = 0;
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
});

/** A Calc server whose `slow` waits for `gate`, counting calls that reached it. */
async function serveSlow(gate: Promise<void>): Promise<{ port: number; started: () => number }> {
  let started = 0;
  const handler = {
    slow: async (_ms: number, value: number) => {
      started++;
      await gate;
      return value;
    },
  } as unknown as CalcHandler;
  const server = createServer({ logger: { warn() {}, error() {} } });
  server.add(Calc, handler);
  servers.push(server);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return { port, started: () => started };
}

function calcAt(port: number) {
  const channel = connect({ host: "127.0.0.1", port });
  channels.push(channel);
  return Calc.client(channel);
}

/** Resolves once `predicate` holds, checking every few ms (bounded). */
async function until(predicate: () => boolean, what: string): Promise<void> {
  await withTimeout(
    (async () => {
      while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 2));
    })(),
    5_000,
    `waiting for ${what}`,
  );
}

/** Lets pending warnings (emitted on process.nextTick) reach their listeners. */
const settleWarnings = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test(`${CALLS} calls sharing one signal: one listener, no warning; aborting cancels them all`, async () => {
  process.on("warning", onWarning);
  let open!: () => void;
  const { port, started } = await serveSlow(new Promise<void>((resolve) => (open = resolve)));
  const calc = calcAt(port);
  const controller = new AbortController();
  const signal = controller.signal;
  const calls = Array.from({ length: CALLS }, (_, i) => calc.slow(1, i, { signal }));
  const outcomes = Promise.allSettled(calls);
  expect(getEventListeners(signal, "abort")).toHaveLength(1);
  await until(() => started() === CALLS, "every call to reach the handler");

  controller.abort(new Error("the user went away"));
  const settled = await outcomes;
  for (const outcome of settled) {
    expect(outcome.status).toBe("rejected");
    const error = (outcome as PromiseRejectedResult).reason as Error;
    expect(error).toMatchObject({ code: "cancelled" });
    expect(error.message).toMatch(/: cancelled: the user went away$/);
  }
  expect(getEventListeners(signal, "abort")).toHaveLength(0);
  await settleWarnings();
  expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  open(); // the handlers finish; their late replies are dropped
});

test("calls that settle normally take their listener with them", async () => {
  process.on("warning", onWarning);
  let open!: () => void;
  const { port, started } = await serveSlow(new Promise<void>((resolve) => (open = resolve)));
  const calc = calcAt(port);
  const controller = new AbortController();
  const signal = controller.signal;
  const parent = new AbortController();

  const first = Promise.all(
    Array.from({ length: CALLS }, (_, i) => calc.slow(1, i, { signal: parent.signal })),
  );
  const second = Promise.all(
    Array.from({ length: CALLS }, (_, i) => calc.slow(1, i, { signal, timeoutMs: 60_000 })),
  );
  expect(getEventListeners(signal, "abort")).toHaveLength(1);
  expect(getEventListeners(parent.signal, "abort")).toHaveLength(1);
  await until(() => started() === 2 * CALLS, "every call to reach the handler");
  open();
  const expected = Array.from({ length: CALLS }, (_, i) => i);
  expect(await first).toEqual(expected);
  expect(await second).toEqual(expected);

  expect(getEventListeners(signal, "abort")).toHaveLength(0);
  expect(getEventListeners(parent.signal, "abort")).toHaveLength(0);
  // The signal is still usable: a later call listens again, and aborting it cancels only that.
  const late = calc.slow(1, 7, { signal });
  expect(getEventListeners(signal, "abort")).toHaveLength(1);
  expect(await late).toBe(7);
  expect(getEventListeners(signal, "abort")).toHaveLength(0);
  controller.abort();
  await settleWarnings();
  expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
});

test("a call cancelled on its own leaves the signal's other calls listening", async () => {
  let open!: () => void;
  const { port, started } = await serveSlow(new Promise<void>((resolve) => (open = resolve)));
  const calc = calcAt(port);
  const shared = new AbortController();
  const own = new AbortController();
  const others = Promise.all([1, 2, 3].map((v) => calc.slow(1, v, { signal: shared.signal })));
  const single = calc.slow(1, 4, { signal: own.signal });
  await until(() => started() === 4, "every call to reach the handler");
  own.abort();
  await expect(single).rejects.toMatchObject({ code: "cancelled" });
  expect(getEventListeners(own.signal, "abort")).toHaveLength(0);
  expect(getEventListeners(shared.signal, "abort")).toHaveLength(1);
  open();
  expect(await others).toEqual([1, 2, 3]);
  expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);
});
