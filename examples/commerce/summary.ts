// Step 4 of the demo: check the platform's end state against what the shoppers saw, and print
// the numbers. The checks are the point: concurrency bugs (overselling, lost orders) show here.
import { RECONCILED_CODES } from "./shopper.js";
import type { CallStats, RpcFailure } from "./stats.js";

/** One order line as the shopper saw it accepted. Money in minor units. */
export interface OrderLineFact {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPrice: bigint;
}

/** An order as a service reported it: its id, status, lines and total (minor units). */
export interface OrderFact {
  readonly orderId: string;
  /** Confirmed orders keep their stock; cancelled ones (declined, or cancelled later) gave it back. */
  readonly status: "confirmed" | "cancelled";
  readonly lines: readonly OrderLineFact[];
  readonly total: bigint;
}

/** What the workload observed, and what it read back from the services after the run. */
export interface RunFacts {
  /** Seconds the shoppers shopped, for throughput. */
  readonly seconds: number;
  /** Product id → units in stock when the catalog was seeded. */
  readonly initialStock: ReadonlyMap<string, number>;
  /** Product id → units the inventory service reports after the run. */
  readonly finalStock: ReadonlyMap<string, number>;
  /** Every order placeOrder accepted, as the shopper last saw it (after any cancelOrder). */
  readonly placed: readonly OrderFact[];
  /** Placed orders read back with getOrder after the run, by id (missing ones absent). */
  readonly fetched: ReadonlyMap<string, OrderFact>;
  /** Order ids that listOrders returned for the shoppers' users after the run. */
  readonly listed: ReadonlySet<string>;
  /** Calls that failed differently from what the shopper set out to provoke, described. */
  readonly surprises: readonly string[];
  /** Orders placed twice with the same request id, and how many of those got a second order. */
  readonly retries: { readonly sent: number; readonly duplicated: number };
  /** Request ids the shoppers were answered with two different orders for. */
  readonly placedTwice: readonly string[];
  /** Orders the order service holds after the run (its health() count). */
  readonly storedOrders: number;
  /** Orders with money held for them, and orders with more than one authorization holding money. */
  readonly payments: { readonly held: number; readonly chargedTwice: number };
  /** Every call that failed with a runtime error (RpcError) after the channel's retries. */
  readonly rpcFailures: readonly RpcFailure[];
  /** Non-idempotent calls that failed with "connection-lost", and the placeOrders reconciled. */
  readonly lost: {
    readonly placeOrders: number;
    readonly reconciled: number;
    readonly views: number;
  };
}

/** One invariant: its statement, whether it held, and a detail line (the evidence or the first failure). */
export interface InvariantResult {
  readonly statement: string;
  readonly holds: boolean;
  readonly detail: string;
}

/** Checks the demo's invariants against what was observed. */
export function checkInvariants(facts: RunFacts): InvariantResult[] {
  const sold = new Map<string, number>();
  for (const order of facts.placed) {
    if (order.status !== "confirmed") continue;
    for (const line of order.lines) {
      sold.set(line.productId, (sold.get(line.productId) ?? 0) + line.quantity);
    }
  }
  const unitsSold = [...sold.values()].reduce((a, b) => a + b, 0);
  const oversold = [...sold].filter(([id, units]) => units > (facts.initialStock.get(id) ?? 0));
  const miscounted = [...facts.initialStock].filter(
    ([id, initial]) => facts.finalStock.get(id) !== initial - (sold.get(id) ?? 0),
  );
  const seenOrders = [...facts.placed, ...facts.fetched.values()];
  const badTotals = seenOrders.filter((o) => o.total !== sumOfLines(o));
  const lost = facts.placed.filter((o) => !facts.fetched.has(o.orderId));
  const unlisted = facts.placed.filter((o) => !facts.listed.has(o.orderId));
  const changed = facts.placed.filter((o) => {
    const stored = facts.fetched.get(o.orderId);
    return stored !== undefined && stored.status !== o.status;
  });
  const { sent, duplicated } = facts.retries;
  const placedIds = new Set(facts.placed.map((o) => o.orderId));
  const unknownListed = [...facts.listed].filter((id) => !placedIds.has(id));
  const confirmed = facts.placed.filter((o) => o.status === "confirmed").length;
  const idempotentFailures = facts.rpcFailures.filter((f) => f.idempotent);
  const unclear = facts.rpcFailures.filter((f) => !f.idempotent && !RECONCILED_CODES.has(f.code));
  const { placeOrders: lostOrders, reconciled, views: lostViews } = facts.lost;

  return [
    check(
      "no product oversold",
      oversold.map(
        ([id, units]) => `product ${id}: ${units} sold, ${facts.initialStock.get(id)} in stock`,
      ),
      `${unitsSold} units sold across ${sold.size} products`,
    ),
    check(
      "final stock = initial stock − units sold, for every product",
      miscounted.map(
        ([id, initial]) =>
          `product ${id}: inventory has ${facts.finalStock.get(id)}, expected ${initial - (sold.get(id) ?? 0)}`,
      ),
      `${facts.initialStock.size} products checked`,
    ),
    check(
      "every order's total equals the sum of its lines",
      badTotals.map((o) => `order ${o.orderId}: total ${o.total}, lines sum to ${sumOfLines(o)}`),
      `${seenOrders.length} totals checked, as placed and as read back`,
    ),
    check(
      "no order lost",
      [
        ...lost.map((o) => `order ${o.orderId} not found by getOrder`),
        ...unlisted.map((o) => `order ${o.orderId} missing from listOrders`),
        ...changed.map((o) => `order ${o.orderId} is not ${o.status} as last seen`),
      ],
      `${facts.placed.length} orders found by getOrder and listOrders, status as last seen`,
    ),
    check(
      "a retried placeOrder (same request id) places one order",
      duplicated > 0 ? [`${duplicated} of ${sent} retries placed a second order`] : [],
      `${sent} retries, each answered with the first order`,
    ),
    check(
      "every failed call failed the way the shopper provoked",
      facts.surprises,
      "no unexpected outcome",
    ),
    check(
      "no order placed twice",
      [
        ...facts.placedTwice.map((p) => `request ${p}`),
        ...unknownListed.map((id) => `order ${id} was listed but no shopper was answered with it`),
        ...(facts.storedOrders !== facts.placed.length
          ? [`orders holds ${facts.storedOrders} orders, shoppers placed ${facts.placed.length}`]
          : []),
      ],
      `${facts.storedOrders} orders stored, one per request id answered`,
    ),
    check(
      "no payment authorized twice",
      [
        ...(facts.payments.chargedTwice !== 0
          ? [`${facts.payments.chargedTwice} orders hold two authorizations`]
          : []),
        ...(facts.payments.held !== confirmed
          ? [`payments holds money for ${facts.payments.held} orders, ${confirmed} are confirmed`]
          : []),
      ],
      `money held for ${facts.payments.held} orders, the ${confirmed} confirmed ones`,
    ),
    check(
      "no idempotent call failed",
      idempotentFailures.map((f) => `${f.method} failed with ${f.code}`),
      "every one that met a dying replica was retried on another",
    ),
    check(
      "every other failed call failed with connection-lost and was reconciled",
      [
        ...unclear.map((f) => `${f.method} failed with ${f.code}`),
        ...(reconciled !== lostOrders
          ? [`${lostOrders - reconciled} of ${lostOrders} lost placeOrders not reconciled`]
          : []),
      ],
      `${lostOrders} placeOrders lost and reconciled by request id, ${lostViews} oneway views lost`,
    ),
  ];
}

/** An invariant that holds when there are no `failures`; the detail is the evidence or the first failures. */
function check(statement: string, failures: readonly string[], evidence: string): InvariantResult {
  if (failures.length === 0) return { statement, holds: true, detail: evidence };
  const shown = failures.slice(0, 3).join("; ");
  const more = failures.length > 3 ? ` and ${failures.length - 3} more` : "";
  return { statement, holds: false, detail: `${shown}${more}` };
}

/** The summary printed at the end of a run: calls, errors, latency, invariants. */
export function formatSummary(
  stats: CallStats,
  facts: RunFacts,
  invariants: readonly InvariantResult[],
): string {
  const out: string[] = [];
  const rate = (calls: number): string => (calls / facts.seconds).toFixed(1);

  const cancelled = facts.placed.filter((o) => o.status === "cancelled").length;
  out.push(
    `${stats.calls} calls in ${facts.seconds.toFixed(1)}s (${rate(stats.calls)} calls/s); ` +
      `${facts.placed.length} orders placed, ${cancelled} of them cancelled`,
    "",
    row(["calls by method", "calls", "errors", "calls/s", "p50 ms", "p99 ms"]),
  );
  for (const m of stats.byMethod()) {
    const ms = (value: number): string => value.toFixed(2);
    out.push(row([m.method, m.calls, m.errors, rate(m.calls), ms(m.p50Ms), ms(m.p99Ms)]));
  }

  out.push("", row(["errors by type", "count"]));
  const errors = stats.errorsByType();
  if (errors.length === 0) out.push("  (none)");
  for (const [type, count] of errors) out.push(row([type, count]));

  out.push("", "invariants");
  for (const { statement, holds, detail } of invariants) {
    out.push(`  ${holds ? "✓" : "✗ FAILED:"} ${statement} (${detail})`);
  }
  const failed = invariants.filter((i) => !i.holds).length;
  out.push(
    "",
    failed === 0
      ? `all ${invariants.length} invariants hold`
      : `${failed} of ${invariants.length} invariants FAILED`,
  );
  return out.join("\n");
}

function sumOfLines(order: OrderFact): bigint {
  return order.lines.reduce((sum, l) => sum + l.unitPrice * BigInt(l.quantity), 0n);
}

/** A table row: the first cell left-aligned and wide, the numbers right-aligned. */
function row([first, ...numbers]: readonly (string | number)[]): string {
  return `  ${String(first).padEnd(34)}${numbers.map((n) => String(n).padStart(9)).join("")}`;
}
