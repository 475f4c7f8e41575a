// Rate-limited server warnings: one line per kind per interval, then a count of those left out.
import { afterEach, describe, expect, test, vi } from "vitest";
import { LogLimiter } from "../../../runtime/server/log-limiter.js";
import type { Logger } from "../../../runtime/server/options.js";

function recording(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  return { lines, logger: { warn: (m) => lines.push(m), error: (m) => lines.push(`E ${m}`) } };
}

describe("LogLimiter", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test("a flood of one kind is one line now and one line with the count per interval", () => {
    vi.useFakeTimers();
    const { lines, logger } = recording();
    const log = new LogLimiter(logger, 10_000);
    for (let i = 0; i < 4_314; i++) log.warn("max-connections", `refusing connection ${i}`);
    expect(lines).toEqual(["refusing connection 0"]);
    vi.advanceTimersByTime(10_000);
    expect(lines).toEqual([
      "refusing connection 0",
      "refusing connection 4313 (and 4,312 more in the last 10 s)",
    ]);
    // Still limited in the next interval; one left out is shown as itself.
    log.warn("max-connections", "refusing connection 4314");
    expect(lines).toHaveLength(2);
    vi.advanceTimersByTime(10_000);
    expect(lines[2]).toBe("refusing connection 4314");
    // A quiet interval ends the limiting: the next warning is logged at once.
    vi.advanceTimersByTime(10_000);
    log.warn("max-connections", "refusing connection 4315");
    expect(lines[3]).toBe("refusing connection 4315");
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  test("kinds are limited separately", () => {
    vi.useFakeTimers();
    const { lines, logger } = recording();
    const log = new LogLimiter(logger, 1_000);
    log.warn("frame-timeout", "slow a");
    log.warn("frame-too-large", "big a");
    log.warn("frame-timeout", "slow b");
    expect(lines).toEqual(["slow a", "big a"]);
  });

  test("close() reports what was left out and stops the timers", () => {
    vi.useFakeTimers();
    const { lines, logger } = recording();
    const log = new LogLimiter(logger, 10_000);
    for (let i = 0; i < 3; i++) log.warn("x", `x ${i}`);
    log.close();
    expect(lines).toEqual(["x 0", "x 2 (and 1 more in the last 10 s)"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  test("an interval of 0 logs every warning", () => {
    const { lines, logger } = recording();
    const log = new LogLimiter(logger, 0);
    for (let i = 0; i < 3; i++) log.warn("x", `x ${i}`);
    expect(lines).toEqual(["x 0", "x 1", "x 2"]);
  });
});
