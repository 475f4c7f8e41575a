// Slow, greedy and flooding peers against a live server: dribbling connections are cut at the
// frame timeout, claimed frame sizes cost only the bytes sent, a server-wide budget bounds partly
// received messages, a connection flood beyond maxConnections (and per peer) is refused while
// served connections carry on, repeated warnings are rate-limited, idle connections let go of
// their output slab. Outcomes are asserted, never durations.
import * as net from "node:net";
import { afterAll, afterEach, describe, expect, test, vi } from "vitest";
import {
  connect,
  createServer,
  type ClientChannel,
  type Logger,
  type Server,
  type ServerOptions,
} from "idlc/runtime";
import { Calc, type CalcHandler } from "../support/calc-service.js";
import { withTimeout } from "../support/loopback.js";
import { addCall, bytesOf, framed, int32, message, rawPeer } from "../support/raw-wire.js";

const warnings: string[] = [];
const logger: Logger = { warn: (m) => warnings.push(m), error: (m) => warnings.push(`E ${m}`) };
const servers: Server[] = [];
const channels: ClientChannel[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
  warnings.length = 0;
});

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const leaked = process
    .getActiveResourcesInfo()
    .filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap");
  expect(leaked, "sockets left open by the tests").toEqual([]);
});

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

async function serve(
  options: ServerOptions,
  calc: CalcHandler = handler,
): Promise<{ server: Server; port: number }> {
  const server = createServer({ logger, ...options });
  server.add(Calc, calc);
  servers.push(server);
  return { server, port: (await server.listen({ host: "127.0.0.1" })).port };
}

function calcAt(port: number) {
  const channel = connect({ host: "127.0.0.1", port });
  channels.push(channel);
  return Calc.client(channel);
}

async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await withTimeout(
    (async () => {
      while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
    })(),
    timeoutMs,
    `waiting for ${what}`,
  );
}

/** White box: the server's count of bytes in partly received messages. */
function bufferedFrameBytes(server: Server): number {
  return (server as unknown as { bufferedFrameBytes: number }).bufferedFrameBytes;
}

/** White box: the server's open connections. */
function liveConnections(server: Server): { outputCapacity: number }[] {
  return [...(server as unknown as { live: Set<{ outputCapacity: number }> }).live];
}

describe("slowloris: a message must arrive within frameTimeoutMs", () => {
  test("50 connections dribbling a byte at a time are closed; the log says so once, with a count", async () => {
    const { server, port } = await serve({ frameTimeoutMs: 200 });
    const calc = calcAt(port);
    expect(await calc.add(1, 1)).toBe(2);
    // Each claims a 1,000-byte frame and sends its bytes one at a time, one every 20 ms.
    const start = bytesOf(int32(1_000), message("compact", "echo", { writeArgs: () => {} }));
    const peers = await Promise.all(Array.from({ length: 50 }, () => rawPeer(port, sockets)));
    let sent = 0;
    const dribble = setInterval(() => {
      for (const peer of peers) if (!peer.closed) peer.socket.write(start.subarray(sent, sent + 1));
      sent = Math.min(sent + 1, start.length - 1);
    }, 20);
    try {
      await until(() => peers.every((p) => p.closed), "the server to close every dribbler");
    } finally {
      clearInterval(dribble);
    }
    // Meanwhile a well-behaved client, even one sending a large frame, is served.
    expect(await calc.echo("x".repeat(1_000_000))).toHaveLength(1_000_000);
    const timeouts = warnings.filter(
      (w) => w.includes("frameTimeoutMs is 200") && !w.includes("more in the last"),
    );
    expect(timeouts).toHaveLength(1); // rate-limited: one line now …
    expect(timeouts[0]).toMatch(
      /^closing connection from 127\.0\.0\.1:\d+: no complete message \d+ ms after connecting \(\d+ bytes received; frameTimeoutMs is 200\); a slow or stalled client$/,
    );
    await server.close({ graceMs: 0 });
    // … and, when the interval ends (here: at close), one with how many more there were.
    expect(warnings.at(-1)).toMatch(/frameTimeoutMs is 200\).* \(and 48 more in the last 10 s\)$/);
    expect(bufferedFrameBytes(server)).toBe(0);
  });

  test("a connection that made calls and then dribbles its next frame is closed too", async () => {
    const { port } = await serve({ frameTimeoutMs: 100 });
    const peer = await rawPeer(port, sockets);
    peer.socket.write(framed(addCall("compact", 2, 2)));
    await peer.waitBytes(15); // the reply
    peer.socket.write(Uint8Array.of(0, 0, 0, 20, 0x82)); // and then nothing
    expect(await peer.waitClosed(5_000)).toBe(true);
    expect(warnings).toEqual([
      expect.stringMatching(
        /: a message still incomplete after \d+ ms \(1 bytes received; frameTimeoutMs is 100\)/,
      ),
    ]);
  });

  test("time the server itself is not reading (backpressure) is not held against the client", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { port } = await serve(
      { frameTimeoutMs: 40, maxInFlightPerConnection: 1 },
      {
        ...handler,
        slow: async (_ms, value) => {
          await gate;
          return value;
        },
      },
    );
    const calc = calcAt(port);
    // The first call holds the only slot, so the second waits unread in the socket, for far
    // longer than frameTimeoutMs, then both are answered.
    const calls = [calc.slow(0, 1), calc.slow(0, 2)];
    await new Promise((resolve) => setTimeout(resolve, 400));
    release();
    expect(await Promise.all(calls)).toEqual([1, 2]);
    expect(warnings).toEqual([]);
  });

  test("frameTimeoutMs 0 turns the check off", async () => {
    const { port } = await serve({ frameTimeoutMs: 0, idleTimeoutMs: 0 });
    const peer = await rawPeer(port, sockets);
    peer.socket.write(Uint8Array.of(0, 0, 0, 20, 0x82));
    expect(await peer.waitClosed(300)).toBe(false);
  });
});

describe("claimed frame sizes cost only the bytes that arrived", () => {
  test("32 connections claiming 16,000,000-byte frames and sending 12 bytes: arrayBuffers grow by far less than 16 MiB", async () => {
    const { server, port } = await serve({});
    const claim = bytesOf(
      int32(16_000_000),
      [0x82, 0x21, 0x01, 0x03, 0x61, 0x64, 0x64, 0, 0, 0, 0, 0],
    );
    const before = process.memoryUsage().arrayBuffers;
    const peers = await Promise.all(Array.from({ length: 32 }, () => rawPeer(port, sockets)));
    for (const peer of peers) peer.socket.write(claim);
    await until(() => bufferedFrameBytes(server) === 32 * 12, "all 32 claims to be received");
    const grown = process.memoryUsage().arrayBuffers - before;
    // Allocated from the claim, this was 32 × 16,000,000 bytes (490 MiB).
    expect(grown).toBeLessThan(16 * 1024 * 1024);
    for (const peer of peers) expect(peer.closed).toBe(false);
  });

  test("the server-wide budget closes the connection that would exceed it, and only that one", async () => {
    const { server, port } = await serve({ maxBufferedFrameBytes: 100_000 });
    const text = "y".repeat(60_000);
    const call = framed(
      message("compact", "echo", {
        writeArgs: (w) => Calc.methods.get("echo")!.writeArgs(w, [text]),
      }),
    );
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => rawPeer(port, sockets)));
    a!.socket.write(call.subarray(0, 40_000));
    await until(() => bufferedFrameBytes(server) >= 39_000, "a's bytes");
    b!.socket.write(call.subarray(0, 40_000));
    await until(() => bufferedFrameBytes(server) >= 78_000, "b's bytes");
    c!.socket.write(call.subarray(0, 40_000));
    expect(await c!.waitClosed(5_000)).toBe(true);
    expect(warnings[0]).toMatch(
      /: partly received messages would hold \d+ bytes on this server, over maxBufferedFrameBytes \(100000\); raise the server's maxBufferedFrameBytes option$/,
    );
    // a and b are untouched; a's message completes within the budget and is answered.
    a!.socket.write(call.subarray(40_000));
    await a!.waitBytes(60_000);
    expect(a!.closed || b!.closed).toBe(false);
    b!.socket.destroy();
    await until(() => bufferedFrameBytes(server) === 0, "the budget to be given back");
  });
});

describe("a refused connection", () => {
  test("is destroyed after a grace period when its end cannot finish (a peer not reading)", async () => {
    const { server, port } = await serve({});
    const peer = await rawPeer(port, sockets);
    await until(() => server.connections === 1, "the server to accept");
    // White box: the server side's end() never finishing, as with a peer whose window is shut.
    const [connection] = [...(server as unknown as { live: Set<{ socket: net.Socket }> }).live];
    connection!.socket.end = (() => connection!.socket) as never;
    peer.socket.write(Uint8Array.of(0xff, 0xff, 0xff, 0xf0));
    expect(await peer.waitClosed(5_000)).toBe(true);
    expect(warnings[0]).toMatch(/invalid frame size -16 \(negative\)/);
  });
});

describe("connection floods", () => {
  test("beyond maxConnections: refused ones are closed, served ones keep working, the log is rate-limited", async () => {
    const { server, port } = await serve({ maxConnections: 20 });
    const calc = calcAt(port);
    expect(await calc.add(1, 2)).toBe(3); // connection 1 of 20
    const flood = await Promise.all(Array.from({ length: 100 }, () => rawPeer(port, sockets)));
    await until(() => flood.filter((p) => p.closed).length === 81, "81 refusals");
    const served = flood.filter((p) => !p.closed);
    expect(served).toHaveLength(19);
    expect(server.connections).toBe(20);
    // Every served connection still gets answers, and so does the channel.
    await Promise.all(
      served.map(async (peer, i) => {
        peer.socket.write(framed(addCall("compact", i, 1)));
        await peer.waitBytes(15);
      }),
    );
    expect(await calc.add(2, 2)).toBe(4);
    expect(warnings[0]).toMatch(
      /^refusing a connection from 127\.0\.0\.1:\d+: maxConnections \(20\) reached; raise the server's maxConnections option$/,
    );
    await server.close({ graceMs: 0 });
    // Rate-limited: that line, then (at the interval's end, here the close) one with the count.
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(
      /maxConnections \(20\) reached.* \(and 79 more in the last 10 s\)$/,
    );
  });

  test("maxConnectionsPerPeer refuses a remote address's connections beyond the limit", async () => {
    const { server, port } = await serve({ maxConnectionsPerPeer: 3 });
    const peers = await Promise.all(Array.from({ length: 5 }, () => rawPeer(port, sockets)));
    await until(() => peers.filter((p) => p.closed).length === 2, "2 refusals");
    expect(warnings[0]).toMatch(
      /maxConnectionsPerPeer \(3\) reached for 127\.0\.0\.1; raise the server's maxConnectionsPerPeer option$/,
    );
    // A slot given back can be taken again.
    peers.find((p) => !p.closed)!.socket.destroy();
    await until(() => server.connections === 2, "the server to see the close");
    const again = await rawPeer(port, sockets);
    again.socket.write(framed(addCall("compact")));
    await again.waitBytes(15);
    expect(again.closed).toBe(false);
  });
});

describe("keepalive and idle memory", () => {
  test("accepted sockets get TCP keepalive (keepAliveMs, default 30 s, as the client's; 0 off)", async () => {
    const setKeepAlive = vi.spyOn(net.Socket.prototype, "setKeepAlive");
    /** The keepalive calls made on the server's side of connections to `port`. */
    const serverSide = (port: number): unknown[][] =>
      setKeepAlive.mock.calls.filter((_, i) => {
        const socket = setKeepAlive.mock.contexts[i] as net.Socket;
        return socket.localPort === port;
      });
    const { port } = await serve({});
    expect(await calcAt(port).add(1, 1)).toBe(2);
    expect(serverSide(port)).toEqual([[true, 30_000]]);
    const custom = await serve({ keepAliveMs: 5_000 });
    expect(await calcAt(custom.port).add(1, 1)).toBe(2);
    expect(serverSide(custom.port)).toEqual([[true, 5_000]]);
    const off = await serve({ keepAliveMs: 0 });
    expect(await calcAt(off.port).add(1, 1)).toBe(2);
    expect(serverSide(off.port)).toEqual([]);
    expect(() => createServer({ keepAliveMs: -1 })).toThrow(/keepAliveMs must be 0 or more/);
  });

  test("a connection quiet for a sweep lets go of its output slab; the next reply gets a new one", async () => {
    // frameTimeoutMs 40 makes the sweep run every 10 ms.
    const { server, port } = await serve({ frameTimeoutMs: 40 });
    const calc = calcAt(port);
    expect(await calc.add(1, 1)).toBe(2);
    const [connection] = liveConnections(server);
    expect(connection!.outputCapacity).toBe(4 * 1024);
    await until(() => connection!.outputCapacity === 0, "the slab to be released");
    expect(await calc.add(2, 2)).toBe(4);
    expect(connection!.outputCapacity).toBe(4 * 1024);
  });
});
