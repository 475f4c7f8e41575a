// The commerce demo (`npm start`) end to end: real service processes on loopback, a short
// workload, the invariants, a graceful shutdown; and how it fails: bad options, a dying service.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { connect } from "idlc/runtime";
import { afterAll, describe, expect, test } from "vitest";
import { checkInvariants, type OrderFact, type RunFacts } from "../../examples/commerce/summary.js";
import { InventoryService, OutOfStock } from "../../generated/commerce.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Upper bound for one demo run in these tests (startup compiles each service with tsx). */
const RUN_TIMEOUT_MS = 120_000;

interface DemoRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const launched = new Set<ChildProcess>();

afterAll(() => {
  // The services notice their launcher is gone (IPC disconnect) and stop on their own.
  for (const child of launched) child.kill("SIGKILL");
});

/** Runs the launcher as `npm start` does; `onOutput` sees stdout as it grows. */
function runDemo(args: readonly string[], onOutput?: (stdout: string) => void): Promise<DemoRun> {
  const child = spawn(
    process.execPath,
    ["--conditions=idlc-source", "--import", "tsx", "examples/commerce/main.ts", ...args],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  launched.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    onOutput?.(stdout);
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`demo did not exit within ${RUN_TIMEOUT_MS} ms\n${stdout}\n${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      launched.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Service name → pid, from the launcher's `<name> ready on <address> (pid N)` lines. */
function servicePids(stdout: string): Map<string, number> {
  const pids = new Map<string, number>();
  for (const [, name, pid] of stdout.matchAll(/^\s+(\w+)\s+ready on \S+ \(pid (\d+)\)$/gm)) {
    pids.set(name!, Number(pid));
  }
  return pids;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The count in a summary table row such as `  OutOfStock      12`. */
function errorCount(stdout: string, type: string): number {
  const row = new RegExp(`^\\s+${type}\\s+(\\d+)$`, "m").exec(stdout);
  return row ? Number(row[1]) : 0;
}

describe("npm start (the commerce demo)", () => {
  test.each(["compact", "binary"])(
    "runs the platform over %s, keeps every invariant and exits 0",
    async (protocol) => {
      const run = await runDemo(["--seconds", "2", "--shoppers", "5", "--protocol", protocol]);
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.code, run.stdout + run.stderr).toBe(0);

      expect(run.stdout).toMatch(/generated\/ (is up to date|was stale: wrote)/);
      const pids = servicePids(run.stdout);
      expect([...pids.keys()].sort()).toEqual([
        "inventory",
        "orders",
        "payments",
        "products",
        "users",
      ]);

      const placed = /(\d+) orders placed/.exec(run.stdout);
      expect(Number(placed?.[1])).toBeGreaterThan(0);
      // The shoppers provoke each kind of declared exception, and the scarce items sell out.
      for (const type of ["OutOfStock", "NotFound", "InvalidRequest"]) {
        expect(errorCount(run.stdout, type), type).toBeGreaterThan(0);
      }
      expect(run.stdout).toMatch(/OrderService\.placeOrder\s+\d+/);

      const invariants = run.stdout.split("\n").filter((line) => /^\s+[✓✗]/.test(line));
      expect(invariants).toHaveLength(6);
      expect(invariants.every((line) => line.trim().startsWith("✓"))).toBe(true);
      expect(run.stdout).toContain("all 6 invariants hold");

      for (const name of pids.keys()) expect(run.stdout).toMatch(new RegExp(`${name}\\s+stopped`));
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
    "a service killed mid-run is named, the others are stopped, the exit is non-zero",
    async () => {
      let killed: number | undefined;
      const run = await runDemo(["--seconds", "600", "--shoppers", "3"], (stdout) => {
        // Kill inventory once the shoppers are busy (the first progress line is out).
        const pid = servicePids(stdout).get("inventory");
        if (killed === undefined && pid !== undefined && /\d+ calls/.test(stdout)) {
          killed = pid;
          process.kill(pid, "SIGKILL");
        }
      });
      expect(killed).toBeDefined();
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("error: the inventory service was killed by SIGKILL");
      const pids = servicePids(run.stdout);
      for (const name of ["users", "products", "payments", "orders"]) {
        expect(run.stdout).toMatch(new RegExp(`${name}\\s+stopped`));
        expect(isRunning(pids.get(name)!)).toBe(false);
      }
    },
    RUN_TIMEOUT_MS,
  );
});

describe("the inventory service", () => {
  test(
    "never oversells: 200 reservations for 50 units, each sent twice at once",
    async () => {
      const service = spawn(
        process.execPath,
        ["--conditions=idlc-source", "--import", "tsx", "examples/commerce/services/inventory.ts"],
        { cwd: ROOT, env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "inherit"] },
      );
      launched.add(service);
      const exited = new Promise((resolve) => service.once("exit", resolve));
      const address = await new Promise<string>((resolve) => {
        createInterface({ input: service.stdout }).on("line", (line) => {
          const ready = /listening on (\S+)/.exec(line);
          if (ready) resolve(ready[1]!);
        });
      });
      const channel = connect({ addresses: [address] });
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
        expect(await inventory.getStock(productId)).toEqual({
          productId,
          available: 0,
          reserved: 50,
        });

        // Released units come back once, however often the release is repeated.
        const [first, second] = [...held];
        await Promise.all([inventory.release(first!), inventory.release(first!)]);
        await inventory.commit(second!);
        expect(await inventory.getStock(productId)).toEqual({
          productId,
          available: 1,
          reserved: 48,
        });
      } finally {
        await channel.close();
        service.kill("SIGTERM");
        await exited;
        launched.delete(service);
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
});
