// How a channel picks the endpoint for a call. Every endpoint has a tier (2: can take calls now;
// 1: its connections are backing off after failed connects; 0: ejected as an outlier, or the
// endpoint whose attempt just failed) and a load (calls awaiting replies) per unit of weight. A
// picker takes the best tier it can find, and the lightest load among equals:
// - "p2c" (power of two choices, Finagle's default): two endpoints drawn at random (in
//   proportion to their weights), the less loaded wins. O(1) per call whatever the fleet size,
//   and it avoids both the herding of least-pending and the blindness of round-robin.
// - "round-robin": turns, weighted the smooth way nginx does it (O(n) per call when weighted).
// - "least-pending": the least loaded of all (O(n) per call).
// A picker falls back to a scan of all endpoints only when its first choice is not in tier 2.

/** How a channel picks the endpoint for a call (then a connection of that endpoint's pool). */
export type Balance = "p2c" | "round-robin" | "least-pending";

/** What a connection pool picks among: a connection with its calls awaiting replies. */
export interface Pickable {
  /** Calls awaiting a reply. */
  readonly load: number;
  /** False while it is known to be unreachable (backing off after a failed connect, draining). */
  readonly available: boolean;
}

/** What a balancer picks among: an endpoint. */
export interface Candidate {
  /** Calls awaiting replies on its connections. */
  readonly load: number;
  /** Relative share of the calls it should take (> 0). */
  readonly weight: number;
  /** 2: usable now; 1: backing off; 0: ejected. */
  readonly tier: number;
}

/** Picks an endpoint among a non-empty list for each call. */
export interface Balancer<T extends Candidate> {
  /** Replaces the endpoints (same order as the channel keeps them). */
  update(items: readonly T[]): void;
  /** Picks one; one of `exclude` (endpoints this call already failed on) only if nothing else. */
  pick(exclude: readonly T[] | undefined): T;
}

/** Creates the picker for `balance`. */
export function createBalancer<T extends Candidate>(balance: Balance): Balancer<T> {
  switch (balance) {
    case "p2c":
      return new PowerOfTwoChoices<T>();
    case "round-robin":
      return new RoundRobin<T>();
    case "least-pending":
      return new LeastPending<T>();
  }
}

function tierOf<T extends Candidate>(item: T, exclude: readonly T[] | undefined): number {
  return exclude !== undefined && exclude.includes(item) ? -1 : item.tier;
}

/**
 * Whether `a` is a better choice than `b`: higher tier, else lower load per unit of weight (so
 * under load, pending calls settle in proportion to the weights). Equal loads (an idle fleet)
 * are a tie, which the caller breaks by its own draw: p2c's draws follow the weights.
 */
function better<T extends Candidate>(a: T, b: T, exclude: readonly T[] | undefined): boolean {
  const ta = tierOf(a, exclude);
  const tb = tierOf(b, exclude);
  if (ta !== tb) return ta > tb;
  return a.load * b.weight < b.load * a.weight;
}

/** The best of all items: the fallback when a picker's first choice cannot take calls. */
function bestOf<T extends Candidate>(items: readonly T[], exclude: readonly T[] | undefined): T {
  let best = items[0]!;
  for (let i = 1; i < items.length; i++) if (better(items[i]!, best, exclude)) best = items[i]!;
  return best;
}

/**
 * Walker/Vose alias table: draws index i with probability weight[i] / Σ weights in O(1).
 * Built in O(n) when the endpoints change; with equal weights it is not used at all.
 */
class AliasTable {
  private readonly probability: Float64Array;
  private readonly alias: Uint32Array;

  constructor(weights: readonly number[]) {
    const n = weights.length;
    const total = weights.reduce((a, b) => a + b, 0);
    const scaled = weights.map((w) => (w * n) / total);
    this.probability = new Float64Array(n);
    this.alias = new Uint32Array(n);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.probability[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) this.probability[i] = 1;
  }

  draw(): number {
    const n = this.probability.length;
    const x = Math.random() * n;
    const i = Math.min(n - 1, Math.floor(x));
    return x - i < this.probability[i]! ? i : this.alias[i]!;
  }
}

function weighted(items: readonly Candidate[]): boolean {
  return items.some((item) => item.weight !== items[0]!.weight);
}

class PowerOfTwoChoices<T extends Candidate> implements Balancer<T> {
  private items: readonly T[] = [];
  private table: AliasTable | undefined;

  update(items: readonly T[]): void {
    this.items = items;
    this.table = weighted(items) ? new AliasTable(items.map((i) => i.weight)) : undefined;
  }

  private draw(): number {
    return this.table?.draw() ?? Math.floor(Math.random() * this.items.length);
  }

  pick(exclude: readonly T[] | undefined): T {
    const items = this.items;
    const n = items.length;
    if (n === 1) return items[0]!;
    const a = this.draw();
    let b = this.draw();
    // Two distinct endpoints: a heavy weight may draw itself twice; take a neighbour then.
    if (b === a)
      b =
        this.table === undefined ? (a + 1 + Math.floor(Math.random() * (n - 1))) % n : (a + 1) % n;
    const first = items[a]!;
    const second = items[b]!;
    const chosen = better(second, first, exclude) ? second : first;
    return tierOf(chosen, exclude) === 2 ? chosen : bestOf(items, exclude);
  }
}

class RoundRobin<T extends Candidate> implements Balancer<T> {
  private items: readonly T[] = [];
  private turn = -1;
  /** Smooth weighted round-robin state (nginx): current weight per item; empty if unweighted. */
  private current: Float64Array | undefined;

  update(items: readonly T[]): void {
    this.items = items;
    this.current = weighted(items) ? new Float64Array(items.length) : undefined;
    if (this.turn >= items.length) this.turn = -1;
  }

  pick(exclude: readonly T[] | undefined): T {
    const items = this.items;
    const current = this.current;
    if (current !== undefined) return this.pickWeighted(items, current, exclude);
    for (let tries = 0; tries < items.length; tries++) {
      this.turn = this.turn + 1 >= items.length ? 0 : this.turn + 1;
      const item = items[this.turn]!;
      if (tierOf(item, exclude) === 2) return item;
    }
    return bestOf(items, exclude);
  }

  /** Each usable item gains its weight; the highest is picked and pays the usable total back. */
  private pickWeighted(
    items: readonly T[],
    current: Float64Array,
    exclude: readonly T[] | undefined,
  ): T {
    let total = 0;
    let best = -1;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (tierOf(item, exclude) !== 2) continue;
      current[i]! += item.weight;
      total += item.weight;
      if (best < 0 || current[i]! > current[best]!) best = i;
    }
    if (best < 0) return bestOf(items, exclude);
    current[best]! -= total;
    return items[best]!;
  }
}

class LeastPending<T extends Candidate> implements Balancer<T> {
  private items: readonly T[] = [];

  update(items: readonly T[]): void {
    this.items = items;
  }

  pick(exclude: readonly T[] | undefined): T {
    return bestOf(this.items, exclude);
  }
}
