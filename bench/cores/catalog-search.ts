// The CPU-bound handler the cores benchmark serves: ProductService.search over a catalog of
// generated products, done the way the commerce demo's product service does it (a text match
// over title and description, the price and category filters, then facet counts over every
// match). No I/O and no await: each call is pure CPU work, so throughput is bounded by cores.
import {
  NotFound,
  type Product,
  type ProductServiceHandler,
  type SearchQuery,
  type SearchResult,
} from "../../generated/commerce.js";

/** Products in the benchmark's catalog: about a millisecond of search per call on one core. */
export const CATALOG_SIZE = 2_000;

const COLORS = ["black", "white", "grey", "navy", "red", "green", "steel", "natural"];
const SIZES = ["XS", "S", "M", "L", "XL"];
const KINDS = ["tee", "hoodie", "cap", "mug", "poster", "bottle", "bag", "book"];

/** A deterministic catalog: the same products in every process. */
export function createCatalog(size = CATALOG_SIZE): Product[] {
  return Array.from({ length: size }, (_, i): Product => {
    const kind = KINDS[i % KINDS.length]!;
    const color = COLORS[(i * 7) % COLORS.length]!;
    return {
      id: BigInt(i + 1),
      sku: `${kind.toUpperCase()}-${i}`,
      title: `${kind} ${color} no. ${i}`,
      description: `A ${color} ${kind} from the benchmark catalog, item ${i} of ${size}.`,
      price: { currency: "EUR", units: BigInt(500 + ((i * 37) % 5000)) },
      categories: new Set([kind, i % 2 === 0 ? "sale" : "new"]),
      attributes: new Map([
        ["color", color],
        ["size", SIZES[i % SIZES.length]!],
      ]),
      active: true,
    };
  });
}

/** The query every benchmark call sends: matches a quarter of the catalog. */
export const BENCH_QUERY: SearchQuery = {
  text: "tee",
  maxPrice: { currency: "EUR", units: 4_000n },
  categories: new Set(),
  limit: 10,
};

/** A ProductService handler whose search() does the work; the other methods are not served. */
export function createSearchHandler(catalog: readonly Product[]): ProductServiceHandler {
  const notServed = (): never => {
    throw new NotFound({
      message: "the cores benchmark serves search() only",
      entity: "method",
      key: "",
    });
  };
  return {
    ping() {},
    health: notServed,
    createProduct: notServed,
    getProduct: notServed,
    listProducts: notServed,
    recordView() {},
    search(query: SearchQuery): SearchResult {
      const needle = query.text.trim().toLowerCase();
      const matches = catalog.filter((p) => {
        const haystack = `${p.title}\n${p.description ?? ""}`.toLowerCase();
        const { maxPrice } = query;
        return (
          haystack.includes(needle) &&
          (maxPrice === undefined ||
            (p.price.currency === maxPrice.currency && p.price.units <= maxPrice.units)) &&
          [...query.categories].every((c) => p.categories.has(c))
        );
      });
      const facets = new Map<string, Map<string, number>>();
      for (const product of matches) {
        for (const [name, value] of product.attributes) {
          let counts = facets.get(name);
          if (!counts) facets.set(name, (counts = new Map()));
          counts.set(value, (counts.get(value) ?? 0) + 1);
        }
      }
      return { products: matches.slice(0, query.limit), facets, totalMatches: matches.length };
    },
  };
}
