// What the runners share for taking turns: the order of a round, and a failure kept as an Error.

/** Rotates a list by `by`, so each run, round or scenario visits the systems in another order. */
export function rotate<T>(list: readonly T[], by: number): T[] {
  if (list.length === 0) return [];
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** A caught value as an Error, to be reported with the system it belongs to. */
export function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
