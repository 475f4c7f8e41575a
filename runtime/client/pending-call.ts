// One call awaiting its reply. It is the only object a call allocates besides the Promise the
// caller awaits: it is its own deadline-heap entry and its own abort watcher (abort-watch.ts
// keeps one listener per signal, shared by all its calls), its own link in its parent
// context's cancel scope (cancel-scope.ts) and it carries what a retry needs (retry.ts), so no
// closure, timer, AbortController or second Promise is created per call.
import { CancelScope, type ScopeLink } from "../cancel-scope.js";
import { resolveDeadline, type DeadlineScheduler, type Deadlined } from "../deadline.js";
import type { CallOptions, MethodDescriptor } from "../service.js";
import { unwatchAbort, watchAbort, type AbortWatcher } from "./abort-watch.js";

/** What settles a pending call when its deadline passes or its signal aborts. */
export interface CallOwner {
  expire(call: PendingCall): void;
  /** Its signal or its parent aborted, with `reason` (the signal's, or the parent scope's). */
  cancel(call: PendingCall, reason: unknown): void;
}

/** Decides whether a failed attempt is tried again (a retrying channel, retry.ts). */
export interface Retrier {
  /** True if `call` will be tried again (its next attempt settles the Promise). */
  retried(call: PendingCall, error: unknown): boolean;
}

/** A call's attempts after its first failed (retry.ts): made by that failure, shared by the later ones. */
export class RetryState {
  attempts = 1;
  /** The endpoints attempts failed on, avoided by later attempts. */
  readonly tried: unknown[] = [];
  /** The options of later attempts: the first one's, with its absolute deadline. */
  readonly options: CallOptions | undefined;

  constructor(options: CallOptions | undefined) {
    this.options = options;
  }
}

/** Why a call was cancelled before it started (its signal or parent was already aborted). */
export interface Cancelled {
  readonly reason: unknown;
}

function noop(): void {}

const NO_ARGS: readonly unknown[] = [];

/** A call sent (or about to be) on a connection, until it settles. */
export class PendingCall implements Deadlined, AbortWatcher, ScopeLink {
  expiresAt = Infinity;
  heapIndex = -1;
  /** The call's time budget, for messages (ms); NaN without a deadline. */
  budgetMs = NaN;
  /** When the deadline was computed (epoch ms; 0 without a deadline). */
  startedAt = 0;
  seqid = 0;
  /** True once resolved or rejected; later events are ignored. */
  done = false;
  resolve: (value: unknown) => void = noop;
  reject: (error: unknown) => void = noop;
  /** Signals this call listens to (its own and its parent's), to unsubscribe when it settles. */
  signal: AbortSignal | undefined = undefined;
  parentSignal: AbortSignal | undefined = undefined;
  /** The parent context's cancel scope this call is linked into (an idlc server context). */
  scope: CancelScope | undefined = undefined;
  scopePrev: ScopeLink | undefined = undefined;
  scopeNext: ScopeLink | undefined = undefined;

  /** The arguments and options it was made with (for a retry, or a call parked by its channel). */
  args: readonly unknown[] = NO_ARGS;
  options: CallOptions | undefined = undefined;
  /** Its channel when that retries failed attempts; undefined: a failure is final. */
  retrier: Retrier | undefined = undefined;
  /** Set on the attempts after the first (retry.ts). */
  retryState: RetryState | undefined = undefined;

  readonly owner: CallOwner;
  readonly service: string;
  readonly method: MethodDescriptor;

  constructor(owner: CallOwner, service: string, method: MethodDescriptor) {
    this.owner = owner;
    this.service = service;
    this.method = method;
  }

  /** Fails the attempt: rejects the Promise, unless the retrier tries the call again. */
  fail(error: unknown): void {
    const retrier = this.retrier;
    if (retrier === undefined || !retrier.retried(this, error)) this.reject(error);
  }

  /**
   * Applies the call's options: computes its deadline (`expiresAt`, from its timeout, deadline,
   * parent or the channel's default) and listens to its signal and its parent. An idlc server
   * context as parent is a CancelScope: the call links into it and no AbortSignal is made; any
   * other CallContext is followed through its `signal`. Returns why, when the signal or parent is
   * already aborted, in which case nothing is listened to.
   */
  prepare(
    options: CallOptions | undefined,
    defaultTimeoutMs: number | undefined,
  ): Cancelled | undefined {
    let timeoutMs = defaultTimeoutMs;
    let deadline: number | undefined;
    let parentDeadline: number | undefined;
    if (options !== undefined) {
      const signal = options.signal;
      const parent = options.parent;
      if (signal?.aborted) return { reason: signal.reason };
      let parentSignal: AbortSignal | undefined;
      if (parent instanceof CancelScope) {
        if (parent.cancelReason !== undefined) return { reason: parent.cancelReason };
      } else if (parent !== undefined) {
        parentSignal = parent.signal;
        if (parentSignal.aborted) return { reason: parentSignal.reason };
      }
      timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
      deadline = options.deadline;
      parentDeadline = parent?.deadline;
      if (signal !== undefined) {
        this.signal = signal;
        watchAbort(signal, this);
      }
      if (parent instanceof CancelScope) parent.link(this);
      else if (parentSignal !== undefined) {
        this.parentSignal = parentSignal;
        watchAbort(parentSignal, this);
      }
    }
    if (timeoutMs !== undefined || deadline !== undefined || parentDeadline !== undefined) {
      const now = Date.now();
      this.startedAt = now;
      this.expiresAt = resolveDeadline(now, timeoutMs, deadline, parentDeadline)!;
      this.budgetMs = this.expiresAt - now;
    }
    return undefined;
  }

  /** The absolute deadline (epoch ms), or undefined. */
  get deadline(): number | undefined {
    return this.expiresAt === Infinity ? undefined : this.expiresAt;
  }

  /** Deadline passed (DeadlineScheduler). */
  expire(): void {
    this.owner.expire(this);
  }

  /** Its signal or its parent's aborted (abort-watch.ts). */
  aborted(signal: AbortSignal): void {
    this.owner.cancel(this, signal.reason);
  }

  /** Its parent context was cancelled (cancel-scope.ts). */
  scopeCancelled(reason: Error): void {
    this.owner.cancel(this, reason);
  }

  /** Marks the call settled and takes it off its owner's deadline scheduler and its signals. */
  finish(scheduler: DeadlineScheduler): void {
    this.done = true;
    if (this.heapIndex >= 0) scheduler.remove(this);
    if (this.signal !== undefined) unwatchAbort(this.signal, this);
    if (this.parentSignal !== undefined) unwatchAbort(this.parentSignal, this);
    this.scope?.unlink(this);
  }

  /** The Promise the caller awaits, settled through `resolve`/`reject`. */
  promise(): Promise<unknown> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- see capture() below
    capturing = this;
    return new Promise(capture);
  }
}

// The Promise executor runs synchronously inside `new Promise`, so one module-level function
// can hand the resolvers to the call being created: no closure per call.
let capturing: PendingCall | undefined;
function capture(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  capturing!.resolve = resolve;
  capturing!.reject = reject;
  capturing = undefined;
}
