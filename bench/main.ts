// `npm run bench`: idlc against its peers in one invocation. Generates peer code if missing or
// stale, checks every system's correctness, then runs N interleaved runs (fresh processes for
// every measurement), and prints, and writes bench/results/<date>.json and latest.json.
// Flags: --quick (one short run, a smoke test), --only <systems,…>, --runs N (default 3). Last,
// the multi-core part (bench/cores.ts) runs in its own process.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkCodec, CODEC_SYSTEMS, type CodecSystem } from "./codecs/codec.js";
import { CODEC_LOADERS } from "./codecs/index.js";
import { ensurePeers, GENERATED_DIR, ROOT } from "./peers/generate.js";
import { renderTerminal } from "./render.js";
import { summarize, type BenchResults, type RawResults } from "./results.js";
import { RPC_LOADERS } from "./rpc/index.js";
import { checkRpc, RPC_SYSTEMS, type RpcSystem } from "./rpc/rpc.js";
import { runCodecs, type CodecRun, type CodecSettings } from "./runner/codec.js";
import { runNoise, type NoiseRun } from "./runner/noise.js";
import { runRpcs, type RpcSettings, type ScenarioRun } from "./runner/rpc.js";
import { canPin, killAllChildren } from "./runner/spawn.js";
import { rotate } from "./runner/turns.js";

/** Where full runs write their results (committed). */
export const RESULTS_DIR = join(ROOT, "bench", "results");

const USAGE = `usage: npm run bench -- [--quick] [--runs N] [--only <systems,comma-separated>]
  --quick   one short run: a smoke test (results go to ${join("bench", "peers", "generated", "results")})
  --runs N  interleaved runs (default 3); figures are the median and range over them
  --only    a subset of: ${[...CODEC_SYSTEMS, ...RPC_SYSTEMS, "cores"].join(", ")}
            (cores: 1 against 2 server processes, and round-robin against p2c; bench/cores.ts)`;

/** Parsed command-line options. */
interface Options {
  readonly quick: boolean;
  readonly runs: number;
  readonly only: readonly string[] | null;
}

function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let runs: number | undefined;
  let only: string[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === "--quick") quick = true;
    else if (arg === "--runs") {
      runs = Number(value());
      if (!Number.isInteger(runs) || runs < 1)
        throw new UsageError("--runs needs a positive integer");
    } else if (arg === "--only") {
      only = value()
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
      const known: readonly string[] = [...CODEC_SYSTEMS, ...RPC_SYSTEMS, "cores"];
      const unknown = only.filter((s) => !known.includes(s));
      if (unknown.length > 0)
        throw new UsageError(`unknown system ${unknown.map((s) => `"${s}"`).join(", ")}`);
    } else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new UsageError(`unknown argument "${arg}"`);
  }
  return { quick, runs: runs ?? (quick ? 1 : 3), only };
}

class UsageError extends Error {}

/**
 * Durations: full runs per the issue (1 s warm-up, 3 s measured); --quick far shorter. The RPC
 * warm-up also lasts 2,000 calls at least: at ~1,000 calls/s with one call in flight on a busy
 * machine, a time-only warm-up is a few hundred calls, too few for V8 to optimize a system's
 * encode and decode, so systems with more JavaScript per call were measured cold (idlc at 0.44×
 * the floor warmed by time alone, 0.89× after 2,000 calls).
 */
function settingsFor(quick: boolean): { codec: CodecSettings; rpc: RpcSettings } {
  return quick
    ? {
        codec: { warmupMs: 100, batchMs: 40, rounds: 3 },
        rpc: { warmupMs: 250, warmupCalls: 2_000, measureMs: 500 },
      }
    : {
        codec: { warmupMs: 500, batchMs: 100, rounds: 7 },
        rpc: { warmupMs: 1000, warmupCalls: 2_000, measureMs: 3000 },
      };
}

const errorText = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const settings = settingsFor(options.quick);
  const date = new Date().toISOString();
  const selected = (s: string): boolean => options.only === null || options.only.includes(s);
  const skipped: { system: string; reason: string }[] = [];
  const errors: { system: string; run: number; message: string }[] = [];

  console.log("Generating peer code (if missing or stale)…");
  const peers = await ensurePeers();
  for (const [part, status] of Object.entries(peers)) {
    console.log(
      `  ${part}: ${status.ok ? (status.fresh ? "generated" : "up to date") : `unavailable: ${status.reason}`}`,
    );
  }

  console.log("Checking correctness before timing…");
  const codecSystems: { system: CodecSystem; description: string; bytes: number }[] = [];
  for (const system of CODEC_SYSTEMS.filter(selected)) {
    try {
      const adapter = await CODEC_LOADERS[system]();
      const { bytes } = checkCodec(adapter);
      codecSystems.push({ system, description: adapter.description, bytes });
      console.log(`  ${system}: decode(encode(sample)) = sample, ${bytes} bytes`);
    } catch (error) {
      skipped.push({ system, reason: errorText(error) });
      console.log(`  ${system}: SKIPPED: ${errorText(error)}`);
    }
  }
  const rpcSystems: { system: RpcSystem; description: string }[] = [];
  for (const system of RPC_SYSTEMS.filter(selected)) {
    try {
      const adapter = await RPC_LOADERS[system]();
      await checkRpc(adapter);
      rpcSystems.push({ system, description: adapter.description });
      console.log(`  ${system}: every reply checked`);
    } catch (error) {
      skipped.push({ system, reason: errorText(error) });
      console.log(`  ${system}: SKIPPED: ${errorText(error)}`);
    }
  }
  const pinned = canPin();
  if (!pinned && rpcSystems.length > 0)
    console.log("  warning: taskset or a second core is missing; RPC processes run unpinned");

  const noise: (NoiseRun | null)[] = [];
  const codecRuns = new Map(codecSystems.map((c) => [c.system, [] as (CodecRun | null)[]]));
  const rpcRuns = new Map(
    rpcSystems.map((r) => [r.system, [] as (Map<string, ScenarioRun> | null)[]]),
  );
  for (let run = 0; run < options.runs; run++) {
    console.log(`Run ${run + 1} of ${options.runs}`);
    try {
      noise.push(await runNoise());
    } catch (error) {
      noise.push(null);
      errors.push({ system: "noise", run: run + 1, message: errorText(error) });
    }
    if (codecSystems.length > 0) {
      console.log(`  codecs, taking turns: ${codecSystems.map((c) => c.system).join(", ")}`);
      const systems = rotate(codecSystems, run).map((c) => c.system);
      const results = await runCodecs(systems, settings.codec);
      for (const { system } of codecSystems) {
        const result = results.get(system)!;
        if (result instanceof Error) {
          codecRuns.get(system)!.push(null);
          errors.push({ system, run: run + 1, message: errorText(result) });
          console.log(`  codec ${system}: FAILED: ${errorText(result)}`);
        } else {
          codecRuns.get(system)!.push(result);
          const rates = `${Math.round(result.encodeOps)} enc/s, ${Math.round(result.decodeOps)} dec/s`;
          console.log(`  codec ${system}: ${rates}`);
        }
      }
    }
    if (rpcSystems.length > 0) {
      console.log(`  rpc, taking turns: ${rpcSystems.map((r) => r.system).join(", ")}`);
      const systems = rotate(rpcSystems, run).map((r) => r.system);
      const all = await runRpcs(systems, settings.rpc);
      for (const { system } of rpcSystems) {
        const ok = new Map<string, ScenarioRun>();
        const summary: string[] = [];
        for (const [scenario, result] of all.get(system)!) {
          if (result instanceof Error) {
            errors.push({ system, run: run + 1, message: `${scenario}: ${result.message}` });
            summary.push(`${scenario}: FAILED`);
          } else {
            ok.set(scenario, result);
            summary.push(`${scenario}: ${Math.round(result.callsPerSec)}/s`);
          }
        }
        rpcRuns.get(system)!.push(ok.size > 0 ? ok : null);
        console.log(`  rpc ${system}: ${summary.join(", ")}`);
      }
    }
  }

  const raw: RawResults = {
    date,
    quick: options.quick,
    runs: options.runs,
    only: options.only,
    pinned,
    settings,
    skipped,
    errors,
    noise,
    codec: new Map(codecSystems.map((c) => [c.system, { ...c, runs: codecRuns.get(c.system)! }])),
    rpc: new Map(rpcSystems.map((r) => [r.system, { ...r, runs: rpcRuns.get(r.system)! }])),
  };
  const results = summarize(raw);
  console.log("");
  console.log(renderTerminal(results));
  for (const path of writeResults(results)) console.log(`wrote ${path}`);
  if (selected("cores")) await runCores(options);
}

/**
 * The multi-core part (bench/cores.ts, also `npm run bench:cores`): 1 against 2 server processes
 * for a CPU-bound handler, then round-robin against p2c over a fast and a slow replica, each a
 * ratio within one run. Its own process, so its servers and channel cannot disturb the above.
 */
async function runCores(options: Options): Promise<void> {
  console.log("");
  const script = fileURLToPath(new URL("cores.ts", import.meta.url));
  const args = options.quick ? ["--quick"] : ["--runs", String(options.runs)];
  const child = spawn(
    process.execPath,
    ["--conditions=idlc-source", "--import", "tsx", script, ...args],
    {
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) console.log(`bench:cores failed (exit ${code})`);
}

/**
 * Writes the results. A full run (all systems, not --quick) goes to bench/results/<date>.json and
 * latest.json, which the README table is made from; a partial run goes to a gitignored folder.
 */
function writeResults(results: BenchResults): string[] {
  const full = !results.quick && results.only === null;
  const dir = full ? RESULTS_DIR : join(GENERATED_DIR, "results");
  mkdirSync(dir, { recursive: true });
  // 5 significant digits: more is noise, and it keeps the committed files' diffs readable.
  const round = (_key: string, value: unknown): unknown =>
    typeof value === "number" && !Number.isInteger(value) ? Number(value.toPrecision(5)) : value;
  const text = `${JSON.stringify(results, round, 2)}\n`;
  const stamp = results.date.replace(/:/g, "-").replace(/\.\d+Z$/, "Z");
  const paths = [join(dir, `${stamp}.json`), join(dir, "latest.json")];
  for (const path of paths) writeFileSync(path, text);
  return paths;
}

main().then(
  () => {
    killAllChildren();
    // Sockets and servers are all closed; exit without waiting on library timers (grpc-js).
    process.exit(0);
  },
  (error: unknown) => {
    killAllChildren();
    if (error instanceof UsageError) {
      console.error(`bench: ${error.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error("bench: internal error:", error);
    process.exit(1);
  },
);
