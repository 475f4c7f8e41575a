// `npm run bench:cores`: what a second server process buys on a multi-core machine. The same
// CPU-bound handler (ProductService.search over a 2,000-product catalog, cores/catalog-search.ts)
// is served by 1, then 2 server processes, each on its own port, and one client channel spreads
// a fixed number of calls in flight over them (`connect({ addresses })`, the way a fleet's
// clients spread over the replicas a registry lists). It prints calls/s of each and the ratio,
// in one run. Flags: --quick (short, for the test), --runs N (default 3; figures are medians),
// --in-flight N (default 32).
//
// Then the balancing part: two server processes, one doing 4 times the work per call (a replica
// on a slower or busier machine), and the same closed loop once with `balance: "round-robin"`
// and once with `"p2c"` (power of two choices over least-pending, the default): calls/s and p99.
//
// Why processes with their own ports and not node:cluster workers sharing one: an idlc channel
// keeps one long-lived connection per endpoint and pipelines every call on it, and a shared
// port balances connections, not calls, so all of one client's calls would land on one worker.
import { fileURLToPath } from "node:url";
import { connect, type Balance } from "idlc/runtime";
import { ProductService } from "../generated/commerce.js";
import { BENCH_QUERY } from "./cores/catalog-search.js";
import { Child, canPin, killAllChildren } from "./runner/spawn.js";
import { median, percentile } from "./runner/stats.js";

/** What a run measures. */
interface Settings {
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly runs: number;
  readonly inFlight: number;
}

/** Calls/s with `servers` processes, and how many calls each process served. */
interface Measurement {
  readonly servers: number;
  readonly callsPerSecond: number;
  readonly servedPerProcess: readonly number[];
}

const USAGE = `usage: npm run bench:cores -- [--quick] [--runs N] [--in-flight N]
  --quick        a short single run (a smoke test: the figures mean little)
  --runs N       interleaved runs of 1 and 2 processes (default 3); medians are printed
  --in-flight N  calls the client keeps in flight (default 32)`;

/** Time a server process has to say it is listening (tsx compiles it first), in ms. */
const READY_TIMEOUT_MS = 60_000;
/** No single call should take this long, even on a loaded machine, in ms. */
const CALL_TIMEOUT_MS = 30_000;

function parseArgs(argv: readonly string[]): Settings {
  let quick = false;
  let runs: number | undefined;
  let inFlight = 32;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const count = (): number => {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1)
        throw new UsageError(`${arg} needs a positive integer`);
      return value;
    };
    if (arg === "--quick") quick = true;
    else if (arg === "--runs") runs = count();
    else if (arg === "--in-flight") inFlight = count();
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new UsageError(`unknown argument "${arg}"`);
  }
  return quick
    ? { warmupMs: 300, measureMs: 700, runs: runs ?? 1, inFlight }
    : { warmupMs: 1_000, measureMs: 3_000, runs: runs ?? 3, inFlight };
}

class UsageError extends Error {}

/** A balancing measurement: one policy over a fast and a slow replica. */
interface BalanceMeasurement {
  readonly balance: Balance;
  readonly callsPerSecond: number;
  readonly p99Ms: number;
  readonly servedPerProcess: readonly number[];
}

/**
 * Starts one server process per entry of `work` (each call does the search that many times),
 * pinned to cores 0, 1, … when taskset works.
 */
async function startServers(
  work: readonly number[],
): Promise<{ children: Child[]; addresses: string[] }> {
  const script = fileURLToPath(new URL("cores/server-child.ts", import.meta.url));
  const children = work.map((w, i) => new Child(script, [String(w)], { cpu: i }));
  const ready = await Promise.all(children.map((c) => c.expect("ready", READY_TIMEOUT_MS)));
  return { children, addresses: ready.map((m) => `127.0.0.1:${Number(m.port)}`) };
}

/** What one closed-loop measurement over some server processes gives. */
interface LoopResult {
  readonly callsPerSecond: number;
  readonly p99Ms: number;
  readonly servedPerProcess: readonly number[];
}

/**
 * Starts servers doing `work` each, keeps `inFlight` calls going over them with `balance` for
 * the warm-up, then counts calls and their latencies for `measureMs`.
 */
async function runLoop(
  work: readonly number[],
  balance: Balance,
  settings: Settings,
): Promise<LoopResult> {
  const { children, addresses } = await startServers(work);
  const channel = connect({ addresses, balance, timeoutMs: CALL_TIMEOUT_MS });
  try {
    const client = ProductService.client(channel);
    const started = performance.now();
    const measureFrom = started + settings.warmupMs;
    const until = measureFrom + settings.measureMs;
    const latencies: number[] = [];
    const loop = async (): Promise<void> => {
      while (performance.now() < until) {
        const sent = performance.now();
        await client.search(BENCH_QUERY);
        const now = performance.now();
        if (sent >= measureFrom && now < until) latencies.push(now - sent);
      }
    };
    await Promise.all(Array.from({ length: settings.inFlight }, loop));
    const servedPerProcess: number[] = [];
    for (const child of children) {
      child.send({ type: "served?" });
      servedPerProcess.push(Number((await child.expect("served", READY_TIMEOUT_MS)).calls));
    }
    return {
      callsPerSecond: latencies.length / (settings.measureMs / 1000),
      p99Ms: percentile(Float64Array.from(latencies).sort(), 99),
      servedPerProcess,
    };
  } finally {
    await channel.close();
    for (const child of children) child.send({ type: "stop" });
    await Promise.all(children.map((c) => c.finish()));
  }
}

/** 1 or 2 equal server processes. */
async function measure(servers: 1 | 2, settings: Settings): Promise<Measurement> {
  const work = servers === 1 ? [1] : [1, 1];
  const { callsPerSecond, servedPerProcess } = await runLoop(work, "least-pending", settings);
  return { servers, callsPerSecond, servedPerProcess };
}

/** How much more work the slow replica of the balancing part does per call. */
const SLOW_WORK = 4;

/** A fast and a slow replica, under one balancing policy. */
async function measureBalance(balance: Balance, settings: Settings): Promise<BalanceMeasurement> {
  return { balance, ...(await runLoop([1, SLOW_WORK], balance, settings)) };
}

async function main(argv: readonly string[]): Promise<number> {
  let settings: Settings;
  try {
    settings = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  console.log(
    `bench:cores: ProductService.search over a 2,000-product catalog (CPU-bound), ` +
      `${settings.inFlight} calls in flight, ${settings.runs} run(s) of ${settings.measureMs} ms` +
      `${canPin() ? ", server processes pinned to cores 0 and 1" : ""}`,
  );
  const results: Record<1 | 2, Measurement[]> = { 1: [], 2: [] };
  for (let run = 0; run < settings.runs; run++) {
    // Interleaved, so a machine that gets busier or quieter affects both alike.
    for (const servers of [1, 2] as const) {
      const m = await measure(servers, settings);
      results[servers].push(m);
      const per = m.servedPerProcess.join(" / ");
      console.log(
        `  run ${run + 1}: ${servers} server process${servers === 1 ? " " : "es"}: ` +
          `${Math.round(m.callsPerSecond)} calls/s (served per process: ${per})`,
      );
    }
  }
  const one = median(results[1].map((m) => m.callsPerSecond));
  const two = median(results[2].map((m) => m.callsPerSecond));
  console.log(`1 process:   ${Math.round(one)} calls/s (median)`);
  console.log(`2 processes: ${Math.round(two)} calls/s (median)`);
  console.log(`ratio 2 / 1: ${(two / one).toFixed(2)}x`);

  console.log(
    `\nbalancing: one fast replica and one doing ${SLOW_WORK}x the work per call, ` +
      `${settings.inFlight} calls in flight`,
  );
  const balanced: Record<"round-robin" | "p2c", BalanceMeasurement[]> = {
    "round-robin": [],
    p2c: [],
  };
  for (let run = 0; run < settings.runs; run++) {
    for (const balance of ["round-robin", "p2c"] as const) {
      const m = await measureBalance(balance, settings);
      balanced[balance].push(m);
      console.log(
        `  run ${run + 1}: ${balance.padEnd(11)} ${Math.round(m.callsPerSecond)} calls/s, ` +
          `p99 ${m.p99Ms.toFixed(1)} ms (served fast / slow: ${m.servedPerProcess.join(" / ")})`,
      );
    }
  }
  const rate = (b: "round-robin" | "p2c") => median(balanced[b].map((m) => m.callsPerSecond));
  const p99 = (b: "round-robin" | "p2c") => median(balanced[b].map((m) => m.p99Ms));
  for (const b of ["round-robin", "p2c"] as const)
    console.log(
      `${b.padEnd(11)}  ${Math.round(rate(b))} calls/s, p99 ${p99(b).toFixed(1)} ms (median)`,
    );
  console.log(
    `p2c / round-robin: ${(rate("p2c") / rate("round-robin")).toFixed(2)}x calls/s, ` +
      `${(p99("p2c") / p99("round-robin")).toFixed(2)}x p99`,
  );
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} finally {
  killAllChildren();
}
