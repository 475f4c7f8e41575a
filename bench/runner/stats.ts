// Summaries of repeated measurements: the median and the range, over whatever runs succeeded.

/** One figure over the runs: its median and range, and the per-run values (null: run failed). */
export interface Figure {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly values: readonly (number | null)[];
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Summarizes per-run values; undefined when no run produced a value. */
export function figure(values: readonly (number | null)[]): Figure | undefined {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return undefined;
  return {
    median: median(present),
    min: Math.min(...present),
    max: Math.max(...present),
    values,
  };
}

/** Per-run ratios a[i] / b[i], each taken within one run, summarized. */
export function ratioFigure(
  a: readonly (number | null)[],
  b: readonly (number | null)[],
): Figure | undefined {
  return figure(
    a.map((x, i) => {
      const y = b[i];
      return x === null || y === null || y === undefined || y === 0 ? null : x / y;
    }),
  );
}

/** The p-th percentile (0–100) of a sorted array, nearest-rank. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
