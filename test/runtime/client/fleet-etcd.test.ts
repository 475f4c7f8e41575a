// A fleet of real replica processes (test/support/fleet-replica-child.ts) registered in a real
// etcd, and a client that discovers and balances over them under live traffic: replicas joining
// and leaving (no idempotent call fails), a replica SIGKILLed (ejected, failed over, nothing run
// twice), etcd SIGKILLed and restarted (clients keep calling their last endpoints and follow
// etcd again), and hash keys that stay put and move about 1/N when a replica joins. Executions
// are counted server-side from the replicas' output. Every loop is bounded in count and time.
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import {
  connect,
  createEtcdSource,
  RpcError,
  type ClientChannel,
  type ConnectOptions,
  type EtcdSource,
} from "idlc/runtime";
import { Calc, type CalcClient } from "../../support/calc-service.js";
import { startEtcd, type TestEtcd } from "../../support/etcd.js";
import { spawnChild, type Child } from "../../support/loopback.js";
import { describeWithTool } from "../../support/tools.js";

const repo = join(import.meta.dirname, "..", "..", "..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

let serviceCounter = 0;
const uniqueService = (label: string) => `test.fleet.${label}.${process.pid}.${++serviceCounter}`;

/** A replica process and the port it serves on. */
interface Replica {
  readonly child: Child;
  readonly port: number;
  readonly address: string;
}

/** What a replica ran, from its output: `ran <method> <arg>` lines. */
function ran(replica: Replica, method: "add" | "echo", from = 0): string[] {
  const prefix = `ran ${method} `;
  return replica.child
    .stdout()
    .slice(from)
    .split("\n")
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

/**
 * Live traffic: `concurrency` loops, each making calls one after another (with a 2 ms pause, so
 * the traffic lasts while replicas start) until `stop()` or `limit` calls in all. `call(i)`
 * makes call number i; failures are kept with their number.
 */
function traffic(concurrency: number, limit: number, call: (i: number) => Promise<unknown>) {
  let next = 0;
  let stopped = false;
  const failures: { i: number; error: unknown }[] = [];
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stopped && next < limit) {
      const i = next++;
      try {
        await call(i);
      } catch (error) {
        failures.push({ i, error });
      }
      await sleep(2);
    }
  });
  return {
    failures,
    get made() {
      return next;
    },
    /** Resolves once `count` calls in all have been started (or the traffic ended). */
    async until(count: number) {
      await eventually(`${count} calls`, () => next >= count || stopped, 60_000);
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

const codeOf = (error: unknown) => (error instanceof RpcError ? error.code : String(error));

describeWithTool("etcd", "a fleet on etcd (real etcd, real replica processes)", () => {
  let etcd: TestEtcd;
  const sources: EtcdSource[] = [];
  const channels: ClientChannel[] = [];
  const replicas: Replica[] = [];

  beforeAll(async () => {
    etcd = await startEtcd();
  }, 30_000);

  afterEach(async () => {
    await Promise.all(channels.splice(0).map((c) => c.close()));
    await Promise.all(sources.splice(0).map((s) => s.close()));
    await Promise.all(replicas.splice(0).map((r) => r.child.stop(5_000)));
  }, 30_000);

  afterAll(async () => {
    await etcd?.dispose();
    await sleep(20);
    const leaked = process
      .getActiveResourcesInfo()
      .filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap");
    expect(leaked, "sockets left open by the tests").toEqual([]);
  }, 30_000);

  async function startReplica(service: string): Promise<Replica> {
    const child = spawnChild(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=idlc-source",
        join(repo, "test/support/fleet-replica-child.ts"),
        etcd.url,
        service,
      ],
      { cwd: repo },
    );
    const [, port] = await child.waitForLine(/^listening (\d+)$/, 30_000);
    const replica = { child, port: Number(port), address: `127.0.0.1:${port}` };
    replicas.push(replica);
    return replica;
  }

  function client(service: string, options: Partial<ConnectOptions> = {}) {
    const source = createEtcdSource({
      etcd: { endpoints: [etcd.url], timeoutMs: 1_000 },
      service,
      backoff: { initialMs: 50, maxMs: 500 },
      onError: () => {},
    });
    sources.push(source);
    const channel = connect({ endpoints: source, timeoutMs: 5_000, ...options } as ConnectOptions);
    channels.push(channel);
    return { source, channel, calc: Calc.client(channel) as CalcClient };
  }

  const listed = (channel: ClientChannel) =>
    channel
      .stats()
      .endpoints.filter((e) => e.listed)
      .map((e) => e.address)
      .sort();
  const statsOf = (channel: ClientChannel, replica: Replica) =>
    channel.stats().endpoints.find((e) => e.address === replica.address);

  test("replicas join and leave under live traffic, and no idempotent call fails", async () => {
    const service = uniqueService("churn");
    const [a, b] = [await startReplica(service), await startReplica(service)];
    const { channel, calc } = client(service);
    await eventually("both replicas listed", async () => {
      await calc.ping().catch(() => {});
      return listed(channel).length === 2;
    });
    const load = traffic(4, 40_000, (i) => calc.add(i, 1));
    await load.until(200);

    const c = await startReplica(service);
    await eventually(
      "the new replica to take calls",
      () => (statsOf(channel, c)?.calls ?? 0) > 20,
      30_000,
    );
    a.child.process.kill("SIGTERM"); // drains: deregisters, waits, closes
    expect(await a.child.exited(20_000)).toBe(0);
    const after = load.made;
    await load.until(after + 200);
    await load.stop();

    expect(load.failures.map((f) => `${f.i}: ${codeOf(f.error)}`)).toEqual([]);
    expect(listed(channel)).toEqual([b.address, c.address].sort());
    // Every call ran somewhere (a retried one may have run twice: add is idempotent).
    const executed = new Set([a, b, c].flatMap((r) => ran(r, "add")));
    expect(executed.size).toBe(load.made);
    expect(statsOf(channel, a)).toMatchObject({ listed: false });
  }, 120_000);

  test("a replica SIGKILLed mid-traffic is ejected and failed over; nothing runs twice", async () => {
    const service = uniqueService("kill");
    const fleet = [
      await startReplica(service),
      await startReplica(service),
      await startReplica(service),
    ];
    const { channel, calc } = client(service, { outlierEjection: { consecutiveFailures: 3 } });
    await eventually("three replicas listed", async () => {
      await calc.ping().catch(() => {});
      return listed(channel).length === 3;
    });
    // Even calls are idempotent adds, odd ones non-idempotent echoes, each with its own argument.
    const load = traffic(6, 1_200, (i) => (i % 2 === 0 ? calc.add(i, 0) : calc.echo(`e${i}`)));
    await load.until(300);
    const victim = fleet[1]!;
    victim.child.process.kill("SIGKILL");
    await victim.child.exited();
    await load.until(900);
    await load.stop();

    // No idempotent call failed; a non-idempotent one failed only if its connection broke
    // under it ("may or may not have run"), never for a replica that was merely down.
    const failed = load.failures.map((f) => ({ i: f.i, code: codeOf(f.error) }));
    expect(failed.filter((f) => f.i % 2 === 0)).toEqual([]);
    for (const f of failed) expect(f.code).toBe("connection-lost");

    // Server-side: every non-idempotent call ran at most once, and exactly once if it succeeded.
    const runs = new Map<string, number>();
    for (const text of fleet.flatMap((r) => ran(r, "echo")))
      runs.set(text, (runs.get(text) ?? 0) + 1);
    for (const [text, count] of runs) expect(count, `${text} ran ${count} times`).toBe(1);
    const failedEchoes = new Set(failed.map((f) => `e${f.i}`));
    for (let i = 1; i < load.made; i += 2)
      if (!failedEchoes.has(`e${i}`)) expect(runs.get(`e${i}`), `e${i} succeeded`).toBe(1);

    const stats = channel.stats();
    const killed = stats.endpoints.find((e) => e.address === victim.address)!;
    expect(killed.ejections).toBeGreaterThanOrEqual(1);
    expect(killed.failures).toBeGreaterThanOrEqual(3);
    // Every failed attempt on it was either a non-idempotent call lost with its connection (failed
    // above) or retried, each time on another replica.
    expect(stats.failovers).toBe(stats.retries);
    expect(stats.failovers).toBeGreaterThanOrEqual(killed.failures - failed.length);
  }, 120_000);

  test("etcd SIGKILLed and restarted: clients keep calling, then follow etcd again", async () => {
    const service = uniqueService("etcd-crash");
    const [a, b] = [await startReplica(service), await startReplica(service)];
    const { channel, calc } = client(service);
    await eventually("both replicas listed", async () => {
      await calc.ping().catch(() => {});
      return listed(channel).length === 2;
    });
    const load = traffic(3, 40_000, (i) => calc.add(i, 2));
    await load.until(100);

    await etcd.kill();
    const duringOutage = load.made;
    await load.until(duringOutage + 300); // calls go on to the last known replicas
    expect(listed(channel)).toEqual([a.address, b.address].sort());

    await etcd.start();
    const c = await startReplica(service); // registers once etcd is back
    await eventually(
      "the client to see the new replica",
      () => listed(channel).length === 3,
      30_000,
    );
    await eventually(
      "the new replica to take calls",
      () => (statsOf(channel, c)?.calls ?? 0) > 10,
      30_000,
    );
    await load.stop();
    expect(load.failures.map((f) => `${f.i}: ${codeOf(f.error)}`)).toEqual([]);
    expect(ran(c, "add").length).toBeGreaterThan(10);
  }, 120_000);

  test("hash keys stay on one replica, and about 1/N of them move when a replica joins", async () => {
    const service = uniqueService("hash");
    const fleet = [
      await startReplica(service),
      await startReplica(service),
      await startReplica(service),
    ];
    const { channel, calc } = client(service);
    await eventually("three replicas listed", async () => {
      await calc.ping().catch(() => {});
      return listed(channel).length === 3;
    });
    const keys = Array.from({ length: 400 }, (_, i) => `user-${i}`);
    const ownersOf = async (replicasNow: Replica[]) => {
      const from = replicasNow.map((r) => r.child.stdout().length);
      for (let round = 0; round < 2; round++)
        for (const key of keys) await calc.echo(key, { hashKey: key });
      const owners = new Map<string, string[]>();
      replicasNow.forEach((r, index) => {
        for (const key of ran(r, "echo", from[index]))
          owners.set(key, [...(owners.get(key) ?? []), r.address]);
      });
      return owners;
    };
    const before = await ownersOf(fleet);
    for (const key of keys) {
      const on = before.get(key) ?? [];
      expect(on.length, `${key} ran twice, as two rounds`).toBe(2);
      expect(new Set(on).size, `${key} stayed on one replica`).toBe(1);
    }

    const joined = await startReplica(service);
    await eventually("four replicas listed", () => listed(channel).length === 4, 30_000);
    const after = await ownersOf([...fleet, joined]);
    const moved = keys.filter((k) => after.get(k)![0] !== before.get(k)![0]);
    expect(moved.length / keys.length).toBeGreaterThanOrEqual(0.1);
    expect(moved.length / keys.length).toBeLessThanOrEqual(0.45);
    for (const key of moved)
      expect(after.get(key), `${key} moved to the new replica`).toEqual([
        joined.address,
        joined.address,
      ]);
  }, 120_000);
});
