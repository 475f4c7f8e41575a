// idlc client ⇄ idlc server over real loopback TCP (127.0.0.1, port 0), every transport and
// protocol, with deterministic handlers: outcomes and orderings are asserted, never durations.
// Every channel and server is closed after each test, and the file fails on a leaked socket.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import {
  ApplicationError,
  ApplicationErrorType,
  connect,
  createReader,
  createServer,
  createWriter,
  MessageType,
  RpcError,
  type CallContext,
  type ClientChannel,
  type ClientInterceptor,
  type ConnectOptions,
  type EndpointSource,
  type Logger,
  type MethodDescriptor,
  type Server,
  type ServerInterceptor,
  type ServerOptions,
} from "idlc/runtime";
import { readApplicationException } from "../../runtime/message.js";
import { FrameDecoder } from "../../runtime/transport/frame-decoder.js";
import { writeFrame } from "../../runtime/transport/framed.js";
import { HeaderDecoder } from "../../runtime/transport/header.js";
import { OutBuffer } from "../../runtime/transport/out-buffer.js";
import {
  BaseService,
  NotFound,
  UserService,
  type User,
  type UserServiceHandler,
} from "../../generated/commerce.js";
import { Calc, DivideByZero, Echo, type CalcHandler } from "../support/calc-service.js";
import { freePort, withTimeout } from "../support/loopback.js";
import { requireTool, testWithTool } from "../support/tools.js";

// ---- fixtures ----

const warnings: string[] = [];
const errors: { message: string; detail: unknown }[] = [];
const logger: Logger = {
  warn: (message) => warnings.push(message),
  error: (message, detail) => errors.push({ message, detail }),
};

const servers: Server[] = [];
const channels: ClientChannel[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
  warnings.length = 0;
  errors.length = 0;
});

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const leaked = process
    .getActiveResourcesInfo()
    .filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap" || r === "TLSWrap");
  expect(leaked, "sockets left open by the tests").toEqual([]);
});

/** A promise opened by hand: handlers wait on it to be "slow" without timers. */
class Gate {
  readonly opened: Promise<void>;
  open!: () => void;
  constructor() {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }
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

/** A Calc handler with plain behaviour; tests override what they need. */
function calcHandler(overrides: Partial<CalcHandler> = {}): CalcHandler {
  return {
    add: (a, b) => a + b,
    ping: () => {},
    notify: () => {},
    divide: (a, b) => {
      if (b === 0) throw new DivideByZero(`cannot divide ${a} by zero`);
      return Math.trunc(a / b);
    },
    slow: async (_ms, value) => value,
    echo: (text) => text,
    blob: (data) => data,
    fail: () => {
      throw new Error("boom: the database is on fire");
    },
    context: (c) =>
      JSON.stringify({
        service: c.service,
        method: c.method,
        peer: c.peer,
        deadline: c.deadline ?? null,
        headers: Object.fromEntries(c.headers),
      }),
    empty: () => undefined as unknown as number,
    ...overrides,
  };
}

async function serve(
  handler: CalcHandler = calcHandler(),
  options: ServerOptions = {},
  port = 0,
): Promise<{ server: Server; port: number }> {
  const server = createServer({ logger, ...options });
  server.add(Calc, handler);
  servers.push(server);
  const address = await server.listen({ host: "127.0.0.1", port });
  return { server, port: address.port };
}

function open(options: ConnectOptions): ClientChannel {
  const channel = connect(options);
  channels.push(channel);
  return channel;
}

function calcAt(
  port: number,
  options: Omit<ConnectOptions, "host" | "port" | "addresses" | "endpoints"> = {},
) {
  const channel = open({ host: "127.0.0.1", port, ...options } as ConnectOptions);
  return { channel, calc: Calc.client(channel) };
}

/** Connects a raw socket, writes `bytes`, and collects what comes back until the server closes. */
async function rawExchange(port: number, bytes: Uint8Array): Promise<Buffer> {
  const socket = net.connect({ host: "127.0.0.1", port });
  sockets.push(socket);
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  socket.on("error", () => {});
  socket.write(bytes);
  await withTimeout(
    new Promise((resolve) => socket.once("close", resolve)),
    5_000,
    "the server should close the connection",
  );
  return Buffer.concat(chunks);
}

function int32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, n);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

// ---- tests ----

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
    await until(() => running === 2, "two calls running");
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
    await until(() => {
      steady = handled > 0 && handled === seen ? steady + 1 : 0;
      seen = handled;
      return steady >= 20;
    }, "the server to stop taking calls");
    expect(handled).toBeLessThan(total);
    // Reading again lets everything through.
    const decoder = new FrameDecoder(1 << 20);
    let replies = 0;
    socket.on("data", (chunk: Buffer) => {
      decoder.push(chunk);
      while (decoder.next()) replies++;
    });
    socket.resume();
    await until(() => replies === total, "every reply");
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
    await until(() => started === 1, "the handler to start");
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
    await until(() => started === 1, "the handler to start");
    await channel.close();
    expect(await call).toMatchObject({ code: "cancelled" });
    await aborted.opened;
    expect(reason).toBeInstanceOf(RpcError);
  });
});

describe("connection failures", () => {
  test("server killed mid-call: every pending call rejects with connection-lost; the next reconnects", async () => {
    let started = 0;
    const first = await serve(calcHandler({ slow: () => (started++, new Promise(() => {})) }));
    const { calc } = calcAt(first.port);
    const calls = [1, 2, 3].map((i) => calc.slow(1, i));
    await until(() => started === 3, "three calls running");
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
    await until(() => startedOnA === 1, "the call on A to start");
    current = [{ host: "127.0.0.1", port: b.port }];
    for (const listener of listeners) listener();
    expect(await calc.echo("?")).toBe("b");
    gate.open();
    expect(await pendingOnA).toBe(7); // not cancelled by the switch
    await until(() => a.server.connections === 0, "the retired connection to close");
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
    await until(() => started === 1, "the handler to start");
    await channel.close();
    expect(await call).toMatchObject({ code: "cancelled" });
    expect(await rejection(calc.add(1, 1))).toMatchObject({ code: "cancelled" });
  });

  test("an idle connection is closed by the server and reopened by the next call", async () => {
    const { server, port } = await serve(calcHandler(), { idleTimeoutMs: 20 });
    const { calc } = calcAt(port);
    expect(await calc.add(1, 1)).toBe(2);
    await until(() => server.connections === 0, "the idle connection to close");
    expect(await calc.add(2, 2)).toBe(4);
  });
});

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
    await until(() => started === 3, "three calls running");
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
    await until(() => started === 1, "the handler to start");
    await server.close({ graceMs: 20 });
    expect(await call).toMatchObject({ code: "connection-lost" });
    await aborted.opened;
  });
});

describe("bad input closes only that connection", () => {
  async function withGoodNeighbour(
    bad: (port: number) => Promise<Buffer>,
  ): Promise<{ reply: Buffer; port: number }> {
    const gate = new Gate();
    const { port } = await serve(
      calcHandler({
        slow: async (_ms, value) => {
          await gate.opened;
          return value;
        },
      }),
    );
    const { calc } = calcAt(port);
    expect(await calc.add(1, 1)).toBe(2);
    const inFlight = calc.slow(1, 99); // running on the good connection meanwhile
    const reply = await bad(port);
    gate.open();
    expect(await inFlight).toBe(99);
    expect(await calc.add(2, 2)).toBe(4);
    return { reply, port };
  }

  test("an oversize frame", async () => {
    await withGoodNeighbour((port) =>
      rawExchange(port, Uint8Array.of(...int32(20_000_000), 0x82, 0x21, 0x01, 0x03)),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^closing connection from 127\.0\.0\.1:\d+: frame of 20000000 bytes exceeds maxFrameBytes \(16384000\); raise the server's maxFrameBytes option$/,
    );
  });

  test("a lower maxFrameBytes is enforced as configured", async () => {
    const { port } = await serve(calcHandler(), { maxFrameBytes: 1000 });
    const { calc } = calcAt(port);
    expect(await calc.echo("x".repeat(900))).toBe("x".repeat(900));
    const error = await rejection(calc.echo("x".repeat(2000)));
    expect(error).toMatchObject({ code: "connection-lost" });
    expect(warnings[0]).toMatch(/exceeds maxFrameBytes \(1000\)/);
    expect(await calc.add(1, 2)).toBe(3); // reconnected
  });

  test("bytes that are no Thrift at all", async () => {
    await withGoodNeighbour((port) =>
      rawExchange(port, new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n")),
    );
    expect(warnings[0]).toMatch(/neither a Thrift message, a frame nor a THeader frame/);
  });

  test("a frame whose message header cannot be decoded", async () => {
    await withGoodNeighbour((port) =>
      rawExchange(port, Uint8Array.of(0, 0, 0, 3, 0x82, 0x21, 0xff)),
    );
    expect(warnings[0]).toMatch(/undecodable message header/);
  });

  test("a negative frame length after a good frame (which is answered first)", async () => {
    const { reply } = await withGoodNeighbour((port) =>
      rawExchange(
        port,
        Uint8Array.of(
          ...[0, 0, 0, 12, 0x82, 0x21, 0x01, 0x03, 0x61, 0x64, 0x64, 0x15, 0x02, 0x15, 0x04, 0x00],
          ...int32(-5),
        ),
      ),
    );
    // rpc.md §8.2: the verified reply to add(1, 2), seqid 1.
    expect([...reply]).toEqual([
      0, 0, 0, 11, 0x82, 0x41, 1, 3, 0x61, 0x64, 0x64, 0x05, 0x00, 0x06, 0x00,
    ]);
    expect(warnings[0]).toMatch(/invalid frame size -5 \(negative\)/);
  });

  test("undecodable arguments get PROTOCOL_ERROR and the connection carries on", async () => {
    const { port } = await serve();
    const { channel, calc } = calcAt(port);
    const add = Calc.methods.get("add")! as MethodDescriptor;
    // Arguments written as a struct with a string where add's reader expects nothing readable.
    const broken: MethodDescriptor = {
      ...add,
      writeArgs: (w) => {
        w.structBegin();
        w.field(8, 1);
        w.i32(1);
        w.field(12, 2); // a struct holding a string longer than the limit below
        w.structBegin();
        w.field(11, 1);
        w.string("x".repeat(100));
        w.structEnd();
        w.structEnd();
      },
    };
    const strictServer = await serve(calcHandler(), { limits: { maxStringBytes: 10 } });
    const error = await rejection(
      open({ host: "127.0.0.1", port: strictServer.port }).call("Calc", broken, [], undefined),
    );
    expect(error).toBeInstanceOf(ApplicationError);
    expect((error as ApplicationError).type).toBe(ApplicationErrorType.PROTOCOL_ERROR);
    expect(error.message).toMatch(/cannot decode the arguments of Calc\.add/);
    expect(await calc.add(1, 1)).toBe(2);
    void channel;
  });

  test("a server restricted to one protocol refuses the other", async () => {
    const { port } = await serve(calcHandler(), { protocol: "binary" });
    expect(await calcAt(port, { protocol: "binary" }).calc.add(1, 1)).toBe(2);
    const error = await rejection(calcAt(port, { protocol: "compact" }).calc.add(1, 1));
    expect(error).toMatchObject({ code: "connection-lost" });
    expect(warnings[0]).toMatch(/client speaks framed compact; this server accepts only binary$/);
  });

  test("maxConnections refuses the connection beyond the limit", async () => {
    const { port } = await serve(calcHandler(), { maxConnections: 1 });
    const { calc } = calcAt(port);
    expect(await calc.add(1, 1)).toBe(2);
    await rawExchange(port, Uint8Array.of(0x82));
    expect(warnings[0]).toMatch(
      /maxConnections \(1\) reached; raise the server's maxConnections option/,
    );
    expect(await calc.add(2, 2)).toBe(4);
  });
});

describe("application errors", () => {
  test("unknown method and unknown service → UNKNOWN_METHOD; the connection carries on", async () => {
    const { port } = await serve();
    const channel = open({ host: "127.0.0.1", port });
    const add = Calc.methods.get("add")! as MethodDescriptor;
    const nope = await rejection(channel.call("Calc", { ...add, name: "nope" }, [1, 2], undefined));
    expect(nope).toBeInstanceOf(ApplicationError);
    expect((nope as ApplicationError).type).toBe(ApplicationErrorType.UNKNOWN_METHOD);
    expect(nope.message).toBe(
      `Calc.nope on 127.0.0.1:${port} failed: UNKNOWN_METHOD: unknown method "nope" of service Calc`,
    );
    const service = await rejection(channel.call("Users", add, [1, 2], undefined));
    expect((service as ApplicationError).type).toBe(ApplicationErrorType.UNKNOWN_METHOD);
    expect(service.message).toMatch(/unknown service "Users" \(this server hosts Calc\)/);
    expect(await Calc.client(channel).add(1, 2)).toBe(3);
  });

  test("an undeclared handler error → INTERNAL_ERROR with a generic message, logged", async () => {
    const { port } = await serve();
    const { calc } = calcAt(port);
    const error = await rejection(calc.fail());
    expect(error).toBeInstanceOf(ApplicationError);
    expect((error as ApplicationError).type).toBe(ApplicationErrorType.INTERNAL_ERROR);
    expect(error.message).toBe(
      `Calc.fail on 127.0.0.1:${port} failed: INTERNAL_ERROR: internal error in Calc.fail`,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /^handler of Calc\.fail failed \(call from 127\.0\.0\.1:\d+\)$/,
    );
    expect((errors[0]!.detail as Error).message).toMatch(/boom/);
  });

  test("debug: true sends the stack trace", async () => {
    const { port } = await serve(calcHandler(), { debug: true });
    const { calc } = calcAt(port);
    const error = await rejection(calc.fail());
    expect(error.message).toMatch(
      /internal error in Calc\.fail: Error: boom: the database is on fire\n\s+at /,
    );
  });

  test("a declared exception is an instance of its class", async () => {
    const { port } = await serve(
      calcHandler({ divide: async () => Promise.reject(new DivideByZero("nope")) }),
    );
    const { calc } = calcAt(port);
    const error = await rejection(calc.divide(1, 0));
    expect(error).toBeInstanceOf(DivideByZero);
    expect(error.message).toBe("nope");
  });

  test("no result for a non-void method → MISSING_RESULT", async () => {
    const { port } = await serve();
    const { calc } = calcAt(port);
    const error = await rejection(calc.empty());
    expect((error as ApplicationError).type).toBe(ApplicationErrorType.MISSING_RESULT);
  });

  test("a failing oneway handler is logged and never answered", async () => {
    const { port } = await serve(
      calcHandler({
        notify: () => {
          throw new Error("oneway trouble");
        },
      }),
    );
    const { calc } = calcAt(port);
    await calc.notify("x");
    await until(() => errors.length === 1, "the oneway failure to be logged");
    expect(errors[0]!.message).toMatch(/^oneway handler of Calc\.notify failed/);
    expect(await calc.add(1, 1)).toBe(2); // no stray reply confused the connection
  });
});

describe("multiplexing", () => {
  async function twoServices(): Promise<number> {
    const server = createServer({ logger });
    server.add(Calc, calcHandler({ echo: (t) => `calc:${t}` }));
    server.add(Echo, { echo: (t) => `echo:${t}` });
    servers.push(server);
    return (await server.listen()).port;
  }

  test("two services on one port, same method name", async () => {
    const port = await twoServices();
    const channel = open({ host: "127.0.0.1", port });
    const [a, b] = await Promise.all([
      Calc.client(channel).echo("x"),
      Echo.client(channel).echo("y"),
    ]);
    expect([a, b]).toEqual(["calc:x", "echo:y"]);
  });

  test("bare method names need a server with a single service", async () => {
    const port = await twoServices();
    const { calc } = calcAt(port, { multiplexed: false });
    const error = await rejection(calc.echo("x"));
    expect((error as ApplicationError).type).toBe(ApplicationErrorType.UNKNOWN_METHOD);
    expect(error.message).toMatch(/has no service name and this server hosts 2 services/);
  });

  test("listening on a port in use fails, and listen() can be tried again", async () => {
    const { port } = await serve();
    const second = createServer({ logger });
    second.add(Calc, calcHandler());
    servers.push(second);
    await expect(second.listen({ port })).rejects.toThrow(/EADDRINUSE/);
    const { port: other } = await second.listen();
    expect(await calcAt(other).calc.add(1, 2)).toBe(3);
  });

  test("adding a service twice is an error", () => {
    const server = createServer({ logger });
    server.add(Calc, calcHandler());
    expect(() => server.add(Calc, calcHandler())).toThrow(/service "Calc" is already added/);
  });
});

describe("interceptors", () => {
  function tag(log: string[], name: string): ClientInterceptor & ServerInterceptor {
    return ((next: (call: { method: { name: string } }) => Promise<unknown>) =>
      async (call: { method: { name: string } }) => {
        log.push(`${name}>${call.method.name}`);
        try {
          return await next(call);
        } finally {
          log.push(`${name}<`);
        }
      }) as unknown as ClientInterceptor & ServerInterceptor;
  }

  test("both sides run in order, first listed outermost", async () => {
    const log: string[] = [];
    const server = createServer({ logger, interceptors: [tag(log, "s1")] });
    server.use(tag(log, "s2"));
    server.add(Calc, calcHandler({ add: (a, b) => (log.push("handler"), a + b) }));
    servers.push(server);
    const { port } = await server.listen();
    const { calc } = calcAt(port, { interceptors: [tag(log, "c1"), tag(log, "c2")] });
    expect(await calc.add(1, 2)).toBe(3);
    expect(log).toEqual([
      "c1>add",
      "c2>add",
      "s1>add",
      "s2>add",
      "handler",
      "s2<",
      "s1<",
      "c2<",
      "c1<",
    ]);
  });

  test("a server interceptor rejects a call: the handler never runs", async () => {
    let ran = 0;
    const deny: ServerInterceptor = (next) => async (call) => {
      if ((call.args[0] as number) < 0)
        throw new ApplicationError("permission denied: negative numbers", {
          type: ApplicationErrorType.UNKNOWN,
        });
      return next(call);
    };
    const { port } = await serve(calcHandler({ add: (a, b) => (ran++, a + b) }), {
      interceptors: [deny],
    });
    const { calc } = calcAt(port);
    const error = await rejection(calc.add(-1, 2));
    expect(error).toBeInstanceOf(ApplicationError);
    expect(error.message).toMatch(/permission denied: negative numbers$/);
    expect(await calc.add(1, 2)).toBe(3);
    expect(ran).toBe(1);
  });

  test("a client interceptor rejects before anything is sent", async () => {
    let ran = 0;
    const { port } = await serve(calcHandler({ add: (a, b) => (ran++, a + b) }));
    const guard: ClientInterceptor = (next) => (call) =>
      call.method.name === "add" && (call.args[0] as number) > 100
        ? Promise.reject(new RpcError("too big", { code: "limit-exceeded" }))
        : next(call);
    const { calc } = calcAt(port, { interceptors: [guard] });
    expect(await rejection(calc.add(101, 1))).toMatchObject({ code: "limit-exceeded" });
    expect(await calc.add(1, 1)).toBe(2);
    expect(ran).toBe(1);
  });

  test("a client interceptor retries a failed call", async () => {
    let attempts = 0;
    const { port } = await serve(
      calcHandler({
        add: (a, b) => {
          if (++attempts === 1) throw new Error("transient");
          return a + b;
        },
      }),
    );
    const retryOnce: ClientInterceptor = (next) => async (call) => {
      try {
        return await next(call);
      } catch (error) {
        if (!(error instanceof ApplicationError)) throw error;
        return next(call);
      }
    };
    const { calc } = calcAt(port, { interceptors: [retryOnce] });
    expect(await calc.add(2, 3)).toBe(5);
    expect(attempts).toBe(2);
  });

  test("a client interceptor can change call options (here: add a header)", async () => {
    const { port } = await serve();
    const addHeader: ClientInterceptor = (next) => (call) =>
      next({ ...call, options: { ...call.options, headers: { tenant: "acme" } } });
    const { calc } = calcAt(port, { transport: "header", interceptors: [addHeader] });
    expect(JSON.parse(await calc.context()).headers.tenant).toBe("acme");
  });
});

describe("THeader", () => {
  test("user headers, channel headers, request id and deadline reach the handler's context", async () => {
    const { port } = await serve();
    const { calc } = calcAt(port, {
      transport: "header",
      headers: { app: "tests", user: "default" },
    });
    const seen = JSON.parse(await calc.context({ headers: { user: "alice" }, timeoutMs: 60_000 }));
    expect(seen.headers).toMatchObject({ app: "tests", user: "alice" });
    expect(seen.headers.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]+$/);
    expect(Number(seen.headers.client_timeout)).toBeGreaterThan(0);
    expect(seen.deadline).toEqual(expect.any(Number));
    const plain = JSON.parse(await calc.context());
    expect(plain.headers.client_timeout).toBeUndefined();
    expect(plain.deadline).toBeNull();
  });

  test("a frame with a transform gets INVALID_TRANSFORM, then the connection closes", async () => {
    const { port } = await serve();
    // zlib transform (id 1), seqid 5, compact CALL add: rpc.md §10 layout
    const frame = Uint8Array.of(
      ...[0, 0, 0, 0x16, 0x0f, 0xff, 0, 0, 0, 0, 0, 5, 0, 1, 2, 1, 1, 0],
      ...[0x82, 0x21, 5, 3, 0x61, 0x64, 0x64, 0],
    );
    const reply = await rawExchange(port, frame);
    const decoder = new HeaderDecoder(1 << 20);
    decoder.push(reply);
    expect(decoder.next()).toBe(true);
    const r = createReader(decoder.protocol, decoder.bytes.slice(decoder.start, decoder.end));
    expect(r.messageBegin()).toEqual({ name: "", type: MessageType.EXCEPTION, seqid: 5 });
    const ex = readApplicationException(r);
    expect(ex.type).toBe(ApplicationErrorType.INVALID_TRANSFORM);
    expect(ex.message).toMatch(/transform 1 \(zlib\) is not supported/);
  });
});

describe("TLS", () => {
  let dir: string | undefined;
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  testWithTool(
    "openssl",
    "a round trip over TLS with a throwaway self-signed certificate",
    async () => {
      dir = mkdtempSync(join(tmpdir(), "idlc-tls-"));
      execFileSync(
        requireTool("openssl").path!,
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "1",
          "-subj",
          "/CN=localhost",
          "-addext",
          "subjectAltName=DNS:localhost,IP:127.0.0.1",
          "-keyout",
          join(dir, "key.pem"),
          "-out",
          join(dir, "cert.pem"),
        ],
        { stdio: "ignore" },
      );
      const key = readFileSync(join(dir, "key.pem"));
      const cert = readFileSync(join(dir, "cert.pem"));
      const { port } = await serve(calcHandler(), { tls: { key, cert } });
      const { calc } = calcAt(port, { tls: { ca: cert } });
      expect(await Promise.all([calc.add(1, 2), calc.echo("secret")])).toEqual([3, "secret"]);
      // A client that does not trust the certificate cannot connect.
      const { calc: untrusting } = calcAt(port, { tls: {} });
      expect(await rejection(untrusting.add(1, 2))).toMatchObject({ code: "unavailable" });
    },
  );
});

describe("generated code (commerce)", () => {
  test("UserService over both protocols: values, declared exceptions, inherited methods", async () => {
    const users = new Map<bigint, User>();
    const handler: UserServiceHandler = {
      ping: () => {},
      health: () => ({ ok: true, serviceName: "users", uptimeMs: 2n ** 40n, details: new Map() }),
      createUser: (request) => {
        const user: User = {
          id: BigInt(users.size + 1),
          email: request.email,
          name: request.name,
          createdAt: 1_700_000_000_000n,
          preferences: new Map([["lang", "de"]]),
        };
        users.set(user.id, user);
        return user;
      },
      getUser: async (id) => {
        const user = users.get(id);
        if (user === undefined)
          throw new NotFound({ message: "no such user", entity: "user", key: String(id) });
        return user;
      },
      getUsers: (ids) =>
        new Map(ids.flatMap((id) => (users.has(id) ? [[id, users.get(id)!]] : []))),
    };
    const server = createServer({ logger });
    server.add(UserService, handler);
    server.add(Calc, calcHandler());
    servers.push(server);
    const { port } = await server.listen();
    for (const protocol of ["compact", "binary"] as const) {
      const channel = open({ host: "127.0.0.1", port, protocol });
      const client = UserService.client(channel);
      const created = await client.createUser({ email: `a@${protocol}`, name: "Ada" });
      expect(await client.getUser(created.id)).toEqual(created);
      const missing = await rejection(client.getUser(999n));
      expect(missing).toBeInstanceOf(NotFound);
      expect(missing).toMatchObject({ message: "no such user", entity: "user", key: "999" });
      await client.ping();
      expect((await client.health()).uptimeMs).toBe(2n ** 40n);
      expect([...(await client.getUsers([created.id, 999n])).keys()]).toEqual([created.id]);
      // BaseService itself is not hosted: its own name is unknown here.
      const base = await rejection(BaseService.client(channel).ping());
      expect((base as ApplicationError).type).toBe(ApplicationErrorType.UNKNOWN_METHOD);
    }
  });
});
