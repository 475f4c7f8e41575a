// Options of `connect()`, with one documented default each. Apache peers on their defaults
// (Node, Python) want `{ transport: "buffered", protocol: "binary", multiplexed: false }`.
import type { ConnectionOptions } from "node:tls";
import type { ClientInterceptor } from "../interceptor.js";
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from "../protocol/limits.js";
import type { ProtocolName } from "../protocol/ttype.js";
import type { EndpointSource } from "../registry/static.js";
import type { TransportName } from "../transport/transports.js";
import { DEFAULT_MAX_FRAME_BYTES } from "../transport/framed.js";
import type { Balance } from "./balancer.js";
import {
  resolveOutlierOptions,
  type OutlierOptions,
  type ResolvedOutlierOptions,
} from "./outlier.js";
import type { RetryBudgetOptions } from "./retry-budget.js";

/** Where a channel's calls go: one endpoint, a fixed list of `host:port`, or a changing source. */
export type EndpointOptions =
  | {
      readonly host: string;
      readonly port: number;
      readonly addresses?: never;
      readonly endpoints?: never;
    }
  | {
      /** `host:port` strings; calls are spread over them (see `balance`). */
      readonly addresses: readonly string[];
      readonly host?: never;
      readonly port?: never;
      readonly endpoints?: never;
    }
  | {
      /**
       * A source of endpoints that may change (service discovery). Until its first read is done
       * (`ready()`), calls wait for it within their deadlines rather than fail. It stays yours:
       * `channel.close()` leaves it open (several channels may share it), so close it yourself
       * after the channels that use it.
       */
      readonly endpoints: EndpointSource;
      readonly host?: never;
      readonly port?: never;
      readonly addresses?: never;
    };

/**
 * When a failed call is tried again (built-in, inside the user interceptors): calls that never
 * ran (`unavailable`, `overloaded`) and `(idempotent)` calls whose connection broke, on another
 * endpoint than the one that failed when there is one, within the call's deadline and the
 * channel's retry budget.
 */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  readonly attempts?: number;
  /** Pause before a retry that must go to the same endpoint, in milliseconds. Default 50. */
  readonly delayMs?: number;
  /** How many retries the channel may make. Default: 20 % of calls plus 10/s, over 10 s. */
  readonly budget?: RetryBudgetOptions;
}

/** How a channel talks, whatever its endpoints. */
export interface ChannelOptions {
  /** Wire protocol. Default "compact". */
  readonly protocol?: ProtocolName;
  /** Transport. Default "framed"; "buffered" for Apache's unframed default; "header" for THeader. */
  readonly transport?: TransportName;
  /** Send `Service:method` names (Apache TMultiplexedProtocol). Default true; false for a plain Apache server. */
  readonly multiplexed?: boolean;
  /** Connect with TLS (node:tls options: `ca`, `cert`, `key`, `servername`, …). Default: plain TCP. */
  readonly tls?: ConnectionOptions;
  /** Timeout of every call that sets none, in milliseconds. Default: none. */
  readonly timeoutMs?: number;
  /**
   * Time allowed to establish a connection, in milliseconds; also how long a `waitForReady` call
   * without a deadline waits for one. Default 5_000.
   */
  readonly connectTimeoutMs?: number;
  /**
   * Bytes a connection may hold waiting to be written (the peer reads slower than calls are
   * made); a call made beyond it fails at once with "limit-exceeded". Default 16_777_216.
   */
  readonly maxQueuedBytes?: number;
  /** After `close()` ends a connection, time left for the peer to close it before it is destroyed, in ms. Default 1_000. */
  readonly closeGraceMs?: number;
  /**
   * TCP keepalive: idle time before the first probe, in ms (whole seconds; Node then probes every
   * second, 10 times); 0 disables. Default 30_000.
   */
  readonly keepAliveMs?: number;
  /** Connections kept to each endpoint; calls are spread over them. Default 1. */
  readonly connectionsPerEndpoint?: number;
  /** How a call's endpoint is picked (then the least loaded connection of its pool). Default "p2c". */
  readonly balance?: Balance;
  /** Taking endpoints whose calls keep failing out of picking for a while; `false` turns it off. */
  readonly outlierEjection?: OutlierOptions | false;
  /** Largest reply frame accepted, in bytes. Default 16_384_000 (Apache's). */
  readonly maxFrameBytes?: number;
  /** Limits while decoding replies. Default DEFAULT_DECODE_LIMITS. */
  readonly limits?: Partial<DecodeLimits>;
  /** Reconnect backoff after a failed connect: first pause and cap, in ms. Default 100 and 5_000. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Retry of calls that never ran (and of idempotent calls whose connection broke); `false`: none. */
  readonly retry?: RetryOptions | false;
  /** Client interceptors, first listed outermost. */
  readonly interceptors?: readonly ClientInterceptor[];
  /** Headers sent with every call (THeader transport only); a call's own headers win. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Options of `connect()`: endpoints plus how to talk to them. */
export type ConnectOptions = ChannelOptions & EndpointOptions;

/** Channel options with every default filled in. */
export interface ResolvedChannelOptions {
  readonly protocol: ProtocolName;
  readonly transport: TransportName;
  readonly multiplexed: boolean;
  readonly tls: ConnectionOptions | undefined;
  readonly timeoutMs: number | undefined;
  readonly connectTimeoutMs: number;
  readonly maxQueuedBytes: number;
  readonly closeGraceMs: number;
  readonly keepAliveMs: number;
  readonly connectionsPerEndpoint: number;
  readonly balance: Balance;
  readonly maxFrameBytes: number;
  readonly limits: DecodeLimits;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  readonly retryAttempts: number;
  readonly retryDelayMs: number;
  readonly retryBudget: RetryBudgetOptions;
  readonly outlier: ResolvedOutlierOptions;
  readonly interceptors: readonly ClientInterceptor[];
  readonly headers: readonly (readonly [string, string])[];
}

const BALANCES: readonly Balance[] = ["p2c", "round-robin", "least-pending"];

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0))
    throw new RangeError(`connect(): ${name} must be a positive number, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value >= 0)) throw new RangeError(`connect(): ${name} must be a number >= 0, got ${value}`);
  return value;
}

/** Default `maxQueuedBytes`: bytes a connection may hold unwritten (16 MiB). */
export const DEFAULT_MAX_QUEUED_BYTES = 16_777_216;

/** Fills in defaults and checks values; throws a RangeError naming a bad option. */
export function resolveChannelOptions(options: ChannelOptions): ResolvedChannelOptions {
  const retry = options.retry;
  if (options.balance !== undefined && !BALANCES.includes(options.balance))
    throw new RangeError(
      `connect(): balance must be one of ${BALANCES.join(", ")}, got ${String(options.balance)}`,
    );
  return {
    protocol: options.protocol ?? "compact",
    transport: options.transport ?? "framed",
    multiplexed: options.multiplexed ?? true,
    tls: options.tls,
    timeoutMs:
      options.timeoutMs === undefined ? undefined : positive("timeoutMs", options.timeoutMs, 0),
    connectTimeoutMs: positive("connectTimeoutMs", options.connectTimeoutMs, 5_000),
    maxQueuedBytes: positive("maxQueuedBytes", options.maxQueuedBytes, DEFAULT_MAX_QUEUED_BYTES),
    closeGraceMs: nonNegative("closeGraceMs", options.closeGraceMs, 1_000),
    keepAliveMs: nonNegative("keepAliveMs", options.keepAliveMs, 30_000),
    connectionsPerEndpoint: Math.floor(
      positive("connectionsPerEndpoint", options.connectionsPerEndpoint, 1),
    ),
    balance: options.balance ?? "p2c",
    maxFrameBytes: positive("maxFrameBytes", options.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES),
    limits: { ...DEFAULT_DECODE_LIMITS, ...options.limits },
    backoffInitialMs: positive("backoff.initialMs", options.backoff?.initialMs, 100),
    backoffMaxMs: positive("backoff.maxMs", options.backoff?.maxMs, 5_000),
    retryAttempts: retry === false ? 1 : Math.floor(positive("retry.attempts", retry?.attempts, 3)),
    retryDelayMs: retry === false ? 0 : (retry?.delayMs ?? 50),
    retryBudget: (retry === false ? undefined : retry?.budget) ?? {},
    outlier: resolveOutlierOptions(options.outlierEjection),
    interceptors: options.interceptors ?? [],
    headers: Object.entries(options.headers ?? {}),
  };
}
