// idlc client ⇄ idlc server over real loopback TCP: pipelined calls, matched by seqid. Handlers are
// deterministic: outcomes and orderings are asserted, never durations (test/support/rpc-fixture.ts
// closes every server, channel and socket after each test and fails the file on a leaked socket).
import * as net from "node:net";
import { describe, expect, test } from "vitest";
import { createWriter, MessageType } from "idlc/runtime";
import { FrameDecoder } from "../../../runtime/transport/frame-decoder.js";
import { writeFrame } from "../../../runtime/transport/framed.js";
import { OutBuffer } from "../../../runtime/transport/out-buffer.js";
import { Calc } from "../../support/calc-service.js";
import { sockets, Gate, until, calcHandler, serve, calcAt } from "../../support/rpc-fixture.js";

describe("concurrency", () => {
  test("1,000 concurrent calls on one connection, slow and fast mixed, answered out of order", async () => {
    const gate = new Gate();
    let fast = 0;
    const { server, port } = await serve(
      calcHandler({
        slow: async (ms, value) => {
          if (ms === 0) {
            // Fast: half answer at once, half after a microtask.
            if (++fast === 500) gate.open();
            if (value % 4 === 0) await Promise.resolve();
            return value;
          }
          await gate.opened; // slow: wait until every fast call has run
          return value;
        },
      }),
    );
    const { calc } = calcAt(port);
    const order: number[] = [];
    const calls = Array.from({ length: 1000 }, (_, i) =>
      calc.slow(i % 2, i).then((value) => {
        order.push(i);
        return value;
      }),
    );
    const results = await Promise.all(calls);
    expect(results).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(server.connections).toBe(1);
    // Every fast (even) call finished before any slow (odd) one, though sent interleaved.
    const firstSlow = order.findIndex((i) => i % 2 === 1);
    expect(firstSlow).toBe(500);
    expect(order.slice(0, 500).every((i) => i % 2 === 0)).toBe(true);
  });

  test("a burst bigger than one write goes out in pieces, both ways", async () => {
    const { port } = await serve();
    const { calc } = calcAt(port);
    // 600 calls of ~1 KB in one turn: more than one early flush (256 KiB) on each side.
    const texts = Array.from({ length: 600 }, (_, i) => `${i}:`.padEnd(1000, "z"));
    expect(await Promise.all(texts.map((t) => calc.echo(t)))).toEqual(texts);
  });

  test("maxInFlightPerConnection stops reading until running calls finish", async () => {
    const gate = new Gate();
    let running = 0;
    let most = 0;
    const { port } = await serve(
      calcHandler({
        slow: async (_ms, value) => {
          most = Math.max(most, ++running);
          await gate.opened;
          running--;
          return value;
        },
      }),
      { maxInFlightPerConnection: 2 },
    );
    const { calc } = calcAt(port);
    const calls = Array.from({ length: 10 }, (_, i) => calc.slow(1, i));
    await until(() => running === 2, "two calls running", 5_000);
    // Give the server every chance to (wrongly) start more: several turns and timer ticks.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(running).toBe(2);
    gate.open();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(2);
  });

  test("a client that does not read its replies stops being read, and catches up later", async () => {
    let handled = 0;
    const { port } = await serve(calcHandler({ echo: (t) => (handled++, t) }));
    // 2,000 pipelined calls whose replies (20 MB) cannot all fit in the socket buffers.
    const total = 2_000;
    const text = "r".repeat(10_000);
    const w = createWriter("compact");
    const out = new OutBuffer();
    for (let seqid = 1; seqid <= total; seqid++) {
      w.reset();
      w.messageBegin("Calc:echo", MessageType.CALL, seqid);
      Calc.methods.get("echo")!.writeArgs(w, [text]);
      writeFrame(out, w.bytes());
    }
    const socket = net.connect({ host: "127.0.0.1", port });
    sockets.push(socket);
    socket.pause(); // never read, for now
    socket.write(out.take()!);
    // The server stops decoding calls once its replies stop draining: the count settles (for
    // 20 checks in a row) below the total. Without backpressure it would run all of them.
    let seen = -1;
    let steady = 0;
    await until(
      () => {
        steady = handled > 0 && handled === seen ? steady + 1 : 0;
        seen = handled;
        return steady >= 20;
      },
      "the server to stop taking calls",
      5_000,
    );
    expect(handled).toBeLessThan(total);
    // Reading again lets everything through.
    const decoder = new FrameDecoder(1 << 20);
    let replies = 0;
    socket.on("data", (chunk: Buffer) => {
      decoder.push(chunk);
      while (decoder.next()) replies++;
    });
    socket.resume();
    await until(() => replies === total, "every reply", 5_000);
    expect(handled).toBe(total);
  });

  test("a pool spreads calls over several connections", async () => {
    const { server, port } = await serve();
    const { calc } = calcAt(port, { connectionsPerEndpoint: 3 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => calc.add(i, 1)));
    expect(results).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(server.connections).toBe(3);
  });
});
