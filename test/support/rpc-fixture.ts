// Servers, channels and raw sockets for loopback RPC tests: whatever these helpers open is closed
// after each test, and a file that leaves a socket open fails. Importing this module from a test
// file registers the hooks for that file.
import * as net from "node:net";
import { afterAll, afterEach, expect } from "vitest";
import {
  connect,
  createServer,
  type ClientChannel,
  type ConnectOptions,
  type Logger,
  type Server,
  type ServerOptions,
} from "idlc/runtime";
import { Calc, DivideByZero, type CalcHandler } from "./calc-service.js";
import { withTimeout } from "./loopback.js";

/** What the servers warned about in the current test. */
export const warnings: string[] = [];
/** What the servers reported as errors in the current test, with the detail they logged. */
export const errors: { message: string; detail: unknown }[] = [];
/** The servers' logger: it records, so tests can assert on what was logged. */
export const logger: Logger = {
  warn: (message) => warnings.push(message),
  error: (message, detail) => errors.push({ message, detail }),
};

/** Servers and channels to close after the test (a test that makes its own may push them here). */
export const servers: Server[] = [];
export const channels: ClientChannel[] = [];
/** Raw sockets a test opened, destroyed after it. */
export const sockets: net.Socket[] = [];

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
export class Gate {
  readonly opened: Promise<void>;
  open!: () => void;
  constructor() {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }
}

/** Resolves once `predicate` holds, checking every few ms (at most `timeoutMs`). */
export async function until(predicate: () => boolean, what: string, timeoutMs = 10_000) {
  await withTimeout(
    (async () => {
      while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 2));
    })(),
    timeoutMs,
    `waiting for ${what}`,
  );
}

/** The error a promise rejects with; fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

/** A Calc handler with plain behaviour; tests override what they need. */
export function calcHandler(overrides: Partial<CalcHandler> = {}): CalcHandler {
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

/** A listening Calc server on 127.0.0.1 (`port` 0: any free one), closed after the test. */
export async function serve(
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

/** A channel, closed after the test. */
export function open(options: ConnectOptions): ClientChannel {
  const channel = connect(options);
  channels.push(channel);
  return channel;
}

/** A Calc client on its own channel to `port`. */
export function calcAt(
  port: number,
  options: Omit<ConnectOptions, "host" | "port" | "addresses" | "endpoints"> = {},
) {
  const channel = open({ host: "127.0.0.1", port, ...options } as ConnectOptions);
  return { channel, calc: Calc.client(channel) };
}

/** Connects a raw socket, writes `bytes`, and collects what comes back until the server closes. */
export async function rawExchange(port: number, bytes: Uint8Array): Promise<Buffer> {
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

/** A big-endian int32, as frame sizes are written. */
export function int32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, n);
  return out;
}
