// The parent side of codec measurements: one fresh child process per codec per run.
import { fileURLToPath } from "node:url";
import type { CodecSystem } from "../codecs/codec.js";
import type { CodecJob } from "./codec-child.js";
import { Child } from "./spawn.js";

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

async function runJob(
  job: CodecJob,
  nodeFlags: readonly string[],
): Promise<Record<string, unknown>> {
  const child = new Child(CHILD, [JSON.stringify(job)], { nodeFlags });
  try {
    // Startup, check, warm-up and rounds, with a generous margin for a slow machine.
    const budgetMs = 30_000 + 4 * (2 * job.warmupMs + 2 * job.rounds * job.batchMs);
    const result = await child.expect("result", budgetMs);
    await child.finish();
    return result;
  } finally {
    await child.kill();
  }
}

/** Times encode and decode in one fresh process, then measures allocation in another. */
export async function runCodec(system: CodecSystem, settings: CodecSettings): Promise<CodecRun> {
  const timing = await runJob({ system, mode: "time", ...settings }, []);
  const alloc = await runJob({ system, mode: "alloc", ...settings }, [
    "--expose-gc",
    // A 64 MiB young generation, so thousands of operations allocate without a collection.
    "--min-semi-space-size=64",
    "--max-semi-space-size=64",
  ]);
  return {
    bytes: timing.bytes as number,
    encodeOps: timing.encodeOps as number,
    decodeOps: timing.decodeOps as number,
    encodeAlloc: alloc.encodeAlloc as number,
    decodeAlloc: alloc.decodeAlloc as number,
  };
}
