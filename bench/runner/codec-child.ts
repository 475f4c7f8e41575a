// One codec, one fresh process: checks the adapter, then either times encode and decode
// (warm-up, batches calibrated to `batchMs`, rounds interleaving the two) or, started with
// --expose-gc and a large young generation, measures heap bytes allocated per operation.
// Started by bench/runner/codec.ts; answers with one "result" message.
import { PerformanceObserver } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { checkCodec, type CodecSystem } from "../codecs/codec.js";
import { CODEC_LOADERS } from "../codecs/index.js";
import { median } from "./stats.js";
import { parent } from "./spawn.js";

/** What the parent asks for. */
export interface CodecJob {
  readonly system: CodecSystem;
  readonly mode: "time" | "alloc";
  readonly warmupMs: number;
  readonly batchMs: number;
  readonly rounds: number;
}

type Op = () => unknown;

/** Keeps results reachable so no call is optimized away. */
let sink: unknown;

function timeBatch(op: Op, n: number): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) sink = op();
  return performance.now() - start;
}

/** Runs `op` for about `ms`, in batches of 64. */
function warmUp(op: Op, ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) timeBatch(op, 64);
}

/** The batch size that takes about `batchMs`. */
function calibrate(op: Op, batchMs: number): number {
  let n = 1;
  let elapsed = timeBatch(op, n);
  while (elapsed < batchMs / 8) {
    n *= 2;
    elapsed = timeBatch(op, n);
  }
  return Math.max(1, Math.round((n * batchMs) / elapsed));
}

function timeOps(ops: Record<string, Op>, job: CodecJob): Record<string, number> {
  for (const op of Object.values(ops)) warmUp(op, job.warmupMs);
  const batch = Object.fromEntries(
    Object.entries(ops).map(([name, op]) => [name, calibrate(op, job.batchMs)]),
  );
  const rates: Record<string, number[]> = {};
  for (let round = 0; round < job.rounds; round++) {
    // Interleaved: encode, decode, encode, decode… so drift hits both alike.
    for (const [name, op] of Object.entries(ops)) {
      const n = batch[name]!;
      (rates[name] ??= []).push((n / timeBatch(op, n)) * 1000);
    }
  }
  return Object.fromEntries(Object.entries(rates).map(([name, r]) => [name, median(r)]));
}

declare const gc: () => void;

/**
 * Heap bytes per operation: gc, run `n` operations, read heap and ArrayBuffer usage. Valid only
 * if no collection ran meanwhile (watched through gc performance entries); else retried smaller.
 */
async function allocPerOp(op: Op): Promise<number> {
  let collections = 0;
  const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
  observer.observe({ entryTypes: ["gc"] });
  try {
    timeBatch(op, 2000);
    for (let n = 2000; n >= 16; n >>= 1) {
      gc();
      gc();
      await sleep(20); // gc entries arrive asynchronously: let those of gc() land first
      const seen = collections;
      const before = process.memoryUsage();
      timeBatch(op, n);
      const after = process.memoryUsage();
      await sleep(20);
      if (collections !== seen) continue;
      const bytes = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
      return bytes / n;
    }
    throw new Error("a garbage collection ran during every allocation measurement");
  } finally {
    observer.disconnect();
  }
}

async function main(): Promise<void> {
  parent.exitWithParent();
  const job = JSON.parse(process.argv[2]!) as CodecJob;
  const adapter = await CODEC_LOADERS[job.system]();
  const { bytes } = checkCodec(adapter);
  const encoded = adapter.encode(adapter.sample);
  const ops: Record<string, Op> = {
    encode: () => adapter.encode(adapter.sample),
    decode: () => adapter.decode(encoded),
  };
  if (job.mode === "time") {
    const opsPerSec = timeOps(ops, job);
    await parent.send({
      type: "result",
      bytes,
      encodeOps: opsPerSec.encode,
      decodeOps: opsPerSec.decode,
    });
  } else {
    if (typeof gc !== "function") throw new Error("alloc mode needs --expose-gc");
    const encodeAlloc = await allocPerOp(ops.encode!);
    const decodeAlloc = await allocPerOp(ops.decode!);
    await parent.send({ type: "result", bytes, encodeAlloc, decodeAlloc });
  }
  void sink;
  process.exit(0);
}

main().catch((error: unknown) => parent.fail(error));
