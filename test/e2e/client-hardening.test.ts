// The client against slow, silent and foreign peers (issue 14 items 1, 2, 8; issue 16 items 3
// and 7): close() settles against a peer that never reads, the bytes a connection queues are
// bounded, a call that settled before it was written is never written, keepalive reaches the
// socket, waitForReady waits through reconnects, and replies that are not Thrift are named.
// Loopback only (127.0.0.1, port 0); every socket is closed after each test and the file fails on
// a leaked one. Outcomes are asserted, never durations.
import * as http from "node:http";
import * as net from "node:net";
import { afterAll, afterEach, describe, expect, test, vi } from "vitest";
import type { RpcError } from "idlc/runtime";
import {
  connect,
  createServer,
  type ClientChannel,
  type ConnectOptions,
  type Server,
} from "idlc/runtime";
import { Calc, type CalcHandler } from "../support/calc-service.js";
import { freePort, withTimeout } from "../support/loopback.js";

const channels: ClientChannel[] = [];
const servers: (Server | net.Server)[] = [];
const peers: net.Socket[] = [];

afterEach(async () => {
  for (const socket of peers.splice(0)) socket.destroy();
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await Promise.all(
    servers
      .splice(0)
      .map((s) =>
        s instanceof net.Server
          ? new Promise((resolve) => s.close(resolve))
          : s.close({ graceMs: 0 }),
      ),
  );
});

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const leaked = process
    .getActiveResourcesInfo()
    .filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap" || r === "TLSWrap");
  expect(leaked, "sockets left open by the tests").toEqual([]);
});

type PeerOptions = Omit<ConnectOptions, "host" | "port" | "addresses" | "endpoints">;

function calcAt(port: number, options: PeerOptions = {}) {
  const channel = connect({ host: "127.0.0.1", port, ...options } as ConnectOptions);
  channels.push(channel);
  return { channel, calc: Calc.client(channel) };
}

/** A raw server; `onSocket` decides what it does with each connection. */
async function rawServer(onSocket: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    peers.push(socket);
    onSocket(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

/** A peer that accepts and never reads: its kernel buffers fill, then the client's. */
function neverReads(socket: net.Socket): void {
  socket.pause();
}

async function rejection(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise;
  } catch (error) {
    return error as RpcError;
  }
  throw new Error("expected the call to fail");
}

const handler: CalcHandler = {
  add: (a, b) => a + b,
  ping: () => {},
  notify: () => {},
  divide: (a, b) => Math.trunc(a / b),
  slow: async (_ms, value) => value,
  echo: (text) => text,
  blob: (data) => data,
  fail: () => 0,
  context: () => "",
  empty: () => 0,
};

async function calcServer(port = 0): Promise<number> {
  // Server keepalive off, so a spy on setKeepAlive sees the client's sockets only.
  const server = createServer({ logger: { warn() {}, error() {} }, keepAliveMs: 0 });
  server.add(Calc, handler);
  servers.push(server);
  return (await server.listen({ host: "127.0.0.1", port })).port;
}

const MIB = 1024 * 1024;

describe("a peer that never reads", () => {
  test("2,000 calls of 64 KiB: bounded memory, refused calls fail at once with limit-exceeded, close() settles", async () => {
    const port = await rawServer(neverReads);
    const { channel, calc } = calcAt(port);
    const blob = new Uint8Array(64 * 1024).fill(7);
    let refusal = "";
    const before = process.memoryUsage();
    const outcomes = await Promise.all(
      Array.from({ length: 2_000 }, () =>
        calc.blob(blob, { timeoutMs: 1_000 }).then(
          () => "ok",
          (error: RpcError) => {
            if (error.code === "limit-exceeded") refusal = error.message;
            return error.code;
          },
        ),
      ),
    );
    const after = process.memoryUsage();
    const counts: Record<string, number> = {};
    for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
    // 125 MiB would be queued without a bound; the default is 16 MiB plus one call.
    expect(counts["limit-exceeded"]).toBeGreaterThan(1_000);
    expect(counts["deadline-exceeded"]).toBeGreaterThan(0);
    expect(counts["ok"]).toBeUndefined();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * MIB);
    expect(refusal).toMatch(/bytes already wait to be written \(maxQueuedBytes is 16777216\)/);
    // Ends, then destroys after closeGraceMs (1 s): a peer that never reads cannot hold it.
    await withTimeout(channel.close(), 5_000, "channel.close() against a peer that never reads");
  });

  test("close() settles within closeGraceMs even when the peer never closes its side", async () => {
    const port = await rawServer(neverReads);
    const { channel, calc } = calcAt(port, { closeGraceMs: 50 });
    await calc.notify("open"); // a oneway call resolves once written: the connection is open
    const pending = rejection(calc.blob(new Uint8Array(8 * MIB)));
    await withTimeout(channel.close(), 2_000, "channel.close()");
    expect(await pending).toMatchObject({ code: "cancelled" });
  });

  test("a call that timed out before it was written is never written", async () => {
    const received: Buffer[] = [];
    let reader: net.Socket | undefined;
    const port = await rawServer((socket) => {
      reader = socket;
      socket.pause();
      socket.on("data", (chunk: Buffer) => received.push(chunk));
    });
    const { calc } = calcAt(port, { maxQueuedBytes: 128 * MIB });
    // More than loopback's kernel buffers hold, so the calls after these wait in the client.
    const filler = new Uint8Array(MIB).fill(0x2e);
    const fillers = Array.from({ length: 32 }, () => calc.blob(filler).catch(() => undefined));
    const late = await rejection(calc.echo("MARKER-LATE", { timeoutMs: 50 }));
    expect(late.code).toBe("deadline-exceeded");
    const after = calc.echo("MARKER-AFTER").catch(() => undefined);
    reader!.resume();
    const seen = (marker: string) => Buffer.concat(received).includes(marker);
    await withTimeout(
      (async () => {
        while (!seen("MARKER-AFTER")) await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
      10_000,
      "the call made after the late one reaching the peer",
    );
    expect(seen("MARKER-LATE")).toBe(false);
    for (const socket of peers) socket.destroy();
    await Promise.all([...fillers, after]);
  });
});

test("calls still queued when the connection breaks fail 'unavailable' (never sent), written ones 'connection-lost'", async () => {
  const port = await rawServer(neverReads);
  // retry: false: the outcome of each call on this one connection, not of a retry elsewhere.
  const { calc } = calcAt(port, { maxQueuedBytes: 128 * MIB, retry: false });
  await calc.notify("open"); // resolves once written: the connection is open
  const filler = new Uint8Array(MIB);
  const outcomes = Array.from({ length: 32 }, () =>
    rejection(calc.blob(filler)).then((error) => error),
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const socket of peers) socket.destroy();
  const errors = await Promise.all(outcomes);
  const codes = new Set(errors.map((error) => error.code));
  expect(codes).toEqual(new Set(["connection-lost", "unavailable"]));
  expect(errors.find((error) => error.code === "unavailable")!.message).toMatch(
    /: connection lost before the call was written \(/,
  );
});

describe("TCP keepalive", () => {
  test("is enabled by default with keepAliveMs (30 s), configurable, and 0 disables it", async () => {
    const port = await calcServer();
    const spy = vi.spyOn(net.Socket.prototype, "setKeepAlive");
    try {
      await calcAt(port).calc.add(1, 2);
      await calcAt(port, { keepAliveMs: 1_500 }).calc.add(1, 2);
      await calcAt(port, { keepAliveMs: 0 }).calc.add(1, 2);
      const clientCalls = spy.mock.calls.filter(([, delay]) => delay !== undefined);
      expect(clientCalls).toEqual([
        [true, 30_000],
        [true, 1_500],
      ]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("waitForReady", () => {
  test("a call made before the server starts waits for it and succeeds", async () => {
    const port = await freePort();
    const { calc } = calcAt(port, { backoff: { initialMs: 20, maxMs: 100 } });
    const call = calc.add(2, 3, { waitForReady: true, timeoutMs: 10_000 });
    // Without waitForReady the same call fails at once.
    expect(await rejection(calc.add(1, 1))).toMatchObject({ code: "unavailable" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await calcServer(port);
    expect(await call).toBe(5);
  });

  test("its deadline ends the wait, and the error says what it waited through", async () => {
    const port = await freePort();
    const { calc } = calcAt(port, { backoff: { initialMs: 20, maxMs: 40 } });
    const error = await rejection(calc.add(1, 2, { waitForReady: true, timeoutMs: 300 }));
    expect(error.code).toBe("deadline-exceeded");
    expect(error.message).toMatch(
      new RegExp(
        `^Calc\\.add on 127\\.0\\.0\\.1:${port}: deadline of 300 ms exceeded after \\d+ failed connect attempts to 127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`,
      ),
    );
  });

  test("without a deadline, the wait is bounded by connectTimeoutMs", async () => {
    const port = await freePort();
    const { calc } = calcAt(port, { connectTimeoutMs: 200, backoff: { initialMs: 20, maxMs: 40 } });
    const error = await withTimeout(
      rejection(calc.add(1, 2, { waitForReady: true })),
      5_000,
      "a waitForReady call without a deadline",
    );
    expect(error.code).toBe("unavailable");
    expect(error.message).toMatch(/cannot connect: connect ECONNREFUSED/);
  });
});

describe("replies that are not Thrift", () => {
  async function answeringWith(reply: Buffer): Promise<number> {
    return rawServer((socket) => {
      socket.once("data", () => socket.end(reply));
    });
  }

  test("an HTTP server is named, not reported as a huge frame", async () => {
    const port = await answeringWith(
      Buffer.from("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    );
    const error = await rejection(calcAt(port).calc.add(1, 2));
    expect(error.code).toBe("protocol-error");
    expect(error.message).toBe(
      `Calc.add on 127.0.0.1:${port}: the server answered in HTTP ("HTTP/1.1 400 Bad Request"); is this a Thrift port?`,
    );
  });

  test("a real node:http server is named too", async () => {
    const server = http.createServer((_request, response) => response.end("hello"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const error = await rejection(calcAt(port).calc.add(1, 2));
      expect(error.message).toMatch(
        /: the server answered in HTTP \("HTTP\/1\.1 400 Bad Request"\); is this a Thrift port\?$/,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("a TLS server answering plain TCP is named", async () => {
    // A TLS alert record: handshake_failure (RFC 8446 §6).
    const port = await answeringWith(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]));
    const error = await rejection(calcAt(port, { transport: "buffered" }).calc.add(1, 2));
    expect(error.message).toMatch(/the server answered in TLS; connect with the tls option/);
  });

  test("a TLS client calling a plain server is told the handshake was cut off", async () => {
    const port = await calcServer();
    const error = await rejection(calcAt(port, { tls: {} }).calc.add(1, 2));
    expect(error.code).toBe("unavailable");
    expect(error.message).toMatch(
      /cannot connect: .*; the server closed the TLS handshake: does it speak TLS on this port\?$/,
    );
  });

  test("a text protocol is quoted", async () => {
    const port = await answeringWith(Buffer.from("SSH-2.0-OpenSSH_9.6\r\n"));
    const error = await rejection(calcAt(port).calc.add(1, 2));
    expect(error.message).toMatch(
      /the server answered in text, not Thrift \("SSH-2.0-OpenSSH_9.6"\)/,
    );
  });
});
