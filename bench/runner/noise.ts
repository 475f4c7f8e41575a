// The parent side of the noise indicators.
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Child } from "./spawn.js";

const CHILD = fileURLToPath(new URL("./noise-child.ts", import.meta.url));

/** One run's noise indicators. */
export interface NoiseRun {
  /** Milliseconds for the fixed CPU loop (lower is faster). */
  readonly cpuLoopMs: number;
  /** Memory copy bandwidth, GB/s. */
  readonly memCopyGBps: number;
  /** The machine's 1-minute load average when the run started (other work competing). */
  readonly loadAvg1: number;
}

/** Times the fixed CPU loop and the memory-streaming loop in a fresh process; notes the load. */
export async function runNoise(): Promise<NoiseRun> {
  const loadAvg1 = loadavg()[0] ?? Number.NaN;
  const child = new Child(CHILD, []);
  try {
    const result = await child.expect("result", 60_000);
    await child.finish();
    return {
      cpuLoopMs: result.cpuLoopMs as number,
      memCopyGBps: result.memCopyGBps as number,
      loadAvg1,
    };
  } finally {
    await child.kill();
  }
}
