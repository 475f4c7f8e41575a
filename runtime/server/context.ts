// The CallContext a handler receives. Its abort signal is made only when a handler (or a client
// call made with `parent: context`) first asks for it, so calls that never look at it cost no
// AbortController; once made, it aborts at the deadline, when the connection closes, or when
// the server shuts down hard.
import type { Deadlined } from "../deadline.js";
import { RpcError, RpcErrorCode } from "../errors.js";
import type { CallContext, MethodDescriptor, PeerCertificate } from "../service.js";

/** The connection a context belongs to: makes its signal and tracks it until the call ends. */
export interface ContextOwner {
  /** An AbortController for `context`, already aborted if the connection is gone. */
  watch(context: ServerCallContext): AbortController;
  /** The call finished: stop tracking `context`. */
  unwatch(context: ServerCallContext): void;
  /** The client certificate of a mutual-TLS connection (looked up once per connection). */
  peerCertificate(): PeerCertificate | undefined;
}

/** Headers of calls that carried none. */
export const NO_HEADERS: ReadonlyMap<string, string> = new Map();

/** What a handler sees about its call; also the server's record of the call until it is answered. */
export class ServerCallContext implements CallContext, Deadlined {
  readonly service: string;
  readonly method: string;
  readonly peer: string;
  readonly deadline: number | undefined;
  readonly headers: ReadonlyMap<string, string>;
  /** The method being called. */
  readonly descriptor: MethodDescriptor;
  /** The request's seqid, echoed in the reply. */
  readonly seqid: number;
  expiresAt = Infinity;
  heapIndex = -1;
  private readonly owner: ContextOwner;
  private controller: AbortController | undefined;

  constructor(
    owner: ContextOwner,
    service: string,
    descriptor: MethodDescriptor,
    seqid: number,
    peer: string,
    deadline: number | undefined,
    headers: ReadonlyMap<string, string>,
  ) {
    this.owner = owner;
    this.service = service;
    this.method = descriptor.name;
    this.descriptor = descriptor;
    this.seqid = seqid;
    this.peer = peer;
    this.deadline = deadline;
    this.headers = headers;
    if (deadline !== undefined) this.expiresAt = deadline;
  }

  get signal(): AbortSignal {
    this.controller ??= this.owner.watch(this);
    return this.controller.signal;
  }

  get peerCertificate(): PeerCertificate | undefined {
    return this.owner.peerCertificate();
  }

  /** Whether the signal was ever made (only then is there anything to release). */
  get watched(): boolean {
    return this.controller !== undefined;
  }

  /** Aborts the signal, if it was made. */
  abort(reason: Error): void {
    if (this.controller !== undefined && !this.controller.signal.aborted)
      this.controller.abort(reason);
  }

  /** Deadline passed (the server's DeadlineScheduler, only while watched). */
  expire(): void {
    this.abort(
      new RpcError(`deadline of ${this.service}.${this.method} (call from ${this.peer}) passed`, {
        code: RpcErrorCode.DEADLINE_EXCEEDED,
      }),
    );
  }

  /** The call is over: the connection stops tracking it. */
  release(): void {
    if (this.controller !== undefined) this.owner.unwatch(this);
  }
}
