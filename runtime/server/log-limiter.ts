// Rate-limited warnings: a flood of bad connections (refused, dribbling, sending garbage) must
// not become a flood of log lines. Each kind of warning is logged at once the first time; more of
// the same kind within the interval are only counted, and when the interval ends one line says
// how many there were: "… (and 4,312 more in the last 10 s)". One timer per kind that is being
// limited right now (a handful), never one per connection.
import type { Logger } from "./options.js";

interface Limited {
  /** Warnings of this kind left out since the last line. */
  suppressed: number;
  /** The most recent of them, shown with the count. */
  last: string;
  timer: ReturnType<typeof setTimeout>;
}

/** Logs each kind of warning at most once per `intervalMs`, with a count of those left out. */
export class LogLimiter {
  /** The logger lines go to. */
  readonly logger: Logger;
  /** Length of one interval, in ms; 0 logs every warning. */
  readonly intervalMs: number;
  private readonly kinds = new Map<string, Limited>();

  constructor(logger: Logger, intervalMs: number) {
    this.logger = logger;
    this.intervalMs = intervalMs;
  }

  /**
   * Warns `message` (which may name a peer), unless a warning of the same `kind` (a fixed id
   * such as "frame-timeout") was logged less than an interval ago; then it is counted instead.
   */
  warn(kind: string, message: string): void {
    if (this.intervalMs === 0) {
      this.logger.warn(message);
      return;
    }
    const limited = this.kinds.get(kind);
    if (limited !== undefined) {
      limited.suppressed++;
      limited.last = message;
      return;
    }
    this.logger.warn(message);
    this.kinds.set(kind, { suppressed: 0, last: "", timer: this.arm(kind) });
  }

  /** Logs what was left out so far and stops every timer (the server is closing). */
  close(): void {
    for (const [kind, limited] of this.kinds) {
      clearTimeout(limited.timer);
      this.report(limited);
      this.kinds.delete(kind);
    }
  }

  private arm(kind: string): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.intervalEnded(kind), this.intervalMs);
    timer.unref();
    return timer;
  }

  private intervalEnded(kind: string): void {
    const limited = this.kinds.get(kind);
    if (limited === undefined) return;
    if (limited.suppressed === 0) {
      this.kinds.delete(kind); // quiet for a whole interval: the next one is logged at once
      return;
    }
    this.report(limited);
    limited.suppressed = 0;
    limited.timer = this.arm(kind); // still busy: keep limiting for another interval
  }

  private report(limited: Limited): void {
    const { suppressed, last } = limited;
    if (suppressed === 0) return;
    if (suppressed === 1) {
      this.logger.warn(last);
      return;
    }
    const others = (suppressed - 1).toLocaleString("en-US");
    this.logger.warn(`${last} (and ${others} more in the last ${this.intervalMs / 1000} s)`);
  }
}
