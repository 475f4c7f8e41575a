// Shows how far the workload is: a bar redrawn in place on a terminal, a plain line every second
// otherwise (a CI log or a pipe would fill up with carriage returns).

/** What the progress display reads each time it redraws. */
export interface ProgressSnapshot {
  readonly calls: number;
  readonly ordersPlaced: number;
  readonly errors: number;
}

/** A running progress display; `stop()` clears it and leaves the cursor on a fresh line. */
export interface Progress {
  stop(): void;
}

const BAR_WIDTH = 30;

/** Starts showing progress of a run of `seconds` on `out`, reading numbers from `read`. */
export function startProgress(
  seconds: number,
  read: () => ProgressSnapshot,
  out: NodeJS.WriteStream = process.stdout,
): Progress {
  const startedAt = performance.now();
  const interactive = out.isTTY === true;
  const describe = (): string => {
    const elapsed = (performance.now() - startedAt) / 1000;
    const { calls, ordersPlaced, errors } = read();
    const rate = elapsed > 0 ? Math.round(calls / elapsed) : 0;
    return `${elapsed.toFixed(1)}s/${seconds}s  ${calls} calls (${rate}/s)  ${ordersPlaced} orders  ${errors} errors`;
  };
  const draw = (): void => {
    if (!interactive) {
      out.write(`  ${describe()}\n`);
      return;
    }
    const done = Math.min(1, (performance.now() - startedAt) / 1000 / seconds);
    const filled = Math.round(done * BAR_WIDTH);
    const bar = "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
    // \r returns to the start of the line, \x1b[K clears what a longer previous line left.
    out.write(`\r  ${bar} ${describe()}\x1b[K`);
  };
  const timer = setInterval(draw, interactive ? 100 : 1000);
  return {
    stop() {
      clearInterval(timer);
      draw();
      if (interactive) out.write("\n");
    },
  };
}
