// How the demo's processes find each other: through a registry, never an address passed by hand.
//   REGISTRY=static (default)  the launcher is the registry: it knows every replica it started
//                              and sends the lists over the IPC channel it has to each process;
//                              `createListSource` turns them into an EndpointSource.
//   REGISTRY=etcd ETCD_URL=…   each replica registers itself (registerEndpoint) and each client
//                              discovers with createEtcdSource, as a fleet across machines does.
// Both end in the same runtime interface, `connect({ endpoints: source })`.
import {
  createEtcdSource,
  parseEndpoint,
  registerEndpoint,
  type Endpoint,
  type EndpointSource,
} from "idlc/runtime";

/** Which registry the processes of a run use. */
export type Registry =
  { readonly kind: "static" } | { readonly kind: "etcd"; readonly url: string };

/** Every service's name in etcd is `commerce.<name>`. */
export const ETCD_SERVICE_PREFIX = "commerce.";

/**
 * Lease time of a replica's etcd registration, in seconds: how long a replica that died without
 * deregistering stays listed (channels skip it meanwhile: connecting to it fails). Shorter than
 * the runtime's 10 s default so the demo shows etcd expiring a killed replica, long enough that
 * a loaded machine's stalls do not expire live ones; renewed every third of it.
 */
export const REGISTRATION_TTL_SECONDS = 6;

/** Launcher → replica over IPC: the replicas of every service, as `host:port`. */
export interface EndpointsMessage {
  readonly kind: "endpoints";
  readonly lists: Readonly<Record<string, readonly string[]>>;
}

/** Replica → launcher over IPC: "send me the lists", or the calls it has served so far. */
export type ReplicaMessage =
  { readonly kind: "endpoints?" } | { readonly kind: "served"; readonly calls: number };

/** An EndpointSource whose list is set from outside; the launcher's and the IPC one. */
export interface ListSource extends EndpointSource {
  /** Replaces the list and tells subscribers (nothing happens when it did not change). */
  set(addresses: readonly string[]): void;
}

/**
 * A source set from outside. With `waitForFirst`, calls made before the first `set()` wait for it
 * (`ready()`), as they wait for etcd's first read.
 */
export function createListSource(waitForFirst: boolean): ListSource {
  let endpoints: readonly Endpoint[] = [];
  let key = "";
  const listeners = new Set<() => void>();
  let markReady: () => void = () => {};
  const first = new Promise<void>((resolve) => (markReady = resolve));
  return {
    endpoints: () => endpoints,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ...(waitForFirst && { ready: () => first }),
    set(addresses) {
      markReady();
      const next = [...addresses].sort().join(",");
      if (next === key) return;
      key = next;
      endpoints = Object.freeze(addresses.map(parseEndpoint));
      for (const listener of listeners) listener();
    },
  };
}

/** The registry named by REGISTRY and ETCD_URL; throws a one-line error for a bad setting. */
export function registryFromEnv(): Registry {
  const kind = process.env.REGISTRY ?? "static";
  if (kind === "static") return { kind };
  if (kind === "etcd") {
    const url = process.env.ETCD_URL;
    if (!url) throw new Error("REGISTRY=etcd needs ETCD_URL, e.g. http://127.0.0.1:2379");
    return { kind, url };
  }
  throw new Error(`REGISTRY must be static or etcd, not "${kind}"`);
}

const fromLauncher = new Map<string, ListSource>();
let lastLists: EndpointsMessage["lists"] | undefined;

/** This process's source of `service`'s replicas (etcd, or the launcher over IPC). */
export function discover(service: string, registry: Registry): EndpointSource {
  if (registry.kind === "etcd") {
    const etcd = { endpoints: [registry.url] };
    return createEtcdSource({ etcd, service: `${ETCD_SERVICE_PREFIX}${service}` });
  }
  if (process.send === undefined) {
    throw new Error(
      "REGISTRY=static needs the launcher (npm start); run by hand with REGISTRY=etcd ETCD_URL=…",
    );
  }
  let source = fromLauncher.get(service);
  if (source !== undefined) return source;
  if (fromLauncher.size === 0) {
    process.on("message", (message: EndpointsMessage) => {
      if (message.kind !== "endpoints") return;
      lastLists = message.lists;
      for (const [name, list] of fromLauncher) list.set(message.lists[name] ?? []);
    });
    const ask: ReplicaMessage = { kind: "endpoints?" };
    process.send(ask);
  }
  fromLauncher.set(service, (source = createListSource(true)));
  if (lastLists !== undefined) source.set(lastLists[service] ?? []);
  return source;
}

/** How a replica leaves the registry: at once, before it stops taking calls. */
export interface Announcement {
  withdraw(): Promise<void>;
}

/**
 * Puts this replica of `service` in the registry. With etcd it registers itself; with the
 * static registry the launcher already lists it once it printed its ready line, and takes it
 * off before it sends SIGTERM, so there is nothing to do here.
 */
export async function announce(
  service: string,
  address: Endpoint,
  registry: Registry,
): Promise<Announcement> {
  if (registry.kind === "static") return { withdraw: async () => {} };
  const registration = await registerEndpoint({
    etcd: { endpoints: [registry.url] },
    service: `${ETCD_SERVICE_PREFIX}${service}`,
    address,
    ttlSeconds: REGISTRATION_TTL_SECONDS,
    metadata: { pid: String(process.pid) },
  });
  return { withdraw: () => registration.close() };
}
