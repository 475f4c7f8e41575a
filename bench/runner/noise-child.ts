// Noise indicators, timed once per run in a fresh process: a fixed integer loop (CPU speed and
// contention) and copying a 64 MiB buffer (memory bandwidth). If these move between runs or
// between two benchmark invocations, so does everything else.
import { median } from "./stats.js";
import { parent } from "./spawn.js";

/** A fixed amount of integer work: 20 M multiply-xor-shift steps. */
function cpuLoop(): number {
  let x = 0x12345678;
  for (let i = 0; i < 20_000_000; i++) x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + i) | 0;
  return x;
}

/** Milliseconds for one cpuLoop, the median of 5 after one warm-up. */
function timeCpuLoop(): number {
  let sink = cpuLoop();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    sink ^= cpuLoop();
    times.push(performance.now() - start);
  }
  if (sink === 0.5) console.log(sink); // never true; keeps the loop's result live
  return median(times);
}

/** Copy bandwidth in GB/s (bytes copied per second), the median of 5 passes of 8 copies. */
function memoryCopyGBps(): number {
  const bytes = 64 * 1024 * 1024;
  const source = new Float64Array(bytes / 8).fill(1.5);
  const target = new Float64Array(bytes / 8);
  target.set(source); // touch every page first
  const rates: number[] = [];
  for (let pass = 0; pass < 5; pass++) {
    const start = performance.now();
    for (let i = 0; i < 8; i++) {
      if (i % 2 === 0) target.set(source);
      else source.set(target);
    }
    rates.push((8 * bytes) / ((performance.now() - start) / 1000) / 1e9);
  }
  return median(rates);
}

async function main(): Promise<void> {
  parent.exitWithParent();
  await parent.send({ type: "result", cpuLoopMs: timeCpuLoop(), memCopyGBps: memoryCopyGBps() });
  process.exit(0);
}

main().catch((error: unknown) => parent.fail(error));
