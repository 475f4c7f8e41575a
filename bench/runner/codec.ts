// The parent side of codec measurements: per run, one fresh timing process per codec, all alive
// at once and taking turns round by round, then one fresh allocation process per codec.
//
// Why turns: this machine's speed drifts by half from one minute to the next, so codecs timed one
// after the other (each process running all its rounds) gave ratios that differed by 2× between
// runs of the same code. Taking turns, every codec's round k runs within a few seconds of the
// others', and a ratio within a run compares codecs under the same conditions. Each codec still
// has a process, heap and JIT of its own.
import { fileURLToPath } from "node:url";
import type { CodecSystem } from "../codecs/codec.js";
import type { CodecJob } from "./codec-child.js";
import { Child } from "./spawn.js";
import { median } from "./stats.js";
import { asError, rotate } from "./turns.js";

const CHILD = fileURLToPath(new URL("./codec-child.ts", import.meta.url));

/** How long codec measurements run. */
export interface CodecSettings {
  readonly warmupMs: number;
  readonly batchMs: number;
  readonly rounds: number;
}

/** One run's codec figures for one system. */
export interface CodecRun {
  readonly bytes: number;
  readonly encodeOps: number;
  readonly decodeOps: number;
  readonly encodeAlloc: number;
  readonly decodeAlloc: number;
}

/** Generous limits for one step of a child on a slow machine. */
const LOAD_MS = 60_000;
const stepMs = (settings: CodecSettings): number =>
  30_000 + 8 * (settings.warmupMs + settings.batchMs);

/** One codec's timing process and what it has measured so far. */
interface Timer {
  readonly system: CodecSystem;
  readonly child: Child;
  bytes: number;
  readonly encode: number[];
  readonly decode: number[];
  failure: Error | undefined;
}

function jobFor(system: CodecSystem, mode: CodecJob["mode"], settings: CodecSettings): string {
  const job: CodecJob = { system, mode, warmupMs: settings.warmupMs, batchMs: settings.batchMs };
  return JSON.stringify(job);
}

/** Runs `step` on every timer that has not failed, one after another; a failure ends only its own. */
async function eachInTurn(timers: readonly Timer[], step: (t: Timer) => Promise<void>) {
  for (const timer of timers) {
    if (timer.failure !== undefined) continue;
    try {
      await step(timer);
    } catch (error) {
      timer.failure = asError(error);
      await timer.child.kill();
    }
  }
}

/**
 * Times every system's encode and decode, the systems taking turns in each round (the order
 * rotated from round to round), then measures each one's allocation in a process of its own.
 * A system that fails gets its Error; the others go on.
 */
export async function runCodecs(
  systems: readonly CodecSystem[],
  settings: CodecSettings,
): Promise<Map<CodecSystem, CodecRun | Error>> {
  const timers: Timer[] = systems.map((system) => ({
    system,
    child: new Child(CHILD, [jobFor(system, "time", settings)]),
    bytes: 0,
    encode: [],
    decode: [],
    failure: undefined,
  }));
  const results = new Map<CodecSystem, CodecRun | Error>();
  try {
    await eachInTurn(timers, async (t) => void (await t.child.expect("loaded", LOAD_MS)));
    await eachInTurn(timers, async (t) => {
      t.child.send({ type: "prepare" });
      t.bytes = (await t.child.expect("prepared", stepMs(settings))).bytes as number;
    });
    for (let round = 0; round < settings.rounds; round++) {
      await eachInTurn(rotate(timers, round), async (t) => {
        t.child.send({ type: "round" });
        const rates = await t.child.expect("round", stepMs(settings));
        t.encode.push(rates.encodeOps as number);
        t.decode.push(rates.decodeOps as number);
      });
    }
  } finally {
    for (const t of timers) t.child.send({ type: "done" });
    await Promise.all(timers.map((t) => t.child.finish()));
  }
  for (const t of timers) {
    if (t.failure !== undefined) {
      results.set(t.system, t.failure);
      continue;
    }
    try {
      const alloc = await allocation(t.system, settings);
      results.set(t.system, {
        bytes: t.bytes,
        encodeOps: median(t.encode),
        decodeOps: median(t.decode),
        ...alloc,
      });
    } catch (error) {
      results.set(t.system, asError(error));
    }
  }
  return results;
}

/** Heap bytes per encode and per decode, in a fresh process with a large young generation. */
async function allocation(
  system: CodecSystem,
  settings: CodecSettings,
): Promise<{ encodeAlloc: number; decodeAlloc: number }> {
  const child = new Child(CHILD, [jobFor(system, "alloc", settings)], {
    nodeFlags: [
      "--expose-gc",
      // A 64 MiB young generation, so thousands of operations allocate without a collection.
      "--min-semi-space-size=64",
      "--max-semi-space-size=64",
    ],
  });
  try {
    const result = await child.expect("result", LOAD_MS + stepMs(settings));
    await child.finish();
    return { encodeAlloc: result.encodeAlloc as number, decodeAlloc: result.decodeAlloc as number };
  } finally {
    await child.kill();
  }
}
