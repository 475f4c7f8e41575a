// Paging for list methods (listProducts, listOrders). The page token is the offset of the next
// page's first item: simple, and opaque to callers, who only pass it back.
import { InvalidRequest, MAX_PAGE_SIZE } from "../../../generated/commerce.js";

/** One page of items, and the token of the next page (undefined on the last page). */
export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken: string | undefined;
}

/** The page of `all` that `pageToken` starts; page sizes above MAX_PAGE_SIZE are capped. */
export function paginate<T>(
  all: readonly T[],
  pageSize: number,
  pageToken: string | undefined,
): Page<T> {
  if (pageSize < 1) {
    throw new InvalidRequest({ message: "pageSize must be at least 1", field: "pageSize" });
  }
  const offset = Number(pageToken ?? "0");
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new InvalidRequest({ message: `bad pageToken "${pageToken}"`, field: "pageToken" });
  }
  const end = offset + Math.min(pageSize, MAX_PAGE_SIZE);
  return {
    items: all.slice(offset, end),
    nextPageToken: end < all.length ? String(end) : undefined,
  };
}
