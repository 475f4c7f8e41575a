// `createServer()`: many services on one port, routed by multiplexed name (`Service:method`, or
// a bare method name when the server hosts one service), with interceptors, connection limits,
// an idle sweep and a graceful close.
import type { Server as NetServer, Socket } from "node:net";
import { DeadlineScheduler } from "../deadline.js";
import { composeInterceptors, type ServerCall, type ServerInterceptor } from "../interceptor.js";
import { multiplexedName, splitMessageName } from "../message.js";
import type { ServiceDescriptor } from "../service.js";
import { createListener } from "../transport/socket.js";
import { ServerConnection, type Route, type ServerCore } from "./connection.js";
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from "./options.js";

/** Where a server listens. */
export interface ListenOptions {
  /** Interface to bind. Default "127.0.0.1". */
  readonly host?: string;
  /** Port; 0 picks a free one. Default 0. */
  readonly port?: number;
}

/** The address a server is bound to. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

/** Options of `server.close()`. */
export interface CloseOptions {
  /** Time running calls get to finish before connections are closed hard, in ms. Default 5_000. */
  readonly graceMs?: number;
}

/** An idlc RPC server. */
export interface Server {
  /** Hosts `service`, answered by `handler`; throws if a service of that name was added. */
  add<Handler>(service: ServiceDescriptor<unknown, Handler>, handler: Handler): Server;
  /** Adds an interceptor inside those already added (the first added is outermost). */
  use(interceptor: ServerInterceptor): Server;
  /** Starts listening; resolves with the bound address. */
  listen(options?: ListenOptions): Promise<ServerAddress>;
  /** The bound address; throws when not listening. */
  address(): ServerAddress;
  /** Connections open now. */
  readonly connections: number;
  /**
   * Stops accepting, lets running calls finish for up to `graceMs`, then closes what is left;
   * resolves when every connection is closed.
   */
  close(options?: CloseOptions): Promise<void>;
}

/** Creates a server; add services, then `listen()`. */
export function createServer(options: ServerOptions = {}): Server {
  return new RpcServer(options);
}

class RpcServer implements Server, ServerCore {
  readonly options: ResolvedServerOptions;
  readonly scheduler = new DeadlineScheduler();
  chain: ((call: ServerCall) => Promise<unknown>) | undefined;

  private readonly services = new Map<string, { service: ServiceDescriptor; handler: unknown }>();
  private readonly routes = new Map<string, Route>();
  private readonly interceptors: ServerInterceptor[];
  private readonly live = new Set<ServerConnection>();
  private listener: NetServer | undefined;
  private idleTimer: ReturnType<typeof setInterval> | undefined;
  private closing: Promise<void> | undefined;
  private allClosed: (() => void) | undefined;

  constructor(options: ServerOptions) {
    this.options = resolveServerOptions(options);
    this.interceptors = [...(options.interceptors ?? [])];
    this.buildChain();
  }

  get connections(): number {
    return this.live.size;
  }

  add<Handler>(service: ServiceDescriptor<unknown, Handler>, handler: Handler): Server {
    if (this.services.has(service.name))
      throw new Error(`service "${service.name}" is already added to this server`);
    this.services.set(service.name, { service: service as ServiceDescriptor, handler });
    this.routes.clear();
    const single = this.services.size === 1;
    for (const [name, { service: s, handler: h }] of this.services)
      for (const method of s.methods.values()) {
        const route: Route = { service: name, method, handler: h };
        this.routes.set(multiplexedName(name, method.name), route);
        if (single) this.routes.set(method.name, route);
      }
    return this;
  }

  use(interceptor: ServerInterceptor): Server {
    this.interceptors.push(interceptor);
    this.buildChain();
    return this;
  }

  listen(options: ListenOptions = {}): Promise<ServerAddress> {
    if (this.listener !== undefined)
      return Promise.reject(new Error("server is already listening"));
    if (this.closing !== undefined) return Promise.reject(new Error("server is closed"));
    const listener = createListener(this.options.tls, (socket) => this.accept(socket));
    this.listener = listener;
    if (this.options.idleTimeoutMs > 0) {
      const every = Math.max(10, Math.min(this.options.idleTimeoutMs / 2, 30_000));
      this.idleTimer = setInterval(() => this.sweepIdle(), every);
      this.idleTimer.unref();
    }
    return new Promise((resolve, reject) => {
      const failed = (error: Error): void => {
        // Not listening after all (e.g. EADDRINUSE): listen() may be tried again.
        this.listener = undefined;
        if (this.idleTimer !== undefined) clearInterval(this.idleTimer);
        reject(error);
      };
      listener.once("error", failed);
      listener.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        listener.off("error", failed);
        resolve(this.address());
      });
    });
  }

  address(): ServerAddress {
    const address = this.listener?.address();
    if (address === null || address === undefined || typeof address === "string")
      throw new Error("server is not listening");
    return { host: address.address, port: address.port };
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutDown(options.graceMs ?? 5_000);
    return this.closing;
  }

  // ---- ServerCore ----

  route(name: string): Route | undefined {
    return this.routes.get(name);
  }

  explainUnknown(name: string): string {
    const { service, method } = splitMessageName(name);
    if (service === undefined) {
      if (this.services.size > 1)
        return `method "${method}" has no service name and this server hosts ${this.services.size} services; call it as Service:${method} (multiplexed)`;
      const only = [...this.services.keys()][0];
      return only === undefined
        ? `unknown method "${method}": this server hosts no service`
        : `unknown method "${method}" of service ${only}`;
    }
    if (!this.services.has(service))
      return `unknown service "${service}" (this server hosts ${[...this.services.keys()].join(", ") || "none"})`;
    return `unknown method "${method}" of service ${service}`;
  }

  connectionClosed(connection: ServerConnection): void {
    this.live.delete(connection);
    if (this.live.size === 0) this.allClosed?.();
  }

  // ---- internals ----

  private buildChain(): void {
    this.chain =
      this.interceptors.length === 0
        ? undefined
        : composeInterceptors(this.interceptors, async (call) =>
            call.method.invoke(this.services.get(call.service)?.handler, call.args, call.context),
          );
  }

  private accept(socket: Socket): void {
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    if (this.live.size >= this.options.maxConnections) {
      this.options.logger.warn(
        `refusing a connection from ${socket.remoteAddress}:${socket.remotePort}: maxConnections (${this.options.maxConnections}) reached; raise the server's maxConnections option`,
      );
      socket.destroy();
      return;
    }
    this.live.add(new ServerConnection(socket, this));
  }

  private sweepIdle(): void {
    const now = Date.now();
    for (const connection of this.live) {
      if (connection.active || connection.inFlight > 0) {
        connection.active = false;
        connection.idleSince = now;
      } else if (now - connection.idleSince >= this.options.idleTimeoutMs) {
        connection.drain();
      }
    }
  }

  private async shutDown(graceMs: number): Promise<void> {
    const listener = this.listener;
    const stopped = new Promise<void>((resolve) => {
      if (listener === undefined || !listener.listening) resolve();
      else listener.close(() => resolve());
    });
    if (this.idleTimer !== undefined) clearInterval(this.idleTimer);
    if (this.live.size > 0) {
      const drained = new Promise<void>((resolve) => (this.allClosed = resolve));
      for (const connection of this.live) connection.drain();
      const timer = setTimeout(() => {
        for (const connection of this.live)
          connection.destroy(`server closed after a grace period of ${graceMs} ms`);
      }, graceMs);
      await drained;
      clearTimeout(timer);
    }
    await stopped;
    this.scheduler.close();
  }
}
