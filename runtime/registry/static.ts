// Where a client's calls go: a source of endpoints (a fixed list here; a discovery service
// elsewhere implements the same interface) and how one connection is picked among several.

/** One server address. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** A list of endpoints that may change over time. */
export interface EndpointSource {
  /** The endpoints to use now. */
  endpoints(): readonly Endpoint[];
  /** Calls `listener` whenever the list changes; returns a function that unsubscribes. */
  subscribe?(listener: () => void): () => void;
  /**
   * Resolves once the source has read its endpoints for the first time; rejects when that read
   * failed (the source may retry: a later call waits for its next read). Until it resolves, a
   * channel with no endpoint makes calls wait (within their deadlines) instead of failing.
   * Absent when the list is known from the start, as for a static source.
   */
  ready?(): Promise<void>;
  /**
   * Releases what the source holds (watches, sockets). A channel calls it only for a source it
   * made itself; a source passed to `connect({ endpoints })` is closed by whoever made it.
   */
  close?(): void | Promise<void>;
}

/** How a channel picks the connection for a call. */
export type Balance = "round-robin" | "least-pending";

/** `host:port` of an endpoint (IPv6 hosts in brackets). */
export function formatEndpoint({ host, port }: Endpoint): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Parses `host:port` or `[ipv6]:port`; throws a TypeError naming the bad address. */
export function parseEndpoint(address: string): Endpoint {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address.trim());
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port > 65535)
    throw new TypeError(`invalid address "${address}": expected host:port, e.g. 127.0.0.1:9090`);
  return { host: match[1] ?? match[2]!, port };
}

/** A fixed list of endpoints, given as `host:port` strings or objects. */
export function createStaticSource(addresses: readonly (string | Endpoint)[]): EndpointSource {
  if (addresses.length === 0) throw new TypeError("addresses must name at least one endpoint");
  const endpoints = Object.freeze(
    addresses.map((a) =>
      typeof a === "string" ? parseEndpoint(a) : { host: a.host, port: a.port },
    ),
  );
  return { endpoints: () => endpoints };
}

/** What a picker chooses among: a connection with its number of calls awaiting replies. */
export interface Pickable {
  /** Calls awaiting a reply. */
  readonly load: number;
  /** False while it is known to be unreachable (backing off after a failed connect). */
  readonly available: boolean;
}

/** Returns a function that picks one of a non-empty list; unavailable items only if all are. */
export function createPicker(balance: Balance): <T extends Pickable>(items: readonly T[]) => T {
  let turn = 0;
  if (balance === "least-pending") {
    return (items) => {
      let best = items[0]!;
      for (let i = 1; i < items.length; i++) {
        const item = items[i]!;
        if (
          (item.available && !best.available) ||
          (item.available === best.available && item.load < best.load)
        )
          best = item;
      }
      return best;
    };
  }
  return (items) => {
    for (let tries = 0; tries < items.length; tries++) {
      turn = turn + 1 >= items.length ? 0 : turn + 1;
      const item = items[turn]!;
      if (item.available) return item;
    }
    return items[turn % items.length]!;
  };
}
