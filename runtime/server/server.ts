// `createServer()`: many services on one port, routed by multiplexed name (`Service:method`, or
// a bare method name when the server hosts one service), with interceptors, connection limits
// (in all and per remote address), admission control (maxConcurrentCalls, event-loop delay),
// one sweep timer for idle and dribbling connections, counters (`stats()`) and a graceful
// drain on close.
import type { Server as NetServer, Socket } from "node:net";
import { DeadlineScheduler } from "../deadline.js";
import { composeInterceptors, type ServerCall, type ServerInterceptor } from "../interceptor.js";
import { multiplexedName, splitMessageName } from "../message.js";
import type { ServiceDescriptor } from "../service.js";
import { createListener, peerName } from "../transport/socket.js";
import { ServerConnection, type Route, type ServerCore } from "./connection.js";
import { LogLimiter } from "./log-limiter.js";
import { LoadMonitor } from "./load-monitor.js";
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from "./options.js";
import {
  CallOutcome,
  MethodCounters,
  methodRecord,
  ServerCounters,
  type ServerStats,
} from "./stats.js";

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
  /**
   * Time the whole close may take, in ms: before-close hooks, then running calls finishing;
   * what is left then is closed hard. Default 5_000.
   */
  readonly graceMs?: number;
  /**
   * While draining, a connection with no call running that started none for this long is
   * ended, in ms: longer than a round trip, so calls a client sent before it saw the draining
   * mark still arrive and are answered. Default 100.
   */
  readonly quietMs?: number;
}

/** Work `server.close()` does first, before it stops accepting (e.g. deregistering). */
export type BeforeCloseHook = () => void | Promise<void>;

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
  /** A snapshot of the server's counters, cheap enough to poll. */
  stats(): ServerStats;
  /**
   * Adds work for `close()` to do first, before it stops accepting (hooks run together, and
   * are waited for within `graceMs`); `registerEndpoint({ server })` deregisters this way.
   * Returns a function that removes the hook.
   */
  beforeClose(hook: BeforeCloseHook): () => void;
  /**
   * Drains: runs the before-close hooks (deregistration), stops accepting, keeps answering the
   * calls connections send (THeader replies carry `idlc-draining: 1`, so idlc clients send no
   * new ones), ends each connection once it is quiet, and after `graceMs` closes what is left;
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
  readonly log: LogLimiter;
  bufferedFrameBytes = 0;
  readonly counters = new ServerCounters();
  chain: ((call: ServerCall) => Promise<unknown>) | undefined;
  draining = false;

  private readonly services = new Map<string, { service: ServiceDescriptor; handler: unknown }>();
  private readonly routes = new Map<string, Route>();
  private readonly interceptors: ServerInterceptor[];
  private readonly live = new Set<ServerConnection>();
  /** Open connections per remote address, for maxConnectionsPerPeer. */
  private readonly perPeer = new Map<string, number>();
  /** Counters by `Service.method`, kept when routes are rebuilt. */
  private readonly methodCounters = new Map<string, MethodCounters>();
  private readonly monitor: LoadMonitor;
  private readonly hooks = new Set<BeforeCloseHook>();
  private listener: NetServer | undefined;
  private sweepTimer: ReturnType<typeof setInterval> | undefined;
  private closing: Promise<void> | undefined;
  /** Set once close() has run its hooks: connections arriving now are refused. */
  private refusing = false;
  private allClosed: (() => void) | undefined;

  constructor(options: ServerOptions) {
    this.options = resolveServerOptions(options);
    this.log = new LogLimiter(this.options.logger, this.options.logIntervalMs);
    this.monitor = new LoadMonitor(
      this.options.maxEventLoopDelayMs,
      this.options.eventLoopSampleMs,
    );
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
        const key = `${name}.${method.name}`;
        let counters = this.methodCounters.get(key);
        if (counters === undefined) this.methodCounters.set(key, (counters = new MethodCounters()));
        const route: Route = { service: name, method, handler: h, counters };
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
    this.sweepTimer = setInterval(() => this.sweep(), sweepIntervalMs(this.options));
    this.sweepTimer.unref();
    return new Promise((resolve, reject) => {
      const failed = (error: Error): void => {
        // Not listening after all (e.g. EADDRINUSE): listen() may be tried again.
        this.listener = undefined;
        if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
        reject(error);
      };
      listener.once("error", failed);
      listener.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        listener.off("error", failed);
        this.monitor.start();
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

  stats(): ServerStats {
    const counters = this.counters;
    return {
      calls: counters.calls,
      inFlight: counters.inFlight,
      shed: counters.count(CallOutcome.OVERLOADED),
      connections: this.live.size,
      connectionsAccepted: counters.connectionsAccepted,
      draining: this.draining,
      overloaded: this.monitor.overloaded,
      eventLoopDelayMs: this.monitor.delayMs,
      outcomes: counters.outcomeRecord(),
      methods: methodRecord(this.methodCounters),
    };
  }

  beforeClose(hook: BeforeCloseHook): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutDown(options.graceMs ?? 5_000, options.quietMs ?? 100);
    return this.closing;
  }

  // ---- ServerCore ----

  route(name: string): Route | undefined {
    return this.routes.get(name);
  }

  shedReason(): string | undefined {
    const { maxConcurrentCalls, maxEventLoopDelayMs } = this.options;
    if (this.counters.inFlight >= maxConcurrentCalls)
      return `${maxConcurrentCalls} calls are running (maxConcurrentCalls)`;
    if (this.monitor.overloaded)
      return `event-loop delay of ${Math.round(this.monitor.delayMs)} ms is above maxEventLoopDelayMs (${maxEventLoopDelayMs})`;
    return undefined;
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
    if (!this.live.delete(connection)) return;
    const peer = connection.remoteAddress;
    const count = this.perPeer.get(peer) ?? 1;
    if (count <= 1) this.perPeer.delete(peer);
    else this.perPeer.set(peer, count - 1);
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
    if (this.refusing) {
      socket.destroy();
      return;
    }
    const { maxConnections, maxConnectionsPerPeer, keepAliveMs } = this.options;
    if (this.live.size >= maxConnections) {
      this.log.warn(
        "max-connections",
        `refusing a connection from ${peerName(socket)}: maxConnections (${maxConnections}) reached; raise the server's maxConnections option`,
      );
      socket.destroy();
      return;
    }
    const peer = socket.remoteAddress ?? "";
    const fromPeer = this.perPeer.get(peer) ?? 0;
    if (maxConnectionsPerPeer > 0 && fromPeer >= maxConnectionsPerPeer) {
      this.log.warn(
        "max-connections-per-peer",
        `refusing a connection from ${peerName(socket)}: maxConnectionsPerPeer (${maxConnectionsPerPeer}) reached for ${peer}; raise the server's maxConnectionsPerPeer option`,
      );
      socket.destroy();
      return;
    }
    // A peer that vanished without a FIN (power loss, a dropped NAT entry) is found by the OS.
    if (keepAliveMs > 0) socket.setKeepAlive(true, keepAliveMs);
    this.perPeer.set(peer, fromPeer + 1);
    this.counters.connectionsAccepted++;
    this.live.add(new ServerConnection(socket, this));
  }

  /**
   * One pass over all connections, every sweepIntervalMs: closes those whose message has taken
   * longer than frameTimeoutMs, lets go of the output slab of those quiet since the last pass,
   * and drains those idle for idleTimeoutMs. O(connections) per pass, nothing per byte.
   */
  private sweep(): void {
    const now = Date.now();
    const { idleTimeoutMs, frameTimeoutMs } = this.options;
    for (const connection of this.live) {
      const started = connection.frameStartedAt;
      if (frameTimeoutMs > 0 && started > 0 && now - started >= frameTimeoutMs) {
        connection.frameTimedOut(now);
      } else if (connection.active || connection.inFlight > 0) {
        connection.active = false;
        connection.idleSince = now;
      } else {
        connection.releaseIdleBuffers();
        if (idleTimeoutMs > 0 && now - connection.idleSince >= idleTimeoutMs) connection.drain();
      }
    }
  }

  /**
   * Drain, in order: before-close hooks (deregistration: clients stop picking this server),
   * stop accepting, answer what connections still send (marked draining) and end each one once
   * it is quiet, then, at `graceMs`, close what is left hard.
   */
  private async shutDown(graceMs: number, quietMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    this.draining = true; // from now on THeader replies tell clients to go elsewhere
    await this.runHooks(graceMs);
    this.refusing = true;
    const listener = this.listener;
    const stopped = new Promise<void>((resolve) => {
      if (listener === undefined || !listener.listening) resolve();
      else listener.close(() => resolve());
    });
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    if (this.live.size > 0) {
      const drained = new Promise<void>((resolve) => (this.allClosed = resolve));
      for (const connection of this.live) connection.called = false;
      // One sweep timer for the server, never one per connection or call.
      const sweep = setInterval(() => this.endQuiet(), quietMs);
      const timer = setTimeout(
        () => {
          for (const connection of this.live)
            connection.destroy(`server closed after a grace period of ${graceMs} ms`);
        },
        Math.max(0, deadline - Date.now()),
      );
      await drained;
      clearInterval(sweep);
      clearTimeout(timer);
    }
    await stopped;
    this.monitor.stop();
    this.scheduler.close();
    this.log.close();
  }

  /** Ends the connections that have nothing running and started no call since the last sweep. */
  private endQuiet(): void {
    for (const connection of this.live) {
      if (connection.inFlight === 0 && !connection.called) connection.drain();
      connection.called = false;
    }
  }

  /** Runs the before-close hooks together, waiting at most `graceMs`; failures are logged. */
  private async runHooks(graceMs: number): Promise<void> {
    if (this.hooks.size === 0) return;
    const logger = this.options.logger;
    const runs = [...this.hooks].map(async (hook) => {
      try {
        await hook();
      } catch (error) {
        logger.error("a before-close hook of server.close() failed", error);
      }
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        logger.warn(`before-close hooks still running after graceMs (${graceMs} ms); closing`);
        resolve();
      }, graceMs);
    });
    await Promise.race([Promise.all(runs), late]);
    clearTimeout(timer);
  }
}

/**
 * How often the sweep runs, in ms: often enough that a dribbling connection is closed within
 * 1.25 × frameTimeoutMs and an idle one within 1.5 × idleTimeoutMs; at most 30 s (the output
 * slabs of idle connections are released at that pace even with both timeouts off).
 */
function sweepIntervalMs({ idleTimeoutMs, frameTimeoutMs }: ResolvedServerOptions): number {
  let every = 30_000;
  if (idleTimeoutMs > 0) every = Math.min(every, idleTimeoutMs / 2);
  if (frameTimeoutMs > 0) every = Math.min(every, frameTimeoutMs / 4);
  return Math.max(10, every);
}
