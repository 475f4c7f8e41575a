// Where a client's calls go: a source of endpoints (a fixed list here; a discovery service
// elsewhere implements the same interface). How one is picked per call is the client's business
// (client/balancer.ts).

/** One server address. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /**
   * Relative share of the calls it should get (canaries, bigger machines). Default 1; a value
   * that is not a positive finite number counts as 1.
   */
  readonly weight?: number;
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

/** A fixed list of endpoints, given as `host:port` strings or objects (which may carry a weight). */
export function createStaticSource(addresses: readonly (string | Endpoint)[]): EndpointSource {
  if (addresses.length === 0) throw new TypeError("addresses must name at least one endpoint");
  const endpoints = Object.freeze(
    addresses.map((a): Endpoint => {
      if (typeof a === "string") return parseEndpoint(a);
      const { host, port, weight } = a;
      if (weight === undefined) return { host, port };
      if (!(weight > 0 && Number.isFinite(weight)))
        throw new TypeError(
          `invalid weight ${weight} of ${formatEndpoint(a)}: expected a positive number`,
        );
      return { host, port, weight };
    }),
  );
  return { endpoints: () => endpoints };
}
