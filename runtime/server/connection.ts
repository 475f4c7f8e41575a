// One accepted connection: detects its transport and protocol from the first bytes, decodes
// calls, runs them concurrently, and writes each reply as its handler finishes: the replies of
// synchronous handlers to the calls of one received chunk in one socket write as soon as the
// chunk is read, later replies coalesced (see `send`). Backpressure: with
// `maxInFlightPerConnection` calls running it stops reading until one finishes. A running call
// is abandoned when its time is up (`expired`): its slot is released at once and a late result
// is discarded, so handlers that never settle cannot wedge the connection. A stream that
// cannot be split into messages closes this connection only, with a logged reason. Slow peers:
// the connection notes when a partly received message started (`frameStartedAt`) and how many
// bytes its decoder holds (`held`, part of the server's `maxBufferedFrameBytes` budget); the
// server's sweep, not a timer per connection or per byte, closes one that dribbles.
import type { Socket } from "node:net";
import type { DeadlineScheduler } from "../deadline.js";
import { ApplicationErrorType, RpcError, RpcErrorCode } from "../errors.js";
import type { ServerCall } from "../interceptor.js";
import { splitMessageName } from "../message.js";
import { createReader, createWriter } from "../protocol/index.js";
import type { MessageHeader, ProtocolReader, ProtocolWriter } from "../protocol/protocol.js";
import { MessageType, type ProtocolName } from "../protocol/ttype.js";
import type { MethodDescriptor, PeerCertificate } from "../service.js";
import { detectWire } from "../transport/detect.js";
import type { TransportName } from "../transport/transports.js";
import { FrameError, type MessageDecoder } from "../transport/frame-decoder.js";
import { HeaderDecoder, HeaderError, THeaderKey, type HeaderEntry } from "../transport/header.js";
import { inputBegins, inputEnded, partialFlushEvery } from "../transport/batching.js";
import { EARLY_FLUSH_BYTES, OutBuffer } from "../transport/out-buffer.js";
import { peerName } from "../transport/socket.js";
import { createMessageDecoder, writeMessage } from "../transport/transports.js";
import { NO_HEADERS, ServerCallContext, type ContextOwner } from "./context.js";
import type { LogLimiter } from "./log-limiter.js";
import type { Logger, ResolvedServerOptions } from "./options.js";
import { readPeerCertificate } from "./peer-certificate.js";
import { replyError, replyException, replyValue, type ReplySink } from "./replies.js";
import { CallOutcome, type MethodCounters, type ServerCounters } from "./stats.js";

/** A registered method: where calls named `Service:method` (or `method`) go. */
export interface Route {
  readonly service: string;
  readonly method: MethodDescriptor;
  readonly handler: unknown;
  /** Its counters in `server.stats()`. */
  readonly counters: MethodCounters;
}

/** What connections need from their server. */
export interface ServerCore {
  readonly options: ResolvedServerOptions;
  readonly scheduler: DeadlineScheduler;
  /** Rate-limited warnings about connections. */
  readonly log: LogLimiter;
  /** Bytes held by all connections' decoders (partly received messages), in bytes. */
  bufferedFrameBytes: number;
  /** The route of a message name, or undefined. */
  route(name: string): Route | undefined;
  /** Why a message name has no route, for the UNKNOWN_METHOD reply. */
  explainUnknown(name: string): string;
  /** The interceptor chain, when there are interceptors. */
  readonly chain: ((call: ServerCall) => Promise<unknown>) | undefined;
  /** Calls, outcomes and calls running on the whole server. */
  readonly counters: ServerCounters;
  /** Why a call arriving now is shed (admission control), or undefined to run it. */
  shedReason(): string | undefined;
  /** The server is shutting down: THeader replies tell clients to send no new calls. */
  readonly draining: boolean;
  /** The connection has closed (socket gone). */
  connectionClosed(connection: ServerConnection): void;
}

const EMPTY = new Uint8Array(0);
/** Carried by every THeader reply of a draining server (clients stop picking the connection). */
const DRAINING_HEADERS: readonly HeaderEntry[] = [[THeaderKey.DRAINING, "1"]];
/** Time a refused connection's last bytes get to leave before the socket is destroyed, in ms. */
const REJECTED_CLOSE_GRACE_MS = 1_000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** Waits for an asynchronous handler, then answers, unless the call was abandoned meanwhile. */
async function answerLater(
  connection: ServerConnection,
  context: ServerCallContext,
  result: PromiseLike<unknown>,
): Promise<void> {
  let value: unknown;
  try {
    value = await result;
  } catch (error) {
    if (pastCallersDeadline(context)) return connection.expired(context);
    if (!connection.endCall(context)) return; // abandoned: its slot is already free
    replyError(connection, context, error);
    connection.callFinished();
    return;
  }
  if (pastCallersDeadline(context)) return connection.expired(context);
  if (!connection.endCall(context)) return;
  replyValue(connection, context, value);
  connection.callFinished();
}

/**
 * Whether the caller's deadline (THeader) has passed. The caller has given up by then (its
 * deadline is never later than the server's copy), so the call is abandoned as at the deadline,
 * with no reply, whichever timer fired first: the server's, or a downstream call's inherited one
 * that made the handler fail.
 */
function pastCallersDeadline(context: ServerCallContext): boolean {
  return context.deadline !== undefined && Date.now() >= context.deadline;
}

/** One client connection on the server. */
export class ServerConnection implements ContextOwner, ReplySink {
  readonly peer: string;
  /** Calls running (asynchronous handlers not yet finished). */
  inFlight = 0;
  /** Set on traffic; the idle sweep clears it. */
  active = true;
  /** Set when a call starts; the drain sweep clears it (a quiet connection is ended). */
  called = false;
  /** When the idle sweep last saw this connection without traffic (epoch ms). */
  idleSince = 0;
  /**
   * When the message being received started (epoch ms): its first byte, or for the first message
   * the accept. 0 while no message is partly received or while the server is not reading.
   */
  frameStartedAt: number;
  /** The remote address (no port), for the per-peer connection limit. */
  readonly remoteAddress: string;

  private readonly socket: Socket;
  private readonly core: ServerCore;
  private transport: TransportName | undefined;
  private protocol: ProtocolName = "compact";
  private decoder: MessageDecoder | undefined;
  private reader: ProtocolReader | undefined;
  private protocolWriter: ProtocolWriter | undefined;
  /** Bytes received before the transport was known. */
  private early: Uint8Array | undefined;
  /** Bytes this connection's decoder holds, as counted in `core.bufferedFrameBytes`. */
  private held = 0;
  /** A whole message has arrived on this connection. */
  private gotMessage = false;
  private readonly out = new OutBuffer();
  private flushScheduled = false;
  /** Inside `readCalls`: replies wait for its end, which writes them all at once. */
  private reading = false;
  /** Reading is paused: too many calls running, replies not draining, or closing. */
  private paused = false;
  /** The socket's send buffer is full (a client not reading its replies). */
  private writeBlocked = false;
  /** Graceful close: no new calls are read; the socket ends once running calls are answered. */
  private draining = false;
  private closed = false;
  /** The first of the calls running (asynchronous, not yet answered or abandoned). */
  private running: ServerCallContext | undefined;
  /** The client's TLS certificate once looked up (null: none). */
  private certificate: PeerCertificate | null | undefined;

  constructor(socket: Socket, core: ServerCore) {
    this.socket = socket;
    this.core = core;
    this.peer = peerName(socket);
    this.remoteAddress = socket.remoteAddress ?? "";
    this.frameStartedAt = Date.now(); // the first message must arrive within frameTimeoutMs too
    socket.on("data", this.onData);
    socket.on("error", () => {}); // the close that follows handles it
    socket.on("close", this.onClose);
  }

  /** Stops reading new calls; ends the connection once running calls are answered. */
  drain(): void {
    if (this.draining || this.closed) return;
    this.draining = true;
    this.frameStartedAt = 0; // no longer reading: a partly received message is not the peer's delay
    this.socket.pause();
    if (this.inFlight === 0) this.endAfterFlush();
  }

  /** Closes at once; running calls are cancelled with `reason`. */
  destroy(reason: string): void {
    if (this.closed) return;
    this.cancelRunning(new RpcError(reason, { code: RpcErrorCode.CANCELLED }));
    this.socket.destroy();
  }

  // ---- running calls (ContextOwner) ----

  /**
   * Tracks a call whose handler went asynchronous: it holds a slot here and on the server until
   * it is answered or abandoned, at the earlier of its deadline and `maxHandlerMs` from now.
   */
  private track(context: ServerCallContext): void {
    const head = this.running;
    context.runningNext = head;
    if (head !== undefined) head.runningPrev = context;
    this.running = context;
    this.inFlight++;
    this.core.counters.inFlight++;
    let at = context.deadline ?? Infinity;
    const maxHandlerMs = this.core.options.maxHandlerMs;
    if (maxHandlerMs > 0) {
      const bound = Date.now() + maxHandlerMs;
      if (bound < at) at = bound;
    }
    if (at !== Infinity) {
      context.expiresAt = at;
      this.core.scheduler.add(context);
    }
  }

  /** Stops tracking a call; false if it was already answered or abandoned. */
  endCall(context: ServerCallContext): boolean {
    if (context.done) return false;
    context.done = true;
    const { runningPrev: prev, runningNext: next } = context;
    if (prev === undefined) this.running = next;
    else prev.runningNext = next;
    if (next !== undefined) next.runningPrev = prev;
    context.runningPrev = context.runningNext = undefined;
    if (context.heapIndex >= 0) this.core.scheduler.remove(context);
    this.core.counters.inFlight--;
    return true;
  }

  /**
   * A call's time is up: abandoned (signal aborted, downstream calls cancelled, slot released).
   * Past the caller's deadline nobody waits for an answer, so none is sent (as gRPC's client
   * has given up by then); past `maxHandlerMs` the caller may still be waiting, so it gets a
   * TIMEOUT ApplicationError.
   */
  expired(context: ServerCallContext): void {
    if (!this.endCall(context)) return;
    const name = `${context.service}.${context.method}`;
    const atDeadline = context.endsAtDeadline;
    const maxHandlerMs = this.core.options.maxHandlerMs;
    const why = atDeadline
      ? `deadline of ${name} (call from ${this.peer}) passed`
      : `${name} (call from ${this.peer}) ran longer than maxHandlerMs (${maxHandlerMs} ms)`;
    context.cancel(new RpcError(why, { code: RpcErrorCode.DEADLINE_EXCEEDED }));
    this.core.counters.record(
      context.counters,
      atDeadline ? CallOutcome.DEADLINE_EXCEEDED : CallOutcome.TIMEOUT,
    );
    if (!atDeadline && !context.descriptor.oneway)
      replyException(
        this,
        context.method,
        context.seqid,
        `${name} ran longer than the server's maxHandlerMs (${maxHandlerMs} ms) and was abandoned`,
        ApplicationErrorType.TIMEOUT,
      );
    this.callFinished();
  }

  /** Cancels every running call (they stay tracked until they settle or their time is up). */
  private cancelRunning(reason: Error): void {
    for (let context = this.running; context !== undefined;) {
      const next = context.runningNext;
      context.cancel(reason);
      context = next;
    }
  }

  peerCertificate(): PeerCertificate | undefined {
    if (this.certificate === undefined) this.certificate = readPeerCertificate(this.socket) ?? null;
    return this.certificate ?? undefined;
  }

  // ---- reading ----

  private readonly onData = (chunk: Buffer): void => {
    if (this.draining) return; // closing: no new calls (a paused socket may still deliver one chunk)
    this.active = true;
    let decoder = this.decoder;
    if (decoder === undefined) {
      decoder = this.detect(chunk);
      if (decoder === undefined) {
        if (this.early !== undefined) this.account(this.early.length);
        return;
      }
    } else decoder.push(chunk);
    this.readCalls();
  };

  /**
   * After reading: counts what the decoder holds against the server's budget (closing this
   * connection if it would go over), and starts or stops the clock of a partly received message.
   * A message that completed restarts the clock for the next one.
   */
  private account(buffered: number, completed = false): void {
    if (this.closed) return; // onClose already gave the bytes back
    const core = this.core;
    const grown = buffered - this.held;
    if (grown > 0 && core.bufferedFrameBytes + grown > core.options.maxBufferedFrameBytes) {
      this.reject(
        `partly received messages would hold ${core.bufferedFrameBytes + grown} bytes on this server, over maxBufferedFrameBytes (${core.options.maxBufferedFrameBytes}); raise the server's maxBufferedFrameBytes option`,
        "buffer-budget",
      );
      return;
    }
    core.bufferedFrameBytes += grown;
    this.held = buffered;
    if (completed) this.gotMessage = true;
    // Not reading: the server, not the peer, is holding back. Between messages: the idle
    // sweep's business (but before the first one the clock started at accept keeps running).
    if (!this.mayRead()) this.frameStartedAt = 0;
    else if (buffered === 0) {
      if (this.gotMessage) this.frameStartedAt = 0;
    } else if (completed || this.frameStartedAt === 0) this.frameStartedAt = Date.now();
  }

  /** The server's sweep found the message being received older than frameTimeoutMs. */
  frameTimedOut(now: number): void {
    const { frameTimeoutMs } = this.core.options;
    const waited = now - this.frameStartedAt;
    this.reject(
      this.gotMessage
        ? `a message still incomplete after ${waited} ms (${this.held} bytes received; frameTimeoutMs is ${frameTimeoutMs}); a slow or stalled client`
        : `no complete message ${waited} ms after connecting (${this.held} bytes received; frameTimeoutMs is ${frameTimeoutMs}); a slow or stalled client`,
      "frame-timeout",
    );
  }

  /** The connection was quiet for a sweep interval: lets go of its output slab. */
  releaseIdleBuffers(): void {
    if (this.socket.writableLength === 0) this.out.release();
  }

  /** Bytes held by this connection's output slab (for tests and measurements). */
  get outputCapacity(): number {
    return this.out.capacity;
  }

  /** Picks the decoder from the first bytes; undefined while more are needed or on failure. */
  private detect(chunk: Buffer): MessageDecoder | undefined {
    const early = this.early;
    let bytes: Uint8Array = chunk;
    if (early !== undefined) {
      bytes = new Uint8Array(early.length + chunk.length);
      bytes.set(early);
      bytes.set(chunk, early.length);
    }
    const detection = detectWire(bytes);
    if (detection.kind === "more") {
      this.early = Uint8Array.from(bytes);
      return undefined;
    }
    this.early = undefined;
    if (detection.kind === "unknown") {
      this.reject(detection.reason, "unknown-wire");
      return undefined;
    }
    const { transport, protocol } = detection;
    const wanted = this.core.options;
    if (
      (wanted.transport !== "auto" && wanted.transport !== transport) ||
      (wanted.protocol !== "auto" && wanted.protocol !== protocol)
    ) {
      const accepted = [wanted.transport, wanted.protocol].filter((w) => w !== "auto").join(" ");
      this.reject(
        `client speaks ${transport} ${protocol}; this server accepts only ${accepted}`,
        "wrong-wire",
      );
      return undefined;
    }
    const { maxFrameBytes, limits } = wanted;
    this.transport = transport;
    this.protocol = protocol;
    this.reader = createReader(protocol, EMPTY, { limits });
    this.protocolWriter = createWriter(protocol);
    const decoder = createMessageDecoder(transport, protocol, maxFrameBytes, limits.maxDepth);
    this.decoder = decoder;
    decoder.push(bytes);
    return decoder;
  }

  /** Decodes and starts calls until the bytes run out or reading must pause. */
  private readCalls(): void {
    const decoder = this.decoder!;
    let completed = false;
    let started = 0;
    inputBegins();
    const every = partialFlushEvery();
    this.reading = true;
    try {
      while (this.mayRead() && decoder.next()) {
        completed = true;
        this.startCall(decoder.bytes, decoder.start, decoder.end);
        // A long chunk's first replies go out while the rest are worked on (batching.ts).
        if (++started % every === 0 && this.out.pending > 0) this.flush();
      }
    } catch (error) {
      this.reading = false;
      this.rejectStream(error);
      return;
    } finally {
      inputEnded();
    }
    this.reading = false;
    // The replies of synchronous handlers go out now, in this turn, as an echo would answer.
    if (this.out.pending > 0) this.flush();
    if (this.mayRead()) {
      if (this.paused) {
        this.paused = false;
        this.socket.resume();
      }
    } else if (!this.paused && !this.closed) {
      this.paused = true;
      this.socket.pause();
    }
    this.account(decoder.buffered, completed);
  }

  /** Backpressure: no new calls while at the in-flight limit or while replies do not drain. */
  private mayRead(): boolean {
    return (
      !this.draining &&
      !this.closed &&
      !this.writeBlocked &&
      this.inFlight < this.core.options.maxInFlightPerConnection
    );
  }

  private startCall(bytes: Uint8Array, start: number, end: number): void {
    const decoder = this.decoder!;
    let headers = NO_HEADERS;
    if (decoder instanceof HeaderDecoder) {
      if (decoder.protocol !== this.protocol)
        throw new FrameError(
          `THeader frame in ${decoder.protocol} after ${this.protocol} frames on one connection`,
          { code: "malformed" },
        );
      if (decoder.headers !== undefined) headers = decoder.headers;
    }
    const r = this.reader!;
    r.reset(bytes, start, end);
    let header: MessageHeader;
    try {
      header = r.messageBegin();
    } catch (error) {
      throw new FrameError(`undecodable message header: ${errorText(error)}`, {
        code: "malformed",
        cause: error,
      });
    }
    const counters = this.core.counters;
    if (header.type !== MessageType.CALL && header.type !== MessageType.ONEWAY) {
      // A REPLY or EXCEPTION is a client's message: it never reaches a handler.
      counters.record(undefined, CallOutcome.INVALID_MESSAGE_TYPE);
      const type = header.type === MessageType.REPLY ? "REPLY" : "EXCEPTION";
      replyException(
        this,
        splitMessageName(header.name).method,
        header.seqid,
        `a server accepts only CALL and ONEWAY messages, not ${type}`,
        ApplicationErrorType.INVALID_MESSAGE_TYPE,
      );
      return;
    }
    counters.calls++;
    this.called = true;
    const route = this.core.route(header.name);
    if (route === undefined) {
      counters.record(undefined, CallOutcome.UNKNOWN_METHOD);
      // The args need no skipping: the transport already delimited the message.
      if (header.type !== MessageType.ONEWAY)
        replyException(
          this,
          splitMessageName(header.name).method,
          header.seqid,
          this.core.explainUnknown(header.name),
          ApplicationErrorType.UNKNOWN_METHOD,
        );
      return;
    }
    const method = route.method;
    route.counters.calls++;
    const shed = this.core.shedReason();
    if (shed !== undefined) {
      // Answered before its arguments are even decoded: shedding must cost next to nothing.
      counters.record(route.counters, CallOutcome.OVERLOADED);
      if (!method.oneway)
        replyException(this, method.name, header.seqid, shed, ApplicationErrorType.LOADSHEDDING);
      return;
    }
    let args: readonly unknown[];
    try {
      args = method.readArgs(r);
    } catch (error) {
      counters.record(route.counters, CallOutcome.PROTOCOL_ERROR);
      const why = `cannot decode the arguments of ${route.service}.${method.name}: ${errorText(error)}`;
      this.core.log.warn("bad-arguments", `${why} (from ${this.peer})`);
      if (!method.oneway)
        replyException(this, method.name, header.seqid, why, ApplicationErrorType.PROTOCOL_ERROR);
      return;
    }
    let deadline: number | undefined;
    if (headers !== NO_HEADERS) {
      const timeout = headers.get(THeaderKey.TIMEOUT_MS);
      const ms = timeout === undefined ? NaN : Number(timeout);
      if (ms >= 0) deadline = Date.now() + ms;
    }
    const context = new ServerCallContext(
      this,
      route.service,
      method,
      route.counters,
      header.seqid,
      this.peer,
      deadline,
      headers,
    );
    let result: unknown;
    try {
      const chain = this.core.chain;
      result =
        chain === undefined
          ? method.invoke(route.handler, args, context)
          : chain({ service: route.service, method, args, context });
    } catch (error) {
      replyError(this, context, error);
      return;
    }
    if (isThenable(result)) {
      this.track(context);
      void answerLater(this, context, result);
    } else replyValue(this, context, result);
  }

  // ---- ReplySink ----

  get open(): boolean {
    return !this.closed;
  }

  get writer(): ProtocolWriter {
    return this.protocolWriter!;
  }

  get logger(): Logger {
    return this.core.options.logger;
  }

  get debug(): boolean {
    return this.core.options.debug;
  }

  get counters(): ServerCounters {
    return this.core.counters;
  }

  /**
   * Frames the message for this connection's transport. Replies made while reading a chunk are
   * written when the chunk is done (`readCalls`). A later reply (an asynchronous handler) that
   * is the connection's only call running goes out at the end of this tick, so an answer never
   * waits for an extra event-loop turn; with more calls running, replies finishing in the same
   * turn share one write at its check phase.
   */
  send(seqid: number, payload: Uint8Array): void {
    const transport = this.transport;
    if (transport === undefined) return;
    const headers = this.core.draining && transport === "header" ? DRAINING_HEADERS : undefined;
    writeMessage(this.out, transport, this.protocol, payload, seqid, headers);
    this.active = true;
    if (this.out.pending >= EARLY_FLUSH_BYTES) this.flush();
    if (this.reading || this.flushScheduled) return;
    this.flushScheduled = true;
    if (this.inFlight <= 1) process.nextTick(this.flushScheduledNow);
    else setImmediate(this.flushScheduledNow);
  }

  private readonly flushScheduledNow = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  /** Writes what is pending in one socket write. */
  private flush(): void {
    const bytes = this.out.take();
    if (bytes === undefined || this.closed) return;
    const socket = this.socket;
    if (!socket.write(bytes) && !this.writeBlocked) {
      this.writeBlocked = true;
      socket.once("drain", this.onDrain);
    }
    // Written through at once (the usual case): the slab space can be used again.
    if (socket.writableLength === 0) this.out.rewind();
  }

  private readonly onDrain = (): void => {
    this.writeBlocked = false;
    if (this.decoder !== undefined && !this.closed && !this.draining) this.readCalls();
  };

  /** An asynchronous call finished (after its reply was written) or was abandoned. */
  callFinished(): void {
    this.inFlight--;
    if (this.closed) return;
    if (this.draining) {
      if (this.inFlight === 0) this.endAfterFlush();
    } else if (this.paused && this.decoder !== undefined) this.readCalls();
  }

  // ---- closing ----

  /** Closes because the stream is bad; logs why. THeader refusals get an EXCEPTION first. */
  private rejectStream(error: unknown): void {
    let why = errorText(error);
    if (error instanceof FrameError && error.code === "too-large")
      why += "; raise the server's maxFrameBytes option";
    if (error instanceof HeaderError && this.protocolWriter !== undefined)
      replyException(this, "", error.seqid, why, error.applicationType);
    this.reject(why, error instanceof FrameError ? `frame-${error.code}` : "bad-stream");
  }

  /**
   * Logs why the connection is refused (rate-limited per `kind`) and closes it after what is
   * already written.
   */
  private reject(why: string, kind: string): void {
    this.core.log.warn(kind, `closing connection from ${this.peer}: ${why}`);
    this.draining = true;
    this.frameStartedAt = 0;
    this.releaseHeld();
    this.socket.pause();
    this.endAfterFlush();
    // A peer that does not read keeps `end()` from finishing; it gets no longer than this.
    this.socket.setTimeout(REJECTED_CLOSE_GRACE_MS, this.destroyRejected);
  }

  private readonly destroyRejected = (): void => {
    this.socket.destroy();
  };

  /** Gives this connection's share of the buffer budget back (closing). */
  private releaseHeld(): void {
    this.core.bufferedFrameBytes -= this.held;
    this.held = 0;
  }

  private endAfterFlush(): void {
    if (this.closed) return;
    this.flush();
    const socket = this.socket;
    socket.end(() => socket.destroy());
  }

  private readonly onClose = (): void => {
    this.closed = true;
    this.frameStartedAt = 0;
    this.releaseHeld();
    this.out.clear();
    this.out.release();
    this.cancelRunning(
      new RpcError(`connection from ${this.peer} closed`, { code: RpcErrorCode.CANCELLED }),
    );
    this.core.connectionClosed(this);
  };
}
