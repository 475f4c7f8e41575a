// What every service process does around its handler: read its settings from the environment,
// listen, say where, and shut down gracefully on SIGTERM. Run one by hand with, for example,
//   PORT=9090 npx tsx --conditions=idlc-source examples/commerce/services/users.ts
import { createServer, type ProtocolName, type Server } from "idlc/runtime";
import { serviceTelemetry } from "../telemetry.js";

/** Settings every service reads from its environment. */
export interface ServiceSettings {
  /** `PROTOCOL`: compact (default) or binary; clients must speak the same. */
  readonly protocol: ProtocolName;
}

/** Time in-flight calls get to finish once a shutdown starts, in milliseconds. */
const GRACE_MS = 2_000;

/** Reads the settings every service shares. */
export function serviceSettings(): ServiceSettings {
  const protocol = process.env.PROTOCOL ?? "compact";
  if (protocol !== "compact" && protocol !== "binary") {
    throw new Error(`PROTOCOL must be compact or binary, not "${protocol}"`);
  }
  return { protocol };
}

/**
 * Starts a server, lets `setUp` add services to it, listens on `HOST:PORT` (default
 * 127.0.0.1:0, a free port) and prints `<name> listening on <host>:<port>`. On SIGTERM or SIGINT
 * it stops accepting, lets running calls finish, runs `cleanUp` (close outgoing channels) and exits.
 */
export async function serve(
  name: string,
  setUp: (server: Server) => void,
  cleanUp: () => Promise<void> = async () => {},
): Promise<void> {
  const { server: interceptors } = await serviceTelemetry(); // IDLC_OTEL=stdout traces calls
  const server = createServer({ protocol: serviceSettings().protocol, interceptors });
  setUp(server);
  const { host, port } = await server.listen({
    host: process.env.HOST ?? "127.0.0.1",
    port: Number(process.env.PORT ?? 0),
  });
  console.log(`${name} listening on ${host}:${port}`);

  let stopping = false;
  const shutDown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await server.close({ graceMs: GRACE_MS });
    await cleanUp();
    // An IPC channel to a launcher would keep the process alive; nothing else is left to do.
    process.exit(0);
  };
  process.once("SIGTERM", shutDown);
  process.once("SIGINT", shutDown);
  // Started by a launcher (examples/commerce/main.ts)? Then go when it goes, even if it was
  // killed without a chance to stop us: no orphaned servers holding ports.
  process.once("disconnect", shutDown);
}
