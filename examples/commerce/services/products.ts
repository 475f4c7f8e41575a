// The product service: the catalog, in memory, with paging, search and view counts; replicas
// share it through the journal.
import {
  InvalidRequest,
  MAX_PAGE_SIZE,
  NotFound,
  ProductService,
  SUPPORTED_CURRENCIES,
  type CreateProductRequest,
  type ListProductsRequest,
  type Product,
  type ProductId,
  type ProductPage,
  type ProductServiceHandler,
  type SearchQuery,
  type SearchResult,
} from "../../../generated/commerce.js";
import { createBaseHandler } from "./base.js";
import { openJournal } from "./journal.js";
import { paginate } from "./paging.js";
import { serve } from "./serve.js";

/** Thumbnails are JPEG previews of at most 16 KiB (see Product.thumbnail in the IDL). */
const MAX_THUMBNAIL_BYTES = 16 * 1024;

/** The writes of the product service, as the journal records them. */
type ProductCommand =
  | { readonly op: "create"; readonly request: CreateProductRequest }
  | { readonly op: "view"; readonly productId: ProductId };

/** A ProductService handler over an in-memory catalog, kept in step with the other replicas. */
export function createProductHandler(): ProductServiceHandler {
  // A Map iterates in insertion order, so pages are stable while products are only added.
  const products = new Map<ProductId, Product>();
  const skus = new Set<string>();
  const views = new Map<ProductId, number>();
  let lastId = 5000n;

  const create = (request: CreateProductRequest): Product => {
    checkNewProduct(request, skus); // the SKU check is decided in log order
    const product: Product = {
      id: ++lastId,
      sku: request.sku,
      title: request.title,
      ...(request.description !== undefined && { description: request.description }),
      price: request.price,
      categories: request.categories,
      ...(request.thumbnail !== undefined && { thumbnail: request.thumbnail }),
      attributes: request.attributes,
      active: true,
    };
    products.set(product.id, product);
    skus.add(product.sku);
    return product;
  };
  const journal = openJournal<ProductCommand>("products", (command) => {
    switch (command.op) {
      case "create":
        return create(command.request);
      case "view": {
        const { productId } = command;
        if (products.has(productId)) views.set(productId, (views.get(productId) ?? 0) + 1);
        return undefined;
      }
    }
  });

  return {
    ...createBaseHandler("products", () => {
      journal.catchUp();
      return { products: products.size, views: [...views.values()].reduce((a, b) => a + b, 0) };
    }),

    createProduct(request: CreateProductRequest): Product {
      journal.catchUp();
      checkNewProduct(request, skus); // fails early; checked again when the command is applied
      return journal.run({ op: "create", request });
    },

    getProduct(id: ProductId): Product {
      journal.catchUp();
      const product = products.get(id);
      if (!product) {
        throw new NotFound({ message: `no product ${id}`, entity: "product", key: String(id) });
      }
      return product;
    },

    listProducts(request: ListProductsRequest): ProductPage {
      journal.catchUp();
      const { category } = request;
      const matching = [...products.values()].filter(
        (p) => p.active && (category === undefined || p.categories.has(category)),
      );
      const { items, nextPageToken } = paginate(matching, request.pageSize, request.pageToken);
      return nextPageToken === undefined ? { products: items } : { products: items, nextPageToken };
    },

    search(query: SearchQuery): SearchResult {
      journal.catchUp();
      const matches = [...products.values()].filter((p) => p.active && matchesQuery(p, query));
      return {
        products: matches.slice(0, Math.min(Math.max(0, query.limit), MAX_PAGE_SIZE)),
        facets: countFacets(matches),
        totalMatches: matches.length,
      };
    },

    recordView(productId: ProductId): void {
      // Oneway: the caller does not wait, so an unknown id is simply not counted.
      journal.run({ op: "view", productId });
    },
  };
}

/** Throws InvalidRequest naming every problem of a new product. */
function checkNewProduct(request: CreateProductRequest, skus: ReadonlySet<string>): void {
  const problems = new Map<string, string[]>();
  const problem = (field: string, message: string): void => {
    problems.set(field, [...(problems.get(field) ?? []), message]);
  };
  if (request.sku.trim() === "") problem("sku", "must not be empty");
  if (skus.has(request.sku)) problem("sku", `${request.sku} is already in the catalog`);
  if (request.title.trim() === "") problem("title", "must not be empty");
  if (request.price.units <= 0n) problem("price", "must be positive");
  if (!SUPPORTED_CURRENCIES.has(request.price.currency)) {
    problem("price", `currency ${request.price.currency} is not supported`);
  }
  if ((request.thumbnail?.length ?? 0) > MAX_THUMBNAIL_BYTES) {
    problem("thumbnail", `must be at most ${MAX_THUMBNAIL_BYTES} bytes`);
  }
  const [first] = problems;
  if (!first) return;
  const [field, [message]] = first;
  throw new InvalidRequest({ message: `${field} ${message}`, field, problems });
}

/** Whether a product has the query's text in its title or description, and fits its filters. */
function matchesQuery(product: Product, { text, maxPrice, categories }: SearchQuery): boolean {
  const needle = text.trim().toLowerCase();
  const haystack = `${product.title}\n${product.description ?? ""}`.toLowerCase();
  const { price } = product;
  return (
    haystack.includes(needle) &&
    (maxPrice === undefined ||
      (price.currency === maxPrice.currency && price.units <= maxPrice.units)) &&
    [...categories].every((category) => product.categories.has(category))
  );
}

/** Matches per attribute value: facets.get("color").get("black") = 12. */
function countFacets(products: readonly Product[]): Map<string, Map<string, number>> {
  const facets = new Map<string, Map<string, number>>();
  for (const product of products) {
    for (const [name, value] of product.attributes) {
      let counts = facets.get(name);
      if (!counts) facets.set(name, (counts = new Map()));
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
  }
  return facets;
}

await serve("products", (server) => server.add(ProductService, createProductHandler()));
