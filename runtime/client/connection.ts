// One client connection to one endpoint: connects lazily, pipelines any number of calls matched
// to replies by seqid (replies may come in any order), encodes the calls made together into one
// buffer written once (see `kick`), and fails every pending call at once when the connection
// breaks. It reconnects on the next call, after a bounded exponential backoff when connecting
// failed. One writer, one reader and one decoder per connection, reused for every message.
// While the socket cannot take more (not open yet, or the kernel's buffer is full), calls wait
// in a bounded queue (send-queue.ts, `maxQueuedBytes`) and one that settles there is never written.
import type { Socket } from "node:net";
import type { DeadlineScheduler } from "../deadline.js";
import { RpcError, RpcErrorCode } from "../errors.js";
import { readApplicationException } from "../message.js";
import { createReader, createWriter } from "../protocol/index.js";
import type { ProtocolReader, ProtocolWriter } from "../protocol/protocol.js";
import { MessageType } from "../protocol/ttype.js";
import type { CallOptions, MethodDescriptor } from "../service.js";
import { FrameError, type MessageDecoder } from "../transport/frame-decoder.js";
import { HeaderDecoder, THeaderKey } from "../transport/header.js";
import { inputBegins, inputEnded, partialFlushEvery } from "../transport/batching.js";
import { EARLY_FLUSH_BYTES, OutBuffer } from "../transport/out-buffer.js";
import { hostPort, openSocket } from "../transport/socket.js";
import { createMessageDecoder, writeMessage } from "../transport/transports.js";
import {
  applicationError,
  callError,
  cancelledError,
  deadlineError,
  errorText,
  replyError,
  requestTooLarge,
} from "./call-errors.js";
import type { Pickable } from "./balancer.js";
import { callHeaders } from "./call-headers.js";
import type { ResolvedChannelOptions } from "./options.js";
import type { CallOutcomes } from "./outlier.js";
import { PendingCall, type CallOwner, type Retrier, type RetryState } from "./pending-call.js";
import { PendingTable } from "./pending-table.js";
import { describeForeignReply, multiplexedHint } from "./reply-hints.js";
import { isBlocked, SendQueue } from "./send-queue.js";

type State = "idle" | "waiting" | "connecting" | "open" | "closed";

const EMPTY = new Uint8Array(0);

/** A connection to one endpoint that carries calls. */
export class ClientConnection implements Pickable, CallOwner {
  /** `host:port` of the endpoint. */
  readonly peer: string;
  private readonly host: string;
  private readonly port: number;
  private readonly options: ResolvedChannelOptions;
  private readonly scheduler: DeadlineScheduler;

  private state: State = "idle";
  private socket: Socket | undefined;
  private readonly pending = new PendingTable();
  /** Oneway calls written to `out`, resolved once flushed to the socket. */
  private oneways: PendingCall[] = [];
  private readonly out = new OutBuffer();
  private flushScheduled = false;
  /** Calls written to `out` since the last socket write. */
  private unflushed = 0;
  /** Calls waiting for the socket (not open yet, or blocked). */
  private readonly queue = new SendQueue();
  /** The kernel did not take the last write: calls queue until "drain". */
  private blocked = false;
  /** Why the last connect attempt failed, for messages of calls that waited through it. */
  private connectError = "";
  /** Some bytes arrived on this socket (the first chunk is checked for HTTP, TLS, …). */
  private received = false;
  private readonly writer: ProtocolWriter;
  private readonly reader: ProtocolReader;
  private decoder: MessageDecoder;
  /** Connect attempts failed in a row, and when the next may start (epoch ms). */
  private failures = 0;
  private retryAt = 0;
  private backoffTimer: ReturnType<typeof setTimeout> | undefined;
  /** Why the socket is going away, when we decided it (bad reply bytes). */
  private failure: RpcError | undefined;
  private lastError: Error | undefined;
  private closed: Promise<void> | undefined;
  private retiring = false;
  /**
   * The server said it is draining (a THeader reply with `idlc-draining: 1`): pick others for
   * new calls. Cleared when a new connection opens (the server restarted).
   */
  private peerDraining = false;
  /** Told when a retired connection has closed, so the channel can forget it. */
  private onRetiredClose: (() => void) | undefined;
  /** Told how each call ended, for its endpoint's health (outlier.ts). */
  private readonly outcomes: CallOutcomes | undefined;

  constructor(
    host: string,
    port: number,
    options: ResolvedChannelOptions,
    scheduler: DeadlineScheduler,
    outcomes?: CallOutcomes,
  ) {
    this.outcomes = outcomes;
    this.host = host;
    this.port = port;
    this.peer = hostPort(host, port);
    this.options = options;
    this.scheduler = scheduler;
    this.writer = createWriter(options.protocol);
    this.reader = createReader(options.protocol, EMPTY, { limits: options.limits });
    this.decoder = this.createDecoder();
  }

  private createDecoder(): MessageDecoder {
    const { transport, protocol, maxFrameBytes, limits } = this.options;
    return createMessageDecoder(transport, protocol, maxFrameBytes, limits.maxDepth);
  }

  /** Calls awaiting a reply. */
  get load(): number {
    return this.pending.size;
  }

  /**
   * False while backing off after failed connects (true again once the backoff is over), or
   * while its server drains.
   */
  get available(): boolean {
    return (
      !this.peerDraining &&
      (this.failures === 0 ||
        this.state === "open" ||
        (this.state === "idle" && Date.now() >= this.retryAt))
    );
  }

  /**
   * Sends one call; resolves with its result. `name` is the message name (`Service:method` or
   * the bare method name). Every failure rejects with an RpcError or a declared exception, once
   * `retrier` (the channel, if it retries) has declined to try the call again.
   */
  send(
    service: string,
    name: string,
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
    retrier?: Retrier,
  ): Promise<unknown> {
    const call = new PendingCall(this, service, method);
    const promise = call.promise();
    call.args = args;
    call.options = options;
    call.retrier = retrier;
    this.start(call, name);
    return promise;
  }

  /** Sends another attempt of the failed call `previous` (retry.ts): it settles the same Promise. */
  resend(previous: PendingCall, name: string, state: RetryState): void {
    const call = new PendingCall(this, previous.service, previous.method);
    call.resolve = previous.resolve;
    call.reject = previous.reject;
    call.args = previous.args;
    call.options = state.options;
    call.retrier = previous.retrier;
    call.retryState = state;
    this.start(call, name);
  }

  private start(call: PendingCall, name: string): void {
    const { method, options } = call;
    if (this.state === "closed") {
      call.done = true;
      call.fail(callError(call, this.peer, RpcErrorCode.CANCELLED, "the channel is closed"));
      return;
    }
    const aborted = call.prepare(options, this.options.timeoutMs);
    if (aborted !== undefined) {
      call.done = true;
      call.fail(cancelledError(call, this.peer, aborted.reason));
      return;
    }
    const deadline = call.deadline;
    if (deadline !== undefined && deadline <= call.startedAt) {
      this.settle(call);
      call.fail(deadlineError(call, this.peer));
      return;
    }

    const direct = this.state === "open" && !this.blocked;
    if (!direct && this.queueIsFull()) {
      this.settle(call);
      call.fail(this.queueFull(call));
      return;
    }
    const seqid = this.pending.nextSeqid();
    const w = this.writer;
    try {
      w.reset();
      w.messageBegin(name, method.oneway ? MessageType.ONEWAY : MessageType.CALL, seqid);
      method.writeArgs(w, call.args);
      if (w.length > this.options.maxFrameBytes) {
        this.settle(call);
        call.fail(requestTooLarge(call, this.peer, w.length, this.options.maxFrameBytes));
        return;
      }
      const { transport, protocol, headers } = this.options;
      const frameHeaders =
        transport === "header"
          ? callHeaders(deadline, call.startedAt, options, headers)
          : undefined;
      writeMessage(this.out, transport, protocol, w.bytes(), seqid, frameHeaders);
    } catch (error) {
      this.settle(call);
      call.fail(
        callError(
          call,
          this.peer,
          RpcErrorCode.PROTOCOL_ERROR,
          `cannot encode the arguments: ${errorText(error)}`,
          error,
        ),
      );
      return;
    }
    call.seqid = seqid;
    if (!method.oneway) this.pending.add(call);
    if (deadline !== undefined) this.scheduler.add(call);
    if (direct) {
      if (method.oneway) this.oneways.push(call);
      this.kick();
    } else {
      this.queue.push(call, this.out.take()!, options?.waitForReady === true);
      if (this.state !== "open") this.kick();
    }
  }

  /** Whether a call that would queue must be refused; settled queued calls do not count. */
  private queueIsFull(): boolean {
    const max = this.options.maxQueuedBytes;
    if (this.queuedBytes() < max) return false;
    this.queue.dropSettled();
    return this.queuedBytes() >= max;
  }

  /** Bytes made and not yet taken by the kernel. */
  private queuedBytes(): number {
    return this.out.pending + this.queue.bytes + (this.socket?.writableLength ?? 0);
  }

  /** The error of a call refused because too much waits to be written. */
  private queueFull(call: PendingCall): RpcError {
    const queued = this.queuedBytes();
    return callError(
      call,
      this.peer,
      RpcErrorCode.LIMIT_EXCEEDED,
      `${queued} bytes already wait to be written (maxQueuedBytes is ${this.options.maxQueuedBytes}); the server reads slower than calls are made`,
    );
  }

  /**
   * Stops taking calls (the endpoint went away) and closes once the pending ones are answered.
   * The channel no longer picks it.
   */
  retire(onClosed?: () => void): void {
    this.retiring = true;
    this.onRetiredClose = onClosed;
    if (this.pending.size === 0 && this.oneways.length === 0 && this.queue.size === 0)
      void this.close();
  }

  /**
   * Closes the connection; pending calls reject with "cancelled". Resolves once the socket is
   * closed: the peer has `closeGraceMs` to close its side after ours ends, then it is destroyed.
   */
  close(): Promise<void> {
    if (this.closed === undefined) {
      this.closed = this.closeSocket();
      const onClosed = this.onRetiredClose;
      if (onClosed !== undefined) void this.closed.then(onClosed);
    }
    return this.closed;
  }

  private closeSocket(): Promise<void> {
    const socket = this.socket;
    const wasOpen = this.state === "open";
    this.state = "closed";
    if (this.backoffTimer !== undefined) clearTimeout(this.backoffTimer);
    if (wasOpen) this.flushNow(); // oneway calls already made still go out (queued ones: cancelled)
    this.failAll(RpcErrorCode.CANCELLED, "the channel was closed");
    if (socket === undefined || socket.destroyed) return Promise.resolve();
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    if (wasOpen) {
      socket.end();
      // A peer that never reads (or never closes) must not hold close() forever.
      const grace = setTimeout(() => socket.destroy(), this.options.closeGraceMs);
      void closed.then(() => clearTimeout(grace));
    } else socket.destroy();
    return closed;
  }

  // ---- CallOwner ----

  expire(call: PendingCall): void {
    if (call.done) return;
    this.settle(call);
    call.fail(deadlineError(call, this.peer, this.connectingNote()));
  }

  /** What a call that is still waiting for a connection was waiting through, for its message. */
  private connectingNote(): string {
    if (this.state === "open") return "";
    if (this.failures === 0) return ` while connecting to ${this.peer}`;
    const attempts =
      this.failures === 1 ? "1 failed connect attempt" : `${this.failures} failed connect attempts`;
    return ` after ${attempts} to ${this.peer}: ${this.connectError}`;
  }

  cancel(call: PendingCall, reason: unknown): void {
    if (call.done) return;
    this.settle(call);
    call.fail(cancelledError(call, this.peer, reason));
  }

  // ---- sending ----

  /**
   * Makes sure what was written gets sent: connects if needed, else flushes. A call alone on its
   * connection goes out at the end of this tick (after the microtasks, so calls made together
   * still share one write), as it would without any coalescing: waiting for the event loop's
   * check phase would add a turn to every call's latency at 1 in flight. With other calls
   * pending, replies arriving in this turn start further calls (on this connection or its pool
   * siblings), and the write waits for the check phase to carry them all.
   */
  private kick(): void {
    switch (this.state) {
      case "open":
        // A big batch's first calls go out while the rest are made (batching.ts).
        if (++this.unflushed >= partialFlushEvery() || this.out.pending >= EARLY_FLUSH_BYTES)
          this.writeOut();
        if (!this.flushScheduled) {
          this.flushScheduled = true;
          if (this.pending.size <= 1) process.nextTick(this.flushNow);
          else setImmediate(this.flushNow);
        }
        return;
      case "idle": {
        const wait = this.failures > 0 ? this.retryAt - Date.now() : 0;
        if (wait <= 0) return this.connect();
        this.state = "waiting";
        this.backoffTimer = setTimeout(this.connectAfterBackoff, wait);
        return;
      }
      default:
        return; // waiting or connecting: flushed once open
    }
  }

  private readonly flushNow = (): void => {
    this.flushScheduled = false;
    if (this.state === "open") this.writeOut();
  };

  /** Writes what is pending (one socket write) and resolves the oneway calls it carried. */
  private writeOut(): void {
    this.unflushed = 0;
    const socket = this.socket!;
    const bytes = this.out.take();
    if (bytes !== undefined) {
      socket.write(bytes);
      // Written through at once (the usual case): the slab space can be used again.
      if (socket.writableLength === 0) this.out.rewind();
      else this.blocked = isBlocked(socket);
    }
    if (this.oneways.length > 0) {
      // Oneway calls resolve once written (rpc.md §5), as Apache's Node client does.
      const written = this.oneways;
      this.oneways = [];
      for (const call of written) {
        if (call.done) continue;
        this.settle(call);
        call.resolve(undefined);
      }
    }
  }

  /** Writes queued calls until the kernel stops taking them (settled ones never go out). */
  private flushQueue(): void {
    this.blocked = this.queue.writeTo(this.socket!, this.written);
  }

  /** A queued call was written: a oneway call is done. */
  private readonly written = (call: PendingCall): void => {
    if (!call.method.oneway) return;
    this.settle(call);
    call.resolve(undefined);
  };

  private readonly onDrain = (): void => {
    if (this.state === "open" && this.blocked) this.flushQueue();
  };

  // ---- connection lifecycle ----

  private readonly connectAfterBackoff = (): void => {
    this.backoffTimer = undefined;
    if (this.state === "waiting") this.connect();
  };

  private connect(): void {
    this.state = "connecting";
    this.failure = undefined;
    this.lastError = undefined;
    this.received = false;
    const socket = openSocket(this.host, this.port, this.options.tls, this.onOpen);
    socket.setTimeout(this.options.connectTimeoutMs);
    // Detects a peer that vanished without a FIN (host gone, cable cut): pending calls then
    // fail with "connection-lost" instead of waiting for their deadline, or for ever.
    if (this.options.keepAliveMs > 0) socket.setKeepAlive(true, this.options.keepAliveMs);
    socket.on("timeout", this.onConnectTimeout);
    socket.on("drain", this.onDrain);
    socket.on("data", this.onData);
    socket.on("error", this.onError);
    socket.on("end", this.onGone);
    socket.on("close", this.onGone);
    this.socket = socket;
  }

  private readonly onOpen = (): void => {
    if (this.state !== "connecting") return;
    this.socket!.setTimeout(0);
    this.state = "open";
    this.failures = 0;
    this.peerDraining = false;
    this.flushQueue();
    this.flushNow();
  };

  private readonly onConnectTimeout = (): void => {
    if (this.state !== "connecting") return;
    this.lastError = new Error(`no connection within ${this.options.connectTimeoutMs} ms`);
    this.socket?.destroy();
  };

  private readonly onError = (error: Error): void => {
    this.lastError = error;
  };

  /**
   * The socket closed, or the server ended its side (no reply can follow, so waiting for the
   * close would only let new calls go out on a dying connection): let go of the socket now.
   */
  private readonly onGone = (): void => {
    const socket = this.socket;
    if (socket === undefined) return;
    socket.off("data", this.onData);
    socket.off("end", this.onGone);
    socket.off("close", this.onGone);
    socket.off("timeout", this.onConnectTimeout);
    socket.off("drain", this.onDrain);
    socket.destroy();
    this.blocked = false;
    const state = this.state;
    this.socket = undefined;
    this.out.clear();
    this.decoder = this.createDecoder();
    if (state === "closed") return;
    this.state = "idle";
    if (state === "connecting") {
      this.failures++;
      const backoff = Math.min(
        this.options.backoffMaxMs,
        this.options.backoffInitialMs * 2 ** (this.failures - 1),
      );
      this.retryAt = Date.now() + backoff;
      const closed = "closed by the server before the connection was established";
      const why = (this.lastError?.message ?? closed) + this.tlsHint();
      this.connectError = why;
      const refused = `cannot connect: ${why}`;
      this.failAll(RpcErrorCode.UNAVAILABLE, refused, this.failQueued(refused));
    } else if (this.isTlsRefusal()) {
      // The server refused the TLS handshake (say, no client certificate): nothing ran.
      this.failAll(RpcErrorCode.UNAVAILABLE, `TLS refused: ${this.lastError!.message}`);
    } else if (this.failure !== undefined) {
      this.failAll(this.failure.code, this.failure.message);
    } else {
      const why = this.lastError?.message ?? "closed by the server";
      const unwritten = `connection lost before the call was written (${why})`;
      this.failAll(
        RpcErrorCode.CONNECTION_LOST,
        `connection lost (${why}); the call may or may not have run`,
        this.failQueued(unwritten),
      );
    }
    if (this.queue.size > 0) this.kick(); // waitForReady calls: connect again
  };

  /**
   * Settles the calls still queued, never written (so they did not run), with "unavailable",
   * and keeps the waitForReady ones for the next connection, within their deadline (or
   * `connectTimeoutMs` from when they were made). Returns the kept calls.
   */
  private failQueued(why: string): Set<PendingCall> {
    for (const call of this.queue.keepWaitingForReady(this.options.connectTimeoutMs)) {
      this.settle(call);
      this.outcomes?.failed(RpcErrorCode.UNAVAILABLE);
      call.fail(callError(call, this.peer, RpcErrorCode.UNAVAILABLE, why));
    }
    return new Set(this.queue.calls());
  }

  /** Rejects every pending, queued and unflushed oneway call with `code`, but those in `keep`. */
  private failAll(code: RpcErrorCode, why: string, keep?: ReadonlySet<PendingCall>): void {
    const calls = [...this.pending.takeAll(), ...this.oneways];
    for (const call of this.queue.calls()) if (call.method.oneway) calls.push(call);
    this.oneways = [];
    if (keep === undefined) this.queue.clear();
    for (const call of calls) {
      if (call.done) continue;
      if (keep?.has(call) === true) {
        if (!call.method.oneway) this.pending.add(call);
        continue;
      }
      this.settle(call);
      this.outcomes?.failed(code);
      call.fail(callError(call, this.peer, code, why));
    }
  }

  /** A hint when a TLS handshake was cut off: the port most likely speaks plain Thrift. */
  private tlsHint(): string {
    if (this.options.tls === undefined || this.received) return "";
    const error = this.lastError as NodeJS.ErrnoException | undefined;
    const cutOff =
      error === undefined ||
      error.code === "ECONNRESET" ||
      /before secure TLS connection/.test(error.message);
    return cutOff ? "; the server closed the TLS handshake: does it speak TLS on this port?" : "";
  }

  /** Whether the socket failed because the server refused the TLS handshake, before any reply. */
  private isTlsRefusal(): boolean {
    const code = (this.lastError as NodeJS.ErrnoException | undefined)?.code;
    return !this.received && code !== undefined && /^ERR_SSL_.*(ALERT|CERTIFICATE)/.test(code);
  }

  /** Stops using the socket because of what it sent; pending calls fail with `code`. */
  private abandon(code: RpcErrorCode, why: string, cause: unknown): void {
    this.failure = new RpcError(why, { code, cause });
    this.socket?.destroy();
  }

  // ---- receiving ----

  private readonly onData = (chunk: Buffer): void => {
    const decoder = this.decoder;
    const first = !this.received;
    this.received = true;
    decoder.push(chunk);
    inputBegins();
    try {
      while (this.failure === undefined && decoder.next())
        this.readReply(decoder.bytes, decoder.start, decoder.end);
    } catch (error) {
      const foreign = first ? describeForeignReply(chunk) : undefined;
      if (foreign !== undefined)
        this.abandon(RpcErrorCode.PROTOCOL_ERROR, `${foreign}; is this a Thrift port?`, error);
      else if (error instanceof FrameError && error.code === "too-large")
        this.abandon(
          RpcErrorCode.LIMIT_EXCEEDED,
          `reply ${error.message}; raise the client's maxFrameBytes option`,
          error,
        );
      else
        this.abandon(RpcErrorCode.PROTOCOL_ERROR, `undecodable reply: ${errorText(error)}`, error);
    } finally {
      inputEnded();
    }
  };

  private readReply(bytes: Uint8Array, start: number, end: number): void {
    const r = this.reader;
    r.reset(bytes, start, end);
    const header = r.messageBegin(); // throws: the stream is corrupt, onData abandons it
    const decoder = this.decoder;
    if (decoder instanceof HeaderDecoder && decoder.headers?.get(THeaderKey.DRAINING) === "1")
      this.peerDraining = true;
    const call = this.pending.take(header.seqid);
    if (call === undefined) return; // a late reply (timed out or cancelled): dropped
    this.settle(call, false);
    if (header.type === MessageType.EXCEPTION) {
      let ex;
      try {
        ex = readApplicationException(r);
      } catch (error) {
        call.fail(replyError(call, this.peer, error));
        return;
      }
      const hint = this.options.multiplexed ? multiplexedHint(call, ex) : "";
      const error = applicationError(call, this.peer, ex, hint);
      if (error.code === RpcErrorCode.OVERLOADED) this.outcomes?.failed(error.code);
      else this.outcomes?.succeeded();
      call.fail(error);
      return;
    }
    this.outcomes?.succeeded();
    let result: unknown;
    try {
      result = call.method.readResult?.(r); // absent only for oneway methods, never read
    } catch (error) {
      call.fail(replyError(call, this.peer, error));
      return;
    }
    call.resolve(result);
  }

  // ---- settling ----

  /** Marks a call done and lets go of its deadline, listeners and (if `stillPending`) seqid. */
  private settle(call: PendingCall, stillPending = true): void {
    call.finish(this.scheduler);
    if (call.method.oneway) return;
    if (stillPending) this.pending.remove(call);
    if (this.retiring && this.state !== "closed" && this.pending.size === 0) void this.close();
  }
}
