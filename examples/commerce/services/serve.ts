// What every service process does around its handler: read its settings from the environment,
// listen, join the registry, say where, and on SIGTERM leave gracefully: deregister first, give
// clients a moment to stop picking it, then finish running calls and exit. Run one by hand with,
// for example,
//   PORT=9090 REGISTRY=etcd ETCD_URL=http://127.0.0.1:2379 \
//     npx tsx --conditions=idlc-source examples/commerce/services/users.ts
import { createServer, type ProtocolName, type Server } from "idlc/runtime";
import { announce, registryFromEnv, type Registry, type ReplicaMessage } from "./discovery.js";
import { serviceTelemetry } from "../telemetry.js";

/** Settings every service reads from its environment. */
export interface ServiceSettings {
  /** `PROTOCOL`: compact (default) or binary; clients must speak the same. */
  readonly protocol: ProtocolName;
  /** `REGISTRY` (static or etcd) and `ETCD_URL`: where replicas find each other. */
  readonly registry: Registry;
}

/** Time in-flight calls get to finish once a shutdown starts, in milliseconds. */
const GRACE_MS = 5_000;
/**
 * Pause between leaving the registry and closing the server, in milliseconds: clients' watches
 * see the replica go and stop sending to it, while calls already on their way are still served.
 */
const DEREGISTER_PAUSE_MS = 500;
/** How often a replica tells the launcher how many calls it served, in milliseconds. */
const REPORT_EVERY_MS = 250;

/** Reads the settings every service shares. */
export function serviceSettings(): ServiceSettings {
  const protocol = process.env.PROTOCOL ?? "compact";
  if (protocol !== "compact" && protocol !== "binary") {
    throw new Error(`PROTOCOL must be compact or binary, not "${protocol}"`);
  }
  return { protocol, registry: registryFromEnv() };
}

/**
 * Starts a server, lets `setUp` add services to it, listens on `HOST:PORT` (default
 * 127.0.0.1:0, a free port), registers, and prints `<name> listening on <host>:<port>`. On
 * SIGTERM or SIGINT it deregisters, stops accepting, lets running calls finish, runs `cleanUp`
 * (close outgoing channels) and exits.
 */
export async function serve(
  name: string,
  setUp: (server: Server) => void,
  cleanUp: () => Promise<void> = async () => {},
): Promise<void> {
  const settings = serviceSettings();
  const { server: interceptors } = await serviceTelemetry(); // IDLC_OTEL=stdout traces calls
  const server = createServer({ protocol: settings.protocol, interceptors });
  // Calls this replica served, reported to the launcher: how evenly the clients spread them.
  let served = 0;
  server.use((next) => (call) => {
    served++;
    return next(call);
  });
  setUp(server);
  const { host, port } = await server.listen({
    host: process.env.HOST ?? "127.0.0.1",
    port: Number(process.env.PORT ?? 0),
  });
  const announcement = await announce(name, { host, port }, settings.registry);
  console.log(`${name} listening on ${host}:${port}`);

  /** Sends the count to the launcher, if there is one; resolves once it is written. */
  const report = (): Promise<void> =>
    new Promise((resolve) => {
      const message: ReplicaMessage = { kind: "served", calls: served };
      if (!process.connected || process.send === undefined) resolve();
      else process.send(message, undefined, {}, () => resolve());
    });
  const reporter = setInterval(() => void report(), REPORT_EVERY_MS);
  reporter.unref();

  let stopping = false;
  const shutDown = async (launcherGone: boolean): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await announcement.withdraw();
    if (!launcherGone) await new Promise((resolve) => setTimeout(resolve, DEREGISTER_PAUSE_MS));
    await server.close({ graceMs: GRACE_MS });
    await cleanUp();
    clearInterval(reporter);
    await report();
    // An IPC channel to a launcher would keep the process alive; nothing else is left to do.
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutDown(false));
  process.once("SIGINT", () => void shutDown(false));
  // Started by a launcher (examples/commerce/main.ts)? Then go when it goes, even if it was
  // killed without a chance to stop us: no orphaned servers holding ports.
  process.once("disconnect", () => void shutDown(true));
}
