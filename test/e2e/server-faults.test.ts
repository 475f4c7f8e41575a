// A real server process meets real signals mid-call, and a server that accepts and never answers:
// every pending call settles with the code that tells the caller what it may assume, and the
// channel recovers when the server does. Outcomes only, never wall-clock speed.
import { connect, type ClientChannel, type RpcError } from "idlc/runtime";
import * as net from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { Calc } from "../support/calc-service.js";
import { spawnChild, type Child } from "../support/loopback.js";
import { rejection } from "../support/rpc-fixture.js";

const repo = join(import.meta.dirname, "..", "..");
const channels: ClientChannel[] = [];
afterAll(async () => {
  await Promise.all(channels.map((c) => c.close()));
});

/** Starts a Calc server process; resolves with it and its port. */
async function startServer(port = 0): Promise<{ child: Child; port: number }> {
  const child = spawnChild(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=idlc-source",
      join(repo, "test/support/calc-server-child.ts"),
      String(port),
    ],
    { cwd: repo },
  );
  const [, listening] = await child.waitForLine(/^listening (\d+)$/, 30_000);
  return { child, port: Number(listening) };
}

/** A channel to one port; retry off, so each call's own outcome is what the test sees. */
function calcAt(port: number, options: { backoff?: { initialMs: number; maxMs: number } } = {}) {
  const channel = connect({ host: "127.0.0.1", port, retry: false, ...options });
  channels.push(channel);
  return Calc.client(channel);
}

/** Resolves once the child has printed `started <value>` for each of `values`. */
async function allStarted(child: Child, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await child.waitForLine(new RegExp(`^started ${i}$`), 20_000);
}

describe("a server process signalled mid-call", () => {
  test("SIGKILL: every call in flight fails connection-lost (it may have run), at once, not at its deadline", async () => {
    const { child, port } = await startServer();
    const calc = calcAt(port);
    expect(await calc.add(1, 2)).toBe(3);
    const calls = Array.from({ length: 20 }, (_, i) =>
      rejection(calc.slow(60_000, i, { timeoutMs: 120_000 })),
    );
    await allStarted(child, 20); // every call reached the handler
    child.process.kill("SIGKILL");
    const errors = (await Promise.all(calls)) as RpcError[];
    for (const error of errors) {
      expect(error.code).toBe("connection-lost");
      expect(error.message).toMatch(/may or may not have run/);
    }
  }, 60_000);

  test("SIGSTOP: calls end at their deadlines; after SIGCONT the same channel serves again", async () => {
    const { child, port } = await startServer();
    const calc = calcAt(port);
    expect(await calc.add(1, 2)).toBe(3);
    const slow = calc.slow(50, 0, { timeoutMs: 5_000 }); // running when the server stops
    await allStarted(child, 1);
    child.process.kill("SIGSTOP");
    try {
      // The stopped process's kernel still accepts bytes: only the deadline ends these calls.
      const stuck = await Promise.all(
        Array.from({ length: 10 }, (_, i) => rejection(calc.add(i, 1, { timeoutMs: 300 }))),
      );
      for (const error of stuck) expect((error as RpcError).code).toBe("deadline-exceeded");
    } finally {
      child.process.kill("SIGCONT");
    }
    // The call that was running answers once the process runs again; late replies to the
    // expired calls are dropped, and new calls on the same connection are answered.
    expect(await slow).toBe(0);
    expect(await calc.add(20, 22, { timeoutMs: 10_000 })).toBe(42);
  }, 60_000);

  test("SIGKILL, then a restart on the same port: the channel reconnects by itself", async () => {
    const first = await startServer();
    const calc = calcAt(first.port, { backoff: { initialMs: 20, maxMs: 100 } });
    expect(await calc.add(1, 1)).toBe(2);
    first.child.process.kill("SIGKILL");
    await first.child.exited(10_000);
    const down = (await rejection(calc.add(1, 1, { timeoutMs: 2_000 }))) as RpcError;
    expect(["unavailable", "connection-lost", "deadline-exceeded"]).toContain(down.code);
    await startServer(first.port);
    let answer: number | undefined;
    for (let i = 0; i < 100 && answer === undefined; i++) {
      answer = await calc.add(2, 3, { timeoutMs: 1_000 }).catch(() => undefined);
      if (answer === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answer).toBe(5);
  }, 60_000);
});

test("a silent server (accepts, never answers): calls end at their deadlines, close() settles", async () => {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const { port } = silent.address() as net.AddressInfo;
  try {
    const channel = connect({ host: "127.0.0.1", port, retry: false });
    const calc = Calc.client(channel);
    const errors = await Promise.all(
      Array.from({ length: 10 }, (_, i) => rejection(calc.add(i, 1, { timeoutMs: 200 }))),
    );
    for (const error of errors) expect((error as RpcError).code).toBe("deadline-exceeded");
    // A call with no deadline is settled by close(), which itself ends within closeGraceMs.
    const open = rejection(calc.add(1, 1));
    await channel.close();
    expect(((await open) as RpcError).code).toBe("cancelled");
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});
