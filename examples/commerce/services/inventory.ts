// The inventory service: stock per product, and all-or-nothing reservations keyed by request id.
//
// Why this is safe under concurrent calls without locks: every write is a command in the
// service's journal (journal.ts), applied by every replica in the one order of the log, and
// applying is synchronous: "is there enough?" and "take it" happen in one step against the state
// every earlier command left, whichever replica appended it. (A store behind a database would
// need a transaction or a conditional update instead.)
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
import { openJournal } from "./journal.js";
import { serve } from "./serve.js";

/** A reservation and where it is in its life: held → committed (sold) or released. */
interface Held {
  readonly reservation: Reservation;
  /** Units per product, duplicates of a product summed. */
  readonly units: ReadonlyMap<ProductId, number>;
  state: "held" | "committed" | "released";
}

/** The writes of the inventory service, as the journal records them; `now` in epoch ms. */
type InventoryCommand =
  | { readonly op: "setStock"; readonly productId: ProductId; readonly available: number }
  | { readonly op: "reserve"; readonly request: ReserveRequest; readonly now: bigint }
  | { readonly op: "commit"; readonly requestId: RequestId }
  | { readonly op: "release"; readonly requestId: RequestId }
  | { readonly op: "expire"; readonly requestId: RequestId; readonly now: bigint };

/** How often held reservations are checked for expiry, in milliseconds. */
const EXPIRY_SWEEP_MS = 1_000;

/** An InventoryService handler over an in-memory stock ledger, kept in step with the other replicas. */
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

  const reserve = (request: ReserveRequest, now: bigint): Reservation => {
    // A retry of a reservation that is still held or already sold gets the same answer; one
    // that was released reserves again (its caller started over).
    const existing = reservations.get(request.requestId);
    if (existing && existing.state !== "released") return existing.reservation;

    const units = unitsPerProduct(request);
    // Check every line first, then take: all or nothing, decided in log order.
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
      expiresAt: now + RESERVATION_TTL_MS,
    };
    reservations.set(request.requestId, { reservation, units, state: "held" });
    return reservation;
  };

  const journal = openJournal<InventoryCommand>("inventory", (command) => {
    switch (command.op) {
      case "setStock": {
        const level = stock.get(command.productId) ?? { available: 0, reserved: 0 };
        level.available = command.available;
        stock.set(command.productId, level);
        return { productId: command.productId, ...level };
      }
      case "reserve":
        return reserve(command.request, command.now);
      case "commit": {
        const held = heldOf(command.requestId);
        if (held.state === "committed") return undefined;
        if (held.state === "released") {
          const message = `reservation ${command.requestId} was released`;
          throw new NotFound({ message, entity: "reservation", key: command.requestId });
        }
        for (const [productId, units] of held.units) stock.get(productId)!.reserved -= units;
        held.state = "committed";
        return undefined;
      }
      case "release": {
        // Releasing a committed reservation puts sold units back: that is how a cancelled order
        // returns its stock.
        const held = heldOf(command.requestId);
        if (held.state !== "released") giveBack(held);
        return undefined;
      }
      case "expire": {
        // Any replica's sweep may ask; only a reservation still held past its time goes back.
        const held = reservations.get(command.requestId);
        if (held?.state === "held" && held.reservation.expiresAt <= command.now) giveBack(held);
        return undefined;
      }
    }
  });

  // Stock held for a request that is never committed or released (its caller crashed) comes back.
  const sweep = setInterval(() => {
    journal.catchUp();
    const now = BigInt(Date.now());
    for (const [requestId, held] of reservations) {
      if (held.state === "held" && held.reservation.expiresAt <= now) {
        journal.run({ op: "expire", requestId, now });
      }
    }
  }, EXPIRY_SWEEP_MS);
  sweep.unref(); // the sweep alone must not keep the process running

  return {
    ...createBaseHandler("inventory", () => {
      journal.catchUp();
      return { products: stock.size, reservations: reservations.size };
    }),

    setStock(productId: ProductId, available: number): StockLevel {
      if (!Number.isInteger(available) || available < 0) {
        throw new InvalidRequest({ message: "available must be 0 or more", field: "available" });
      }
      return journal.run({ op: "setStock", productId, available });
    },

    getStock(productId: ProductId): StockLevel {
      journal.catchUp();
      return levelOf(productId);
    },

    getStockLevels(productIds: ProductId[]): Map<ProductId, StockLevel> {
      journal.catchUp();
      const levels = new Map<ProductId, StockLevel>();
      for (const id of productIds) if (stock.has(id)) levels.set(id, levelOf(id));
      return levels;
    },

    reserve(request: ReserveRequest): Reservation {
      unitsPerProduct(request); // a bad request fails here and never reaches the log
      return journal.run({ op: "reserve", request, now: BigInt(Date.now()) });
    },

    commit(requestId: RequestId): void {
      journal.run({ op: "commit", requestId });
    },

    release(requestId: RequestId): void {
      journal.run({ op: "release", requestId });
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
