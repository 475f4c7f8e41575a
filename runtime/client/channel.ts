// `connect()`: a Channel over one or more endpoints, each with a small pool of connections.
// A call passes, outermost first: user interceptors → retry → deadline → pick endpoint → send
// (interceptor.ts); without interceptors or retry it goes straight to the picked connection.
import { DeadlineScheduler } from "../deadline.js";
import { RpcError, RpcErrorCode } from "../errors.js";
import {
  composeInterceptors,
  type ClientCall,
  type ClientInterceptor,
  type Next,
} from "../interceptor.js";
import { multiplexedName } from "../message.js";
import {
  createPicker,
  createStaticSource,
  type EndpointSource,
  type Pickable,
} from "../registry/static.js";
import type { CallOptions, Channel, MethodDescriptor } from "../service.js";
import { hostPort } from "../transport/socket.js";
import { ClientConnection } from "./connection.js";
import {
  resolveChannelOptions,
  type ConnectOptions,
  type ResolvedChannelOptions,
} from "./options.js";

/** A Channel that owns connections: close it when done. */
export interface ClientChannel extends Channel {
  /** Closes every connection; calls still awaiting replies reject with code "cancelled". */
  close(): Promise<void>;
}

const NO_OPTIONS: CallOptions = Object.freeze({});

/**
 * Opens a channel to `host:port`, to a list of `addresses`, or to an `endpoints` source.
 * Connections are made lazily, on the first call.
 */
export function connect(options: ConnectOptions): ClientChannel {
  return new PooledChannel(options);
}

class PooledChannel implements ClientChannel {
  private readonly options: ResolvedChannelOptions;
  private readonly source: EndpointSource;
  private readonly scheduler = new DeadlineScheduler();
  private readonly pick: <T extends Pickable>(items: readonly T[]) => T;
  /** Connections by endpoint (`host:port`), and all of them in one list for picking. */
  private readonly byEndpoint = new Map<string, ClientConnection[]>();
  private connections: ClientConnection[] = [];
  /** Connections of endpoints that went away, finishing their pending calls. */
  private readonly retired = new Set<ClientConnection>();
  /** Multiplexed message names, built once per service and method. */
  private readonly names = new Map<string, Map<MethodDescriptor, string>>();
  private readonly chain: Next<ClientCall> | undefined;
  private readonly unsubscribe: (() => void) | undefined;
  private closed = false;

  constructor(options: ConnectOptions) {
    this.options = resolveChannelOptions(options);
    if (options.endpoints !== undefined) this.source = options.endpoints;
    else if (options.addresses !== undefined) this.source = createStaticSource(options.addresses);
    else if (typeof options.host === "string" && Number.isInteger(options.port))
      this.source = createStaticSource([{ host: options.host, port: options.port }]);
    else throw new TypeError("connect(): give { host, port }, { addresses } or { endpoints }");
    this.pick = createPicker(this.options.balance);
    this.updateEndpoints();
    this.unsubscribe = this.source.subscribe?.(() => this.updateEndpoints());

    const stages: ClientInterceptor[] = [...this.options.interceptors];
    if (this.options.retryAttempts > 1)
      stages.push(retryStage(this.options.retryAttempts, this.options.retryDelayMs));
    this.chain =
      stages.length === 0
        ? undefined
        : composeInterceptors(stages, (call) =>
            this.send(call.service, call.method, call.args, call.options),
          );
  }

  call(
    service: string,
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
  ): Promise<unknown> {
    if (this.chain !== undefined)
      return this.chain({ service, method, args, options: options ?? NO_OPTIONS });
    return this.send(service, method, args, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    const all = [...this.connections, ...this.retired];
    this.connections = [];
    this.retired.clear();
    this.byEndpoint.clear();
    await Promise.all(all.map((c) => c.close()));
    this.scheduler.close();
    await this.source.close?.();
  }

  private send(
    service: string,
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
  ): Promise<unknown> {
    const connections = this.connections;
    if (connections.length === 0)
      return Promise.reject(
        new RpcError(
          this.closed
            ? `${service}.${method.name}: the channel is closed`
            : `${service}.${method.name}: no endpoint to call`,
          { code: this.closed ? RpcErrorCode.CANCELLED : RpcErrorCode.UNAVAILABLE },
        ),
      );
    const connection = connections.length === 1 ? connections[0]! : this.pick(connections);
    return connection.send(service, this.messageName(service, method), method, args, options);
  }

  private messageName(service: string, method: MethodDescriptor): string {
    if (!this.options.multiplexed) return method.name;
    let byMethod = this.names.get(service);
    if (byMethod === undefined) this.names.set(service, (byMethod = new Map()));
    let name = byMethod.get(method);
    if (name === undefined) byMethod.set(method, (name = multiplexedName(service, method.name)));
    return name;
  }

  /** Matches connections to the source's current endpoints: keeps, adds and closes. */
  private updateEndpoints(): void {
    if (this.closed) return;
    const wanted = new Map(this.source.endpoints().map((e) => [hostPort(e.host, e.port), e]));
    for (const [key, connections] of this.byEndpoint) {
      if (wanted.has(key)) continue;
      this.byEndpoint.delete(key);
      for (const connection of connections) {
        this.retired.add(connection);
        connection.retire(() => this.retired.delete(connection));
      }
    }
    for (const [key, endpoint] of wanted) {
      if (this.byEndpoint.has(key)) continue;
      const connections: ClientConnection[] = [];
      for (let i = 0; i < this.options.connectionsPerEndpoint; i++)
        connections.push(
          new ClientConnection(endpoint.host, endpoint.port, this.options, this.scheduler),
        );
      this.byEndpoint.set(key, connections);
    }
    this.connections = [...this.byEndpoint.values()].flat();
  }
}

/** Whether a failed call can safely be tried again. */
function isRetryable(error: unknown, method: MethodDescriptor): boolean {
  if (!(error instanceof RpcError)) return false;
  // Unavailable: never reached a server. Connection lost: may have run, so only if idempotent.
  return (
    error.code === RpcErrorCode.UNAVAILABLE ||
    (error.code === RpcErrorCode.CONNECTION_LOST && method.idempotent)
  );
}

/** The built-in retry stage: up to `attempts` tries of calls that are safe to repeat. */
function retryStage(attempts: number, delayMs: number): ClientInterceptor {
  return (next) => async (call) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(call);
      } catch (error) {
        if (attempt >= attempts || !isRetryable(error, call.method)) throw error;
        if (call.options.signal?.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  };
}
