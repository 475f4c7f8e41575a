// `connect()`: a Channel over one or more endpoints, each with a small pool of connections.
// A call passes, outermost first: user interceptors → retry → deadline → pick endpoint → send
// (interceptor.ts); without interceptors or retry it goes straight to the picked connection.
// Until a discovery source has read its endpoints once (`EndpointSource.ready`), "pick endpoint"
// parks calls in one shared wait, bounded by each call's own deadline and signal.
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
import { errorText } from "./call-errors.js";
import { ClientConnection } from "./connection.js";
import {
  resolveChannelOptions,
  type ConnectOptions,
  type ResolvedChannelOptions,
} from "./options.js";
import { PendingCall, type CallOwner } from "./pending-call.js";

/** A Channel that owns connections: close it when done. */
export interface ClientChannel extends Channel {
  /**
   * Closes every connection; calls still awaiting replies reject with code "cancelled". Closes
   * the endpoint source only if the channel made it (from `host`/`port` or `addresses`): a
   * source passed as `endpoints` is the caller's to close.
   */
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

/** A call parked until the endpoint source is ready, with what it needs to be sent then. */
class WaitingCall extends PendingCall {
  readonly args: readonly unknown[];
  readonly options: CallOptions | undefined;

  constructor(
    owner: CallOwner,
    service: string,
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
  ) {
    super(owner, service, method);
    this.args = args;
    this.options = options;
  }
}

const WAITING = "waiting for the endpoint source's first read";

class PooledChannel implements ClientChannel, CallOwner {
  private readonly options: ResolvedChannelOptions;
  private readonly source: EndpointSource;
  /** Whether the channel made `source` (and so closes it), or was given it. */
  private readonly ownsSource: boolean;
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
  /** The source said it is ready: from now on no endpoint means "unavailable" at once. */
  private sourceReady = false;
  /** A `source.ready()` is in flight, shared by every waiting call. */
  private readying = false;
  /** Calls made while there was no endpoint and the source was not ready yet. */
  private readonly waiting = new Set<WaitingCall>();
  private closed = false;

  constructor(options: ConnectOptions) {
    this.options = resolveChannelOptions(options);
    this.ownsSource = options.endpoints === undefined;
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
    for (const call of [...this.waiting])
      this.settleWaiting(call).reject(
        this.waitError(call, RpcErrorCode.CANCELLED, "the channel is closed"),
      );
    await Promise.all(all.map((c) => c.close()));
    this.scheduler.close();
    if (this.ownsSource) await this.source.close?.();
  }

  // ---- CallOwner (of waiting calls) ----

  expire(call: PendingCall): void {
    if (call.done) return;
    const budget = Number.isNaN(call.budgetMs) ? "" : ` of ${Math.round(call.budgetMs)} ms`;
    this.settleWaiting(call as WaitingCall).reject(
      this.waitError(
        call,
        RpcErrorCode.DEADLINE_EXCEEDED,
        `deadline${budget} exceeded while ${WAITING}`,
      ),
    );
  }

  cancel(call: PendingCall, reason: unknown): void {
    if (call.done) return;
    const why = reason instanceof Error ? `: ${reason.message}` : "";
    this.settleWaiting(call as WaitingCall).reject(
      this.waitError(call, RpcErrorCode.CANCELLED, `cancelled while ${WAITING}${why}`, reason),
    );
  }

  private send(
    service: string,
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
  ): Promise<unknown> {
    const connections = this.connections;
    if (connections.length === 0) {
      if (!this.closed && !this.sourceReady && this.source.ready !== undefined)
        return this.waitForEndpoints(service, method, args, options);
      return Promise.reject(
        new RpcError(
          this.closed
            ? `${service}.${method.name}: the channel is closed`
            : `${service}.${method.name}: no endpoint to call`,
          { code: this.closed ? RpcErrorCode.CANCELLED : RpcErrorCode.UNAVAILABLE },
        ),
      );
    }
    const connection = connections.length === 1 ? connections[0]! : this.pick(connections);
    return connection.send(service, this.messageName(service, method), method, args, options);
  }

  /**
   * Parks a call until the source is ready (then sends it with what is left of its deadline),
   * its deadline passes or its signal aborts. No timer per call: the channel's deadline
   * scheduler and the shared abort watch settle it, and it leaves both when it settles.
   */
  private waitForEndpoints(
    service: string,
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
  ): Promise<unknown> {
    const call = new WaitingCall(this, service, method, args, options);
    const promise = call.promise();
    const aborted = call.prepare(options, this.options.timeoutMs);
    if (aborted !== undefined) {
      this.cancel(call, aborted.reason);
      return promise;
    }
    this.waiting.add(call);
    const deadline = call.deadline;
    if (deadline !== undefined && deadline <= call.startedAt) this.expire(call);
    else {
      if (deadline !== undefined) this.scheduler.add(call);
      this.awaitReady();
    }
    return promise;
  }

  /** Asks the source once whether it is ready; every waiting call shares the answer. */
  private awaitReady(): void {
    if (this.readying) return;
    this.readying = true;
    // Through a Promise constructor, so a ready() that throws counts as a failed read.
    new Promise<void>((resolve) => resolve(this.source.ready?.())).then(
      () => {
        this.readying = false;
        if (this.closed) return;
        this.sourceReady = true;
        this.sendWaiting();
      },
      (error: unknown) => {
        this.readying = false;
        // The source retries: a later call asks again and waits for its next read.
        for (const call of [...this.waiting])
          this.settleWaiting(call).reject(
            this.waitError(
              call,
              RpcErrorCode.UNAVAILABLE,
              `no endpoint to call: the endpoint source's first read failed: ${errorText(error)}`,
              error,
            ),
          );
      },
    );
  }

  /** Sends the waiting calls: there are endpoints now, or the source is ready without any. */
  private sendWaiting(): void {
    for (const call of [...this.waiting]) {
      const { resolve, reject } = this.settleWaiting(call);
      const deadline = call.deadline;
      // The time spent waiting counts: the call keeps its absolute deadline.
      const options = deadline === undefined ? call.options : { ...call.options, deadline };
      this.send(call.service, call.method, call.args, options).then(resolve, reject);
    }
  }

  /** Takes a waiting call out of the wait, the deadline scheduler and its signals' watch. */
  private settleWaiting(call: WaitingCall): WaitingCall {
    this.waiting.delete(call);
    call.finish(this.scheduler);
    return call;
  }

  private waitError(call: PendingCall, code: RpcErrorCode, why: string, cause?: unknown): RpcError {
    return new RpcError(`${call.service}.${call.method.name}: ${why}`, { code, cause });
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
    if (this.connections.length > 0 && this.waiting.size > 0) this.sendWaiting();
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
