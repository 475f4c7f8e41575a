// The pieces a channel balances a fleet with, without sockets: pickers (p2c, round-robin,
// least-pending, weights, tiers), the consistent-hashing ring (stability, movement on join and
// leave, next owner), outlier ejection (runs, growth, cap, share, probation) and the retry budget.
import { describe, expect, test } from "vitest";
import { createBalancer, type Balance, type Candidate } from "../../../runtime/client/balancer.js";
import { HashRing, hashKeyOf, type RingMember } from "../../../runtime/client/hash-ring.js";
import {
  healthyState,
  OutlierDetector,
  resolveOutlierOptions,
} from "../../../runtime/client/outlier.js";
import { RetryBudget } from "../../../runtime/client/retry-budget.js";

interface Item extends Candidate {
  name: string;
  load: number;
  weight: number;
  tier: number;
}
const item = (name: string, load = 0, tier = 2, weight = 1): Item => ({ name, load, tier, weight });

function picks(balance: Balance, items: Item[], count: number, exclude?: Item[]) {
  const balancer = createBalancer<Item>(balance);
  balancer.update(items);
  const tally = new Map(items.map((i) => [i.name, 0]));
  for (let i = 0; i < count; i++) {
    const picked = balancer.pick(exclude);
    tally.set(picked.name, tally.get(picked.name)! + 1);
  }
  return Object.fromEntries(tally);
}

describe("pickers", () => {
  test("p2c sends to the less loaded of two: the most loaded endpoint is never picked", () => {
    const items = [item("a", 0), item("b", 10), item("c", 20)];
    const tally = picks("p2c", items, 3_000);
    expect(tally.c).toBe(0); // whichever pair is drawn, c loses
    expect(tally.a).toBeGreaterThan(tally.b!);
  });

  test("p2c spreads evenly over equal endpoints", () => {
    const items = Array.from({ length: 5 }, (_, i) => item(`e${i}`));
    const tally = picks("p2c", items, 10_000);
    for (const count of Object.values(tally)) expect(count).toBeGreaterThan(1_500);
  });

  test.each<Balance>(["p2c", "round-robin", "least-pending"])(
    "%s skips ejected and backing-off endpoints, and the excluded one while another can take calls",
    (balance) => {
      const items = [item("up"), item("ejected", 0, 0), item("backoff", 0, 1), item("failed")];
      const tally = picks(balance, items, 400, [items[3]!]);
      expect(tally).toEqual({ up: 400, ejected: 0, backoff: 0, failed: 0 });
      // Nothing in tier 2: the best of the rest (backing off beats ejected).
      const down = [item("ejected", 0, 0), item("backoff", 5, 1)];
      expect(picks(balance, down, 50)).toEqual({ ejected: 0, backoff: 50 });
    },
  );

  test.each<Balance>(["p2c", "round-robin", "least-pending"])(
    "%s avoids every excluded endpoint while another can take calls",
    (balance) => {
      const items = [item("a"), item("b"), item("c")];
      expect(picks(balance, items, 300, [items[0]!, items[2]!])).toEqual({ a: 0, b: 300, c: 0 });
    },
  );

  test("round-robin takes turns", () => {
    const balancer = createBalancer<Item>("round-robin");
    const items = [item("a"), item("b"), item("c")];
    balancer.update(items);
    const order = Array.from({ length: 6 }, () => balancer.pick(undefined).name);
    expect(order).toEqual(["a", "b", "c", "a", "b", "c"]);
  });

  test.each<Balance>(["p2c", "round-robin"])("%s splits calls in proportion to weights", (b) => {
    // A canary at weight 1 beside two replicas at weight 4 and 5: 10 %, 40 %, 50 % of 20,000.
    const items = [item("canary", 0, 2, 1), item("small", 0, 2, 4), item("big", 0, 2, 5)];
    const tally = picks(b, items, 20_000);
    expect(tally.canary! / 20_000).toBeGreaterThan(0.07);
    expect(tally.canary! / 20_000).toBeLessThan(0.13);
    expect(tally.small! / 20_000).toBeGreaterThan(0.35);
    expect(tally.small! / 20_000).toBeLessThan(0.45);
    expect(tally.big! / 20_000).toBeGreaterThan(0.45);
    expect(tally.big! / 20_000).toBeLessThan(0.55);
  });

  test("p2c under load keeps pending calls, and so calls, in proportion to weights", () => {
    // A closed loop: 40 calls in flight, each finishing 40 picks after it started.
    const items = [item("canary", 0, 2, 1), item("big", 0, 2, 3)];
    const balancer = createBalancer<Item>("p2c");
    balancer.update(items);
    const inFlight: Item[] = [];
    let canary = 0;
    for (let i = 0; i < 20_000; i++) {
      const picked = balancer.pick(undefined);
      picked.load++;
      inFlight.push(picked);
      if (picked.name === "canary") canary++;
      if (inFlight.length > 40) inFlight.shift()!.load--;
    }
    expect(canary / 20_000).toBeGreaterThan(0.2);
    expect(canary / 20_000).toBeLessThan(0.3);
  });

  test("least-pending compares load per unit of weight", () => {
    // 6 pending at weight 4 is lighter than 2 pending at weight 1.
    const items = [item("light", 2, 2, 1), item("heavy", 6, 2, 4)];
    expect(picks("least-pending", items, 10)).toEqual({ light: 0, heavy: 10 });
  });
});

describe("consistent hashing", () => {
  const members = (n: number): RingMember[] =>
    Array.from({ length: n }, (_, i) => ({ address: `10.0.0.${i + 1}:9090`, weight: 1 }));
  const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
  const all = () => true;
  const owners = (ring: HashRing, list: RingMember[], usable: (i: number) => boolean = all) =>
    keys.map((k) => list[ring.owner(hashKeyOf(k), usable)]!.address);

  test("a key always goes to the same owner, and keys spread over every member", () => {
    const list = members(5);
    const first = owners(new HashRing(list), list);
    expect(owners(new HashRing(list), list)).toEqual(first);
    const share = new Map<string, number>();
    for (const o of first) share.set(o, (share.get(o) ?? 0) + 1);
    expect(share.size).toBe(5);
    for (const count of share.values()) {
      expect(count).toBeGreaterThan(1_300); // 2,000 each on average
      expect(count).toBeLessThan(2_700);
    }
  });

  test("a sixth member joining moves about 1/6 of the keys, all of them to it", () => {
    const five = members(5);
    const six = members(6);
    const before = owners(new HashRing(five), five);
    const after = owners(new HashRing(six), six);
    const moved = keys.filter((_, i) => before[i] !== after[i]);
    const fraction = moved.length / keys.length;
    expect(fraction).toBeGreaterThanOrEqual(0.1);
    expect(fraction).toBeLessThanOrEqual(0.25);
    for (const k of moved) expect(after[keys.indexOf(k)]).toBe(six[5]!.address);
  });

  test("a member leaving moves only its own keys", () => {
    const six = members(6);
    const five = six.slice(0, 5);
    const before = owners(new HashRing(six), six);
    const after = owners(new HashRing(five), five);
    keys.forEach((_, i) => {
      if (before[i] !== six[5]!.address) expect(after[i]).toBe(before[i]);
    });
  });

  test("an unusable owner's keys go to their next owner, and come back when it is usable", () => {
    const list = members(5);
    const ring = new HashRing(list);
    const before = owners(ring, list);
    const out = list[2]!.address;
    const during = owners(ring, list, (i) => i !== 2);
    expect(during).not.toContain(out);
    keys.forEach((_, i) => {
      if (before[i] !== out) expect(during[i]).toBe(before[i]);
    });
    // The same as if it had left the ring: its next owner on the ring.
    const without = list.filter((_, i) => i !== 2);
    expect(during).toEqual(owners(new HashRing(without), without));
    expect(owners(ring, list)).toEqual(before);
  });

  test("numbers and bigints hash as their decimal text", () => {
    expect(hashKeyOf(42)).toBe(hashKeyOf("42"));
    expect(hashKeyOf(42n)).toBe(hashKeyOf("42"));
  });

  test("a heavier member owns a larger share of the keys", () => {
    const list = [
      { address: "a:1", weight: 1 },
      { address: "b:1", weight: 3 },
    ];
    const share = owners(new HashRing(list), list).filter((o) => o === "b:1").length / keys.length;
    expect(share).toBeGreaterThan(0.65);
    expect(share).toBeLessThan(0.85);
  });
});

describe("outlier ejection", () => {
  const options = resolveOutlierOptions({
    consecutiveFailures: 3,
    baseEjectionMs: 1_000,
    maxEjectionMs: 2_500,
    maxEjectedPercent: 50,
  });

  test("defaults: 5 failures in a row, 5 s growing to 300 s, at most 10 % of endpoints", () => {
    expect(resolveOutlierOptions(undefined)).toEqual({
      consecutiveFailures: 5,
      baseEjectionMs: 5_000,
      maxEjectionMs: 300_000,
      maxEjectedPercent: 10,
    });
    expect(resolveOutlierOptions(false).consecutiveFailures).toBe(0);
    expect(() => resolveOutlierOptions({ maxEjectedPercent: 120 })).toThrow(
      "outlierEjection.maxEjectedPercent must be in (0, 100], got 120",
    );
  });

  test("a run of failures ejects; a success in between starts the run again", () => {
    const detector = new OutlierDetector(options);
    const e = healthyState();
    expect(detector.failed(e, 4, 0)).toBe(false);
    expect(detector.failed(e, 4, 0)).toBe(false);
    detector.succeeded(e);
    expect(detector.failed(e, 4, 0)).toBe(false);
    expect(detector.failed(e, 4, 0)).toBe(false);
    expect(detector.failed(e, 4, 10)).toBe(true);
    expect(e).toMatchObject({ ejectedUntil: 1_010, ejections: 1, lastEjectedAtMs: 10 });
    expect(detector.ejectedCount).toBe(1);
  });

  test("each ejection lasts longer, up to the cap; after it the endpoint is on probation", () => {
    const detector = new OutlierDetector(options);
    const e = healthyState();
    const lengths: number[] = [];
    let now = 0;
    for (let round = 0; round < 4; round++) {
      while (!detector.failed(e, 4, now));
      lengths.push(e.ejectedUntil - now);
      now = e.ejectedUntil;
      expect(detector.due(now - 1)).toBe(false);
      expect(detector.due(now)).toBe(true);
      detector.restore([e], now);
      expect(e.ejectedUntil).toBe(0);
      expect(e.probation).toBe(true);
    }
    // On probation a single failure ejects again, so the growth shows round after round.
    expect(lengths).toEqual([1_000, 2_000, 2_500, 2_500]);
    expect(e.ejections).toBe(4);
  });

  test("a replica that stayed healthy long enough starts again from the base time", () => {
    const detector = new OutlierDetector(options);
    const e = healthyState();
    while (!detector.failed(e, 4, 0));
    detector.restore([e], 1_000);
    detector.succeeded(e);
    // 10 base times later, healthy all along.
    while (!detector.failed(e, 4, 11_000));
    expect(e.ejectedUntil - 11_000).toBe(1_000);
  });

  test("never more than the share: 50 % of 4 is two; one endpoint alone is never ejected", () => {
    const detector = new OutlierDetector(options);
    const fleet = Array.from({ length: 4 }, healthyState);
    const ejected = fleet.map((e) => {
      for (let i = 0; i < 10; i++) if (detector.failed(e, 4, 0)) return true;
      return false;
    });
    expect(ejected).toEqual([true, true, false, false]);
    const alone = new OutlierDetector(options);
    const single = healthyState();
    for (let i = 0; i < 10; i++) expect(alone.failed(single, 1, 0)).toBe(false);
  });

  test("the default 10 % still lets one of two go, and only one of ten", () => {
    const detector = new OutlierDetector(resolveOutlierOptions({ consecutiveFailures: 1 }));
    const ten = Array.from({ length: 10 }, healthyState);
    expect(ten.filter((e) => detector.failed(e, 10, 0))).toHaveLength(1);
    const two = new OutlierDetector(resolveOutlierOptions({ consecutiveFailures: 1 }));
    expect([healthyState(), healthyState()].filter((e) => two.failed(e, 2, 0))).toHaveLength(1);
  });
});

describe("retry budget", () => {
  test("with no calls, the floor: 10 per second over 10 s is 100 retries", () => {
    const budget = new RetryBudget();
    let granted = 0;
    for (let i = 0; i < 1_000; i++) if (budget.tryRetry(50_000)) granted++;
    expect(granted).toBe(100);
  });

  test("20 % of the calls on top of the floor, and the window slides", () => {
    const budget = new RetryBudget({ minPerSecond: 0 });
    for (let i = 0; i < 1_000; i++) budget.called(100_000);
    let granted = 0;
    for (let i = 0; i < 1_000; i++) if (budget.tryRetry(100_500)) granted++;
    expect(granted).toBe(200);
    // 10 s later those calls and retries have left the window.
    expect(budget.tryRetry(110_000)).toBe(false);
    budget.called(110_000);
    budget.called(110_000);
    budget.called(110_000);
    budget.called(110_000);
    budget.called(110_000);
    expect(budget.tryRetry(110_000)).toBe(true);
    expect(budget.tryRetry(110_000)).toBe(false);
  });

  test("bad budgets are refused", () => {
    expect(() => new RetryBudget({ windowMs: 10 })).toThrow("retry.budget.windowMs");
    expect(() => new RetryBudget({ percent: -1 })).toThrow("retry.budget.percent");
  });
});
