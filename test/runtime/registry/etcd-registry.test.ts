// Service discovery through a real etcd (Debian etcd-server) on 127.0.0.1: registrations with
// leases, discovery by range + watch, and idlc servers and a client balancing over what etcd
// lists; calls made before the first read wait for it; a channel leaves a source passed to it
// open. Waiting is bounded polling of observable state; no test asserts how long anything took.
import { getEventListeners } from "node:events";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  connect,
  createEtcdSource,
  createServer,
  EtcdError,
  registerEndpoint,
  RpcError,
  type ClientChannel,
  type EtcdSource,
  type Registration,
  type Server,
  type ServerAddress,
} from "idlc/runtime";
import { EtcdClient, type KeyValue } from "../../../runtime/registry/etcd-client.js";
import { Calc, type CalcHandler } from "../../support/calc-service.js";
import { startEtcd, type TestEtcd } from "../../support/etcd.js";
import { freePort, spawnChild, withTimeout } from "../../support/loopback.js";
import { describeWithTool } from "../../support/tools.js";

const repo = join(import.meta.dirname, "..", "..", "..");

/** Polls `check` every 25 ms until it returns true; fails with `what` after `timeoutMs`. */
async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let serviceCounter = 0;
/** A service name no other test uses, so tests never see each other's keys. */
const uniqueService = (label: string) => `test.${label}.${process.pid}.${++serviceCounter}`;

/** A Calc handler whose `add` counts its calls; the rest is never called here. */
function countingCalc(): { handler: CalcHandler; calls: () => number } {
  let calls = 0;
  const unused = () => {
    throw new Error("not used by these tests");
  };
  return {
    calls: () => calls,
    handler: {
      add: (a, b) => {
        calls++;
        return a + b;
      },
      ping: () => {},
      notify: () => {},
      divide: unused,
      slow: unused,
      echo: (text) => text,
      blob: unused,
      fail: unused,
      context: unused,
      empty: unused,
    },
  };
}

describe("etcd discovery without etcd", () => {
  test("registering against an unreachable etcd rejects with an error naming it", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const error = await registerEndpoint({
      etcd: { endpoints: [url] },
      service: "nowhere",
      address: { host: "127.0.0.1", port: 9 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdError);
    expect((error as EtcdError).message).toMatch(
      new RegExp(`^etcd at ${url} is unreachable: .*ECONNREFUSED`),
    );
    expect((error as EtcdError).endpoint).toBe(url);
  });

  test("ready() rejects with the failed read, and the source keeps nothing", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const errors: EtcdError[] = [];
    const source = createEtcdSource({
      etcd: { endpoints: [url] },
      service: "nowhere",
      onError: (e) => errors.push(e),
    });
    try {
      await expect(source.ready()).rejects.toThrow(`etcd at ${url} is unreachable`);
      expect(source.endpoints()).toEqual([]);
      await eventually("a retry after backoff", () => errors.length >= 2);
    } finally {
      await source.close();
    }
    await expect(source.ready()).rejects.toThrow(/closed/);
  });

  test("a call on a channel whose etcd is unreachable fails within its timeout, leaving no listener", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const source = createEtcdSource({
      etcd: { endpoints: [url], timeoutMs: 1_000 },
      service: "nowhere",
      onError: () => {},
    });
    const channel = connect({ endpoints: source });
    const calc = Calc.client(channel);
    try {
      const controller = new AbortController();
      const calls = [
        calc.add(1, 1, { timeoutMs: 50, signal: controller.signal }),
        calc.add(1, 1, { timeoutMs: 5_000, signal: controller.signal }),
      ];
      const errors = await withTimeout(
        Promise.all(
          calls.map((call) =>
            call.then(
              () => undefined,
              (e: unknown) => e,
            ),
          ),
        ),
        10_000,
        "calls while etcd is unreachable",
      );
      for (const error of errors) {
        expect(error).toBeInstanceOf(RpcError);
        const { code, message } = error as RpcError;
        expect(["deadline-exceeded", "unavailable"]).toContain(code);
        if (code === "unavailable") expect(message).toContain(`etcd at ${url} is unreachable`);
        else expect(message).toContain("waiting for the endpoint source's first read");
      }
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    } finally {
      await channel.close();
      await source.close();
    }
  });

  test("bad options are refused with messages that say what is wrong", async () => {
    const etcd = { endpoints: ["http://127.0.0.1:1"] };
    const address = { host: "127.0.0.1", port: 1 };
    await expect(registerEndpoint({ etcd, service: "a/b", address })).rejects.toThrow(
      'invalid service name "a/b"',
    );
    await expect(
      registerEndpoint({ etcd, service: "a", address, ttlSeconds: 0.5 }),
    ).rejects.toThrow("ttlSeconds must be a whole number");
    await expect(
      registerEndpoint({ etcd: { endpoints: ["https://x:1"] }, service: "a", address }),
    ).rejects.toThrow('etcd endpoint "https://x:1" must be an http:// URL');
    await expect(
      registerEndpoint({ etcd, service: "a", address: { host: "0.0.0.0", port: 1 } }),
    ).rejects.toThrow('address.host "0.0.0.0" is not an address clients can dial');
    expect(() => createEtcdSource({ etcd: { endpoints: [] }, service: "a" })).toThrow(
      "etcd.endpoints must name at least one etcd URL",
    );
  });
});

describeWithTool("etcd", "etcd service discovery (real etcd)", () => {
  let etcd: TestEtcd;
  let raw: EtcdClient;
  const registrations: Registration[] = [];
  const sources: EtcdSource[] = [];
  const channels: ClientChannel[] = [];
  const servers: Server[] = [];

  beforeAll(async () => {
    etcd = await startEtcd();
    raw = new EtcdClient({ endpoints: [etcd.url] });
  }, 30_000);

  afterEach(async () => {
    await Promise.all(channels.splice(0).map((c) => c.close()));
    await Promise.all(sources.splice(0).map((s) => s.close()));
    await Promise.all(registrations.splice(0).map((r) => r.close()));
    await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
  });

  afterAll(async () => {
    raw?.close();
    await etcd?.dispose();
    await sleep(20);
    const leaked = process
      .getActiveResourcesInfo()
      .filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap");
    expect(leaked, "sockets left open by the tests").toEqual([]);
  }, 30_000);

  /** The keys under a service's prefix, read straight from etcd. */
  const keysOf = async (service: string): Promise<KeyValue[]> =>
    (await raw.rangePrefix(`idlc/services/${service}/`)).kvs;

  async function register(service: string, port: number, extra: { ttlSeconds?: number } = {}) {
    const registration = await registerEndpoint({
      etcd: { endpoints: [etcd.url] },
      service,
      address: { host: "127.0.0.1", port },
      metadata: { zone: `z${port % 3}` },
      ...extra,
    });
    registrations.push(registration);
    return registration;
  }

  function source(service: string, onError?: (e: EtcdError) => void): EtcdSource {
    const s = createEtcdSource({
      etcd: { endpoints: [etcd.url] },
      service,
      backoff: { initialMs: 20, maxMs: 200 },
      ...(onError === undefined ? {} : { onError }),
    });
    sources.push(s);
    return s;
  }

  test("a registration appears under the prefix and disappears on close", async () => {
    const service = uniqueService("appear");
    const registration = await register(service, 4242);
    expect(registration.key).toBe(`idlc/services/${service}/127.0.0.1:4242`);
    const kvs = await keysOf(service);
    expect(kvs.map((kv) => kv.key)).toEqual([registration.key]);
    expect(JSON.parse(kvs[0]!.value)).toEqual({
      host: "127.0.0.1",
      port: 4242,
      metadata: { zone: "z0" },
    });
    expect(kvs[0]!.lease, "the key is attached to a lease").toMatch(/^\d+$/);

    await registration.close();
    expect(await keysOf(service), "revoking the lease deletes the key at once").toEqual([]);
    await registration.close(); // idempotent
  });

  test("a live registration outlives its TTL; once its process dies the lease expires and the key goes", async () => {
    const service = uniqueService("expire");
    const child = spawnChild(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=idlc-source",
        join(repo, "test/support/etcd-register-child.ts"),
        etcd.url,
        service,
        "5151",
        "2",
      ],
      { cwd: repo },
    );
    await child.waitForLine(/^registered /, 20_000);
    const [first] = await keysOf(service);
    expect(first?.key).toBe(`idlc/services/${service}/127.0.0.1:5151`);

    // Three TTLs later the key is still there, on the same lease: the renewals work.
    await sleep(6_000);
    const [later] = await keysOf(service);
    expect(later?.lease).toBe(first!.lease);
    expect(child.stderr()).not.toContain("registration error");

    child.process.kill("SIGKILL"); // no close(), no revoke: only the TTL can remove the key
    await child.exited();
    await eventually("the lease to expire", async () => (await keysOf(service)).length === 0);
  }, 45_000);

  test("a registration whose lease vanished registers again", async () => {
    const service = uniqueService("revoked");
    const errors: EtcdError[] = [];
    const registration = await registerEndpoint({
      etcd: { endpoints: [etcd.url] },
      service,
      address: { host: "127.0.0.1", port: 6161 },
      ttlSeconds: 2,
      onError: (e) => errors.push(e),
    });
    registrations.push(registration);
    const [before] = await keysOf(service);
    await raw.revokeLease(before!.lease!); // as if etcd had been unreachable past the TTL
    expect(await keysOf(service)).toEqual([]);

    await eventually(
      "the key to be written again",
      async () => (await keysOf(service)).length === 1,
    );
    const [after] = await keysOf(service);
    expect(after!.key).toBe(registration.key);
    expect(after!.lease).not.toBe(before!.lease);
    expect(errors).toEqual([]);
  }, 20_000);

  test("discovery lists two servers, then follows an addition and a removal", async () => {
    const service = uniqueService("discover");
    const a = await register(service, 7001);
    await register(service, 7000);
    const found = source(service);
    let notified = 0;
    found.subscribe(() => notified++);
    await found.ready();
    expect(found.endpoints()).toEqual([
      { host: "127.0.0.1", port: 7000, metadata: { zone: "z1" } },
      { host: "127.0.0.1", port: 7001, metadata: { zone: "z2" } },
    ]);
    const listed = found.endpoints();
    expect(found.endpoints(), "the same array until something changes").toBe(listed);

    await register(service, 7002);
    await eventually("the third endpoint", () => found.endpoints().length === 3);
    expect(found.endpoints().map((e) => e.port)).toEqual([7000, 7001, 7002]);

    await a.close();
    await eventually("the removal", () => found.endpoints().length === 2);
    expect(found.endpoints().map((e) => e.port)).toEqual([7000, 7002]);
    expect(notified).toBeGreaterThanOrEqual(2);

    // Another service's endpoints never show up here.
    await register(`${service}x`, 7003);
    await register(uniqueService("other"), 7004);
    await sleep(200);
    expect(found.endpoints().map((e) => e.port)).toEqual([7000, 7002]);
  }, 20_000);

  test("calls made right after connecting wait for the first read instead of failing", async () => {
    const service = uniqueService("early");
    const counter = countingCalc();
    const server = createServer().add(Calc, counter.handler);
    servers.push(server);
    await register(service, (await server.listen()).port);

    const channel = connect({ endpoints: source(service), timeoutMs: 5_000 });
    channels.push(channel);
    const calc = Calc.client(channel);
    // No `await ready()`: these calls are made while the first read is still in flight.
    const sums = await Promise.all(Array.from({ length: 5 }, (_, i) => calc.add(i, 100)));
    expect(sums).toEqual([100, 101, 102, 103, 104]);
    expect(counter.calls()).toBe(5);
  });

  test("closing a channel leaves the source passed to it open for the other channels", async () => {
    const service = uniqueService("shared");
    const counter = countingCalc();
    const server = createServer().add(Calc, counter.handler);
    servers.push(server);
    const address = await server.listen();
    await register(service, address.port);

    const shared = source(service);
    const [first, second] = [connect({ endpoints: shared }), connect({ endpoints: shared })];
    channels.push(second);
    expect(await Calc.client(first).add(1, 1)).toBe(2);
    await first.close();

    expect(await Calc.client(second).add(2, 2), "the other channel still calls").toBe(4);
    // The source still follows etcd: an endpoint added now shows up.
    await register(service, 7300);
    await eventually("the source to see the addition", () => shared.endpoints().length === 2);
    expect(counter.calls()).toBe(2);
  });

  test("a value that is not a registration is reported and skipped", async () => {
    const service = uniqueService("garbage");
    await register(service, 7100);
    await raw.put(`idlc/services/${service}/junk`, "not json");
    const errors: EtcdError[] = [];
    const found = source(service, (e) => errors.push(e));
    await found.ready();
    expect(found.endpoints().map((e) => e.port)).toEqual([7100]);
    expect(errors.map((e) => e.message).join("\n")).toContain(
      `ignoring etcd key idlc/services/${service}/junk`,
    );
    await raw.delete(`idlc/services/${service}/junk`);
  });

  test("two idlc servers found through etcd share the calls; one leaves, calls go on; etcd stops, calls go on", async () => {
    const service = uniqueService("e2e");
    const counters = [countingCalc(), countingCalc()];
    const addresses: ServerAddress[] = [];
    for (const counter of counters) {
      const server = createServer().add(Calc, counter.handler);
      servers.push(server);
      addresses.push(await server.listen());
    }
    const [first, second] = await Promise.all(
      addresses.map((address) =>
        registerEndpoint({ etcd: { endpoints: [etcd.url] }, service, address, ttlSeconds: 2 }),
      ),
    );
    registrations.push(first!, second!);

    const endpoints = source(service);
    const channel = connect({ endpoints, balance: "round-robin", timeoutMs: 5_000 });
    channels.push(channel);
    const calc = Calc.client(channel);
    await endpoints.ready();
    expect(endpoints.endpoints()).toHaveLength(2);

    for (let i = 0; i < 20; i++) expect(await calc.add(i, 1)).toBe(i + 1);
    expect(counters.map((c) => c.calls())).toEqual([10, 10]);

    // The first server leaves: deregisters, the client hears of it, then it closes.
    await first!.close();
    await eventually(
      "the client's source to drop the first server",
      () => endpoints.endpoints().length === 1,
    );
    await servers[0]!.close({ graceMs: 1_000 });
    for (let i = 0; i < 10; i++) expect(await calc.add(i, 2)).toBe(i + 2);
    expect(counters.map((c) => c.calls())).toEqual([10, 20]);

    // etcd goes away: the client keeps its last list and keeps calling.
    const errors: EtcdError[] = [];
    const watcher = source(service, (e) => errors.push(e));
    await watcher.ready();
    await etcd.stop();
    await eventually("the watch to notice etcd is gone", () => errors.length > 0);
    for (let i = 0; i < 10; i++)
      expect(await withTimeout(calc.add(i, 3), 5_000, "a call while etcd is down")).toBe(i + 3);
    expect(counters.map((c) => c.calls())).toEqual([10, 30]);
    expect(endpoints.endpoints().map((e) => e.port)).toEqual([addresses[1]!.port]);
    expect(errors[0]!.message).toContain(`etcd at ${etcd.url}`);

    // etcd is back: the source reads again and follows new registrations.
    await etcd.start();
    const third = countingCalc();
    const server = createServer().add(Calc, third.handler);
    servers.push(server);
    registrations.push(
      await registerEndpoint({
        etcd: { endpoints: [etcd.url] },
        service,
        address: await server.listen(),
      }),
    );
    await eventually(
      "the source to resume after etcd restarted",
      () => endpoints.endpoints().length === 2,
    );
    for (let i = 0; i < 10; i++) await calc.add(i, 4);
    expect(third.calls()).toBe(5);
  }, 60_000);

  test("an unreachable etcd member is skipped for the next one listed", async () => {
    const service = uniqueService("failover");
    const dead = `http://127.0.0.1:${await freePort()}`;
    const registration = await registerEndpoint({
      etcd: { endpoints: [dead, etcd.url] },
      service,
      address: { host: "127.0.0.1", port: 7200 },
    });
    registrations.push(registration);
    const found = createEtcdSource({ etcd: { endpoints: [dead, etcd.url] }, service });
    sources.push(found);
    await found.ready();
    expect(found.endpoints().map((e) => e.port)).toEqual([7200]);
    await register(service, 7201);
    await eventually(
      "the watch (on the live member) to see the addition",
      () => found.endpoints().length === 2,
    );
  });

  test("a server that dies without deregistering: retried calls go to the other while it is still listed", async () => {
    const service = uniqueService("crash");
    const counters = [countingCalc(), countingCalc()];
    const ports: number[] = [];
    for (const counter of counters) {
      const server = createServer().add(Calc, counter.handler);
      servers.push(server);
      const address = await server.listen();
      ports.push(address.port);
      await register(service, address.port, { ttlSeconds: 2 });
    }
    const crashed = registrations[0]!;
    const endpoints = source(service);
    const channel = connect({
      endpoints,
      balance: "round-robin",
      timeoutMs: 5_000,
      retry: { attempts: 3, delayMs: 10 },
      backoff: { initialMs: 1_000, maxMs: 1_000 },
    });
    channels.push(channel);
    const calc = Calc.client(channel);
    await endpoints.ready();
    for (let i = 0; i < 4; i++) await calc.add(i, 0);
    expect(counters.map((c) => c.calls())).toEqual([2, 2]);

    await servers[0]!.close({ graceMs: 0 });
    for (let i = 0; i < 10; i++) expect(await calc.add(i, 5)).toBe(i + 5);
    expect(counters.map((c) => c.calls())).toEqual([2, 12]);

    // It stays listed, as a crashed server does until its lease expires; then it goes.
    expect(endpoints.endpoints().map((e) => e.port)).toEqual([...ports].sort((a, b) => a - b));
    await crashed.close();
    await eventually("the stale entry to go", () => endpoints.endpoints().length === 1);
    expect(await calc.add(1, 1)).toBe(2);
  }, 30_000);

  test("a registration keeps retrying while etcd is down and is there once etcd is back", async () => {
    const service = uniqueService("outage");
    const errors: EtcdError[] = [];
    const registration = await registerEndpoint({
      etcd: { endpoints: [etcd.url], timeoutMs: 500 },
      service,
      address: { host: "127.0.0.1", port: 8181 },
      ttlSeconds: 2,
      onError: (e) => errors.push(e),
    });
    registrations.push(registration);
    await etcd.stop();
    await eventually("a failed renewal", () => errors.length >= 2);
    expect(errors[0]!.message).toMatch(new RegExp(`^etcd at ${etcd.url} is unreachable`));
    await etcd.start();
    await eventually(
      "the registration to be back",
      async () => (await keysOf(service)).length === 1,
    );
    // Three TTLs later it is still there: renewals work again (etcd restarts leases with a fresh
    // TTL, so without renewals the key would have expired by now).
    await sleep(6_000);
    expect((await keysOf(service)).map((kv) => kv.key)).toEqual([registration.key]);
  }, 40_000);
});
