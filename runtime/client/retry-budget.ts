// Finagle's retry budget: over a sliding window, retries may be at most a share of the calls
// plus a small floor per second (so a quiet channel can still retry). When every replica is
// down, calls are then tried about (1 + share) times instead of `attempts` times, and the
// retries cannot multiply the load on a fleet that is already failing. The window is a ring of
// one-second buckets of plain counters: no allocation, one clock read per call.

/** How many retries a channel may make (Finagle's RetryBudget). */
export interface RetryBudgetOptions {
  /** Retries allowed per call made, as a fraction. Default 0.2. */
  readonly percent?: number;
  /** Retries allowed per second whatever the traffic. Default 10. */
  readonly minPerSecond?: number;
  /** The window over which calls and retries are counted, in ms (whole seconds). Default 10_000. */
  readonly windowMs?: number;
}

const BUCKET_MS = 1_000;

/** Counts calls and retries over a sliding window and says whether one more retry fits. */
export class RetryBudget {
  private readonly percent: number;
  /** The floor over the whole window: minPerSecond × window seconds. */
  private readonly reserve: number;
  private readonly calls: Float64Array;
  private readonly retries: Float64Array;
  /** Sums over the buckets of the window. */
  private callTotal = 0;
  private retryTotal = 0;
  /** The bucket number (epoch ms / 1000) the newest bucket holds. */
  private current = 0;

  constructor(options: RetryBudgetOptions = {}) {
    const percent = options.percent ?? 0.2;
    const minPerSecond = options.minPerSecond ?? 10;
    const windowMs = options.windowMs ?? 10_000;
    if (!(percent >= 0 && percent <= 10))
      throw new RangeError(`connect(): retry.budget.percent must be in [0, 10], got ${percent}`);
    if (!(minPerSecond >= 0))
      throw new RangeError(`connect(): retry.budget.minPerSecond must be ≥ 0, got ${minPerSecond}`);
    if (!(windowMs >= BUCKET_MS && windowMs <= 3_600_000))
      throw new RangeError(
        `connect(): retry.budget.windowMs must be in [1000, 3600000], got ${windowMs}`,
      );
    const buckets = Math.round(windowMs / BUCKET_MS);
    this.percent = percent;
    this.reserve = minPerSecond * buckets;
    this.calls = new Float64Array(buckets);
    this.retries = new Float64Array(buckets);
  }

  /** Counts a call (its first attempt). */
  called(now: number): void {
    this.advance(now);
    this.calls[this.current % this.calls.length]!++;
    this.callTotal++;
  }

  /** Takes one retry from the budget if it has one; returns whether it did. */
  tryRetry(now: number): boolean {
    this.advance(now);
    if (this.retryTotal >= this.reserve + this.percent * this.callTotal) return false;
    this.retries[this.current % this.retries.length]!++;
    this.retryTotal++;
    return true;
  }

  /** Drops the buckets that slid out of the window since the last call. */
  private advance(now: number): void {
    const bucket = Math.floor(now / BUCKET_MS);
    if (bucket <= this.current) return; // same second (or the clock stepped back)
    const size = this.calls.length;
    const stale = Math.min(size, bucket - this.current);
    for (let i = 1; i <= stale; i++) {
      const at = (this.current + i) % size;
      this.callTotal -= this.calls[at]!;
      this.retryTotal -= this.retries[at]!;
      this.calls[at] = 0;
      this.retries[at] = 0;
    }
    this.current = bucket;
  }
}
