// Options of `createServer()`, each limit with one documented default (Apache's where it has
// one, so a mixed fleet agrees on what is too big).
import type { TlsOptions } from "node:tls";
import type { ServerInterceptor } from "../interceptor.js";
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from "../protocol/limits.js";
import type { ProtocolName } from "../protocol/ttype.js";
import type { TransportName } from "../transport/transports.js";
import { DEFAULT_MAX_FRAME_BYTES } from "../transport/framed.js";

/** Where the server reports what goes wrong (bad connections, failing handlers). */
export interface Logger {
  /** Something a client did wrong (bad frame, limit hit); the server carries on. */
  warn(message: string, detail?: unknown): void;
  /** Something the service did wrong (a handler threw an undeclared error). */
  error(message: string, detail?: unknown): void;
}

/** The default logger: console.warn / console.error with an `idlc:` prefix. */
export const consoleLogger: Logger = {
  warn: (message, detail) =>
    detail === undefined
      ? console.warn(`idlc: ${message}`)
      : console.warn(`idlc: ${message}`, detail),
  error: (message, detail) =>
    detail === undefined
      ? console.error(`idlc: ${message}`)
      : console.error(`idlc: ${message}`, detail),
};

/** Options of `createServer()`. */
export interface ServerOptions {
  /** Protocol accepted. Default "auto": compact or binary, detected per connection. */
  readonly protocol?: "auto" | ProtocolName;
  /** Transport accepted. Default "auto": framed, buffered or THeader, detected per connection. */
  readonly transport?: "auto" | TransportName;
  /** Serve TLS (node:tls options: `key`, `cert`, `ca`, `requestCert`, …). Default: plain TCP. */
  readonly tls?: TlsOptions;
  /** Largest frame (or unframed message) accepted, in bytes. Default 16_384_000 (Apache's). */
  readonly maxFrameBytes?: number;
  /** Limits while decoding arguments. Default DEFAULT_DECODE_LIMITS (depth 64). */
  readonly limits?: Partial<DecodeLimits>;
  /** Calls one connection may have running; beyond it the server stops reading it. Default 1024. */
  readonly maxInFlightPerConnection?: number;
  /** Connections served at once; more are closed on arrival. Default 10_000. */
  readonly maxConnections?: number;
  /**
   * Longest a handler may run, in ms, whatever the caller's deadline: then its signal aborts, its
   * downstream calls are cancelled, its slot is released and the caller gets a TIMEOUT
   * ApplicationError (a late result is discarded). The only bound on framed and unframed calls,
   * which carry no deadline. Default 60_000; 0 never.
   */
  readonly maxHandlerMs?: number;
  /**
   * Handlers running at once on the whole server; a call beyond it is shed (LOADSHEDDING, the
   * client's "overloaded") before it runs. Default 10_000.
   */
  readonly maxConcurrentCalls?: number;
  /**
   * Shed calls while the event loop's mean delay over a sample is above this, in ms. Default
   * 500; 0 never.
   */
  readonly maxEventLoopDelayMs?: number;
  /** How often the event-loop delay is sampled, in ms. Default 1_000. */
  readonly eventLoopSampleMs?: number;
  /** A connection with no traffic and no call running this long is closed, in ms. Default 300_000; 0 never. */
  readonly idleTimeoutMs?: number;
  /**
   * Time a frame (or unframed message) may take to arrive once its first byte came, and a new
   * connection's first message from accept, in ms; a slower (dribbling) connection is closed
   * with a logged reason. Not counted while the server itself stops reading (backpressure).
   * Default 10_000; 0 never.
   */
  readonly frameTimeoutMs?: number;
  /**
   * Bytes that partly received messages may hold across all connections, in bytes; the
   * connection whose bytes would exceed it is closed with a logged reason. Default 268_435_456
   * (256 MiB, 16 frames of the default maxFrameBytes).
   */
  readonly maxBufferedFrameBytes?: number;
  /** Connections one remote address may hold; more are closed on arrival. Default 0: no limit. */
  readonly maxConnectionsPerPeer?: number;
  /** TCP keepalive: idle time before the first probe on accepted sockets, in ms. Default 30_000
   * (the client's too: one default on both ends); 0 off. */
  readonly keepAliveMs?: number;
  /**
   * Repeated warnings of one kind (refused connection, bad frame, …) are logged once per this
   * interval, the next line saying how many were left out, in ms. Default 10_000; 0 logs all.
   */
  readonly logIntervalMs?: number;
  /** Send handler errors' stack traces to clients (never in production). Default false. */
  readonly debug?: boolean;
  /** Where problems are reported. Default consoleLogger. */
  readonly logger?: Logger;
  /** Server interceptors, first listed outermost (more with `server.use`). */
  readonly interceptors?: readonly ServerInterceptor[];
}

/** Server options with every default filled in. */
export interface ResolvedServerOptions {
  readonly protocol: "auto" | ProtocolName;
  readonly transport: "auto" | TransportName;
  readonly tls: TlsOptions | undefined;
  readonly maxFrameBytes: number;
  readonly limits: DecodeLimits;
  readonly maxInFlightPerConnection: number;
  readonly maxConnections: number;
  readonly maxHandlerMs: number;
  readonly maxConcurrentCalls: number;
  readonly maxEventLoopDelayMs: number;
  readonly eventLoopSampleMs: number;
  readonly idleTimeoutMs: number;
  readonly frameTimeoutMs: number;
  readonly maxBufferedFrameBytes: number;
  readonly maxConnectionsPerPeer: number;
  readonly keepAliveMs: number;
  readonly logIntervalMs: number;
  readonly debug: boolean;
  readonly logger: Logger;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0))
    throw new RangeError(`createServer(): ${name} must be a positive number, got ${value}`);
  return value;
}

/** A value where 0 turns the feature off. */
function zeroOrMore(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value >= 0))
    throw new RangeError(`createServer(): ${name} must be 0 or more, got ${value}`);
  return value;
}

/** Fills in defaults and checks values; throws a RangeError naming a bad option. */
export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  return {
    protocol: options.protocol ?? "auto",
    transport: options.transport ?? "auto",
    tls: options.tls,
    maxFrameBytes: positive("maxFrameBytes", options.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES),
    limits: { ...DEFAULT_DECODE_LIMITS, ...options.limits },
    maxInFlightPerConnection: positive(
      "maxInFlightPerConnection",
      options.maxInFlightPerConnection,
      1024,
    ),
    maxConnections: positive("maxConnections", options.maxConnections, 10_000),
    maxHandlerMs: zeroOrMore("maxHandlerMs", options.maxHandlerMs, 60_000),
    maxConcurrentCalls: positive("maxConcurrentCalls", options.maxConcurrentCalls, 10_000),
    maxEventLoopDelayMs: zeroOrMore("maxEventLoopDelayMs", options.maxEventLoopDelayMs, 500),
    eventLoopSampleMs: positive("eventLoopSampleMs", options.eventLoopSampleMs, 1_000),
    idleTimeoutMs: zeroOrMore("idleTimeoutMs", options.idleTimeoutMs, 300_000),
    frameTimeoutMs: zeroOrMore("frameTimeoutMs", options.frameTimeoutMs, 10_000),
    maxBufferedFrameBytes: positive(
      "maxBufferedFrameBytes",
      options.maxBufferedFrameBytes,
      268_435_456,
    ),
    maxConnectionsPerPeer: zeroOrMore("maxConnectionsPerPeer", options.maxConnectionsPerPeer, 0),
    keepAliveMs: zeroOrMore("keepAliveMs", options.keepAliveMs, 30_000),
    logIntervalMs: zeroOrMore("logIntervalMs", options.logIntervalMs, 10_000),
    debug: options.debug ?? false,
    logger: options.logger ?? consoleLogger,
  };
}
