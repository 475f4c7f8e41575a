// The one value every system encodes, first as plain data (i64 as decimal strings, so it is
// exact and JSON-ready), then as each system holds it in its natural types. `canonicalOrder`
// turns any system's decoded value back into the plain form, so one comparison checks them all.
import { deepStrictEqual } from "node:assert/strict";

/** An Order as plain data: 64-bit integers as decimal strings, maps as records. */
export interface PlainOrder {
  readonly id: string;
  readonly customerId: string;
  readonly createdAtMs: string;
  readonly items: readonly PlainLineItem[];
  readonly shippingAddress: PlainAddress;
  readonly tags: readonly string[];
  readonly note: string;
  readonly currency: string;
}

/** A line item as plain data. */
export interface PlainLineItem {
  readonly productId: string;
  readonly sku: string;
  readonly title: string;
  readonly quantity: number;
  readonly unitPriceCents: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** An address as plain data. */
export interface PlainAddress {
  readonly recipient: string;
  readonly street: string;
  readonly city: string;
  readonly region: string;
  readonly postalCode: string;
  readonly country: string;
}

/** A receipt as plain data. */
export interface PlainReceipt {
  readonly orderId: string;
  readonly totalCents: string;
  readonly acceptedAtMs: string;
  readonly status: string;
}

const ITEMS: readonly [string, string, number, number, string, string][] = [
  ["TEE-BLK-M", "Cotton tee", 2, 2499, "size", "M"],
  ["MUG-350", "Ceramic mug", 1, 1450, "glaze", "matte"],
  ["SOCK-3P", "Wool socks", 3, 1899, "size", "42-45"],
  ["BAG-L", "Canvas tote", 1, 3200, "color", "natural"],
  ["NB-A5", "A5 notebook", 4, 899, "pages", "192"],
];

/**
 * The sample: one order with 5 line items of 2 attributes each, an address, 3 tags and a note.
 * Ids and timestamps are above 2^32 (the order id even above 2^53, as snowflake ids are).
 */
export const ORDER: PlainOrder = {
  id: "1800000000123456789",
  customerId: "73014444091",
  createdAtMs: "1767225600123",
  items: ITEMS.map(([sku, title, quantity, cents, key, value], i) => ({
    productId: String(5_000_000_000 + 7919 * (i + 1)),
    sku,
    title,
    quantity,
    unitPriceCents: String(cents),
    attributes: { [key]: value, depot: `FRA${i + 1}` },
  })),
  shippingAddress: {
    recipient: "Ada Lovelace",
    street: "12 Engine Lane",
    city: "London",
    region: "Greater London",
    postalCode: "NW1 6XE",
    country: "GB",
  },
  tags: ["gift", "express", "returning-customer"],
  note: "Leave the parcel with the concierge if nobody answers.",
  currency: "EUR",
};

/** How long after `createdAtMs` the server accepts an order, in milliseconds. */
export const ACCEPT_DELAY_MS = 250;

/** The receipt the server computes for an order: the total of its line items. */
export function receiptFor(order: PlainOrder): PlainReceipt {
  let total = 0n;
  for (const item of order.items) total += BigInt(item.quantity) * BigInt(item.unitPriceCents);
  return {
    orderId: order.id,
    totalCents: String(total),
    acceptedAtMs: String(BigInt(order.createdAtMs) + BigInt(ACCEPT_DELAY_MS)),
    status: "accepted",
  };
}

/** The receipt every RPC reply must carry. */
export const RECEIPT: PlainReceipt = receiptFor(ORDER);

/** Converts the i64 shapes the systems use (bigint, Long, node-int64, number, string) to a decimal string. */
export function i64String(value: unknown): string {
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "string":
      return value;
    case "number":
      if (!Number.isSafeInteger(value)) throw new TypeError(`unsafe i64 number ${value}`);
      return String(value);
    case "object": {
      if (value === null) break;
      // node-int64 (npm thrift): 8 bytes big-endian, two's complement.
      if ("toOctetString" in value && typeof value.toOctetString === "function") {
        const hex = (value.toOctetString as () => string).call(value);
        return BigInt.asIntN(64, BigInt(`0x${hex}`)).toString();
      }
      // Long (protobufjs): low and high 32-bit halves.
      if ("low" in value && "high" in value && typeof value.low === "number") {
        const high = BigInt(value.high as number);
        const low = BigInt((value.low as number) >>> 0);
        return BigInt.asIntN(64, (high << 32n) | low).toString();
      }
      break;
    }
    default:
      break;
  }
  throw new TypeError(`not an i64: ${String(value)}`);
}

type Loose = Record<string, unknown>;

function field(value: unknown, name: string): unknown {
  if (typeof value !== "object" || value === null) throw new TypeError(`not a struct at ${name}`);
  return (value as Loose)[name];
}

function str(value: unknown, name: string): string {
  if (typeof value !== "string")
    throw new TypeError(`${name}: expected a string, got ${typeof value}`);
  return value;
}

function plainMap(value: unknown, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  const entries =
    value instanceof Map ? [...value.entries()] : Object.entries((value ?? {}) as Loose);
  if (typeof value !== "object" || value === null) throw new TypeError(`${name}: expected a map`);
  for (const [k, v] of entries) out[str(k, `${name} key`)] = str(v, `${name}[${String(k)}]`);
  return out;
}

function plainList(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${name}: expected an array`);
  return value;
}

/** Reads any system's Order (decoded or sample) into plain data; throws on a wrong shape. */
export function canonicalOrder(order: unknown): PlainOrder {
  const address = field(order, "shippingAddress");
  const quantity = (item: unknown): number => {
    const q = field(item, "quantity");
    if (typeof q !== "number") throw new TypeError(`quantity: expected a number`);
    return q;
  };
  return {
    id: i64String(field(order, "id")),
    customerId: i64String(field(order, "customerId")),
    createdAtMs: i64String(field(order, "createdAtMs")),
    items: plainList(field(order, "items"), "items").map((item) => ({
      productId: i64String(field(item, "productId")),
      sku: str(field(item, "sku"), "sku"),
      title: str(field(item, "title"), "title"),
      quantity: quantity(item),
      unitPriceCents: i64String(field(item, "unitPriceCents")),
      attributes: plainMap(field(item, "attributes"), "attributes"),
    })),
    shippingAddress: {
      recipient: str(field(address, "recipient"), "recipient"),
      street: str(field(address, "street"), "street"),
      city: str(field(address, "city"), "city"),
      region: str(field(address, "region"), "region"),
      postalCode: str(field(address, "postalCode"), "postalCode"),
      country: str(field(address, "country"), "country"),
    },
    tags: plainList(field(order, "tags"), "tags").map((t) => str(t, "tags[]")),
    note: str(field(order, "note"), "note"),
    currency: str(field(order, "currency"), "currency"),
  };
}

/** Reads any system's Receipt into plain data. */
export function canonicalReceipt(receipt: unknown): PlainReceipt {
  return {
    orderId: i64String(field(receipt, "orderId")),
    totalCents: i64String(field(receipt, "totalCents")),
    acceptedAtMs: i64String(field(receipt, "acceptedAtMs")),
    status: str(field(receipt, "status"), "status"),
  };
}

/** Throws unless `order` (any system's shape) holds exactly the sample. */
export function assertSampleOrder(order: unknown, what: string): void {
  deepStrictEqual(canonicalOrder(order), ORDER, `${what} differs from the sample order`);
}

/** Throws unless `receipt` (any system's shape) is the receipt for the sample. */
export function assertSampleReceipt(receipt: unknown, what: string): void {
  deepStrictEqual(canonicalReceipt(receipt), RECEIPT, `${what} differs from the expected receipt`);
}

/**
 * Builds the sample in a system's natural types: `i64` converts a decimal string to the system's
 * 64-bit integer, `map` builds its string map, `struct` wraps a record in its struct type.
 */
export function buildOrder<I64, M>(types: {
  i64(decimal: string): I64;
  map(record: Readonly<Record<string, string>>): M;
  struct?: (type: "Order" | "LineItem" | "Address", fields: Record<string, unknown>) => unknown;
}): unknown {
  const struct = types.struct ?? ((_type, fields) => fields);
  const o = ORDER;
  return struct("Order", {
    id: types.i64(o.id),
    customerId: types.i64(o.customerId),
    createdAtMs: types.i64(o.createdAtMs),
    items: o.items.map((item) =>
      struct("LineItem", {
        productId: types.i64(item.productId),
        sku: item.sku,
        title: item.title,
        quantity: item.quantity,
        unitPriceCents: types.i64(item.unitPriceCents),
        attributes: types.map(item.attributes),
      }),
    ),
    shippingAddress: struct("Address", { ...o.shippingAddress }),
    tags: [...o.tags],
    note: o.note,
    currency: o.currency,
  });
}

/** Builds a receipt for a system: the same hooks as `buildOrder`, from plain data. */
export function buildReceipt<I64>(
  plain: PlainReceipt,
  types: { i64(decimal: string): I64; struct?: (fields: Record<string, unknown>) => unknown },
): unknown {
  const fields = {
    orderId: types.i64(plain.orderId),
    totalCents: types.i64(plain.totalCents),
    acceptedAtMs: types.i64(plain.acceptedAtMs),
    status: plain.status,
  };
  return types.struct ? types.struct(fields) : fields;
}
