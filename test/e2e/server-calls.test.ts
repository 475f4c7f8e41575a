// Call-level server behaviour on loopback: handlers that never settle are abandoned at the
// caller's deadline (THeader) or at the server's maxHandlerMs (framed), releasing their slots so
// the connection keeps serving; a late result is discarded; a REPLY or EXCEPTION sent to a
// server is answered INVALID_MESSAGE_TYPE without reaching a handler. Outcomes only, no timings.
import * as net from "node:net";
import { describe, expect, test } from "vitest";
import {
  ApplicationError,
  ApplicationErrorType,
  createReader,
  createWriter,
  MessageType,
  type RpcError,
} from "idlc/runtime";
import { readApplicationException } from "../../runtime/message.js";
import { FrameDecoder } from "../../runtime/transport/frame-decoder.js";
import { writeFrame } from "../../runtime/transport/framed.js";
import { OutBuffer } from "../../runtime/transport/out-buffer.js";
import { Calc } from "../support/calc-service.js";
import { withTimeout } from "../support/loopback.js";
import { calcAt, calcHandler, Gate, rejection, serve, until } from "../support/rpc-fixture.js";

/** More than maxInFlightPerConnection (1,024): without abandoning, the connection would wedge. */
const STUCK = 1_100;

describe("a handler that settles after its caller's deadline", () => {
  /** Blocks the event loop past `ms` (so no timer can fire first), then settles. */
  const lateBy = async (ms: number, settle: () => number): Promise<number> => {
    await Promise.resolve();
    const until = Date.now() + ms;
    while (Date.now() < until); // the deadline passes while the handler still runs
    return settle();
  };

  for (const [how, settle] of [
    [
      "fails",
      () => {
        throw new Error("too late");
      },
    ],
    ["succeeds", () => 7],
  ] as const) {
    test(`${how}: it is abandoned as at the deadline (no reply; the caller has given up)`, async () => {
      const { server, port } = await serve(calcHandler({ slow: () => lateBy(80, settle) }));
      const { calc } = calcAt(port, { transport: "header", retry: false });
      expect(await calc.add(1, 1, { timeoutMs: 10_000 })).toBe(2); // connected
      expect(await rejection(calc.slow(1, 1, { timeoutMs: 30 }))).toMatchObject({
        code: "deadline-exceeded",
      });
      await until(() => server.stats().inFlight === 0, "the abandoned call's slot to be free");
      const { outcomes } = server.stats();
      expect(outcomes["deadline-exceeded"]).toBe(1);
      expect(outcomes["internal-error"]).toBe(0);
      expect(outcomes.ok).toBe(1); // the add
    });
  }
});

describe("handlers that never settle", () => {
  test(`${STUCK} stuck handlers past their THeader deadlines: slots freed, signals fired, the connection still serves`, async () => {
    let started = 0;
    let aborted = 0;
    const reasons = new Set<string>();
    const { server, port } = await serve(
      calcHandler({
        slow: (_ms, _value, c) =>
          new Promise(() => {
            started++;
            c.signal.addEventListener("abort", () => {
              aborted++;
              reasons.add((c.signal.reason as RpcError).code);
            });
          }),
      }),
    );
    const { calc } = calcAt(port, { transport: "header" });
    // Connected first: a call that expires before it is written is never sent (client backlog).
    expect(await calc.add(1, 1, { timeoutMs: 10_000 })).toBe(2);
    const stuck = Array.from({ length: STUCK }, (_, i) =>
      rejection(calc.slow(1, i, { timeoutMs: 300 })),
    );
    for (const error of await Promise.all(stuck))
      expect(error).toMatchObject({ code: "deadline-exceeded" });
    // The same connection (one per endpoint) answers a normal call.
    expect(await calc.add(20, 22, { timeoutMs: 10_000 })).toBe(42);
    await until(() => aborted === STUCK, "every stuck handler's signal to abort");
    expect(started).toBe(STUCK);
    expect([...reasons]).toEqual(["deadline-exceeded"]);
    const stats = server.stats();
    expect(stats.inFlight).toBe(0);
    expect(stats.outcomes["deadline-exceeded"]).toBe(STUCK);
    expect(stats.connectionsAccepted).toBe(1);
  });

  test(`framed (no deadline on the wire): maxHandlerMs abandons ${STUCK} stuck handlers and answers TIMEOUT`, async () => {
    let aborted = 0;
    const { server, port } = await serve(
      calcHandler({
        slow: (_ms, _value, c) =>
          new Promise(() => c.signal.addEventListener("abort", () => aborted++)),
      }),
      { maxHandlerMs: 30 },
    );
    const { calc } = calcAt(port); // framed, and no client timeout: only the server bounds it
    const stuck = Array.from({ length: STUCK }, (_, i) => rejection(calc.slow(1, i)));
    for (const error of await Promise.all(stuck)) {
      expect(error).toBeInstanceOf(ApplicationError);
      expect((error as ApplicationError).type).toBe(ApplicationErrorType.TIMEOUT);
      expect(error.message).toMatch(
        /^Calc\.slow on 127\.0\.0\.1:\d+ failed: TIMEOUT: Calc\.slow ran longer than the server's maxHandlerMs \(30 ms\) and was abandoned$/,
      );
    }
    expect(await calc.add(1, 2)).toBe(3);
    await until(() => aborted === STUCK, "every stuck handler's signal to abort");
    expect(server.stats()).toMatchObject({ inFlight: 0, outcomes: { timeout: STUCK } });
  });

  test("a result that comes after the call was abandoned is discarded", async () => {
    const gate = new Gate();
    let finished = 0;
    const { server, port } = await serve(
      calcHandler({
        slow: async (_ms, value) => {
          await gate.opened;
          finished++;
          return value;
        },
      }),
      { maxHandlerMs: 20 },
    );
    const { calc } = calcAt(port);
    const error = await rejection(calc.slow(1, 7));
    expect((error as ApplicationError).type).toBe(ApplicationErrorType.TIMEOUT);
    gate.open();
    await until(() => finished === 1, "the handler to finish late");
    expect(await calc.add(1, 1)).toBe(2); // the connection is fine after the discarded result
    const { outcomes, inFlight } = server.stats();
    expect({ ok: outcomes.ok, timeout: outcomes.timeout, inFlight }).toEqual({
      ok: 1, // the add; the late slow result was not counted (nor sent)
      timeout: 1,
      inFlight: 0,
    });
  });

  test("maxHandlerMs 0 leaves a handler without deadline running", async () => {
    const gate = new Gate();
    let started = 0;
    const { server, port } = await serve(
      calcHandler({ slow: async (_ms, v) => (started++, await gate.opened, v) }),
      { maxHandlerMs: 0 },
    );
    const { calc } = calcAt(port);
    const call = calc.slow(1, 5);
    await until(() => started === 1, "the handler to start");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.stats().inFlight).toBe(1);
    gate.open();
    expect(await call).toBe(5);
  });
});

describe("messages a server must not run", () => {
  /** Sends one framed compact message of `type` for Calc:add and reads the one reply frame. */
  async function sendMessage(port: number, type: MessageType): Promise<Uint8Array> {
    const w = createWriter("compact");
    w.messageBegin("Calc:add", type, 9);
    Calc.methods.get("add")!.writeArgs(w, [1, 2]);
    const out = new OutBuffer();
    writeFrame(out, w.bytes());
    const socket = net.connect({ host: "127.0.0.1", port });
    try {
      socket.on("error", () => {});
      socket.write(out.take()!);
      const decoder = new FrameDecoder(1 << 20);
      return await withTimeout(
        new Promise<Uint8Array>((resolve) =>
          socket.on("data", (chunk: Buffer) => {
            decoder.push(chunk);
            if (decoder.next()) resolve(decoder.bytes.slice(decoder.start, decoder.end));
          }),
        ),
        5_000,
        "the server should answer",
      );
    } finally {
      socket.destroy();
    }
  }

  test.each([
    ["REPLY", MessageType.REPLY],
    ["EXCEPTION", MessageType.EXCEPTION],
  ] as const)(
    "a %s sent to a server gets INVALID_MESSAGE_TYPE and never reaches a handler",
    async (name, type) => {
      let added = 0;
      const { server, port } = await serve(calcHandler({ add: (a, b) => (added++, a + b) }));
      const r = createReader("compact", await sendMessage(port, type));
      expect(r.messageBegin()).toEqual({ name: "add", type: MessageType.EXCEPTION, seqid: 9 });
      expect(readApplicationException(r)).toEqual({
        type: ApplicationErrorType.INVALID_MESSAGE_TYPE,
        message: `a server accepts only CALL and ONEWAY messages, not ${name}`,
      });
      expect(added).toBe(0);
      expect(server.stats().outcomes["invalid-message-type"]).toBe(1);
      // The same message as a CALL runs (the test's message is otherwise valid).
      const call = createReader("compact", await sendMessage(port, MessageType.CALL));
      expect(call.messageBegin().type).toBe(MessageType.REPLY);
      expect(added).toBe(1);
    },
  );
});

describe("server.stats()", () => {
  test("counts calls, outcomes and per-method results", async () => {
    const { server, port } = await serve(
      calcHandler({
        empty: () => {
          throw new ApplicationError("not today", { type: ApplicationErrorType.UNKNOWN });
        },
      }),
    );
    const { calc } = calcAt(port);
    expect(server.stats()).toMatchObject({ calls: 0, inFlight: 0, connections: 0 });
    await calc.add(1, 2);
    await calc.slow(1, 2); // asynchronous
    await rejection(calc.divide(1, 0)); // a declared exception
    await rejection(calc.fail()); // an undeclared error: INTERNAL_ERROR
    await rejection(calc.empty()); // an ApplicationError thrown on purpose
    const stats = server.stats();
    expect(stats).toMatchObject({
      calls: 5,
      inFlight: 0,
      shed: 0,
      connections: 1,
      connectionsAccepted: 1,
      overloaded: false,
    });
    expect(stats.outcomes).toEqual({
      ok: 2,
      exception: 1,
      "application-error": 1,
      "internal-error": 1,
      "deadline-exceeded": 0,
      timeout: 0,
      overloaded: 0,
      "unknown-method": 0,
      "protocol-error": 0,
      "invalid-message-type": 0,
    });
    expect(stats.methods["Calc.add"]).toEqual({ calls: 1, exceptions: 0, errors: 0 });
    expect(stats.methods["Calc.divide"]).toEqual({ calls: 1, exceptions: 1, errors: 0 });
    expect(stats.methods["Calc.fail"]).toEqual({ calls: 1, exceptions: 0, errors: 1 });
    expect(stats.methods["Calc.empty"]).toEqual({ calls: 1, exceptions: 0, errors: 1 });
    expect(stats.methods["Calc.ping"]).toEqual({ calls: 0, exceptions: 0, errors: 0 });
  });
});
