// The one place that reads a channel's own fleet numbers. Today's runtime channel has no
// `stats()`; a runtime that has one (retries, failovers, per-endpoint ejections) lights up the
// summary's failover and ejection lines without further change here. Typed loosely on purpose:
// only the fields the summary prints are read, and each is checked before it is used.
import type { ClientChannel } from "idlc/runtime";

/** One endpoint as a channel's stats() describes it (the fields the demo reads). */
export interface EndpointStats {
  readonly address: string;
  readonly calls: number;
  readonly failures: number;
  readonly ejections: number;
  /** When it was last ejected, epoch milliseconds. */
  readonly lastEjectedAtMs: number | undefined;
}

/** A channel's fleet numbers, when its runtime reports them. */
export interface ChannelStats {
  readonly calls: number;
  readonly retries: number;
  /** Retries sent to a different replica than the attempt that failed. */
  readonly failovers: number;
  readonly budgetExhausted: number;
  readonly endpoints: readonly EndpointStats[];
}

/** The channel's stats(), or undefined when this runtime's channels have none. */
export function readChannelStats(channel: ClientChannel): ChannelStats | undefined {
  const withStats = channel as ClientChannel & { stats?: () => unknown };
  if (typeof withStats.stats !== "function") return undefined;
  const raw = withStats.stats() as Partial<Record<keyof ChannelStats, unknown>> | undefined;
  if (raw === undefined || raw === null) return undefined;
  const count = (value: unknown): number => (typeof value === "number" ? value : 0);
  const endpoints = Array.isArray(raw.endpoints)
    ? (raw.endpoints as Record<string, unknown>[])
    : [];
  return {
    calls: count(raw.calls),
    retries: count(raw.retries),
    failovers: count(raw.failovers),
    budgetExhausted: count(raw.budgetExhausted),
    endpoints: endpoints.map((e) => ({
      address: typeof e.address === "string" ? e.address : "?",
      calls: count(e.calls),
      failures: count(e.failures),
      ejections: count(e.ejections),
      lastEjectedAtMs: typeof e.lastEjectedAtMs === "number" ? e.lastEjectedAtMs : undefined,
    })),
  };
}
