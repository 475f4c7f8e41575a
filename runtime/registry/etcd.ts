// Servers announce themselves in etcd: one key per endpoint, `idlc/services/<service>/<host:port>`,
// holding `{ host, port, metadata }` as JSON and attached to a lease that one timer per
// registration renews every ttl/3. If the server dies the renewals stop and etcd deletes the key
// when the lease expires; `close()` revokes the lease so the key goes at once. Loaded only by
// those who use etcd: nothing on the default path imports this module.
import { EtcdClient, EtcdError, type EtcdOptions } from "./etcd-client.js";
import { formatEndpoint, type Endpoint } from "./static.js";

/** Where every idlc service's endpoints live in etcd. */
export const ETCD_KEY_PREFIX = "idlc/services/";

/**
 * An endpoint found in etcd, with the metadata its server registered. Its `weight` is read from
 * `metadata.weight` (a positive number as text, e.g. "0.1" for a canary); absent otherwise.
 */
export interface DiscoveredEndpoint extends Endpoint {
  readonly metadata: Readonly<Record<string, string>>;
}

/** Options of `registerEndpoint()`. */
export interface RegisterOptions {
  /** The etcd cluster. */
  readonly etcd: EtcdOptions;
  /** Logical service name, e.g. "commerce.orders"; clients discover by it. No "/". */
  readonly service: string;
  /** The address clients should dial, usually `server.address()` after `listen()`. */
  readonly address: Endpoint;
  /** Lease time to live, in whole seconds: how long a dead server stays listed. Default 10. */
  readonly ttlSeconds?: number;
  /**
   * Free-form strings published with the address (zone, version, …). `weight` (a positive
   * number, e.g. "3" or "0.1") sets the endpoint's share of calls in idlc clients. Default {}.
   */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * Called with every failed renewal (the registration keeps retrying). Default: one
   * console.warn per outage.
   */
  readonly onError?: (error: EtcdError) => void;
  /**
   * The server behind `address` (from `createServer()`): its `close()` then deregisters first,
   * before it stops accepting and drains, so clients stop picking it at once. Default: none
   * (call `registration.close()` before `server.close()` yourself).
   */
  readonly server?: ClosingServer;
}

/** What `registerEndpoint` needs of a server: a hook that its `close()` runs first. */
export interface ClosingServer {
  beforeClose(hook: () => void | Promise<void>): () => void;
}

/** A live registration in etcd. */
export interface Registration {
  /** The etcd key holding this endpoint. */
  readonly key: string;
  /**
   * Stops renewing and revokes the lease, so the key disappears at once. Never rejects: if etcd
   * is unreachable the error goes to `onError` and the key expires within the lease TTL.
   */
  close(): Promise<void>;
}

/** The key prefix of a service's endpoints, with its trailing "/". */
export function servicePrefix(service: string): string {
  if (service === "" || service.includes("/"))
    throw new TypeError(`invalid service name "${service}": expected a non-empty name without "/"`);
  return `${ETCD_KEY_PREFIX}${service}/`;
}

/** Reads a registration value; undefined if it is not `{ host, port, metadata? }` JSON. */
export function readEndpointValue(text: string): DiscoveredEndpoint | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { host, port, metadata } = value as { host?: unknown; port?: unknown; metadata?: unknown };
  if (typeof host !== "string" || host === "") return undefined;
  if (typeof port !== "number" || !Number.isInteger(port) || port <= 0 || port > 65535)
    return undefined;
  const strings: Record<string, string> = {};
  if (typeof metadata === "object" && metadata !== null)
    for (const [k, v] of Object.entries(metadata)) if (typeof v === "string") strings[k] = v;
  const weight = Number(strings.weight);
  const frozen = Object.freeze(strings);
  // A weight that is not a positive number is left out: the endpoint counts as weight 1.
  return weight > 0 && Number.isFinite(weight)
    ? { host, port, weight, metadata: frozen }
    : { host, port, metadata: frozen };
}

/**
 * Reports failures of a background loop: every error to `onError` if given, otherwise one
 * console.warn per outage (the first failure after a success).
 */
export function createReporter(
  what: string,
  onError: ((error: EtcdError) => void) | undefined,
): { failed(error: unknown): void; recovered(): void } {
  let failing = false;
  return {
    failed(error) {
      const etcdError =
        error instanceof EtcdError
          ? error
          : new EtcdError(`${what}: ${String(error)}`, { endpoint: "", cause: error });
      if (onError !== undefined) {
        try {
          onError(etcdError);
        } catch {
          // a throwing callback must not stop the loop that reports to it
        }
      } else if (!failing) {
        console.warn(`idlc: ${what}: ${etcdError.message}; retrying`);
      }
      failing = true;
    },
    recovered() {
      failing = false;
    },
  };
}

const DEFAULT_TTL_SECONDS = 10;
/** First pause before retrying a failed renewal; doubles up to the renewal interval. */
const RETRY_INITIAL_MS = 250;

/**
 * Registers `address` under `service` in etcd and keeps it there until `close()`. Resolves once
 * the key is written; rejects (with an EtcdError naming the etcd endpoint) if that first write
 * fails. Later failures never reject: they go to `onError` while renewals are retried.
 */
export async function registerEndpoint(options: RegisterOptions): Promise<Registration> {
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1)
    throw new RangeError(`ttlSeconds must be a whole number of seconds ≥ 1, got ${ttlSeconds}`);
  const { host, port } = options.address;
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new RangeError(`address.port must be 1..65535, got ${port}`);
  if (host === "" || host === "0.0.0.0" || host === "::")
    throw new TypeError(
      `address.host "${host}" is not an address clients can dial: register the host they should use (e.g. this machine's IP), not the wildcard the server listens on`,
    );
  const key = `${servicePrefix(options.service)}${formatEndpoint({ host, port })}`;
  const value = JSON.stringify({ host, port, metadata: { ...options.metadata } });
  const client = new EtcdClient(options.etcd);
  const registration = new EtcdRegistration(client, key, value, ttlSeconds, options.onError);
  try {
    await registration.start();
  } catch (error) {
    client.close();
    throw error;
  }
  registration.detach = options.server?.beforeClose(() => registration.close());
  return registration;
}

class EtcdRegistration implements Registration {
  readonly key: string;
  private readonly client: EtcdClient;
  private readonly value: string;
  private readonly ttlSeconds: number;
  private readonly report: ReturnType<typeof createReporter>;
  private lease: string | undefined;
  /** Renewal period: a third of the granted TTL, so two renewals may fail before expiry. */
  private intervalMs: number;
  private failures = 0;
  /** The one pending timer of this registration. */
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The renewal running now, if any. */
  private running: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  /** Removes the before-close hook of the server this registration is tied to. */
  detach: (() => void) | undefined;

  constructor(
    client: EtcdClient,
    key: string,
    value: string,
    ttlSeconds: number,
    onError: ((error: EtcdError) => void) | undefined,
  ) {
    this.client = client;
    this.key = key;
    this.value = value;
    this.ttlSeconds = ttlSeconds;
    this.intervalMs = (ttlSeconds * 1000) / 3;
    this.report = createReporter(`etcd registration of ${key}`, onError);
  }

  async start(): Promise<void> {
    await this.createLease();
    this.schedule(this.intervalMs);
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** Grants a fresh lease and writes the key under it. */
  private async createLease(): Promise<void> {
    const granted = await this.client.grantLease(this.ttlSeconds);
    this.lease = granted.id;
    this.intervalMs = (Math.max(granted.ttlSeconds, 1) * 1000) / 3;
    await this.client.put(this.key, this.value, granted.id);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(this.tick, delayMs);
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.running = this.renew().finally(() => (this.running = undefined));
  };

  private async renew(): Promise<void> {
    try {
      const lease = this.lease;
      // A renewal must answer before the next is due, or it is as good as failed.
      const ttl = lease === undefined ? 0 : await this.client.keepAlive(lease, this.intervalMs);
      if (this.closing !== undefined) return;
      // The lease is gone (etcd was unreachable past the TTL, or someone revoked it): the key
      // went with it, so register again.
      if (ttl <= 0) await this.createLease();
      if (this.closing !== undefined) return;
      this.failures = 0;
      this.report.recovered();
      this.schedule(this.intervalMs);
    } catch (error) {
      if (this.closing !== undefined) return;
      this.failures++;
      this.report.failed(error);
      this.schedule(Math.min(this.intervalMs, RETRY_INITIAL_MS * 2 ** (this.failures - 1)));
    }
  }

  private async shutDown(): Promise<void> {
    this.detach?.();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running; // never rejects: renew() catches
    const lease = this.lease;
    this.lease = undefined;
    try {
      if (lease !== undefined) await this.client.revokeLease(lease);
    } catch (error) {
      this.report.failed(error);
    } finally {
      this.client.close();
    }
  }
}
