// Outlier ejection, Envoy's model: an endpoint whose calls fail in a row (the transport broke, or
// the server shed them as overloaded) is taken out of picking for a while that grows with each
// ejection, as long as not too large a share of the endpoints is out already (so a bad deploy or
// a client-side network problem cannot eject everything). When its time is up it takes traffic
// again on probation: its first failure ejects it again at once, its first success clears it.
import { RpcErrorCode } from "../errors.js";

/** How failing endpoints are taken out of picking (`false` turns it off). */
export interface OutlierOptions {
  /** Failed calls in a row (transport failure or `overloaded`) that eject an endpoint. Default 5. */
  readonly consecutiveFailures?: number;
  /** First ejection time, in ms; the n-th ejection lasts n times this. Default 5_000. */
  readonly baseEjectionMs?: number;
  /** Longest ejection, in ms. Default 300_000. */
  readonly maxEjectionMs?: number;
  /**
   * Largest share of endpoints ejected at once, in percent: an endpoint is ejected only while
   * fewer than this share are out (so one may always go when there are two or more). Default 10.
   */
  readonly maxEjectedPercent?: number;
}

/** Outlier options with every default filled in; `consecutiveFailures` 0 means off. */
export interface ResolvedOutlierOptions {
  readonly consecutiveFailures: number;
  readonly baseEjectionMs: number;
  readonly maxEjectionMs: number;
  readonly maxEjectedPercent: number;
}

/** Fills in the defaults and checks values; throws a RangeError naming a bad option. */
export function resolveOutlierOptions(
  options: OutlierOptions | false | undefined,
): ResolvedOutlierOptions {
  if (options === false)
    return { consecutiveFailures: 0, baseEjectionMs: 1, maxEjectionMs: 1, maxEjectedPercent: 0 };
  const o = options ?? {};
  const check = (name: string, value: number | undefined, fallback: number, max = Infinity) => {
    if (value === undefined) return fallback;
    if (!(value > 0 && value <= max))
      throw new RangeError(
        `connect(): outlierEjection.${name} must be in (0, ${max}], got ${value}`,
      );
    return value;
  };
  return {
    consecutiveFailures: Math.floor(check("consecutiveFailures", o.consecutiveFailures, 5)),
    baseEjectionMs: check("baseEjectionMs", o.baseEjectionMs, 5_000),
    maxEjectionMs: check("maxEjectionMs", o.maxEjectionMs, 300_000),
    maxEjectedPercent: check("maxEjectedPercent", o.maxEjectedPercent, 10, 100),
  };
}

/** What a connection reports about each call it settles, so its endpoint can judge its health. */
export interface CallOutcomes {
  /** A reply arrived (a result, a declared exception or an application error other than shedding). */
  succeeded(): void;
  /** The call failed with `code` without a usable reply (transport failure, shed, deadline). */
  failed(code: RpcErrorCode): void;
}

/** Whether a failure says the endpoint (not the call) is bad: it counts toward ejection. */
export function countsAgainstEndpoint(code: RpcErrorCode): boolean {
  return (
    code === RpcErrorCode.UNAVAILABLE ||
    code === RpcErrorCode.CONNECTION_LOST ||
    code === RpcErrorCode.OVERLOADED
  );
}

/** The health of one endpoint as the detector tracks it. */
export interface Ejectable {
  /** Failed calls in a row. */
  consecutiveFailures: number;
  /** Epoch ms until which it is ejected; 0 when it is not. */
  ejectedUntil: number;
  /** Back from an ejection and not yet answered: one failure ejects it again. */
  probation: boolean;
  /** Times ejected in all. */
  ejections: number;
  /** The current ejection-time multiplier (decays while the endpoint stays healthy). */
  multiplier: number;
  /** When it was last ejected and last returned (epoch ms; 0 never). */
  lastEjectedAtMs: number;
  lastReturnedAtMs: number;
}

/** A fresh, healthy Ejectable. */
export function healthyState(): Ejectable {
  return {
    consecutiveFailures: 0,
    ejectedUntil: 0,
    probation: false,
    ejections: 0,
    multiplier: 0,
    lastEjectedAtMs: 0,
    lastReturnedAtMs: 0,
  };
}

/** One channel's ejection policy: counts who is out and decides who may go. */
export class OutlierDetector {
  private readonly options: ResolvedOutlierOptions;
  /** Endpoints ejected now (some may have served their time: see `restore`). */
  ejectedCount = 0;
  /** Earliest `ejectedUntil` among the ejected, so picking checks the clock only when due. */
  private nextReturnAt = Infinity;

  constructor(options: ResolvedOutlierOptions) {
    this.options = options;
  }

  /** A call on `e` succeeded: clears its failure run and probation. */
  succeeded(e: Ejectable): void {
    e.consecutiveFailures = 0;
    e.probation = false;
  }

  /**
   * A call on `e` failed with a code that counts: ejects it when the run is long enough (or it
   * is on probation) and the share allows, out of `fleetSize` endpoints. Returns whether it was.
   */
  failed(e: Ejectable, fleetSize: number, now: number): boolean {
    const { consecutiveFailures, baseEjectionMs, maxEjectionMs, maxEjectedPercent } = this.options;
    if (consecutiveFailures === 0 || e.ejectedUntil !== 0) return false;
    e.consecutiveFailures++;
    if (!e.probation && e.consecutiveFailures < consecutiveFailures) return false;
    // One endpoint alone is never ejected: there is nowhere else to send its calls.
    if (fleetSize < 2 || (this.ejectedCount / fleetSize) * 100 >= maxEjectedPercent) return false;
    // The multiplier decays by one per base ejection time the endpoint stayed in since it returned.
    const healthyFor = e.lastReturnedAtMs === 0 ? 0 : now - e.lastReturnedAtMs;
    e.multiplier = Math.max(0, e.multiplier - Math.floor(healthyFor / baseEjectionMs)) + 1;
    e.ejectedUntil = now + Math.min(maxEjectionMs, baseEjectionMs * e.multiplier);
    e.ejections++;
    e.lastEjectedAtMs = now;
    e.consecutiveFailures = 0;
    e.probation = false;
    this.ejectedCount++;
    if (e.ejectedUntil < this.nextReturnAt) this.nextReturnAt = e.ejectedUntil;
    return true;
  }

  /** Whether some ejected endpoint's time may be up (cheap: one comparison). */
  due(now: number): boolean {
    return this.ejectedCount > 0 && now >= this.nextReturnAt;
  }

  /** Returns every endpoint of `all` whose ejection has run out, on probation. */
  restore(all: readonly Ejectable[], now: number): void {
    let next = Infinity;
    for (const e of all) {
      if (e.ejectedUntil === 0) continue;
      if (e.ejectedUntil <= now) this.release(e, now, true);
      else if (e.ejectedUntil < next) next = e.ejectedUntil;
    }
    this.nextReturnAt = next;
  }

  /** Takes `e` out of the ejected count (its time is up, or it left the fleet). */
  release(e: Ejectable, now: number, probation: boolean): void {
    if (e.ejectedUntil === 0) return;
    e.ejectedUntil = 0;
    e.lastReturnedAtMs = now;
    e.probation = probation;
    this.ejectedCount--;
  }
}
