// The inventory service: stock per product, and all-or-nothing reservations keyed by request id.
//
// Why this is safe under concurrent calls without locks: Node runs one piece of JavaScript at a
// time, and every method here is synchronous: it checks and updates the stock without an
// `await` in between, so no other call can run between "is there enough?" and "take it".
// (A store behind a database would need a transaction or a conditional update instead.)
import {
  InvalidRequest,
  InventoryService,
  MAX_LINE_ITEMS,
  MAX_QUANTITY_PER_LINE,
  NotFound,
  OutOfStock,
  RESERVATION_TTL_MS,
  type InventoryServiceHandler,
  type ProductId,
  type RequestId,
  type ReserveRequest,
  type Reservation,
  type StockLevel,
} from "../../../generated/commerce.js";
import { createBaseHandler } from "./base.js";
import { serve } from "./serve.js";

/** A reservation and where it is in its life: held → committed (sold) or released. */
interface Held {
  readonly reservation: Reservation;
  /** Units per product, duplicates of a product summed. */
  readonly units: ReadonlyMap<ProductId, number>;
  state: "held" | "committed" | "released";
}

/** How often held reservations are checked for expiry, in milliseconds. */
const EXPIRY_SWEEP_MS = 1_000;

/** An InventoryService handler over an in-memory stock ledger. */
export function createInventoryHandler(): InventoryServiceHandler {
  const stock = new Map<ProductId, { available: number; reserved: number }>();
  const reservations = new Map<RequestId, Held>();

  const levelOf = (productId: ProductId): StockLevel => {
    const level = stock.get(productId);
    if (!level) {
      const message = `no stock record for product ${productId}`;
      throw new NotFound({ message, entity: "product", key: String(productId) });
    }
    return { productId, ...level };
  };
  const heldOf = (requestId: RequestId): Held => {
    const held = reservations.get(requestId);
    if (!held) {
      const message = `no reservation ${requestId}`;
      throw new NotFound({ message, entity: "reservation", key: requestId });
    }
    return held;
  };
  const giveBack = (held: Held): void => {
    for (const [productId, units] of held.units) {
      const level = stock.get(productId)!;
      level.available += units;
      // Committed units were already moved out of `reserved` when they were sold.
      if (held.state === "held") level.reserved -= units;
    }
    held.state = "released";
  };

  // Stock held for a request that is never committed or released (its caller crashed) comes back.
  const sweep = setInterval(() => {
    const now = BigInt(Date.now());
    for (const held of reservations.values()) {
      if (held.state === "held" && held.reservation.expiresAt <= now) giveBack(held);
    }
  }, EXPIRY_SWEEP_MS);
  sweep.unref(); // the sweep alone must not keep the process running

  return {
    ...createBaseHandler("inventory", () => ({
      products: stock.size,
      reservations: reservations.size,
    })),

    setStock(productId: ProductId, available: number): StockLevel {
      if (!Number.isInteger(available) || available < 0) {
        throw new InvalidRequest({ message: "available must be 0 or more", field: "available" });
      }
      const level = stock.get(productId) ?? { available: 0, reserved: 0 };
      level.available = available;
      stock.set(productId, level);
      return { productId, ...level };
    },

    getStock: levelOf,

    getStockLevels(productIds: ProductId[]): Map<ProductId, StockLevel> {
      const levels = new Map<ProductId, StockLevel>();
      for (const id of productIds) if (stock.has(id)) levels.set(id, levelOf(id));
      return levels;
    },

    reserve(request: ReserveRequest): Reservation {
      // A retry of a reservation that is still held or already sold gets the same answer; one
      // that was released reserves again (its caller started over).
      const existing = reservations.get(request.requestId);
      if (existing && existing.state !== "released") return existing.reservation;

      const units = unitsPerProduct(request);
      // Check every line first, then take: all or nothing, and no await in between.
      for (const [productId, wanted] of units) {
        const { available } = levelOf(productId);
        if (available < wanted) {
          throw new OutOfStock({
            message: `only ${available} of product ${productId} left, ${wanted} requested`,
            productId,
            requested: wanted,
            available,
          });
        }
      }
      for (const [productId, wanted] of units) {
        const level = stock.get(productId)!;
        level.available -= wanted;
        level.reserved += wanted;
      }
      const reservation: Reservation = {
        requestId: request.requestId,
        lines: request.lines,
        expiresAt: BigInt(Date.now()) + RESERVATION_TTL_MS,
      };
      reservations.set(request.requestId, { reservation, units, state: "held" });
      return reservation;
    },

    commit(requestId: RequestId): void {
      const held = heldOf(requestId);
      if (held.state === "committed") return;
      if (held.state === "released") {
        const message = `reservation ${requestId} was released`;
        throw new NotFound({ message, entity: "reservation", key: requestId });
      }
      for (const [productId, units] of held.units) stock.get(productId)!.reserved -= units;
      held.state = "committed";
    },

    release(requestId: RequestId): void {
      // Releasing a committed reservation puts sold units back: that is how a cancelled order
      // returns its stock.
      const held = heldOf(requestId);
      if (held.state !== "released") giveBack(held);
    },
  };
}

/** Checks a reservation request and sums its quantities per product. */
function unitsPerProduct(request: ReserveRequest): Map<ProductId, number> {
  if (request.requestId.trim() === "") {
    throw new InvalidRequest({ message: "requestId must not be empty", field: "requestId" });
  }
  if (request.lines.length === 0 || request.lines.length > MAX_LINE_ITEMS) {
    throw new InvalidRequest({
      message: `a reservation needs 1 to ${MAX_LINE_ITEMS} lines`,
      field: "lines",
    });
  }
  const units = new Map<ProductId, number>();
  for (const [i, { productId, quantity }] of request.lines.entries()) {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY_PER_LINE) {
      throw new InvalidRequest({
        message: `quantity must be 1 to ${MAX_QUANTITY_PER_LINE}, not ${quantity}`,
        field: `lines[${i}].quantity`,
      });
    }
    units.set(productId, (units.get(productId) ?? 0) + quantity);
  }
  return units;
}

await serve("inventory", (server) => server.add(InventoryService, createInventoryHandler()));
