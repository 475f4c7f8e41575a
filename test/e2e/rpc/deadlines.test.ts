// idlc client ⇄ idlc server over real loopback TCP: deadlines and cancellation. Handlers are
// deterministic: outcomes and orderings are asserted, never durations (test/support/rpc-fixture.ts
// closes every server, channel and socket after each test and fails the file on a leaked socket).
import { describe, expect, test } from "vitest";
import { RpcError, type CallContext } from "idlc/runtime";
import { Calc } from "../../support/calc-service.js";
import {
  Gate,
  until,
  calcHandler,
  serve,
  open,
  calcAt,
  rejection,
} from "../../support/rpc-fixture.js";

describe("deadlines and cancellation", () => {
  test("a timeout rejects with deadline-exceeded; the late reply is dropped quietly", async () => {
    const gate = new Gate();
    let started = 0;
    const { port } = await serve(
      calcHandler({
        slow: async (_ms, value) => {
          started++;
          await gate.opened;
          return value;
        },
      }),
    );
    const { calc } = calcAt(port);
    const error = await rejection(calc.slow(1, 5, { timeoutMs: 30 }));
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: "deadline-exceeded" });
    expect(error.message).toBe(`Calc.slow on 127.0.0.1:${port}: deadline of 30 ms exceeded`);
    expect(started).toBe(1);
    gate.open(); // the server now answers the call nobody waits for
    // Replies on one connection arrive in the order written: once this one is back, the late
    // one has been received (and dropped).
    expect(await calc.add(1, 2)).toBe(3);
    expect(await calc.slow(1, 9)).toBe(9);
  });

  test("an absolute deadline in the past fails at once without sending", async () => {
    let calls = 0;
    const { port } = await serve(calcHandler({ add: () => ++calls }));
    const { calc } = calcAt(port);
    const error = await rejection(calc.add(1, 1, { deadline: Date.now() - 1 }));
    expect(error).toMatchObject({ code: "deadline-exceeded" });
    expect(await calc.add(1, 1)).toBe(1);
    expect(calls).toBe(1);
  });

  test("aborting the signal cancels the call; an aborted signal sends nothing", async () => {
    const gate = new Gate();
    let started = 0;
    const { port } = await serve(
      calcHandler({
        slow: async (_ms, value) => {
          started++;
          await gate.opened;
          return value;
        },
      }),
    );
    const { calc } = calcAt(port);
    const controller = new AbortController();
    const call = calc.slow(1, 1, { signal: controller.signal });
    await until(() => started === 1, "the handler to start", 5_000);
    controller.abort(new Error("user went away"));
    const error = await rejection(call);
    expect(error).toMatchObject({ code: "cancelled" });
    expect(error.message).toBe(`Calc.slow on 127.0.0.1:${port}: cancelled: user went away`);
    const before = await rejection(calc.slow(1, 2, { signal: AbortSignal.abort() }));
    expect(before).toMatchObject({ code: "cancelled" });
    gate.open();
    expect(await calc.slow(1, 3)).toBe(3);
    expect(started).toBe(2); // the pre-aborted call never reached the server
  });

  test("a channel-wide timeoutMs applies to calls that set none", async () => {
    const { port } = await serve(calcHandler({ slow: () => new Promise(() => {}) }));
    const { calc } = calcAt(port, { timeoutMs: 25 });
    expect(await rejection(calc.slow(1, 1))).toMatchObject({ code: "deadline-exceeded" });
    expect(await calc.add(2, 2)).toBe(4);
  });

  test("deadline and request id propagate through a two-hop chain (THeader)", async () => {
    const b = await serve();
    const toB = Calc.client(open({ host: "127.0.0.1", port: b.port, transport: "header" }));
    const a = await serve(
      calcHandler({
        context: async (c: CallContext) => {
          const inner = JSON.parse(await toB.context({ parent: c }));
          return JSON.stringify({
            deadline: c.deadline,
            headers: Object.fromEntries(c.headers),
            inner,
          });
        },
      }),
    );
    const { calc } = calcAt(a.port, { transport: "header" });
    const seen = JSON.parse(
      await calc.context({ timeoutMs: 60_000, headers: { request_id: "req-7", user: "alice" } }),
    );
    expect(seen.deadline).toEqual(expect.any(Number));
    expect(seen.headers).toMatchObject({ request_id: "req-7", user: "alice" });
    // B gets a deadline too, from what was left of A's budget when A called (a relative
    // timeout, so clocks need not agree), and the same request id.
    expect(seen.inner.deadline).toEqual(expect.any(Number));
    const budgetAtA = Number(seen.headers.client_timeout);
    const budgetAtB = Number(seen.inner.headers.client_timeout);
    expect(budgetAtA).toBeLessThanOrEqual(60_000);
    expect(budgetAtB).toBeGreaterThan(0);
    expect(budgetAtB).toBeLessThanOrEqual(budgetAtA);
    expect(seen.inner.headers.request_id).toBe("req-7");
  });

  test("a downstream call made with parent: context fails when the parent's deadline passes", async () => {
    const b = await serve(calcHandler({ slow: () => new Promise(() => {}) }));
    const toB = Calc.client(open({ host: "127.0.0.1", port: b.port }));
    let downstream: unknown;
    const settled = new Gate();
    const a = await serve(
      calcHandler({
        slow: async (_ms, value, c) => {
          try {
            return await toB.slow(1, value, { parent: c });
          } catch (error) {
            downstream = error;
            settled.open();
            throw error;
          }
        },
      }),
    );
    const { calc } = calcAt(a.port, { transport: "header" });
    expect(await rejection(calc.slow(1, 1, { timeoutMs: 40 }))).toMatchObject({
      code: "deadline-exceeded",
    });
    await settled.opened;
    expect(downstream).toBeInstanceOf(RpcError);
    expect(["deadline-exceeded", "cancelled"]).toContain((downstream as RpcError).code);
  });

  test("a handler's signal aborts when its connection closes", async () => {
    const aborted = new Gate();
    let reason: unknown;
    let started = 0;
    const { port } = await serve(
      calcHandler({
        slow: (_ms, _value, c) =>
          new Promise(() => {
            started++;
            c.signal.addEventListener("abort", () => {
              reason = c.signal.reason;
              aborted.open();
            });
          }),
      }),
    );
    const { channel, calc } = calcAt(port);
    const call = rejection(calc.slow(1, 1));
    await until(() => started === 1, "the handler to start", 5_000);
    await channel.close();
    expect(await call).toMatchObject({ code: "cancelled" });
    await aborted.opened;
    expect(reason).toBeInstanceOf(RpcError);
  });
});
