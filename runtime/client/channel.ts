// `connect()`: a Channel over one or more endpoints, each with a small pool of connections.
// A call passes, outermost first: user interceptors → retry → deadline → pick endpoint → send
// (interceptor.ts). Picking takes the call's hash key to its owner on the ring when it has one
// (hash-ring.ts), else asks the balancer (balancer.ts), both skipping ejected endpoints
// (outlier.ts); then the endpoint gives its least loaded connection. Retries (retry.ts)
// go to another endpoint than the one that failed, within the deadline and the retry budget.
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
import { createStaticSource, type EndpointSource } from "../registry/static.js";
import type { CallOptions, Channel, MethodDescriptor } from "../service.js";
import { hostPort } from "../transport/socket.js";
import { createBalancer, type Balancer } from "./balancer.js";
import { errorText } from "./call-errors.js";
import { ClientConnection } from "./connection.js";
import { ChannelEndpoint, weightOf, type EndpointFleet, type EndpointStats } from "./endpoint.js";
import { HashRing, hashKeyOf } from "./hash-ring.js";
import {
  resolveChannelOptions,
  type ConnectOptions,
  type ResolvedChannelOptions,
} from "./options.js";
import { OutlierDetector, type Ejectable } from "./outlier.js";
import { PendingCall, type CallOwner, type Retrier, type RetryState } from "./pending-call.js";
import { RetryBudget } from "./retry-budget.js";
import { retryFailed, type RetryHost } from "./retry.js";

/** A Channel that owns connections: close it when done. */
export interface ClientChannel extends Channel {
  /**
   * Closes every connection; calls still awaiting replies reject with code "cancelled". Closes
   * the endpoint source only if the channel made it (from `host`/`port` or `addresses`): a
   * source passed as `endpoints` is the caller's to close.
   */
  close(): Promise<void>;
  /** A snapshot of the channel's counters and of each endpoint (cheap: no I/O). */
  stats(): ChannelStats;
}

/** What `channel.stats()` returns: counters since the channel was made. */
export interface ChannelStats {
  /** Calls made (each counted once, however many attempts it took). */
  readonly calls: number;
  /** Retries sent (attempts after the first). */
  readonly retries: number;
  /** Retries sent to another endpoint than the attempt that failed. */
  readonly failovers: number;
  /** Retries not sent because the retry budget was spent (the call failed with its error). */
  readonly budgetExhausted: number;
  /** Every endpoint listed now, then those no longer listed (last 64), with their counters. */
  readonly endpoints: readonly EndpointStats[];
}

/** Endpoints no longer listed whose counters `stats()` still reports. */
const DEPARTED_KEPT = 64;

const NO_OPTIONS: CallOptions = Object.freeze({});

/**
 * Opens a channel to `host:port`, to a list of `addresses`, or to an `endpoints` source.
 * Connections are made lazily, on the first call.
 */
export function connect(options: ConnectOptions): ClientChannel {
  return new PooledChannel(options);
}

const WAITING = "waiting for the endpoint source's first read";

class PooledChannel implements ClientChannel, CallOwner, EndpointFleet, RetryHost, Retrier {
  private readonly options: ResolvedChannelOptions;
  private readonly source: EndpointSource;
  /** Whether the channel made `source` (and so closes it), or was given it. */
  private readonly ownsSource: boolean;
  private readonly scheduler = new DeadlineScheduler();
  readonly detector: OutlierDetector;
  private readonly balancer: Balancer<ChannelEndpoint>;
  readonly budget: RetryBudget;
  /** The endpoints listed now, in the source's order; and their health, for `restore`. */
  private endpoints: ChannelEndpoint[] = [];
  private healths: Ejectable[] = [];
  /** Every endpoint seen by `host:port`: the listed ones, and the last departed ones. */
  private readonly known = new Map<string, ChannelEndpoint>();
  /** The consistent-hashing ring of `endpoints`, built on the first call with a hash key. */
  private ring: HashRing | undefined;
  /** The endpoints a hashed pick must avoid (those the call failed on), read by `usableOnRing`. */
  private ringExclude: readonly ChannelEndpoint[] | undefined;
  calls = 0;
  retries = 0;
  failovers = 0;
  budgetExhausted = 0;
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
  private readonly waiting = new Set<PendingCall>();
  private closed = false;

  constructor(options: ConnectOptions) {
    this.options = resolveChannelOptions(options);
    this.ownsSource = options.endpoints === undefined;
    if (options.endpoints !== undefined) this.source = options.endpoints;
    else if (options.addresses !== undefined) this.source = createStaticSource(options.addresses);
    else if (typeof options.host === "string" && Number.isInteger(options.port))
      this.source = createStaticSource([{ host: options.host, port: options.port }]);
    else throw new TypeError("connect(): give { host, port }, { addresses } or { endpoints }");
    this.detector = new OutlierDetector(this.options.outlier);
    this.balancer = createBalancer(this.options.balance);
    this.budget = new RetryBudget(this.options.retryBudget);
    this.updateEndpoints();
    this.unsubscribe = this.source.subscribe?.(() => this.updateEndpoints());

    const stages: readonly ClientInterceptor[] = this.options.interceptors;
    this.chain =
      stages.length === 0
        ? undefined
        : composeInterceptors(stages, (call) =>
            this.send(call.service, call.method, call.args, call.options),
          );
  }

  call<Args extends readonly unknown[], Result>(
    service: string,
    method: MethodDescriptor<unknown, Args, Result>,
    args: NoInfer<Args>,
    options: CallOptions | undefined,
  ): Promise<Result> {
    // The one cast: what resolves the call is `method.readResult`'s value (a Result), or, for
    // void and oneway methods, undefined; the stages in between pass it on untyped.
    const result =
      this.chain !== undefined
        ? this.chain({ service, method, args, options: options ?? NO_OPTIONS })
        : this.send(service, method, args, options);
    return result as Promise<Result>;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    const all = [...this.endpoints.flatMap((e) => e.pool), ...this.retired];
    this.endpoints = [];
    this.retired.clear();
    for (const call of [...this.waiting])
      this.settleWaiting(call).reject(
        this.waitError(call, RpcErrorCode.CANCELLED, "the channel is closed"),
      );
    await Promise.all(all.map((c) => c.close()));
    this.scheduler.close();
    if (this.ownsSource) await this.source.close?.();
  }

  stats(): ChannelStats {
    const listed: EndpointStats[] = [];
    const departed: EndpointStats[] = [];
    const now = Date.now();
    for (const endpoint of this.known.values())
      (endpoint.listed ? listed : departed).push(endpoint.snapshot(now));
    return {
      calls: this.calls,
      retries: this.retries,
      failovers: this.failovers,
      budgetExhausted: this.budgetExhausted,
      endpoints: [...listed, ...departed],
    };
  }

  /** Endpoints listed now (EndpointFleet: the ejection share is of these). */
  get size(): number {
    return this.endpoints.length;
  }

  // ---- CallOwner (of waiting calls) ----

  expire(call: PendingCall): void {
    if (call.done) return;
    const budget = Number.isNaN(call.budgetMs) ? "" : ` of ${Math.round(call.budgetMs)} ms`;
    this.settleWaiting(call).reject(
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
    this.settleWaiting(call).reject(
      this.waitError(call, RpcErrorCode.CANCELLED, `cancelled while ${WAITING}${why}`, reason),
    );
  }

  private send(
    service: string,
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
  ): Promise<unknown> {
    if (this.endpoints.length === 0) {
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
    this.calls++;
    const endpoint = this.pick(method, args, options, undefined);
    endpoint.calls++;
    const name = this.messageName(service, method);
    if (this.options.retryAttempts <= 1)
      return endpoint.connection().send(service, name, method, args, options);
    this.budget.called(Date.now());
    return endpoint.connection().send(service, name, method, args, options, this);
  }

  // ---- Retrier (of calls of this channel) ----

  retried(call: PendingCall, error: unknown): boolean {
    return retryFailed(this, call, error);
  }

  // ---- RetryHost (of retrying calls) ----

  get retryAttempts(): number {
    return this.options.retryAttempts;
  }

  get retryDelayMs(): number {
    return this.options.retryDelayMs;
  }

  /** Whether the channel still has endpoints to try (it may have closed, or lost them all). */
  get open(): boolean {
    return !this.closed && this.endpoints.length > 0;
  }

  endpointOf(call: PendingCall): ChannelEndpoint | undefined {
    const owner = call.owner;
    return owner instanceof ClientConnection ? this.known.get(owner.peer) : undefined;
  }

  resend(endpoint: ChannelEndpoint, previous: PendingCall, state: RetryState): void {
    endpoint.calls++;
    const name = this.messageName(previous.service, previous.method);
    endpoint.connection().resend(previous, name, state);
  }

  /**
   * The endpoint for a call: its hash key's owner if it has a key (from the options, else the
   * argument its method's `idlc.hash_key` annotation names), else the balancer's pick; never an
   * ejected endpoint or one of `exclude` while another can take calls.
   */
  pick(
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
    exclude: readonly ChannelEndpoint[] | undefined,
  ): ChannelEndpoint {
    const endpoints = this.endpoints;
    if (endpoints.length === 1) return endpoints[0]!;
    const detector = this.detector;
    if (detector.ejectedCount > 0) {
      const now = Date.now();
      if (detector.due(now)) detector.restore(this.healths, now);
    }
    const key =
      options?.hashKey ?? (method.hashKeyArg === undefined ? undefined : args[method.hashKeyArg]);
    if (typeof key === "string" || typeof key === "number" || typeof key === "bigint") {
      const ring = (this.ring ??= new HashRing(
        endpoints.map((e) => ({ address: e.address, weight: e.weight })),
      ));
      this.ringExclude = exclude;
      const owner = ring.owner(hashKeyOf(key), this.usableOnRing);
      this.ringExclude = undefined;
      return endpoints[owner]!;
    }
    return this.balancer.pick(exclude);
  }

  private readonly usableOnRing = (index: number): boolean => {
    const endpoint = this.endpoints[index]!;
    return endpoint.tier === 2 && !(this.ringExclude?.includes(endpoint) ?? false);
  };

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
    const call = new PendingCall(this, service, method);
    const promise = call.promise();
    call.args = args;
    call.options = options;
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
  private settleWaiting(call: PendingCall): PendingCall {
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

  /**
   * Matches endpoints to the source's list: keeps (with its new weight), adds and retires. An
   * endpoint that leaves keeps its counters for `stats()`; one that comes back (a restarted
   * replica on the same address) gets fresh connections and a clean bill of health.
   */
  private updateEndpoints(): void {
    if (this.closed) return;
    const wanted = new Map(this.source.endpoints().map((e) => [hostPort(e.host, e.port), e]));
    const now = Date.now();
    for (const endpoint of this.endpoints) {
      if (wanted.has(endpoint.address)) continue;
      this.detector.release(endpoint.health, now, false);
      for (const connection of endpoint.retire(this.forgetRetired)) this.retired.add(connection);
      // Re-inserted last, so the oldest departed are the first forgotten.
      this.known.delete(endpoint.address);
      this.known.set(endpoint.address, endpoint);
    }
    const next: ChannelEndpoint[] = [];
    for (const [address, listed] of wanted) {
      let endpoint = this.known.get(address);
      if (endpoint === undefined) {
        endpoint = new ChannelEndpoint(listed, this);
        this.known.set(address, endpoint);
      }
      if (!endpoint.listed || endpoint.pool.length === 0) {
        Object.assign(endpoint.health, { consecutiveFailures: 0, probation: false, multiplier: 0 });
        endpoint.open(this.options.connectionsPerEndpoint, this.options, this.scheduler);
      }
      endpoint.weight = weightOf(listed);
      next.push(endpoint);
    }
    let departed = this.known.size - next.length;
    for (const [address, endpoint] of this.known) {
      if (departed <= DEPARTED_KEPT) break;
      if (endpoint.listed && wanted.has(address)) continue;
      this.known.delete(address);
      departed--;
    }
    this.endpoints = next;
    this.healths = next.map((e) => e.health);
    this.balancer.update(next);
    this.ring = undefined;
    if (next.length > 0 && this.waiting.size > 0) this.sendWaiting();
  }

  private readonly forgetRetired = (connection: ClientConnection): void => {
    this.retired.delete(connection);
  };
}
