// The commerce demo (`npm start`) end to end: real service processes on loopback, a short
// workload, the invariants, a graceful shutdown; and how it fails: bad options, a dying service.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { connect } from "idlc/runtime";
import { afterAll, describe, expect, test } from "vitest";
import { checkInvariants, type OrderFact, type RunFacts } from "../../examples/commerce/summary.js";
import { InventoryService, OutOfStock } from "../../generated/commerce.js";
import {
  ROOT,
  RUN_TIMEOUT_MS,
  errorCount,
  invariantLines,
  isRunning,
  replicaPids,
  runDemo,
} from "../support/demo.js";

/** Invariants the summary checks (summary.ts). */
const INVARIANTS = 10;
const SERVICES = ["inventory", "orders", "payments", "products", "users"];

describe("npm start (the commerce demo)", () => {
  test.each([
    ["compact", 2],
    ["binary", 1],
  ])(
    "runs the platform over %s with %i replicas per service, keeps every invariant and exits 0",
    async (protocol, replicas) => {
      const run = await runDemo([
        ...["--seconds", "2", "--shoppers", "5", "--protocol", String(protocol)],
        ...["--replicas", String(replicas)],
      ]);
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.code, run.stdout + run.stderr).toBe(0);

      expect(run.stdout).toMatch(/generated\/ (is up to date|was stale: wrote)/);
      const pids = replicaPids(run.stdout);
      const slots = Array.from({ length: Number(replicas) }, (_, i) => i + 1);
      expect([...pids.keys()].sort()).toEqual(
        SERVICES.flatMap((service) => slots.map((slot) => `${service}#${slot}`)),
      );
      // Every replica served calls: the registry listed it and the channels spread over it.
      for (const service of SERVICES) {
        const row = new RegExp(`^  ${service}\\s+(.*)$`, "m").exec(run.stdout)?.[1] ?? "";
        for (const slot of slots) expect(row).toMatch(new RegExp(`${service}#${slot} [1-9]\\d*`));
      }

      const placed = /(\d+) orders placed/.exec(run.stdout);
      expect(Number(placed?.[1])).toBeGreaterThan(0);
      // The shoppers provoke each kind of declared exception, and the scarce items sell out.
      for (const type of ["OutOfStock", "NotFound", "InvalidRequest"]) {
        expect(errorCount(run.stdout, type), type).toBeGreaterThan(0);
      }
      expect(run.stdout).toMatch(/OrderService\.placeOrder\s+\d+/);

      const invariants = invariantLines(run.stdout);
      expect(invariants).toHaveLength(INVARIANTS);
      expect(invariants.every((line) => line.trim().startsWith("✓"))).toBe(true);
      expect(run.stdout).toContain(`all ${INVARIANTS} invariants hold`);

      for (const name of pids.keys()) expect(run.stdout).toMatch(new RegExp(`${name}\\s+stopped`));
      expect(run.stdout).toMatch(/^failovers: /m);
      for (const pid of pids.values()) expect(isRunning(pid)).toBe(false);
    },
    RUN_TIMEOUT_MS,
  );

  test.each([
    [
      ["--shoppers", "lots"],
      /^error: --shoppers must be a whole number from 1 to 1000, not "lots"$/,
    ],
    [["--frobnicate"], /^error: unknown option "--frobnicate"$/],
    [["--protocol", "json"], /^error: --protocol must be compact or binary, not "json"$/],
    [["--seconds"], /^error: option --seconds needs a value$/],
    [["--replicas", "9"], /^error: --replicas must be a whole number from 1 to 8, not "9"$/],
    [["--registry", "consul"], /^error: --registry must be static or etcd, not "consul"$/],
    [["--etcd", "http://127.0.0.1:2379"], /^error: --etcd needs --registry etcd$/],
    [["--chaos", "--replicas", "1"], /^error: --chaos needs --replicas 2 or more/],
  ])("rejects %j with one line and the usage, exit 2", async (args, message) => {
    const run = await runDemo(args);
    expect(run.code).toBe(2);
    const [first, blank, usage] = run.stderr.split("\n");
    expect(first).toMatch(message);
    expect(blank).toBe("");
    expect(usage).toMatch(/^usage: npm start -- /);
    expect(run.stdout).toBe("");
  });

  test("--help prints the usage and exits 0", async () => {
    const run = await runDemo(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm start -- .*--shoppers N/s);
  });

  test(
    "a replica that dies unasked is named, the others are stopped, the exit is non-zero",
    async () => {
      let killed: number | undefined;
      const args = ["--seconds", "600", "--shoppers", "3", "--replicas", "1"];
      const run = await runDemo(args, (stdout) => {
        // Kill inventory once the shoppers are busy (the first progress line is out).
        const pid = replicaPids(stdout).get("inventory#1");
        if (killed === undefined && pid !== undefined && /\d+ calls/.test(stdout)) {
          killed = pid;
          process.kill(pid, "SIGKILL");
        }
      });
      expect(killed).toBeDefined();
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("error: the inventory#1 replica was killed by SIGKILL");
      const pids = replicaPids(run.stdout);
      for (const name of ["users#1", "products#1", "payments#1", "orders#1"]) {
        expect(run.stdout).toMatch(new RegExp(`${name}\\s+stopped`));
        expect(isRunning(pids.get(name)!)).toBe(false);
      }
    },
    RUN_TIMEOUT_MS,
  );
});

describe("the inventory service", () => {
  const children = new Set<ReturnType<typeof spawn>>();
  afterAll(() => {
    for (const child of children) child.kill("SIGKILL");
  });

  /** Starts an inventory replica keeping its state in `stateDir`; resolves with its address. */
  async function startInventory(stateDir: string) {
    const service = spawn(
      process.execPath,
      ["--conditions=idlc-source", "--import", "tsx", "examples/commerce/services/inventory.ts"],
      {
        cwd: ROOT,
        env: { ...process.env, PORT: "0", STATE_DIR: stateDir, REGISTRY: "static" },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    children.add(service);
    const exited = new Promise((resolve) => service.once("exit", resolve));
    const address = await new Promise<string>((resolve, reject) => {
      createInterface({ input: service.stdout }).on("line", (line) => {
        const ready = /listening on (\S+)/.exec(line);
        if (ready) resolve(ready[1]!);
      });
      void exited.then(() => reject(new Error("inventory exited before it was ready")));
    });
    return {
      address,
      async stop(signal: NodeJS.Signals) {
        service.kill(signal);
        await exited;
        children.delete(service);
      },
    };
  }

  test(
    "never oversells across replicas: 200 reservations for 50 units, each sent twice at once",
    async () => {
      // Two replicas sharing one journal, with the calls spread over both: the check-and-take
      // of a reservation must hold across processes, not only inside one.
      const stateDir = mkdtempSync(join(tmpdir(), "idlc-inventory-"));
      const replicas = await Promise.all([startInventory(stateDir), startInventory(stateDir)]);
      const channel = connect({ addresses: replicas.map((r) => r.address) });
      try {
        const inventory = InventoryService.client(channel);
        const productId = 7n;
        await inventory.setStock(productId, 50);
        // Each request id is sent twice at once: a retry must not take a second unit.
        const attempts = Array.from({ length: 200 }, (_, i) => `request-${i % 100}-${i < 100}`);
        const outcomes = await Promise.all(
          [...attempts, ...attempts].map((requestId) =>
            inventory.reserve({ requestId, lines: [{ productId, quantity: 1 }] }).then(
              (reservation) => reservation.requestId,
              (error: unknown) => {
                expect(error).toBeInstanceOf(OutOfStock);
                return undefined;
              },
            ),
          ),
        );
        const held = new Set(outcomes.filter((id) => id !== undefined));
        expect(held.size).toBe(50);
        // Both replicas agree (round-robin asks one, then the other).
        for (let i = 0; i < 2; i++) {
          expect(await inventory.getStock(productId)).toEqual({
            productId,
            available: 0,
            reserved: 50,
          });
        }

        // Released units come back once, however often the release is repeated.
        const [first, second] = [...held];
        await Promise.all([inventory.release(first!), inventory.release(first!)]);
        await inventory.commit(second!);
        const after = { productId, available: 1, reserved: 48 };
        expect(await inventory.getStock(productId)).toEqual(after);

        // A replica killed and started again rebuilds the same state from the journal.
        await replicas[0]!.stop("SIGKILL");
        const again = await startInventory(stateDir);
        const fresh = connect({ addresses: [again.address] });
        try {
          expect(await InventoryService.client(fresh).getStock(productId)).toEqual(after);
        } finally {
          await fresh.close();
          await again.stop("SIGTERM");
        }
      } finally {
        await channel.close();
        await Promise.all(replicas.map((r) => r.stop("SIGTERM")));
        rmSync(stateDir, { recursive: true, force: true });
      }
    },
    RUN_TIMEOUT_MS,
  );
});

describe("the demo's invariant checks", () => {
  const line = (productId: string, quantity: number) => ({ productId, quantity, unitPrice: 250n });
  const order = (orderId: string, quantity: number, status: OrderFact["status"] = "confirmed") => ({
    orderId,
    status,
    lines: [line("p1", quantity)],
    total: 250n * BigInt(quantity),
  });
  /** A consistent run: 3 of 5 units sold in two orders, one more order cancelled. */
  const good: RunFacts = {
    seconds: 1,
    initialStock: new Map([["p1", 5]]),
    finalStock: new Map([["p1", 2]]),
    placed: [order("o1", 1), order("o2", 2), order("o3", 4, "cancelled")],
    fetched: new Map(
      [order("o1", 1), order("o2", 2), order("o3", 4, "cancelled")].map((o) => [o.orderId, o]),
    ),
    listed: new Set(["o1", "o2", "o3"]),
    surprises: [],
    retries: { sent: 2, duplicated: 0 },
    placedTwice: [],
    storedOrders: 3,
    payments: { held: 2, chargedTwice: 0 },
    rpcFailures: [
      { method: "OrderService.placeOrder", idempotent: false, code: "connection-lost" },
    ],
    lost: { placeOrders: 1, reconciled: 1, views: 0 },
  };
  const failing = (facts: RunFacts) =>
    checkInvariants(facts)
      .filter((i) => !i.holds)
      .map((i) => i.statement);

  test("all hold for a consistent run", () => {
    expect(failing(good)).toEqual([]);
  });

  test("each catches its own kind of bug", () => {
    const oversold = {
      ...good,
      placed: [...good.placed, order("o4", 3)],
      finalStock: new Map([["p1", -1]]),
      storedOrders: 4,
      payments: { held: 3, chargedTwice: 0 },
    };
    expect(failing(oversold)).toEqual(["no product oversold", "no order lost"]);
    expect(failing({ ...good, finalStock: new Map([["p1", 3]]) })).toEqual([
      "final stock = initial stock − units sold, for every product",
    ]);
    const wrongTotal = { ...order("o2", 2), total: 1n };
    expect(failing({ ...good, fetched: new Map([...good.fetched, ["o2", wrongTotal]]) })).toEqual([
      "every order's total equals the sum of its lines",
    ]);
    expect(failing({ ...good, listed: new Set(["o1", "o3"]) })).toEqual(["no order lost"]);
    const uncancelled = new Map([...good.fetched, ["o3", order("o3", 4)]]);
    expect(failing({ ...good, fetched: uncancelled })).toEqual(["no order lost"]);
    expect(failing({ ...good, retries: { sent: 2, duplicated: 1 } })).toEqual([
      "a retried placeOrder (same request id) places one order",
    ]);
    expect(failing({ ...good, surprises: ["buy: RpcError: boom"] })).toEqual([
      "every failed call failed the way the shopper provoked",
    ]);
  });

  test("the fleet invariants catch a double order, a double charge and failed calls", () => {
    const doubled = ["no order placed twice"];
    expect(failing({ ...good, placedTwice: ["r1: orders 1 and 2"] })).toEqual(doubled);
    expect(failing({ ...good, storedOrders: 4 })).toEqual(doubled);
    expect(failing({ ...good, listed: new Set([...good.listed, "o9"]) })).toEqual(doubled);
    const charged = ["no payment authorized twice"];
    expect(failing({ ...good, payments: { held: 2, chargedTwice: 1 } })).toEqual(charged);
    expect(failing({ ...good, payments: { held: 3, chargedTwice: 0 } })).toEqual(charged);
    const getOrder = { method: "OrderService.getOrder", idempotent: true, code: "connection-lost" };
    expect(failing({ ...good, rpcFailures: [getOrder] })).toEqual(["no idempotent call failed"]);
    const unclear = ["every other failed call failed with connection-lost and was reconciled"];
    const timedOut = { method: "OrderService.placeOrder", idempotent: false, code: "unavailable" };
    expect(failing({ ...good, rpcFailures: [timedOut] })).toEqual(unclear);
    expect(failing({ ...good, lost: { placeOrders: 2, reconciled: 1, views: 0 } })).toEqual(
      unclear,
    );
  });
});
