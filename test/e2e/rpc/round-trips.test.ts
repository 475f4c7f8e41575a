// idlc client ⇄ idlc server over real loopback TCP: every transport and protocol round-trips
// values. Handlers are deterministic: outcomes and orderings are asserted, never durations
// (test/support/rpc-fixture.ts closes every server, channel and socket after each test and fails
// the file on a leaked socket).
import { describe, expect, test } from "vitest";
import { DivideByZero } from "../../support/calc-service.js";
import { Gate, calcHandler, serve, calcAt, rejection } from "../../support/rpc-fixture.js";

describe("round trips", () => {
  const matrix = (["framed", "buffered", "header"] as const).flatMap((transport) =>
    (["compact", "binary"] as const).flatMap((protocol) =>
      [true, false].map((multiplexed) => ({ transport, protocol, multiplexed })),
    ),
  );

  test.each(matrix)("$transport $protocol multiplexed=$multiplexed", async (wire) => {
    const notified = new Gate();
    let notice = "";
    const { port } = await serve(
      calcHandler({
        notify: (message) => {
          notice = message;
          notified.open();
        },
      }),
    );
    const { calc } = calcAt(port, wire);
    expect(await calc.add(2, 40)).toBe(42);
    expect(await calc.add(-2_147_483_648, 2_147_483_647)).toBe(-1);
    expect(await calc.ping()).toBeUndefined();
    expect(await calc.echo("héllo ✓ 😀")).toBe("héllo ✓ 😀");
    const big = new Uint8Array(150_000).map((_, i) => i * 7);
    const back = await calc.blob(big); // a message split across several socket chunks
    expect(back.length).toBe(big.length);
    expect(Buffer.compare(back, big)).toBe(0); // (toEqual is slow on big arrays)
    const error = await rejection(calc.divide(1, 0));
    expect(error).toBeInstanceOf(DivideByZero);
    expect(error.message).toBe("cannot divide 1 by zero");
    expect(await calc.notify("hi")).toBeUndefined();
    await notified.opened;
    expect(notice).toBe("hi");
  });

  test("Apache's defaults (buffered, binary, not multiplexed) reach a one-service server", async () => {
    const { port } = await serve();
    const { calc } = calcAt(port, {
      transport: "buffered",
      protocol: "binary",
      multiplexed: false,
    });
    const results = await Promise.all([calc.add(1, 2), calc.echo("x"), calc.add(3, 4)]);
    expect(results).toEqual([3, "x", 7]);
  });

  test("a handler's context names service, method and peer", async () => {
    const { port } = await serve();
    const { calc } = calcAt(port);
    const seen = JSON.parse(await calc.context());
    expect(seen).toMatchObject({ service: "Calc", method: "context", deadline: null, headers: {} });
    expect(seen.peer).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});
