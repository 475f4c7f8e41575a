// What every RPC adapter provides, and the correctness check run before any timing: a server
// and a client in this process, a few concurrent calls, every reply checked, all closed.

/**
 * The RPC systems, in report order. echo-batched is the floor the others are compared to;
 * raw-tcp, the first floor (one write per frame), stays as a second reference row.
 */
export const RPC_SYSTEMS = [
  "echo-batched",
  "raw-tcp",
  "idlc",
  "idlc-hop",
  "idlc-hop-parent",
  "thrift",
  "grpc-js",
] as const;

/** One RPC system's name. */
export type RpcSystem = (typeof RPC_SYSTEMS)[number];

/** The loopback address every benchmark socket uses. */
export const HOST = "127.0.0.1";

/** A listening server. */
export interface RpcServerHandle {
  readonly port: number;
  /** Stops accepting, closes connections; resolves when done. */
  close(): Promise<void>;
}

/** One client connection that sends `placeOrder(sample)`. */
export interface RpcConnection {
  /** Sends one call with the sample order; resolves with the reply. */
  call(): Promise<unknown>;
  /** Closes the connection. */
  close(): Promise<void>;
}

/** One RPC system: its server, its client, and what a correct reply is. */
export interface RpcAdapter {
  readonly system: RpcSystem;
  /** What runs, for the report. */
  readonly description: string;
  /** Starts a server on 127.0.0.1, port chosen by the OS. */
  startServer(): Promise<RpcServerHandle>;
  /** Opens one client connection to a server. */
  connect(port: number): Promise<RpcConnection>;
  /** Throws unless `reply` is the expected reply to the sample call. */
  checkReply(reply: unknown): void;
}

/** Builds one system's adapter; rejects with a readable reason when it is unavailable. */
export type RpcLoader = () => Promise<RpcAdapter>;

/** Rejects with `what` if `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts the adapter's server, makes `calls` concurrent calls on each of two connections,
 * checks every reply, and closes everything (also on failure).
 */
export async function checkRpc(adapter: RpcAdapter, calls = 4): Promise<void> {
  const server = await within(adapter.startServer(), 10_000, `${adapter.system}: start server`);
  const connections: RpcConnection[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      connections.push(
        await within(adapter.connect(server.port), 10_000, `${adapter.system}: connect`),
      );
    }
    const replies = await within(
      Promise.all(connections.flatMap((c) => Array.from({ length: calls }, () => c.call()))),
      10_000,
      `${adapter.system}: calls`,
    );
    for (const reply of replies) adapter.checkReply(reply);
  } finally {
    await Promise.allSettled(connections.map((c) => within(c.close(), 5_000, "close connection")));
    await within(server.close(), 5_000, `${adapter.system}: close server`);
  }
}
