// idlc client ⇄ idlc server over real loopback TCP: graceful close. Handlers are deterministic:
// outcomes and orderings are asserted, never durations (test/support/rpc-fixture.ts closes every
// server, channel and socket after each test and fails the file on a leaked socket).
import { describe, expect, test } from "vitest";
import { Gate, until, calcHandler, serve, calcAt, rejection } from "../../support/rpc-fixture.js";

describe("graceful close", () => {
  test("running calls finish, then the server is gone", async () => {
    const gate = new Gate();
    let started = 0;
    const { server, port } = await serve(
      calcHandler({
        slow: async (_ms, value) => {
          started++;
          await gate.opened;
          return value * 10;
        },
      }),
    );
    const { calc } = calcAt(port);
    const calls = [1, 2, 3].map((i) => calc.slow(1, i));
    await until(() => started === 3, "three calls running", 5_000);
    const closed = server.close({ graceMs: 10_000 });
    let done = false;
    void closed.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(done).toBe(false); // still waiting for the running calls
    gate.open();
    expect(await Promise.all(calls)).toEqual([10, 20, 30]);
    await closed;
    // Gone: a new connection is refused.
    expect(await rejection(calcAt(port).calc.add(1, 1))).toMatchObject({ code: "unavailable" });
  });

  test("calls still running after graceMs are cut off and their signals abort", async () => {
    const aborted = new Gate();
    let started = 0;
    const { server, port } = await serve(
      calcHandler({
        slow: (_ms, _v, c) =>
          new Promise(() => {
            started++;
            c.signal.addEventListener("abort", () => aborted.open());
          }),
      }),
    );
    const { calc } = calcAt(port);
    const call = rejection(calc.slow(1, 1));
    await until(() => started === 1, "the handler to start", 5_000);
    await server.close({ graceMs: 20 });
    expect(await call).toMatchObject({ code: "connection-lost" });
    await aborted.opened;
  });
});
