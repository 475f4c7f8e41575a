// One simulated shopper: browses the catalog, then places an order, again and again until time
// is up. Most orders are fine; some are wrong on purpose, as real traffic is, and each one checks
// that it failed the way it should have.
import { RpcError, RpcErrorCode } from "idlc/runtime";
import {
  InvalidRequest,
  NotFound,
  OrderStatus,
  OutOfStock,
  PaymentStatus,
  type Order,
  type OrderLine,
  type PaymentMethod,
  type PlaceOrderRequest,
  type Product,
  type ProductId,
  type UserId,
} from "../../generated/commerce.js";
import type { Platform } from "./platform.js";
import type { OrderFact } from "./summary.js";

/** What shoppers saw, shared by all of them; read by the progress display and the summary. */
export class Observations {
  /** Every order placeOrder accepted, with the status the shopper saw last. */
  readonly placed = new Map<bigint, OrderFact>();
  /** Calls that did not end the way the shopper expected, described. */
  readonly surprises: string[] = [];
  readonly retries = { sent: 0, duplicated: 0 };
  /** Order id each request id was answered with; a second, different id is a double order. */
  readonly orderByRequest = new Map<string, bigint>();
  /** Request ids that were answered with two different orders. */
  readonly placedTwice: string[] = [];
  /**
   * Calls that were not idempotent and failed with "connection-lost" (a replica died under
   * them: they may or may not have run) or "overloaded", and how many placeOrders were reconciled.
   */
  readonly lost = { placeOrders: 0, reconciled: 0, views: 0 };
}

/** What a shopper sets out to do with one order, including the mistakes real clients make. */
type Intent =
  | "launch-drop" // one of the 3 launch posters, at the same moment as every other shopper
  | "buy" // a good order; may still meet OutOfStock on a scarce item
  | "declined-card" // a good order paid with a card the provider declines
  | "unknown-product" // → NotFound
  | "unknown-user" // → NotFound
  | "empty-order" // → InvalidRequest
  | "bad-quantity"; // → InvalidRequest

/**
 * Three orders in four are good; the others are paid with a card that gets declined, or are
 * wrong on purpose. Each shopper starts at a different place in this list.
 */
// prettier-ignore
const INTENTS: readonly Intent[] = [
  "buy", "buy", "buy", "unknown-product", "buy",
  "buy", "declined-card", "buy", "buy", "empty-order",
  "buy", "buy", "unknown-user", "buy", "buy",
  "buy", "bad-quantity", "buy", "buy", "buy",
];

/** The intents whose orders may be accepted. */
const MAY_SUCCEED: ReadonlySet<Intent> = new Set(["launch-drop", "buy", "declined-card"]);

/** Codes of non-idempotent calls the shopper reconciles by request id (see isUnsettled). */
export const RECONCILED_CODES: ReadonlySet<string> = new Set([
  RpcErrorCode.CONNECTION_LOST,
  "overloaded",
]);

/** Tries of a placeOrder whose outcome is unknown (connection lost), with the same request id. */
const RECONCILE_ATTEMPTS = 5;
/** Pause before each reconciling try, in milliseconds. */
const RECONCILE_PAUSE_MS = 200;

/** Ids that no service ever hands out (they count up from small numbers). */
const UNKNOWN_ID = 987_654_321n;

/** The shop as the shopper knows it, and who they are. */
export interface ShopperSetup {
  readonly index: number;
  readonly userId: UserId;
  readonly products: readonly Product[];
  /** Ids of the scarce products, which the shopper is keen on. */
  readonly scarce: readonly ProductId[];
  /** The product every shopper orders first (catalog.ts). */
  readonly launchDrop: ProductId;
}

/** Everything one shopper's steps need. */
interface Trip {
  readonly platform: Platform;
  readonly me: ShopperSetup;
  readonly seen: Observations;
  readonly random: () => number;
  /** Aborted when the run stops early; passed to every call so in-flight ones are cancelled. */
  readonly signal: AbortSignal;
}

/** Shops until `done()` says so or until `signal` aborts. */
export async function goShopping(
  platform: Platform,
  me: ShopperSetup,
  seen: Observations,
  done: () => boolean,
  signal: AbortSignal,
): Promise<void> {
  const trip: Trip = { platform, me, seen, random: seededRandom(me.index + 1), signal };
  const first = me.index * 7; // shoppers start at different places in INTENTS
  for (let n = first; !done() && !signal.aborted; n++) {
    try {
      await browse(trip);
      await placeOrder(trip, n === first ? "launch-drop" : INTENTS[n % INTENTS.length]!, n);
    } catch (error) {
      // Nothing else should fail. Note it (the summary reports it) and shop on.
      if (!signal.aborted) seen.surprises.push(describe(error));
    }
  }
}

/** Looks around the catalog the way a shopper does: a page, a search, a product page. */
async function browse({ platform: { products }, me, seen, random, signal }: Trip): Promise<void> {
  const options = { signal };
  const page = await products.listProducts({ category: "apparel", pageSize: 3 }, options);
  if (page.nextPageToken !== undefined) {
    const { nextPageToken: pageToken } = page;
    await products.listProducts({ category: "apparel", pageSize: 3, pageToken }, options);
  }
  const maxPrice = { currency: "EUR", units: 2500n };
  await products.search({ text: "tee", maxPrice, categories: new Set(), limit: 10 }, options);
  const product = pick(me.products, random);
  await products.getProduct(product.id, options);
  // Oneway: resolves once the bytes are written; the service counts the view later. A view
  // whose connection broke before it was written may or may not count: nothing to reconcile.
  try {
    await products.recordView(product.id, me.userId, options);
  } catch (error) {
    if (!isUnsettled(error)) throw error;
    seen.lost.views++;
  }
}

/** Places one order with `intent`, and checks the outcome is the one the intent calls for. */
async function placeOrder(trip: Trip, intent: Intent, n: number): Promise<void> {
  const { platform, seen, random, signal } = trip;
  const request = orderRequest(trip, intent, n);
  let order: Order;
  try {
    order = await placeReconciled(trip, request);
  } catch (error) {
    if (signal.aborted) return; // the run is being stopped; nothing to learn from this call
    if (!isExpectedFailure(intent, error)) seen.surprises.push(`${intent}: ${describe(error)}`);
    return;
  }
  noteAnswer(seen, request.requestId, order);
  const expected = intent === "declined-card" ? OrderStatus.CANCELLED : OrderStatus.CONFIRMED;
  if (!MAY_SUCCEED.has(intent) || order.status !== expected) {
    seen.surprises.push(`${intent}: placeOrder returned an order with status ${order.status}`);
  }
  seen.placed.set(order.id, factOf(order));

  // Some clients retry after a timeout that was really a slow success; the request id makes
  // the retry return the same order instead of placing (and charging) a second one.
  if (random() < 0.1) {
    seen.retries.sent++;
    const again = await placeReconciled(trip, request);
    noteAnswer(seen, request.requestId, again);
    if (again.id !== order.id) {
      seen.retries.duplicated++;
      seen.placed.set(again.id, factOf(again));
    }
  }
  // Some shoppers change their mind: the stock goes back on the shelf, the payment is voided.
  if (order.status === OrderStatus.CONFIRMED && random() < 0.05) {
    const cancelled = await platform.orders.cancelOrder(order.id, { signal });
    const { status, paymentStatus } = cancelled;
    if (status !== OrderStatus.CANCELLED || paymentStatus !== PaymentStatus.VOIDED) {
      seen.surprises.push(`cancelOrder returned status ${status}, payment ${paymentStatus}`);
    }
    seen.placed.set(order.id, factOf(cancelled));
  }
}

/**
 * Places an order. placeOrder is not idempotent, so the runtime does not retry it when its
 * connection breaks ("connection-lost": the replica died, the order may or may not exist). The
 * shopper knows better: the request id makes a second placeOrder return the first order if
 * there is one, and place it otherwise, so it asks again with the same request id.
 */
async function placeReconciled(
  { platform, seen, signal }: Trip,
  request: PlaceOrderRequest,
): Promise<Order> {
  try {
    return await platform.orders.placeOrder(request, { signal });
  } catch (error) {
    if (!isUnsettled(error)) throw error;
    seen.lost.placeOrders++;
    for (let attempt = 1; ; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, RECONCILE_PAUSE_MS));
      try {
        const order = await platform.orders.placeOrder(request, { signal });
        seen.lost.reconciled++;
        return order;
      } catch (again) {
        if (!isUnsettled(again)) {
          seen.lost.reconciled++; // a definite answer (OutOfStock, …): the outcome is known
          throw again;
        }
        if (attempt >= RECONCILE_ATTEMPTS) throw again;
      }
    }
  }
}

/** Remembers which order a request id was answered with; a different one is a double order. */
function noteAnswer(seen: Observations, requestId: string, order: Order): void {
  const earlier = seen.orderByRequest.get(requestId);
  if (earlier === undefined) seen.orderByRequest.set(requestId, order.id);
  else if (earlier !== order.id)
    seen.placedTwice.push(`${requestId}: orders ${earlier} and ${order.id}`);
}

/**
 * Whether a call that is not idempotent failed in a way the shopper settles by asking again
 * with the same request id: "connection-lost" (it may or may not have run), or "overloaded"
 * (shed by a server that never ran it, from runtimes with load shedding).
 */
function isUnsettled(error: unknown): boolean {
  return error instanceof RpcError && RECONCILED_CODES.has(error.code);
}

/** Builds the placeOrder request for an intent. */
function orderRequest({ me, random }: Trip, intent: Intent, n: number): PlaceOrderRequest {
  const everyday = me.products.filter((p) => !me.scarce.includes(p.id));
  const lines: OrderLine[] = [];
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    // One line in ten is a scarce item: that is where shoppers collide.
    const productId = random() < 0.1 ? pick(me.scarce, random) : pick(everyday, random).id;
    lines.push({ productId, quantity: 1 + Math.floor(random() * 2), attributes: new Map() });
  }
  const card: PaymentMethod = {
    kind: "card",
    value: { token: `tok_visa_${me.index}`, last4: "4242", expiryMonth: 12, expiryYear: 2099 },
  };
  const request: PlaceOrderRequest = {
    requestId: `shopper-${me.index}-order-${n}-${random().toString(36).slice(2)}`,
    userId: me.userId,
    lines,
    payment: card,
    tags: new Set(["demo"]),
  };
  switch (intent) {
    case "launch-drop":
      return {
        ...request,
        lines: [{ productId: me.launchDrop, quantity: 1, attributes: new Map() }],
      };
    case "buy":
      return request;
    case "declined-card": // the pretend provider declines this token (services/payments.ts)
      return {
        ...request,
        payment: { kind: "card", value: { ...card.value, token: "tok_declined" } },
      };
    case "unknown-product":
      return {
        ...request,
        lines: [...lines, { productId: UNKNOWN_ID, quantity: 1, attributes: new Map() }],
      };
    case "unknown-user":
      return { ...request, userId: UNKNOWN_ID };
    case "empty-order":
      return { ...request, lines: [] };
    case "bad-quantity":
      return { ...request, lines: [{ ...lines[0]!, quantity: -1 }] };
  }
}

/** Whether `error` is how an order with this intent is supposed to fail. */
function isExpectedFailure(intent: Intent, error: unknown): boolean {
  switch (intent) {
    case "launch-drop":
    case "buy":
    case "declined-card":
      return error instanceof OutOfStock; // stock is reserved before the payment is tried
    case "unknown-product":
      return error instanceof NotFound && error.entity === "product";
    case "unknown-user":
      return error instanceof NotFound && error.entity === "user";
    case "empty-order":
    case "bad-quantity":
      return error instanceof InvalidRequest;
  }
}

/** An order as the summary compares it. */
export function factOf(order: Order): OrderFact {
  return {
    orderId: String(order.id),
    status: order.status === OrderStatus.CONFIRMED ? "confirmed" : "cancelled",
    lines: order.items.map((item) => ({
      productId: String(item.productId),
      quantity: item.quantity,
      unitPrice: item.unitPrice.units,
    })),
    total: order.total.units,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A small seeded generator (mulberry32): each shopper makes the same choices on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
