// The CallContext a handler receives, which is also the server's record of the call while it
// runs. It is a CancelScope (cancel-scope.ts): a client call made with `parent: context` links
// into it and is cancelled with it, with no AbortSignal involved. The AbortSignal is made only
// when user code reads `context.signal`, so calls that never look at it cost no AbortController.
// The context is cancelled when the call's time is up (the caller's deadline, or the server's
// maxHandlerMs), when its connection closes, or when the server shuts down hard.
import { CancelScope } from "../cancel-scope.js";
import type { Deadlined } from "../deadline.js";
import type { CallContext, MethodDescriptor, PeerCertificate } from "../service.js";
import type { MethodCounters } from "./stats.js";

/** The connection a running call belongs to: it abandons the call when its time is up. */
export interface ContextOwner {
  /** The call's time is up (the server's DeadlineScheduler). */
  expired(context: ServerCallContext): void;
  /** The client certificate of a mutual-TLS connection (looked up once per connection). */
  peerCertificate(): PeerCertificate | undefined;
}

/** Headers of calls that carried none. */
export const NO_HEADERS: ReadonlyMap<string, string> = new Map();

/** What a handler sees about its call; also the server's record of the call until it is answered. */
export class ServerCallContext extends CancelScope implements CallContext, Deadlined {
  readonly service: string;
  readonly method: string;
  readonly peer: string;
  /** The caller's deadline (THeader), epoch ms. */
  readonly deadline: number | undefined;
  readonly headers: ReadonlyMap<string, string>;
  /** The method being called. */
  readonly descriptor: MethodDescriptor;
  /** The request's seqid, echoed in the reply. */
  readonly seqid: number;
  /** The method's counters in `server.stats()`. */
  readonly counters: MethodCounters;
  /** When the server abandons the call: its deadline, or sooner by maxHandlerMs (epoch ms). */
  expiresAt = Infinity;
  heapIndex = -1;
  /** True once the call is answered or abandoned: a later result is discarded. */
  done = false;
  /** The connection's list of running calls (intrusive, so tracking allocates nothing). */
  runningPrev: ServerCallContext | undefined = undefined;
  runningNext: ServerCallContext | undefined = undefined;
  private readonly owner: ContextOwner;
  private controller: AbortController | undefined = undefined;

  constructor(
    owner: ContextOwner,
    service: string,
    descriptor: MethodDescriptor,
    counters: MethodCounters,
    seqid: number,
    peer: string,
    deadline: number | undefined,
    headers: ReadonlyMap<string, string>,
  ) {
    super();
    this.owner = owner;
    this.service = service;
    this.method = descriptor.name;
    this.descriptor = descriptor;
    this.counters = counters;
    this.seqid = seqid;
    this.peer = peer;
    this.deadline = deadline;
    this.headers = headers;
  }

  /** Made on first read; aborted (now, if the call was already cancelled) with the cancel reason. */
  get signal(): AbortSignal {
    let controller = this.controller;
    if (controller === undefined) {
      controller = this.controller = new AbortController();
      if (this.cancelReason !== undefined) controller.abort(this.cancelReason);
    }
    return controller.signal;
  }

  /** Whether the caller's deadline (not the server's maxHandlerMs) is what ends the call. */
  get endsAtDeadline(): boolean {
    return this.deadline !== undefined && this.expiresAt === this.deadline;
  }

  get peerCertificate(): PeerCertificate | undefined {
    return this.owner.peerCertificate();
  }

  /** Time is up (the server's DeadlineScheduler). */
  expire(): void {
    this.owner.expired(this);
  }

  protected override cancelled(reason: Error): void {
    this.controller?.abort(reason);
  }
}
