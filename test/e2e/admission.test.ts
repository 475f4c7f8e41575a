// Admission control under real load: maxConcurrentCalls for the whole server, and shedding while
// the event loop lags (a handler that burns CPU and a flood of calls). A shed call is answered
// LOADSHEDDING at once, never reaches a handler, and the client sees code "overloaded" saying the
// call did not run. Bounded in count and time; outcomes are asserted, never durations.
import { expect, test } from "vitest";
import { RpcError } from "idlc/runtime";
import { withTimeout } from "../support/loopback.js";
import { calcAt, calcHandler, Gate, rejection, serve, until } from "../support/rpc-fixture.js";

function expectShed(error: Error): void {
  expect(error).toBeInstanceOf(RpcError);
  expect(error).toMatchObject({ code: "overloaded" });
  expect(error.message).toMatch(/: server overloaded, the call did not run: /);
}

test("maxConcurrentCalls bounds the calls running on the whole server, across connections", async () => {
  const gate = new Gate();
  let started = 0;
  let added = 0;
  const { server, port } = await serve(
    calcHandler({
      slow: async (_ms, value) => {
        started++;
        await gate.opened;
        return value;
      },
      add: (a, b) => (added++, a + b),
    }),
    { maxConcurrentCalls: 3 },
  );
  // retry: false: this test counts what the server sheds, so the client must not try again.
  const first = calcAt(port, { retry: false }).calc;
  const second = calcAt(port, { retry: false }).calc;
  const running = [first.slow(1, 1), first.slow(1, 2), second.slow(1, 3)];
  await until(() => started === 3, "three calls running");
  const shed = await Promise.all([
    rejection(first.slow(1, 4)),
    rejection(second.slow(1, 5)),
    rejection(second.add(1, 1)), // a synchronous handler is admitted the same way
  ]);
  for (const error of shed) expectShed(error);
  expect(shed[0]!.message).toMatch(/3 calls are running \(maxConcurrentCalls\)$/);
  expect(started).toBe(3);
  expect(added).toBe(0);
  gate.open();
  expect(await Promise.all(running)).toEqual([1, 2, 3]);
  expect(await second.slow(1, 6)).toBe(6); // the slots are free again
  const stats = server.stats();
  expect(stats).toMatchObject({ calls: 7, inFlight: 0, shed: 3, connections: 2 });
  expect(stats.outcomes).toMatchObject({ ok: 4, overloaded: 3 });
  expect(stats.methods["Calc.slow"]).toEqual({ calls: 6, exceptions: 0, errors: 2 });
  expect(stats.methods["Calc.add"]).toEqual({ calls: 1, exceptions: 0, errors: 1 });
});

/** Keeps the event loop busy for `ms`: the CPU-bound work of an overloaded service. */
function burn(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test("while the event loop lags, calls are shed at once; the others succeed", async () => {
  let ran = 0;
  const { server, port } = await serve(calcHandler({ add: (a, b) => (ran++, burn(10), a + b) }), {
    maxEventLoopDelayMs: 20,
    eventLoopSampleMs: 50,
  });
  const { calc } = calcAt(port, { retry: false }); // count sheds, not the client's retries
  let ok = 0;
  const shed: Error[] = [];
  const other: unknown[] = [];
  let sent = 0;
  const enough = (): boolean => (ok >= 10 && shed.length >= 10) || other.length > 0;
  // A flood: 32 calls always in flight, until both outcomes were seen (at most 5,000 calls).
  const worker = async (): Promise<void> => {
    while (!enough() && sent < 5_000) {
      sent++;
      try {
        expect(await calc.add(1, 2)).toBe(3);
        ok++;
      } catch (error) {
        if (error instanceof RpcError && error.code === "overloaded") shed.push(error);
        else other.push(error);
      }
    }
  };
  await withTimeout(
    Promise.all(Array.from({ length: 32 }, worker)),
    60_000,
    "the flood should end",
  );
  expect(other).toEqual([]);
  expect(ok).toBeGreaterThanOrEqual(10);
  expect(shed.length).toBeGreaterThanOrEqual(10);
  for (const error of shed) expectShed(error);
  expect(shed[0]!.message).toMatch(
    /event-loop delay of \d+ ms is above maxEventLoopDelayMs \(20\)$/,
  );
  expect(ran).toBe(ok); // a shed call never reached the handler
  const stats = server.stats();
  expect(stats.shed).toBe(shed.length);
  expect(stats.outcomes.ok).toBe(ok);
});

test("maxEventLoopDelayMs 0 never sheds", async () => {
  const { server, port } = await serve(calcHandler({ add: (a, b) => (burn(5), a + b) }), {
    maxEventLoopDelayMs: 0,
    eventLoopSampleMs: 10,
  });
  const { calc } = calcAt(port);
  const results = await Promise.all(Array.from({ length: 40 }, () => calc.add(1, 1)));
  expect(results.every((r) => r === 2)).toBe(true);
  expect(server.stats()).toMatchObject({ shed: 0, overloaded: false, eventLoopDelayMs: 0 });
});
