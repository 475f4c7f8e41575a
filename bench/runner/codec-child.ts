// One codec, one fresh process: checks the adapter, then either times encode and decode, or,
// started with --expose-gc and a large young generation, measures heap bytes allocated per
// operation ("result"). Timing is driven by the parent (bench/runner/codec.ts), which keeps one
// such process per codec alive and has them take turns: "prepare" warms up and calibrates
// batches to `batchMs`; each "round" times one encode batch and one decode batch and answers
// their rates, so every codec's round runs within seconds of the others' (this machine's speed
// drifts from one minute to the next); "done" ends the process.
import { PerformanceObserver } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { checkCodec, type CodecSystem } from "../codecs/codec.js";
import { CODEC_LOADERS } from "../codecs/index.js";
import { parent, type Message } from "./spawn.js";

/** What the parent asks for. */
export interface CodecJob {
  readonly system: CodecSystem;
  readonly mode: "time" | "alloc";
  readonly warmupMs: number;
  readonly batchMs: number;
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

/** Warms both operations up and sizes their batches. */
function prepare(ops: Record<string, Op>, job: CodecJob): Record<string, number> {
  for (const op of Object.values(ops)) warmUp(op, job.warmupMs);
  return Object.fromEntries(
    Object.entries(ops).map(([name, op]) => [name, calibrate(op, job.batchMs)]),
  );
}

/** One round: a batch of each operation (encode, then decode), as operations per second. */
function timeRound(ops: Record<string, Op>, batch: Record<string, number>): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const [name, op] of Object.entries(ops)) {
    const n = batch[name]!;
    rates[name] = (n / timeBatch(op, n)) * 1000;
  }
  return rates;
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
    let batch: Record<string, number> | undefined;
    parent.onMessage((message: Message) => {
      if (message.type === "prepare") {
        batch = prepare(ops, job);
        void parent.send({ type: "prepared", bytes });
      } else if (message.type === "round") {
        const rates = timeRound(ops, batch!);
        void parent.send({ type: "round", encodeOps: rates.encode, decodeOps: rates.decode });
      } else if (message.type === "done") {
        process.exit(0);
      }
    });
    await parent.send({ type: "loaded" });
    return;
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
