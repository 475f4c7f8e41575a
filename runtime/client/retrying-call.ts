// The built-in retry: one object per call, made only when the channel retries at all. A failed
// attempt is tried again when it provably never ran (`unavailable`: no connection; `overloaded`:
// the server shed it unrun) or when its method is `(idempotent)` and its connection broke; the
// retry goes to an endpoint this call has not failed on yet when there is one (the ring's next
// owner for a hashed call) and only within the call's own deadline and the channel's retry budget. A retry that
// can only go back to the same endpoint waits `delayMs` first (or gives up if that would pass
// the deadline).
import { resolveDeadline } from "../deadline.js";
import { RpcError, RpcErrorCode } from "../errors.js";
import type { CallOptions, MethodDescriptor } from "../service.js";
import type { ChannelEndpoint } from "./endpoint.js";
import type { RetryBudget } from "./retry-budget.js";

/** What a retrying call needs from its channel. */
export interface RetryHost {
  readonly retryAttempts: number;
  readonly retryDelayMs: number;
  readonly defaultTimeoutMs: number | undefined;
  readonly budget: RetryBudget;
  readonly open: boolean;
  retries: number;
  failovers: number;
  budgetExhausted: number;
  pick(
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
    exclude: readonly ChannelEndpoint[] | undefined,
  ): ChannelEndpoint;
  attempt(
    endpoint: ChannelEndpoint,
    service: string,
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
  ): Promise<unknown>;
}

/** Whether `error` allows another attempt of a call of `method`. */
export function isRetryable(error: unknown, method: MethodDescriptor): boolean {
  if (!(error instanceof RpcError)) return false;
  switch (error.code) {
    case RpcErrorCode.UNAVAILABLE:
    case RpcErrorCode.OVERLOADED:
      return true; // never ran
    case RpcErrorCode.CONNECTION_LOST:
      return method.idempotent; // may have run: only if running twice is harmless
    default:
      return false;
  }
}

/** One call with its attempts, settling the Promise its caller awaits. */
export class RetryingCall {
  readonly promise: Promise<unknown>;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  private readonly host: RetryHost;
  private readonly service: string;
  private readonly method: MethodDescriptor;
  private readonly args: readonly unknown[];
  private options: CallOptions | undefined;
  /** The call's absolute deadline (epoch ms), fixed at the first attempt; undefined if none. */
  private readonly deadline: number | undefined;
  private attempts = 1;
  private endpoint: ChannelEndpoint;
  /** The endpoints attempts failed on, avoided by later attempts (made on the first retry). */
  private tried: ChannelEndpoint[] | undefined;
  /** The error of the attempt a delayed retry follows, for when the retry cannot be sent. */
  private lastError: unknown;

  constructor(
    host: RetryHost,
    endpoint: ChannelEndpoint,
    service: string,
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
  ) {
    this.host = host;
    this.endpoint = endpoint;
    this.service = service;
    this.method = method;
    this.args = args;
    this.options = options;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- see capture() below
    capturing = this;
    this.promise = new Promise(capture);
    const timeoutMs = options?.timeoutMs ?? host.defaultTimeoutMs;
    const parentDeadline = options?.parent?.deadline;
    this.deadline =
      timeoutMs === undefined && options?.deadline === undefined && parentDeadline === undefined
        ? undefined
        : resolveDeadline(Date.now(), timeoutMs, options?.deadline, parentDeadline);
    this.send();
  }

  private send(): void {
    const { host, endpoint, service, method, args, options } = this;
    host.attempt(endpoint, service, method, args, options).then(this.resolve, this.failed);
  }

  private readonly failed = (error: unknown): void => {
    const host = this.host;
    const options = this.options;
    if (
      this.attempts >= host.retryAttempts ||
      !host.open ||
      !isRetryable(error, this.method) ||
      options?.signal?.aborted === true ||
      options?.parent?.signal.aborted === true
    )
      return this.reject(error);
    const now = Date.now();
    if (this.deadline !== undefined && now >= this.deadline) return this.reject(error);
    const failedOn = this.endpoint;
    const tried = (this.tried ??= []);
    if (!tried.includes(failedOn)) tried.push(failedOn);
    const next = host.pick(this.method, this.args, options, tried);
    const delayMs = next === failedOn ? host.retryDelayMs : 0;
    if (this.deadline !== undefined && now + delayMs >= this.deadline) return this.reject(error);
    if (!host.budget.tryRetry(now)) {
      host.budgetExhausted++;
      return this.reject(error);
    }
    this.attempts++;
    host.retries++;
    this.endpoint = next;
    if (this.attempts === 2 && this.deadline !== undefined)
      this.options = withDeadline(options, this.deadline); // later attempts share what is left
    if (delayMs === 0) {
      if (next !== failedOn) host.failovers++;
      return this.send();
    }
    this.lastError = error;
    setTimeout(() => this.sendLater(), delayMs); // rare: a closure only for a delayed retry
  };

  /** The delayed retry: the fleet may have changed meanwhile (endpoints gone, channel closed). */
  private sendLater(): void {
    const host = this.host;
    if (!host.open) return this.reject(this.lastError);
    const failedOn = this.endpoint;
    this.endpoint = host.pick(this.method, this.args, this.options, this.tried);
    if (this.endpoint !== failedOn) host.failovers++;
    this.send();
  }
}

/** The call's options with its absolute deadline in place of its relative timeout. */
function withDeadline(options: CallOptions | undefined, deadline: number): CallOptions {
  if (options === undefined) return { deadline };
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the timeout is replaced
  const { timeoutMs, ...rest } = options;
  return { ...rest, deadline };
}

// As in pending-call.ts: the executor runs synchronously inside `new Promise`, so one
// module-level function hands the resolvers to the call being made, with no closure per call.
let capturing: RetryingCall | undefined;
function capture(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  capturing!.resolve = resolve;
  capturing!.reject = reject;
  capturing = undefined;
}
