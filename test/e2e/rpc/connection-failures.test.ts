// idlc client ⇄ idlc server over real loopback TCP: connection failures, reconnects and retries.
// Handlers are deterministic: outcomes and orderings are asserted, never durations (fixture.ts
// closes every server, channel and socket after each test and fails the file on a leaked socket).
import { describe, expect, test } from "vitest";
import { RpcError, type EndpointSource } from "idlc/runtime";
import { Calc } from "../../support/calc-service.js";
import { freePort } from "../../support/loopback.js";
import {
  Gate,
  until,
  calcHandler,
  serve,
  open,
  calcAt,
  rejection,
} from "../../support/rpc-fixture.js";

describe("connection failures", () => {
  test("server killed mid-call: every pending call rejects with connection-lost; the next reconnects", async () => {
    let started = 0;
    const first = await serve(calcHandler({ slow: () => (started++, new Promise(() => {})) }));
    const { calc } = calcAt(first.port);
    const calls = [1, 2, 3].map((i) => calc.slow(1, i));
    await until(() => started === 3, "three calls running", 5_000);
    const settled = Promise.allSettled(calls);
    await first.server.close({ graceMs: 0 });
    const outcomes = await settled;
    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      const error = (outcome as PromiseRejectedResult).reason as RpcError;
      expect(error).toBeInstanceOf(RpcError);
      expect(error.code).toBe("connection-lost");
      expect(error.message).toMatch(
        new RegExp(
          `^Calc\\.slow on 127\\.0\\.0\\.1:${first.port}: connection lost .*may or may not have run`,
        ),
      );
    }
    await serve(calcHandler(), {}, first.port); // a new server on the same port
    expect(await calc.add(20, 22)).toBe(42);
  });

  test("nothing listening: unavailable, naming the peer", async () => {
    const port = await freePort();
    const { calc } = calcAt(port, { backoff: { initialMs: 1, maxMs: 5 } });
    const error = await rejection(calc.add(1, 2));
    expect(error).toMatchObject({ code: "unavailable" });
    expect(error.message).toMatch(
      new RegExp(`^Calc\\.add on 127\\.0\\.0\\.1:${port}: cannot connect: .*ECONNREFUSED`),
    );
    expect(await rejection(calc.add(1, 2))).toMatchObject({ code: "unavailable" });
  });

  test("built-in retry moves a call that could not connect to another endpoint", async () => {
    const dead = await freePort();
    const { port } = await serve();
    const channel = open({
      addresses: [`127.0.0.1:${dead}`, `127.0.0.1:${port}`],
      retry: { attempts: 3, delayMs: 1 },
      backoff: { initialMs: 1_000, maxMs: 1_000 },
    });
    const calc = Calc.client(channel);
    const results = await Promise.all([1, 2, 3, 4].map((i) => calc.add(i, i)));
    expect(results).toEqual([2, 4, 6, 8]);
  });

  test("endpoints that go away finish their calls; new calls go to the new ones", async () => {
    const gate = new Gate();
    let startedOnA = 0;
    const a = await serve(
      calcHandler({
        slow: async (_ms, value) => {
          startedOnA++;
          await gate.opened;
          return value;
        },
        echo: () => "a",
      }),
    );
    const b = await serve(calcHandler({ echo: () => "b" }));
    let current = [{ host: "127.0.0.1", port: a.port }];
    const listeners = new Set<() => void>();
    const source: EndpointSource = {
      endpoints: () => current,
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const calc = Calc.client(open({ endpoints: source }));
    expect(await calc.echo("?")).toBe("a");
    const pendingOnA = calc.slow(1, 7);
    await until(() => startedOnA === 1, "the call on A to start", 5_000);
    current = [{ host: "127.0.0.1", port: b.port }];
    for (const listener of listeners) listener();
    expect(await calc.echo("?")).toBe("b");
    gate.open();
    expect(await pendingOnA).toBe(7); // not cancelled by the switch
    await until(() => a.server.connections === 0, "the retired connection to close", 5_000);
  });

  test("a request larger than the client's maxFrameBytes fails before it is sent", async () => {
    let echoed = 0;
    const { port } = await serve(calcHandler({ echo: (t) => (echoed++, t) }));
    const { calc } = calcAt(port, { maxFrameBytes: 1000 });
    const error = await rejection(calc.echo("x".repeat(2000)));
    expect(error).toMatchObject({ code: "limit-exceeded" });
    expect(error.message).toMatch(
      /^Calc\.echo on 127\.0\.0\.1:\d+: request of 20\d\d bytes exceeds maxFrameBytes \(1000\); raise the client's maxFrameBytes option/,
    );
    expect(await calc.echo("small")).toBe("small");
    expect(echoed).toBe(1);
  });

  test("closing the channel cancels pending calls", async () => {
    let started = 0;
    const { port } = await serve(calcHandler({ slow: () => (started++, new Promise(() => {})) }));
    const { channel, calc } = calcAt(port);
    const call = rejection(calc.slow(1, 1));
    await until(() => started === 1, "the handler to start", 5_000);
    await channel.close();
    expect(await call).toMatchObject({ code: "cancelled" });
    expect(await rejection(calc.add(1, 1))).toMatchObject({ code: "cancelled" });
  });

  test("an idle connection is closed by the server and reopened by the next call", async () => {
    const { server, port } = await serve(calcHandler(), { idleTimeoutMs: 20 });
    const { calc } = calcAt(port);
    expect(await calc.add(1, 1)).toBe(2);
    await until(() => server.connections === 0, "the idle connection to close", 5_000);
    expect(await calc.add(2, 2)).toBe(4);
  });
});
