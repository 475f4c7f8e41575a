// The shop the workload seeds: a small catalog in which a few items are scarce on purpose, so
// that shoppers compete for the last units and some orders meet OutOfStock.
import type { Address, CreateProductRequest } from "../../generated/commerce.js";

/** A product to create and the units to put in stock. */
export interface CatalogItem {
  readonly product: CreateProductRequest;
  readonly stock: number;
}

/** The item every shopper tries to buy the moment the shop opens: there are only 3 of them. */
export const LAUNCH_DROP_SKU = "POSTER-SGN";

/** Plenty: these never run out during a demo run. */
const PLENTY = 1_000_000;

function item(
  sku: string,
  title: string,
  cents: number,
  stock: number,
  categories: string[],
  attributes: Record<string, string> = {},
): CatalogItem {
  return {
    product: {
      sku,
      title,
      price: { currency: "EUR", units: BigInt(cents) },
      categories: new Set(categories),
      attributes: new Map(Object.entries(attributes)),
    },
    stock,
  };
}

/** The catalog. The scarce items hold only a handful of units between them. */
export const CATALOG: readonly CatalogItem[] = [
  item("TEE-BLK-M", "Thrift tee, black, M", 1999, PLENTY, ["apparel"], {
    color: "black",
    size: "M",
  }),
  item("TEE-BLK-L", "Thrift tee, black, L", 1999, PLENTY, ["apparel"], {
    color: "black",
    size: "L",
  }),
  item("TEE-WHT-M", "Thrift tee, white, M", 1999, PLENTY, ["apparel"], {
    color: "white",
    size: "M",
  }),
  item("HOOD-GRY-L", "Hoodie, grey, L", 4900, PLENTY, ["apparel"], { color: "grey", size: "L" }),
  item("CAP-NVY", "Cap, navy", 1500, PLENTY, ["apparel", "accessories"], { color: "navy" }),
  item("MUG-IDL", "Mug: interface definition", 1200, PLENTY, ["kitchen"], { color: "white" }),
  item("STK-PACK", "Sticker pack (10)", 500, PLENTY, ["accessories"]),
  item("BOOK-RPC", "Book: RPC in practice", 3900, PLENTY, ["books"]),
  item("BOTTLE-STL", "Steel bottle, 0.75 l", 2400, PLENTY, ["kitchen", "outdoor"], {
    color: "steel",
  }),
  item("BAG-TOTE", "Tote bag", 1800, PLENTY, ["accessories"], { color: "natural" }),
  // Scarce: a few units each, so concurrent shoppers really do compete for the last one.
  item(LAUNCH_DROP_SKU, "Signed launch poster (limited)", 9900, 3, ["collectibles"]),
  item("KB-LAUNCH", "Launch edition keyboard", 18900, 5, ["collectibles", "electronics"]),
  item("PIN-GOLD", "Golden pin (limited)", 2500, 8, ["collectibles", "accessories"]),
];

/** Whether shoppers will compete for the item: it has only a handful of units. */
export function isScarce(item: CatalogItem): boolean {
  return item.stock < PLENTY;
}

/** Where the workload's shoppers live; each gets one as the default shipping address. */
export function addressOf(shopper: number): Address {
  return {
    recipient: `Shopper ${shopper}`,
    line1: `${10 + shopper} Protocol Street`,
    city: "Berlin",
    postalCode: `10${String(100 + shopper).padStart(3, "0")}`,
    country: "DE",
  };
}
