// `npm run soak -- --seconds N [--concurrency C]`: a long, busy run against the commerce
// services (users and products, each its own process, started by the demo's Fleet, one replica each), checking
// that every call gets exactly its own answer: 0 lost (failed or never settled), 0 duplicated (a
// write the server applied more often than the client saw it succeed), 0 mismatched (a reply
// that answers another request). It reports the client's RSS and heap growth per 100k calls,
// the services' RSS, and the handles left open after the channels close. The last line is the
// verdict, `soak: PASS …` or `soak: FAIL …`; the exit code says the same (0 or 1).
import {
  connect,
  RpcError,
  type ClientChannel,
  type ProtocolName,
  type TransportName,
} from "idlc/runtime";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ProductService, UserService, type User } from "../../generated/commerce.js";
import { Fleet } from "./fleet.js";

const USAGE = `usage: npm run soak -- [--seconds S] [--concurrency C] [--protocol compact|binary]

  --seconds S      how long to run (0.5-86400, default 10)
  --concurrency C  calls in flight at once (1-10000, default 256)
  --protocol P     compact (default) or binary`;

interface SoakOptions {
  readonly seconds: number;
  readonly concurrency: number;
  readonly protocol: ProtocolName;
}

/** Users and products seeded before the run; every read checks against them. */
const SEED = 200;
/** No call of the soak should take this long; one that does counts as lost. */
const CALL_TIMEOUT_MS = 10_000;
/**
 * Memory is first sampled after a warm-up (a fifth of the run, at most 5 s), so JIT and first
 * allocations do not count as growth; both samples follow a full GC when `--expose-gc` is on
 * (the npm script sets it).
 */
const warmupMs = (seconds: number): number => Math.min(5_000, seconds * 200);

function sampleMemory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

function parseOptions(argv: readonly string[]): SoakOptions | string {
  let seconds = 10;
  let concurrency = 256;
  let protocol: ProtocolName = "compact";
  for (let i = 0; i < argv.length; i++) {
    const [flag = "", inline] = argv[i]!.split(/=(.*)/s, 2);
    const value = inline ?? argv[++i];
    const number = Number(value);
    if (flag === "--seconds" && number >= 0.5 && number <= 86_400) seconds = number;
    else if (
      flag === "--concurrency" &&
      Number.isInteger(number) &&
      number >= 1 &&
      number <= 10_000
    )
      concurrency = number;
    else if (flag === "--protocol" && (value === "compact" || value === "binary")) protocol = value;
    else return `bad argument ${JSON.stringify(argv[i])}`;
  }
  return { seconds, concurrency, protocol };
}

/** What the run saw. */
class Tally {
  ok = 0;
  lost = 0;
  mismatched = 0;
  readonly examples: string[] = [];

  note(kind: "lost" | "mismatched", what: string): void {
    this[kind]++;
    if (this.examples.length < 5) this.examples.push(`${kind}: ${what}`);
  }

  get calls(): number {
    return this.ok + this.lost + this.mismatched;
  }
}

/** Resident set size of a process, from /proc (Linux); undefined elsewhere. */
function rssOf(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const mb = (bytes: number): string => (bytes / 1_048_576).toFixed(1);
/** Sockets, servers and timers: what a leak of the client would leave behind. */
const openHandles = (): number =>
  process.getActiveResourcesInfo().filter((r) => /TCP|TLS|Timeout|Pipe/.test(r)).length;

async function soak(options: SoakOptions, cluster: Fleet): Promise<boolean> {
  const [usersProcess, productsProcess] = await Promise.all([
    cluster.start("users", 0),
    cluster.start("products", 0),
  ]);
  const handlesBefore = openHandles();
  const transport: TransportName = "header";
  const channels: ClientChannel[] = [];
  const channelTo = (address: string): ClientChannel => {
    const channel = connect({
      addresses: [address],
      protocol: options.protocol,
      transport,
      timeoutMs: CALL_TIMEOUT_MS,
    });
    channels.push(channel);
    return channel;
  };
  const users = UserService.client(channelTo(usersProcess.address));
  const products = ProductService.client(channelTo(productsProcess.address));

  // Seed: what every read is checked against.
  const seededUsers: User[] = [];
  const skus = new Map<bigint, string>();
  for (let i = 0; i < SEED; i++) {
    seededUsers.push(await users.createUser({ email: `seed${i}@soak.example`, name: `Seed ${i}` }));
    const product = await products.createProduct({
      sku: `SOAK-${i}`,
      title: `Soak item ${i}`,
      price: { currency: "EUR", units: BigInt(100 + i) },
      categories: new Set(["soak"]),
      attributes: new Map(),
    });
    skus.set(product.id, product.sku);
  }
  const productIds = [...skus.keys()];

  const tally = new Tally();
  let created = 0;
  let sequence = 0;
  const started = Date.now();
  const endAt = started + options.seconds * 1000;
  let baseline: { rss: number; heap: number; calls: number } | undefined;
  /** RSS halfway between the baseline and the end: growth that levels off is not a leak. */
  let midwayRss: number | undefined;
  const midwayAt = started + (warmupMs(options.seconds) + options.seconds * 1000) / 2;

  /** One call, chosen by `n`, checked against what it must answer. */
  async function one(n: number): Promise<void> {
    const user = seededUsers[n % SEED]!;
    const productId = productIds[(n * 7) % SEED]!;
    try {
      switch (n % 8) {
        case 0: {
          // A write with a unique key: the server must apply it exactly once.
          const email = `soak${n}@soak.example`;
          const made = await users.createUser({ email, name: `Soaker ${n}` });
          created++;
          if (made.email !== email) tally.note("mismatched", `createUser ${email} → ${made.email}`);
          else tally.ok++;
          return;
        }
        case 1: {
          const ids = [user.id, seededUsers[(n + 1) % SEED]!.id];
          const found = await users.getUsers(ids);
          const right = ids.every((id) => found.get(id)?.id === id) && found.size === 2;
          if (!right)
            tally.note("mismatched", `getUsers ${ids.join(",")} → ${[...found.keys()].join(",")}`);
          else tally.ok++;
          return;
        }
        case 2:
        case 3:
        case 4: {
          const product = await products.getProduct(productId);
          if (product.id !== productId || product.sku !== skus.get(productId))
            tally.note("mismatched", `getProduct ${productId} → ${product.id} ${product.sku}`);
          else tally.ok++;
          return;
        }
        default: {
          const got = await users.getUser(user.id);
          if (got.id !== user.id || got.email !== user.email)
            tally.note("mismatched", `getUser ${user.id} → ${got.id} ${got.email}`);
          else tally.ok++;
          return;
        }
      }
    } catch (error) {
      const code = error instanceof RpcError ? error.code : "exception";
      tally.note("lost", `${code}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function worker(): Promise<void> {
    while (Date.now() < endAt) {
      await one(sequence++);
      if (baseline === undefined && Date.now() - started >= warmupMs(options.seconds)) {
        const memory = sampleMemory();
        baseline = { rss: memory.rss, heap: memory.heapUsed, calls: tally.calls };
      } else if (midwayRss === undefined && Date.now() >= midwayAt) midwayRss = sampleMemory().rss;
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (Date.now() - started) / 1000;
  const memory = sampleMemory();

  // Every write the client saw succeed is on the server, once.
  const health = await users.health();
  const stored = Number(health.details.get("users") ?? NaN);
  const duplicated = stored - SEED - created;
  const serverRss = [usersProcess, productsProcess].map(
    (p) => `${p.service} ${mb(rssOf(p.pid) ?? NaN)} MB`,
  );

  await Promise.all(channels.map((c) => c.close()));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const leakedHandles = openHandles() - handlesBefore;

  const base = baseline ?? { rss: memory.rss, heap: memory.heapUsed, calls: 0 };
  const per100k = (delta: number) =>
    tally.calls - base.calls > 0 ? mb((delta / (tally.calls - base.calls)) * 100_000) : "n/a";
  console.log(
    `${tally.calls} calls in ${seconds.toFixed(1)} s (${Math.round(tally.calls / seconds)}/s), ${options.concurrency} in flight, ${options.protocol} over THeader`,
  );
  console.log(
    `client RSS ${mb(base.rss)} → ${midwayRss === undefined ? "" : `${mb(midwayRss)} → `}${mb(memory.rss)} MB (${per100k(memory.rss - base.rss)} MB per 100k calls), heap ${mb(base.heap)} → ${mb(memory.heapUsed)} MB (${per100k(memory.heapUsed - base.heap)} MB per 100k calls)`,
  );
  console.log(
    `services RSS: ${serverRss.join(", ")} (users keeps the ${created} users the soak created)`,
  );
  for (const example of tally.examples) console.log(`  ${example}`);
  const pass =
    tally.lost === 0 &&
    tally.mismatched === 0 &&
    duplicated === 0 &&
    leakedHandles <= 0 &&
    tally.calls > 0;
  const writes = Number.isNaN(duplicated)
    ? "duplicated unknown (no user count)"
    : duplicated >= 0
      ? `${duplicated} duplicated`
      : `${-duplicated} writes lost`;
  console.log(
    `soak: ${pass ? "PASS" : "FAIL"} ${tally.calls} calls, ${tally.lost} lost, ${writes}, ${tally.mismatched} mismatched, ${Math.max(0, leakedHandles)} handles left open`,
  );
  return pass;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  const options = parseOptions(argv);
  if (typeof options === "string") {
    console.error(`error: ${options}\n\n${USAGE}`);
    return 2;
  }
  // The services' `--import tsx` and generated/ are relative to the repository.
  process.chdir(fileURLToPath(new URL("../..", import.meta.url)));
  // The services keep their journals (shared state, see services/journal.ts) in a temp folder.
  const stateDir = mkdtempSync(join(tmpdir(), "idlc-soak-"));
  const cluster = new Fleet(
    { PROTOCOL: options.protocol, REGISTRY: "static", STATE_DIR: stateDir },
    { kind: "static" },
  );
  const watchdog = setTimeout(
    () => {
      console.error("soak: FAIL the run did not finish in time");
      cluster.killAll();
      process.exit(1);
    },
    options.seconds * 1000 + 120_000,
  );
  let pass = false;
  try {
    pass = await Promise.race([
      soak(options, cluster),
      cluster.unexpectedExit.then((exit): never => {
        throw new Error(`the ${exit.name} service exited during the soak`);
      }),
    ]);
  } catch (error) {
    console.log(`soak: FAIL ${error instanceof Error ? error.message : String(error)}`);
  }
  await cluster.stopAll(["users", "products"], 5_000);
  rmSync(stateDir, { recursive: true, force: true });
  clearTimeout(watchdog);
  return pass ? 0 : 1;
}

process.exit(await main(process.argv.slice(2)));
