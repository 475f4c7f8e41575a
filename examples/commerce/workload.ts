// Step 3 of the demo: set up a shop, let the shoppers loose, then read back what the platform
// says happened, for the checks in summary.ts.
import { NotFound, type Product, type ProductId, type UserId } from "../../generated/commerce.js";
import { CATALOG, LAUNCH_DROP_SKU, addressOf, isScarce } from "./catalog.js";
import type { Platform } from "./platform.js";
import type { CallStats } from "./stats.js";
import { factOf, goShopping, type Observations } from "./shopper.js";
import type { OrderFact, RunFacts } from "./summary.js";

/** The shop after seeding: its users, its products and their stock. */
export interface Shop {
  readonly userIds: readonly UserId[];
  readonly products: readonly Product[];
  readonly scarce: readonly ProductId[];
  readonly launchDrop: ProductId;
  /** Product id → units put in stock. */
  readonly initialStock: ReadonlyMap<ProductId, number>;
}

/** Checks every service answers, then creates one user per shopper and the catalog with stock. */
export async function seedShop(platform: Platform, shoppers: number): Promise<Shop> {
  const { users, products, inventory, payments, orders } = platform;
  await Promise.all([
    users.ping(),
    products.ping(),
    inventory.ping(),
    payments.ping(),
    orders.ping(),
  ]);

  const created = await Promise.all(
    Array.from({ length: shoppers }, (_, i) =>
      users.createUser({
        email: `shopper${i}@example.com`,
        name: `Shopper ${i}`,
        defaultAddress: addressOf(i),
      }),
    ),
  );
  const initialStock = new Map<ProductId, number>();
  const catalog: Product[] = [];
  const scarce: ProductId[] = [];
  for (const item of CATALOG) {
    const product = await products.createProduct(item.product);
    await inventory.setStock(product.id, item.stock);
    catalog.push(product);
    initialStock.set(product.id, item.stock);
    if (isScarce(item)) scarce.push(product.id);
  }
  const launchDrop = catalog.find((p) => p.sku === LAUNCH_DROP_SKU)!.id;
  return {
    userIds: created.map((user) => user.id),
    products: catalog,
    scarce,
    launchDrop,
    initialStock,
  };
}

/** Runs `shoppers` concurrent shoppers until `done()` says so, or until `signal` aborts. */
export async function runShoppers(
  platform: Platform,
  shop: Shop,
  seen: Observations,
  options: {
    readonly shoppers: number;
    readonly done: () => boolean;
    readonly signal: AbortSignal;
  },
): Promise<void> {
  const shoppers = Array.from({ length: options.shoppers }, (_, index) => {
    const { products, scarce, launchDrop } = shop;
    const me = { index, userId: shop.userIds[index]!, products, scarce, launchDrop };
    return goShopping(platform, me, seen, options.done, options.signal);
  });
  await Promise.all(shoppers);
}

/** Reads the end state back from the services and puts it beside what the shoppers saw. */
export async function readBack(
  platform: Platform,
  shop: Shop,
  seen: Observations,
  stats: CallStats,
): Promise<RunFacts> {
  const productIds = [...shop.initialStock.keys()];
  const levels = await platform.inventory.getStockLevels(productIds);
  const finalStock = new Map(productIds.map((id) => [String(id), levels.get(id)?.available ?? -1]));

  // Every order the shoppers saw accepted, fetched by id (100 calls in flight at a time)…
  const fetched = new Map<string, OrderFact>();
  const ids = [...seen.placed.keys()];
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100).map((id) => orNotFound(platform.orders.getOrder(id)));
    for (const order of await Promise.all(batch)) {
      if (order) fetched.set(String(order.id), factOf(order));
    }
  }
  // …and listed by user, page by page.
  const listed = new Set<string>();
  const listAll = async (userId: UserId): Promise<void> => {
    let pageToken: string | undefined;
    do {
      const page = await platform.orders.listOrders({
        userId,
        pageSize: 100,
        ...(pageToken && { pageToken }),
      });
      for (const order of page.orders) listed.add(String(order.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
  };
  await Promise.all(shop.userIds.map(listAll));

  // The services' own counts: orders stored, and money held per order.
  const [orders, payments] = await Promise.all([
    platform.orders.health(),
    platform.payments.health(),
  ]);
  const detail = (details: ReadonlyMap<string, string>, key: string): number =>
    Number(details.get(key) ?? NaN);

  return {
    seconds: stats.seconds,
    initialStock: new Map([...shop.initialStock].map(([id, units]) => [String(id), units])),
    finalStock,
    placed: [...seen.placed.values()],
    fetched,
    listed,
    surprises: seen.surprises,
    retries: seen.retries,
    placedTwice: seen.placedTwice,
    storedOrders: detail(orders.details, "orders"),
    payments: {
      held: detail(payments.details, "held"),
      chargedTwice: detail(payments.details, "chargedTwice"),
    },
    rpcFailures: stats.rpcFailures,
    lost: seen.lost,
  };
}

/** The call's result, or undefined when it failed with NotFound (other errors propagate). */
async function orNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof NotFound) return undefined;
    throw error;
  }
}
