// Servers and channels for loopback RPC tests, closed after each test, with a check that the
// file left no socket open. Import it from a test file to get the hooks.
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

/** What the servers logged in the current test. */
export const logged = { warnings: [] as string[], errors: [] as string[] };
export const quietLogger: Logger = {
  warn: (message) => logged.warnings.push(message),
  error: (message) => logged.errors.push(message),
};

const servers: Server[] = [];
const channels: ClientChannel[] = [];

afterEach(async () => {
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
  logged.warnings.length = 0;
  logged.errors.length = 0;
});

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const leaked = process
    .getActiveResourcesInfo()
    .filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap");
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
      throw new Error("boom");
    },
    context: (c) => JSON.stringify({ deadline: c.deadline ?? null }),
    empty: () => undefined as unknown as number,
    ...overrides,
  };
}

/** A listening Calc server on 127.0.0.1, closed after the test. */
export async function serve(
  handler: CalcHandler = calcHandler(),
  options: ServerOptions = {},
): Promise<{ server: Server; port: number }> {
  const server = createServer({ logger: quietLogger, ...options });
  server.add(Calc, handler);
  servers.push(server);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return { server, port };
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
