// Counts the workload's calls: how many per method, how long each took, and how each failed.

/** One method's numbers. Latencies in milliseconds. */
export interface MethodStats {
  readonly method: string;
  readonly calls: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** A call that failed with an RpcError: the method, whether it is (idempotent), the code. */
export interface RpcFailure {
  readonly method: string;
  readonly idempotent: boolean;
  readonly code: string;
}

/**
 * The workload's calls between `start()` and `stop()`, by method and by outcome. Calls outside
 * that window (seeding the shop, reading it back) are not counted, so rates describe shopping.
 */
export class CallStats {
  readonly #latencies = new Map<string, number[]>();
  readonly #errorsByMethod = new Map<string, number>();
  readonly #errorsByType = new Map<string, number>();
  readonly #rpcFailures: RpcFailure[] = [];
  #calls = 0;
  #errors = 0;
  #startedAt: number | undefined;
  #stoppedAt: number | undefined;

  /** Starts counting. */
  start(): void {
    this.#startedAt = performance.now();
  }

  /** Stops counting; calls that finish later are ignored. */
  stop(): void {
    this.#stoppedAt ??= performance.now();
  }

  /** Seconds between start() and stop() (or now), for rates. */
  get seconds(): number {
    if (this.#startedAt === undefined) return 0;
    return ((this.#stoppedAt ?? performance.now()) - this.#startedAt) / 1000;
  }

  /** Records one finished call; `error` is the error's type name, or undefined for success. */
  record(method: string, latencyMs: number, error: string | undefined): void {
    if (this.#startedAt === undefined || this.#stoppedAt !== undefined) return;
    let latencies = this.#latencies.get(method);
    if (!latencies) this.#latencies.set(method, (latencies = []));
    latencies.push(latencyMs);
    this.#calls++;
    if (error === undefined) return;
    this.#errors++;
    increment(this.#errorsByMethod, method);
    increment(this.#errorsByType, error);
  }

  /**
   * Records a call that failed with a runtime error (RpcError) after the channel's retries, at
   * any time (shopping or not): the fleet invariants judge every one.
   */
  recordRpcFailure(method: string, idempotent: boolean, code: string): void {
    this.#rpcFailures.push({ method, idempotent, code });
  }

  /** Every call that failed with a runtime error, in order. */
  get rpcFailures(): readonly RpcFailure[] {
    return this.#rpcFailures;
  }

  get calls(): number {
    return this.#calls;
  }

  get errors(): number {
    return this.#errors;
  }

  /** Per-method numbers, busiest method first. */
  byMethod(): MethodStats[] {
    return [...this.#latencies]
      .map(([method, latencies]) => {
        const sorted = latencies.toSorted((a, b) => a - b);
        return {
          method,
          calls: sorted.length,
          errors: this.#errorsByMethod.get(method) ?? 0,
          p50Ms: percentile(sorted, 0.5),
          p99Ms: percentile(sorted, 0.99),
        };
      })
      .sort((a, b) => b.calls - a.calls);
  }

  /** Error type name → count, most frequent first. */
  errorsByType(): [string, number][] {
    return [...this.#errorsByType].sort((a, b) => b[1] - a[1]);
  }
}

/** The nearest-rank percentile of ascending `sorted` values (0 when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
