// Load shedding on event-loop delay: one `perf_hooks.monitorEventLoopDelay` histogram per server,
// read and reset by one interval timer (never per call). A sample whose mean delay is above the
// limit turns shedding on until a sample below it: a Node process whose loop lags that much is
// answering every call late, so answering some at once with LOADSHEDDING (which a client knows
// never ran, and may retry on another replica) serves the rest in time. The mean, as fastify's
// under-pressure uses it, is robust to one long pause (a GC, one slow call): it is high only when
// the loop is blocked for most of the sample.
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/** How often the histogram records a delay, in ms (its timer's period). */
const RESOLUTION_MS = 10;

/** Watches a server's event loop while it listens. */
export class LoadMonitor {
  /** Shedding now: the last sample's mean delay was above the limit. */
  overloaded = false;
  /** The last sample's mean delay, in ms. */
  delayMs = 0;
  private readonly limitMs: number;
  private readonly sampleMs: number;
  private histogram: IntervalHistogram | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastSampleAt = 0;

  /** `limitMs` 0 turns the monitor off. */
  constructor(limitMs: number, sampleMs: number) {
    this.limitMs = limitMs;
    this.sampleMs = sampleMs;
  }

  start(): void {
    if (this.limitMs === 0 || this.timer !== undefined) return;
    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
    this.histogram = histogram;
    this.lastSampleAt = performance.now();
    this.timer = setInterval(this.sample, this.sampleMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.histogram?.disable();
    this.histogram = undefined;
    this.overloaded = false;
  }

  private readonly sample = (): void => {
    const histogram = this.histogram!;
    const now = performance.now();
    // Each recorded delta includes the histogram's own period; what is above it is lag. A loop
    // blocked for the whole sample may have recorded nothing: then this timer's own lateness is
    // the lag.
    const delay =
      histogram.count > 0
        ? histogram.mean / 1e6 - RESOLUTION_MS
        : now - this.lastSampleAt - this.sampleMs;
    this.lastSampleAt = now;
    histogram.reset();
    this.delayMs = Math.max(0, delay);
    this.overloaded = this.delayMs > this.limitMs;
  };
}
