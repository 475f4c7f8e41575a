// A channel over a fleet of real idlc servers on loopback: p2c spreading, hash keys that stick
// (per call and through a method's `idlc.hash_key` annotation), weights, a closed replica ejected
// and probed back, a shedding replica ejected, the ejection share, and the retry budget when
// every replica fails. Counts are taken server-side (handler executions) and from
// `channel.stats()`; waiting is bounded polling; no test asserts how long anything took.
import { afterAll, afterEach, describe, expect, test } from "vitest";
import {
  ApplicationError,
  connect,
  createServer,
  RpcError,
  type ClientChannel,
  type ConnectOptions,
  type MethodDescriptor,
  type Server,
} from "idlc/runtime";
import { Calc, type CalcHandler } from "../../support/calc-service.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** A Calc replica that counts what it runs; `shed` makes it answer every call as overloaded. */
interface Replica {
  readonly server: Server;
  port: number;
  /** `add` calls that arrived (shed ones included), and those that ran. */
  received: number;
  adds: number;
  keys: Set<string>;
  shed: boolean;
}

const servers: Server[] = [];
const channels: ClientChannel[] = [];

function replicaHandler(replica: Omit<Replica, "server" | "port">): CalcHandler {
  const unused = () => {
    throw new Error("not used here");
  };
  return {
    add: (a, b) => {
      replica.received++;
      if (replica.shed)
        throw new ApplicationError("shed: too busy", { type: 11 /* LOADSHEDDING */ });
      replica.adds++;
      return a + b;
    },
    echo: (text) => {
      replica.keys.add(text);
      return text;
    },
    ping: () => {},
    notify: () => {},
    divide: unused,
    slow: unused,
    blob: unused,
    fail: unused,
    context: unused,
    empty: unused,
  };
}

async function startReplica(port = 0): Promise<Replica> {
  const state = { received: 0, adds: 0, keys: new Set<string>(), shed: false };
  const server = createServer().add(Calc, replicaHandler(state));
  servers.push(server);
  const address = await server.listen({ port });
  return Object.assign(state, { server, port: address.port });
}

async function fleet(n: number): Promise<Replica[]> {
  const replicas: Replica[] = [];
  for (let i = 0; i < n; i++) replicas.push(await startReplica());
  return replicas;
}

function channelTo(replicas: readonly Replica[], options: Partial<ConnectOptions> = {}) {
  const channel = connect({
    addresses: replicas.map((r) => `127.0.0.1:${r.port}`),
    timeoutMs: 5_000,
    ...options,
  } as ConnectOptions);
  channels.push(channel);
  return channel;
}

const statsOf = (channel: ClientChannel, replica: Replica) =>
  channel.stats().endpoints.find((e) => e.address === `127.0.0.1:${replica.port}`)!;

afterEach(async () => {
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
});

afterAll(async () => {
  await sleep(20);
  const leaked = process
    .getActiveResourcesInfo()
    .filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap");
  expect(leaked, "sockets left open by the tests").toEqual([]);
});

describe("balancing a fleet", () => {
  test("p2c (the default) spreads concurrent calls over every replica; stats count them", async () => {
    const replicas = await fleet(3);
    const channel = channelTo(replicas);
    const calc = Calc.client(channel);
    for (let round = 0; round < 20; round++)
      await Promise.all(Array.from({ length: 10 }, (_, i) => calc.add(round, i)));
    const adds = replicas.map((r) => r.adds);
    expect(adds.reduce((a, b) => a + b)).toBe(200);
    for (const count of adds) expect(count).toBeGreaterThan(20);
    const stats = channel.stats();
    expect(stats).toMatchObject({ calls: 200, retries: 0, failovers: 0, budgetExhausted: 0 });
    expect(stats.endpoints.map((e) => e.calls)).toEqual(adds);
    for (const e of stats.endpoints)
      expect(e).toMatchObject({ failures: 0, pending: 0, ejected: false, ejections: 0 });
  });

  test("weights from a static source split the calls", async () => {
    const replicas = await fleet(2);
    const channel = connect({
      endpoints: {
        endpoints: () => [
          { host: "127.0.0.1", port: replicas[0]!.port, weight: 1 },
          { host: "127.0.0.1", port: replicas[1]!.port, weight: 4 },
        ],
      },
    });
    channels.push(channel);
    const calc = Calc.client(channel);
    for (let i = 0; i < 500; i++) await calc.add(i, 0);
    expect(replicas[0]!.adds / 500).toBeGreaterThan(0.1);
    expect(replicas[0]!.adds / 500).toBeLessThan(0.3);
    expect(channel.stats().endpoints.map((e) => e.weight)).toEqual([1, 4]);
  });

  test("calls with the same hashKey go to the same replica; different keys spread", async () => {
    const replicas = await fleet(3);
    const calc = Calc.client(channelTo(replicas));
    for (let round = 0; round < 3; round++)
      for (let user = 0; user < 60; user++)
        await calc.echo(`user-${user}`, { hashKey: `user-${user}` });
    const owners = new Map<string, number>();
    replicas.forEach((r, index) => {
      for (const key of r.keys) {
        expect(owners.has(key), `${key} ran on two replicas`).toBe(false);
        owners.set(key, index);
      }
    });
    expect(owners.size).toBe(60);
    for (const r of replicas) expect(r.keys.size).toBeGreaterThan(5);
  });

  test("a hashed call whose owner is down goes to the next owner, and comes back after", async () => {
    const replicas = await fleet(3);
    const channel = channelTo(replicas, {
      outlierEjection: { consecutiveFailures: 1, baseEjectionMs: 300, maxEjectedPercent: 50 },
      backoff: { initialMs: 20, maxMs: 50 },
    });
    // echo, declared (idempotent) here: a call caught by the closing connection may be retried.
    const method = { ...(Calc.methods.get("echo")! as MethodDescriptor), idempotent: true };
    const echo = (key: string) => channel.call("Calc", method, [key], { hashKey: key });
    const ownerOf = (key: string) => replicas.findIndex((r) => r.keys.has(key));
    const keys = Array.from({ length: 30 }, (_, i) => `cart-${i}`);
    for (const key of keys) await echo(key);
    const owners = keys.map(ownerOf);
    const victim = owners[0]!;
    const port = replicas[victim]!.port;
    await replicas[victim]!.server.close({ graceMs: 0 });
    for (const r of replicas) r.keys.clear();
    for (const key of keys) expect(await echo(key)).toBe(key);
    keys.forEach((key, i) => {
      if (owners[i] !== victim) expect(ownerOf(key), `${key} stayed`).toBe(owners[i]);
      else expect(ownerOf(key), `${key} moved`).not.toBe(victim);
    });
    // The owner comes back on the same port: after its ejection its keys return to it.
    const back = await startReplica(port);
    await eventually("the ejection to end", () => !statsOf(channel, replicas[victim]!).ejected);
    await eventually("the first key back on its owner", async () => {
      await echo(keys[0]!);
      return back.keys.has(keys[0]!);
    });
    for (const [i, key] of keys.entries())
      if (owners[i] === victim) {
        await echo(key);
        expect(back.keys.has(key), `${key} back on its owner`).toBe(true);
      }
  });

  test("a method annotated (idlc.hash_key = ...) hashes on that argument", async () => {
    const replicas = await fleet(3);
    const channel = channelTo(replicas);
    // What generated code emits for `string echo(1: string text) (idlc.hash_key = "text")`.
    const echo: MethodDescriptor = {
      ...(Calc.methods.get("echo")! as MethodDescriptor),
      annotations: [{ key: "idlc.hash_key", value: "text" }],
      hashKeyArg: 0,
    };
    for (let round = 0; round < 3; round++)
      for (let user = 0; user < 30; user++)
        await channel.call("Calc", echo, [`cart-${user}`], undefined);
    const total = replicas.reduce((n, r) => n + r.keys.size, 0);
    expect(total, "each key on exactly one replica").toBe(30);
    expect(replicas.filter((r) => r.keys.size > 0).length).toBeGreaterThan(1);
  });
});

describe("failure handling", () => {
  const ejection = { consecutiveFailures: 3, baseEjectionMs: 1_500, maxEjectedPercent: 50 };

  test("a closed replica is ejected, gets no call while ejected, then is probed back", async () => {
    const replicas = await fleet(3);
    const channel = channelTo(replicas, {
      outlierEjection: ejection,
      backoff: { initialMs: 20, maxMs: 50 },
    });
    const calc = Calc.client(channel);
    for (let i = 0; i < 30; i++) await calc.add(i, 0);
    const [dead] = replicas;
    await dead!.server.close({ graceMs: 0 });

    // Idempotent calls keep succeeding: a failed attempt goes to another replica.
    for (let i = 0; i < 60; i++) expect(await calc.add(i, 1)).toBe(i + 1);
    // Between its connection's reconnect attempts (backoff) it is skipped; each attempt fails,
    // and the third failure in a row ejects it.
    await eventually("the dead replica to be ejected", async () => {
      expect(await calc.add(1, 1)).toBe(2);
      return statsOf(channel, dead!).ejected;
    });
    const atEjection = statsOf(channel, dead!);
    expect(atEjection.ejections).toBe(1);
    expect(atEjection.failures).toBeGreaterThanOrEqual(3);
    expect(atEjection.lastEjectedAtMs).toBeGreaterThan(0);
    expect(channel.stats().failovers).toBeGreaterThan(0);

    // It comes back on the same port: while ejected it still gets nothing.
    const back = await startReplica(dead!.port);
    let sent = 0;
    while (statsOf(channel, dead!).ejected && sent < 100) {
      await calc.add(sent++, 2);
      if (!statsOf(channel, dead!).ejected) break;
      expect(back.adds, "a call reached the replica while it was ejected").toBe(0);
    }
    expect(sent).toBeGreaterThan(0);
    expect(statsOf(channel, dead!).calls).toBe(atEjection.calls);

    // After its ejection time it takes calls again.
    await eventually("the ejection to end", () => Date.now() > atEjection.lastEjectedAtMs! + 1_500);
    for (let i = 0; i < 200 && back.adds === 0; i++) await calc.add(i, 3);
    expect(back.adds).toBeGreaterThan(0);
    expect(statsOf(channel, dead!).ejected).toBe(false);
  });

  test("a replica that sheds every call is ejected and its calls are answered elsewhere", async () => {
    const replicas = await fleet(3);
    replicas[1]!.shed = true;
    const channel = channelTo(replicas, { outlierEjection: ejection });
    const calc = Calc.client(channel);
    for (let i = 0; i < 100; i++) expect(await calc.add(i, 0)).toBe(i);
    const shedding = statsOf(channel, replicas[1]!);
    expect(shedding.ejections).toBeGreaterThanOrEqual(1);
    expect(shedding.failures).toBeGreaterThanOrEqual(3);
    expect(replicas[1]!.adds).toBe(0);
    expect(replicas[0]!.adds + replicas[2]!.adds).toBe(100);
    // While it is ejected, no call reaches it at all.
    const received = replicas[1]!.received;
    for (let i = 0; i < 20 && statsOf(channel, replicas[1]!).ejected; i++) {
      await calc.add(i, 0);
      if (statsOf(channel, replicas[1]!).ejected) expect(replicas[1]!.received).toBe(received);
    }
  });

  test("a shed call that cannot go elsewhere fails with code overloaded", async () => {
    const [only] = await fleet(1);
    only!.shed = true;
    const calc = Calc.client(channelTo([only!], { retry: false }));
    const error = await calc.add(1, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe("overloaded");
  });

  test("no more than the configured share of replicas is ejected at once", async () => {
    const replicas = await fleet(4);
    for (const r of replicas.slice(0, 3)) r.shed = true;
    const channel = channelTo(replicas, { outlierEjection: ejection });
    const calc = Calc.client(channel);
    let mostEjected = 0;
    for (let i = 0; i < 150; i++) {
      await calc.add(i, 0).catch(() => undefined);
      const ejected = channel.stats().endpoints.filter((e) => e.ejected).length;
      mostEjected = Math.max(mostEjected, ejected);
    }
    expect(mostEjected).toBe(2); // 50 % of 4
  });

  test("each retry avoids every replica the call already failed on", async () => {
    const replicas = await fleet(3);
    const calc = Calc.client(
      channelTo(replicas, {
        outlierEjection: false, // so only the retry's own choice keeps it off the dead ones
        backoff: { initialMs: 1, maxMs: 1 },
      }),
    );
    await Promise.all(replicas.slice(0, 2).map((r) => r.server.close({ graceMs: 0 })));
    // Default 3 attempts: with two of three replicas down, the third attempt always finds the live one.
    for (let i = 0; i < 150; i++) expect(await calc.add(i, 1)).toBe(i + 1);
    expect(replicas[2]!.adds).toBe(150);
  });

  test("retries stay within the call's deadline: none is sent after it", async () => {
    const replicas = await fleet(2);
    await Promise.all(replicas.map((r) => r.server.close({ graceMs: 0 })));
    const channel = channelTo(replicas, {
      retry: { attempts: 50 },
      backoff: { initialMs: 40, maxMs: 40 },
      outlierEjection: false,
    });
    const calc = Calc.client(channel);
    const error = await calc.add(1, 1, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(["unavailable", "deadline-exceeded"]).toContain((error as RpcError).code);
    const attempts = () => channel.stats().endpoints.reduce((n, e) => n + e.calls, 0);
    const settled = attempts();
    expect(settled).toBeGreaterThan(1); // it did retry, on both replicas
    expect(settled).toBeLessThan(50); // but not 50 times: the deadline ended it
    expect(channel.stats().failovers).toBeGreaterThan(0);
    await sleep(200);
    expect(attempts(), "no attempt after the call settled").toBe(settled);
  });

  test("when every replica fails, attempts stay within the retry budget", async () => {
    const replicas = await fleet(3);
    for (const r of replicas) r.shed = true;
    const channel = channelTo(replicas, {
      retry: { attempts: 5, budget: { percent: 0.2, minPerSecond: 1 } },
      outlierEjection: false,
    });
    const calc = Calc.client(channel);
    const calls = 500;
    const codes = new Set<string>();
    for (let round = 0; round < calls / 50; round++)
      await Promise.all(
        Array.from({ length: 50 }, () =>
          calc.add(1, 1).catch((e: unknown) => codes.add((e as RpcError).code)),
        ),
      );
    expect([...codes]).toEqual(["overloaded"]);
    const stats = channel.stats();
    const executions = replicas.reduce((n, r) => n + r.received, 0);
    // 500 calls, 20 % of them, plus 1/s over 10 s: never 5 attempts each (2,500).
    expect(executions).toBeLessThanOrEqual(calls + 0.2 * calls + 10);
    expect(executions).toBe(calls + stats.retries);
    expect(stats.endpoints.reduce((n, e) => n + e.calls, 0)).toBe(executions);
    expect(stats.budgetExhausted).toBeGreaterThan(0);
    expect(stats.calls).toBe(calls);
  });
});
