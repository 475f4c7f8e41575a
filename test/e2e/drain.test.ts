// Graceful drain on `server.close()`: before-close hooks (deregistration) first, then no new
// connections, while calls that connections still send are answered (THeader replies marked
// `idlc-draining: 1`, so idlc clients pick other servers) and each connection ends once quiet.
// Loopback; etcd for the registration test (skipped loudly without it, required when CI=true).
import { afterAll, beforeAll, expect, test } from "vitest";
import { createEtcdSource, registerEndpoint } from "idlc/runtime";
import { EtcdClient } from "../../runtime/registry/etcd-client.js";
import { Calc } from "../support/calc-service.js";
import { startEtcd, type TestEtcd } from "../support/etcd.js";
import { withTimeout } from "../support/loopback.js";
import {
  calcAt,
  calcHandler,
  Gate,
  open,
  rejection,
  serve,
  until,
} from "../support/rpc-fixture.js";
import { describeWithTool } from "../support/tools.js";

const IN_FLIGHT = 1_000;
const LATE = 20;

test.each(["framed", "header"] as const)(
  `${IN_FLIGHT} calls in flight, and more sent while draining: every one answered (%s)`,
  async (transport) => {
    const gate = new Gate();
    let started = 0;
    const { server, port } = await serve(
      calcHandler({
        slow: async (_ms, value) => {
          started++;
          await gate.opened;
          return value;
        },
      }),
    );
    const { calc } = calcAt(port, { transport });
    const calls = Array.from({ length: IN_FLIGHT }, (_, i) => calc.slow(1, i));
    await until(() => started === IN_FLIGHT, "every call to be running");
    let closed = false;
    const closing = server.close({ graceMs: 30_000 }).then(() => (closed = true));
    // Sent after the drain began, on the same connection: a framed client cannot know it drains
    // (a THeader one learns it from the first reply), and the server still answers them.
    // (Within maxInFlightPerConnection, 1,024, so they all run at once.)
    const late = Array.from({ length: LATE }, (_, i) => calc.slow(1, IN_FLIGHT + i));
    await until(() => started === IN_FLIGHT + LATE, "the late calls to be running");
    expect(closed).toBe(false);
    expect(server.stats()).toMatchObject({ draining: true, inFlight: IN_FLIGHT + LATE });
    gate.open();
    const results = await Promise.all([...calls, ...late]);
    expect(results).toEqual(Array.from({ length: IN_FLIGHT + LATE }, (_, i) => i));
    await withTimeout(closing, 10_000, "the drained server should close");
    expect(server.stats()).toMatchObject({ inFlight: 0, connections: 0 });
    // Gone: a new connection is refused.
    expect(await rejection(calcAt(port).calc.add(1, 1))).toMatchObject({ code: "unavailable" });
  },
);

test("a client of two servers sends no new call to the one that drains", async () => {
  const gate = new Gate();
  let held = 0;
  const counts = { a: 0, b: 0 };
  const a = await serve(
    calcHandler({
      echo: () => (counts.a++, "a"),
      slow: async (_ms, value) => (held++, await gate.opened, value),
    }),
  );
  const b = await serve(calcHandler({ echo: () => (counts.b++, "b") }));
  const channel = open({
    addresses: [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`],
    transport: "header",
    balance: "round-robin",
  });
  const calc = Calc.client(channel);
  // Both connections open and used; then one call held on A keeps A draining (round-robin
  // sends one of two calls to each server; B answers its one at once).
  expect((await Promise.all([calc.echo(""), calc.echo("")])).sort()).toEqual(["a", "b"]);
  const pending = [calc.slow(1, 0), calc.slow(1, 1)];
  await until(() => held === 1, "a call held on A");
  const closing = a.server.close({ graceMs: 30_000 });
  // Until a reply from A says it drains, round-robin may still pick A, and A answers.
  let fromA = 0;
  for (let i = 0; i < 4 && fromA === 0; i++) if ((await calc.echo("")) === "a") fromA++;
  expect(fromA).toBe(1);
  const before = counts.a;
  const answers = await Promise.all(Array.from({ length: 50 }, () => calc.echo("")));
  expect(answers).toEqual(Array.from({ length: 50 }, () => "b"));
  expect(counts.a).toBe(before);
  gate.open();
  expect((await Promise.all(pending)).sort()).toEqual([0, 1]); // the held call was not lost
  await withTimeout(closing, 10_000, "A should close once drained");
});

test("before-close hooks run first, while the server still accepts, and may be removed", async () => {
  const { server, port } = await serve();
  const seen: string[] = [];
  server.beforeClose(async () => {
    // Still accepting: a brand-new client's call is answered.
    seen.push(String(await calcAt(port).calc.add(1, 1)));
  });
  const remove = server.beforeClose(() => void seen.push("removed hook ran"));
  remove();
  await server.close({ graceMs: 5_000 });
  expect(seen).toEqual(["2"]);
});

test("a hook that never settles does not hold close past graceMs", async () => {
  const { server } = await serve();
  server.beforeClose(() => new Promise(() => {}));
  await withTimeout(server.close({ graceMs: 50 }), 5_000, "close should not hang");
});

describeWithTool("etcd", "drain with a registration (real etcd)", () => {
  let etcd: TestEtcd;
  let raw: EtcdClient;
  beforeAll(async () => {
    etcd = await startEtcd();
    raw = new EtcdClient({ endpoints: [etcd.url] });
  }, 30_000);
  afterAll(async () => {
    raw?.close();
    await etcd?.dispose();
  }, 30_000);

  test("registerEndpoint({ server }): close deregisters first, then drains the calls in flight", async () => {
    const gate = new Gate();
    let started = 0;
    const { server, port } = await serve(
      calcHandler({ slow: async (_ms, v) => (started++, await gate.opened, v) }),
    );
    const service = `drain-${process.pid}-${Date.now()}`;
    const etcdOptions = { endpoints: [etcd.url] };
    await registerEndpoint({
      etcd: etcdOptions,
      service,
      address: { host: "127.0.0.1", port },
      server,
    });
    const source = createEtcdSource({ etcd: etcdOptions, service });
    try {
      const channel = open({ endpoints: source });
      const calc = Calc.client(channel);
      const held = calc.slow(1, 7);
      await until(() => started === 1, "the call to run");
      const closing = server.close({ graceMs: 30_000 });
      // The key goes while the call still runs: clients stop picking this server first.
      const keys = async () => (await raw.rangePrefix(`idlc/services/${service}/`)).kvs.length;
      let left = 1;
      await withTimeout(
        (async () => {
          while ((left = await keys()) > 0) await new Promise((r) => setTimeout(r, 10));
        })(),
        10_000,
        "the registration should be deleted",
      );
      expect(left).toBe(0);
      expect(server.stats().inFlight).toBe(1);
      gate.open();
      expect(await held).toBe(7);
      await withTimeout(closing, 10_000, "the server should close");
    } finally {
      await source.close();
    }
  });
});
