// Clients find a service's endpoints in etcd: one range read of the service's prefix, then a
// watch from the next revision that applies puts and deletes as they happen. When the watch
// breaks (etcd restarted, unreachable, compacted past our revision) the source keeps its last
// list, and after a backoff reads the prefix again and watches anew. Plug it into
// `connect({ endpoints: createEtcdSource(...) })`: calls made before the first read wait for it.
// The source is its creator's to close (channels using it leave it open).
import { EtcdClient, type EtcdError, type EtcdOptions, type Watch } from "./etcd-client.js";
import {
  createReporter,
  readEndpointValue,
  servicePrefix,
  type DiscoveredEndpoint,
} from "./etcd.js";
import { formatEndpoint, type EndpointSource } from "./static.js";

/** Options of `createEtcdSource()`. */
export interface EtcdSourceOptions {
  /** The etcd cluster. */
  readonly etcd: EtcdOptions;
  /** Logical service name servers registered under, e.g. "commerce.orders". */
  readonly service: string;
  /** Pause before re-reading after the watch broke: first and cap, in ms. Default 100 and 5_000. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /**
   * Called with every failed read or broken watch, and with values that are not registrations
   * (the source keeps its last list and retries). Default: one console.warn per outage.
   */
  readonly onError?: (error: EtcdError) => void;
}

/** An EndpointSource fed by etcd. */
export interface EtcdSource extends EndpointSource {
  /** The endpoints registered now, sorted by `host:port`; the same array until a change. */
  endpoints(): readonly DiscoveredEndpoint[];
  /** Calls `listener` after each change of the list; returns a function that unsubscribes. */
  subscribe(listener: () => void): () => void;
  /**
   * Resolves once the first read of etcd succeeded. Before that it settles with the next read:
   * it rejects with that read's error (the source keeps retrying), or when the source is closed.
   * A channel's calls made before then wait for it.
   */
  ready(): Promise<void>;
  /** Stops the watch and every timer. */
  close(): Promise<void>;
}

/** Discovers the endpoints of `service` in etcd and follows their changes. */
export function createEtcdSource(options: EtcdSourceOptions): EtcdSource {
  return new EtcdEndpointSource(options);
}

const NO_ENDPOINTS: readonly DiscoveredEndpoint[] = Object.freeze([]);

class EtcdEndpointSource implements EtcdSource {
  private readonly client: EtcdClient;
  private readonly prefix: string;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly report: ReturnType<typeof createReporter>;
  /** Endpoints by etcd key; `list` is the sorted, frozen view handed out. */
  private byKey = new Map<string, DiscoveredEndpoint>();
  private list: readonly DiscoveredEndpoint[] = NO_ENDPOINTS;
  private readonly listeners = new Set<() => void>();
  private loaded = false;
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private watch: Watch | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private closed = false;

  constructor(options: EtcdSourceOptions) {
    this.prefix = servicePrefix(options.service);
    this.initialMs = options.backoff?.initialMs ?? 100;
    this.maxMs = options.backoff?.maxMs ?? 5_000;
    if (!(this.initialMs > 0) || !(this.maxMs >= this.initialMs))
      throw new RangeError(
        `backoff must satisfy 0 < initialMs ≤ maxMs, got ${this.initialMs} and ${this.maxMs}`,
      );
    this.client = new EtcdClient(options.etcd);
    this.report = createReporter(`etcd discovery of ${this.prefix}`, options.onError);
    void this.sync();
  }

  endpoints(): readonly DiscoveredEndpoint[] {
    return this.list;
  }

  subscribe(listener: () => void): () => void {
    const entry = (): void => listener(); // a listener subscribed twice is called twice
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  ready(): Promise<void> {
    if (this.loaded) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error(`etcd source of ${this.prefix} is closed`));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.watch?.cancel();
    this.watch = undefined;
    this.client.close(); // fails a read in flight; sync() sees `closed` and stops
    this.listeners.clear();
    this.settleWaiters(new Error(`etcd source of ${this.prefix} was closed before its first read`));
    return Promise.resolve();
  }

  /** Reads the whole prefix, publishes it, then watches from the revision after the read. */
  private async sync(): Promise<void> {
    this.timer = undefined;
    let revision: bigint;
    try {
      const read = await this.client.rangePrefix(this.prefix);
      if (this.closed) return;
      revision = read.revision;
      const byKey = new Map<string, DiscoveredEndpoint>();
      for (const { key, value } of read.kvs) {
        const endpoint = this.parse(key, value);
        if (endpoint !== undefined) byKey.set(key, endpoint);
      }
      this.byKey = byKey;
      this.publish();
      this.loaded = true;
      this.settleWaiters(undefined);
    } catch (error) {
      if (this.closed) return;
      this.settleWaiters(error);
      this.retryLater(error);
      return;
    }
    this.watch = this.client.watchPrefix(this.prefix, revision + 1n, {
      onCreated: () => {
        this.failures = 0;
        this.report.recovered();
      },
      onEvents: (events) => {
        for (const event of events) {
          if (event.kind === "delete") this.byKey.delete(event.key);
          else {
            const endpoint = this.parse(event.key, event.value);
            if (endpoint === undefined) this.byKey.delete(event.key);
            else this.byKey.set(event.key, endpoint);
          }
        }
        this.publish();
      },
      onEnd: (error) => {
        this.watch = undefined;
        if (!this.closed) this.retryLater(error);
      },
    });
  }

  private retryLater(error: unknown): void {
    this.report.failed(error);
    this.failures++;
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** (this.failures - 1));
    this.timer = setTimeout(() => void this.sync(), delay);
  }

  private parse(key: string, value: string): DiscoveredEndpoint | undefined {
    const endpoint = readEndpointValue(value);
    if (endpoint === undefined)
      this.report.failed(
        `ignoring etcd key ${key}: its value is not {"host","port"} JSON: ${value.slice(0, 100)}`,
      );
    return endpoint;
  }

  /** Replaces the list and tells subscribers, if anything changed. */
  private publish(): void {
    const next = [...this.byKey.values()]
      .map((e) => ({ id: formatEndpoint(e), endpoint: e }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((e) => e.endpoint);
    if (sameEndpoints(this.list, next)) return;
    this.list = Object.freeze(next);
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        console.error("idlc: an etcd source listener threw", error);
      }
    }
  }

  private settleWaiters(error: unknown): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}

function sameEndpoints(
  a: readonly DiscoveredEndpoint[],
  b: readonly DiscoveredEndpoint[],
): boolean {
  if (a.length !== b.length) return false;
  return a.every((e, i) => {
    const f = b[i]!;
    return (
      e.host === f.host &&
      e.port === f.port &&
      JSON.stringify(e.metadata) === JSON.stringify(f.metadata)
    );
  });
}
