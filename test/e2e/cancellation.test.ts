// Deadline and cancellation flow from a handler's context to its downstream calls
// (`parent: context`) with no AbortController per call: counted by wrapping the global
// constructor. Loopback servers in this process, THeader so deadlines travel; outcomes only.
import { afterEach, expect, test } from "vitest";
import { type CallContext, type RpcError } from "idlc/runtime";
import { Calc } from "../support/calc-service.js";
import {
  calcAt,
  calcHandler,
  Gate,
  open,
  rejection,
  serve,
  until,
} from "../support/rpc-fixture.js";

let made = 0;
const Original = globalThis.AbortController;
/** Counts AbortControllers made from now until the test ends. */
function countAbortControllers(): void {
  made = 0;
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      made++;
    }
  };
}
afterEach(() => {
  globalThis.AbortController = Original;
});

/** A Calc client to `port` over THeader. */
function calcOver(port: number) {
  return Calc.client(open({ host: "127.0.0.1", port, transport: "header" }));
}

/** A server whose `slow` forwards to `next` with `parent: context` and records how it failed. */
async function forwarding(next: ReturnType<typeof calcOver>, failures: unknown[]) {
  return serve(
    calcHandler({
      slow: async (ms, value, c: CallContext) => {
        try {
          return await next.slow(ms, value, { parent: c });
        } catch (error) {
          failures.push(error);
          throw error;
        }
      },
    }),
  );
}

test("a deadline cascades over two hops, and only the handler that reads its signal makes a controller", async () => {
  let cAborted = 0;
  const c = await serve(
    calcHandler({
      slow: (_ms, _v, context) =>
        new Promise(() => context.signal.addEventListener("abort", () => cAborted++)),
    }),
  );
  const bFailures: unknown[] = [];
  const b = await forwarding(calcOver(c.port), bFailures);
  const aFailures: unknown[] = [];
  const a = await forwarding(calcOver(b.port), aFailures);
  const { calc } = calcAt(a.port, { transport: "header" });
  countAbortControllers();
  const calls = 20;
  const outcomes = await Promise.all(
    Array.from({ length: calls }, (_, i) => rejection(calc.slow(1, i, { timeoutMs: 80 }))),
  );
  for (const error of outcomes) expect(error).toMatchObject({ code: "deadline-exceeded" });
  await until(
    () => aFailures.length === calls && bFailures.length === calls && cAborted === calls,
    "every hop to give up",
  );
  // Each hop's downstream call ends at the deadline it inherited (or is cancelled with its
  // parent, whichever comes first), never later.
  for (const error of [...aFailures, ...bFailures])
    expect(["deadline-exceeded", "cancelled"]).toContain((error as RpcError).code);
  expect(made).toBe(calls); // C's handlers read context.signal; A and B passed parent only
  for (const server of [a.server, b.server, c.server])
    await until(() => server.stats().inFlight === 0, "every hop to release its calls");
});

test("the caller's connection closing cancels the downstream call made with parent: context", async () => {
  let started = 0;
  const b = await serve(calcHandler({ slow: () => (started++, new Promise(() => {})) }));
  const failures: unknown[] = [];
  const a = await forwarding(calcOver(b.port), failures);
  const { channel, calc } = calcAt(a.port); // framed: no deadline anywhere
  countAbortControllers();
  const call = rejection(calc.slow(1, 1));
  await until(() => started === 1, "the downstream call to reach B");
  await channel.close();
  expect(await call).toMatchObject({ code: "cancelled" });
  await until(() => failures.length === 1, "A's downstream call to settle");
  const downstream = failures[0] as RpcError;
  expect(downstream.code).toBe("cancelled");
  expect(downstream.message).toMatch(
    /^Calc\.slow on 127\.0\.0\.1:\d+: cancelled: connection from 127\.0\.0\.1:\d+ closed$/,
  );
  expect(made).toBe(0);
});

test("maxHandlerMs cancels a handler's downstream calls too", async () => {
  const b = await serve(calcHandler({ slow: () => new Promise(() => {}) }));
  const failures: unknown[] = [];
  const toB = calcOver(b.port);
  const gate = new Gate();
  const a = await serve(
    calcHandler({
      slow: async (ms, value, c) => {
        try {
          return await toB.slow(ms, value, { parent: c });
        } catch (error) {
          failures.push(error);
          gate.open();
          throw error;
        }
      },
    }),
    { maxHandlerMs: 30 },
  );
  const { calc } = calcAt(a.port);
  countAbortControllers();
  expect(await rejection(calc.slow(1, 1))).toMatchObject({ type: 12 }); // TIMEOUT
  await gate.opened;
  expect(failures[0]).toMatchObject({ code: "cancelled" });
  expect((failures[0] as Error).message).toMatch(/ran longer than maxHandlerMs \(30 ms\)$/);
  expect(made).toBe(0);
});
