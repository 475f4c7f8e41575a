// The built-in retry, with nothing made per call: a call of a retrying channel carries its
// channel as `retrier` (pending-call.ts), and only a failed attempt that is tried again makes
// anything (its RetryState, once, and the next attempt, which settles the same Promise). An
// attempt is tried again when it provably never ran (`unavailable`: no connection;
// `overloaded`: the server shed it unrun) or when its method is `(idempotent)` and its
// connection broke; the retry goes to an endpoint this call has not failed on yet when there is
// one (the ring's next owner for a hashed call) and only within the call's own deadline and the
// channel's retry budget. A retry that can only go back to the same endpoint waits `delayMs`
// first (or gives up if that would pass the deadline).
import { CancelScope } from "../cancel-scope.js";
import { RpcError, RpcErrorCode } from "../errors.js";
import type { CallOptions, MethodDescriptor } from "../service.js";
import { RetryState, type PendingCall } from "./pending-call.js";
import type { RetryBudget } from "./retry-budget.js";

/**
 * What a retry needs from its channel. Endpoints are opaque here (compared, never looked into),
 * so this module does not depend on the channel's endpoint type.
 */
export interface RetryHost {
  readonly retryAttempts: number;
  readonly retryDelayMs: number;
  readonly budget: RetryBudget;
  readonly open: boolean;
  retries: number;
  failovers: number;
  budgetExhausted: number;
  /** The endpoint the attempt `call` was sent to (undefined if it is no longer known). */
  endpointOf(call: PendingCall): unknown;
  pick(
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
    exclude: readonly unknown[] | undefined,
  ): unknown;
  /** Sends the next attempt of `previous` to `endpoint`; it settles the same Promise. */
  resend(endpoint: unknown, previous: PendingCall, state: RetryState): void;
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

/**
 * The attempt `call` failed with `error`: returns true if it will be tried again (the next
 * attempt then settles the call's Promise), false if the call must fail with `error`. The next
 * attempt is sent after the current microtasks, never from inside the failing connection's
 * own bookkeeping.
 */
export function retryFailed(host: RetryHost, call: PendingCall, error: unknown): boolean {
  const state = call.retryState;
  const options = call.options;
  if (
    (state?.attempts ?? 1) >= host.retryAttempts ||
    !host.open ||
    !isRetryable(error, call.method) ||
    options?.signal?.aborted === true ||
    parentCancelled(options)
  )
    return false;
  const now = Date.now();
  const deadline = call.deadline;
  if (deadline !== undefined && now >= deadline) return false;
  const next =
    state ?? new RetryState(deadline === undefined ? options : withDeadline(options, deadline));
  const failedOn = host.endpointOf(call);
  if (failedOn !== undefined && !next.tried.includes(failedOn)) next.tried.push(failedOn);
  const endpoint = host.pick(call.method, call.args, next.options, next.tried);
  const delayMs = endpoint === failedOn ? host.retryDelayMs : 0;
  if (deadline !== undefined && now + delayMs >= deadline) return false;
  if (!host.budget.tryRetry(now)) {
    host.budgetExhausted++;
    return false;
  }
  next.attempts++;
  host.retries++;
  if (delayMs === 0) {
    if (endpoint !== failedOn) host.failovers++;
    queueMicrotask(() => {
      if (host.open) host.resend(endpoint, call, next);
      else call.reject(error);
    });
  } else {
    // Rare: the only endpoint left is the one that failed. The fleet may change meanwhile.
    setTimeout(() => {
      if (!host.open) return call.reject(error);
      const again = host.pick(call.method, call.args, next.options, next.tried);
      if (again !== failedOn) host.failovers++;
      host.resend(again, call, next);
    }, delayMs);
  }
  return true;
}

/** Whether the call's parent context was cancelled (without making an idlc context's signal). */
function parentCancelled(options: CallOptions | undefined): boolean {
  const parent = options?.parent;
  if (parent === undefined) return false;
  if (parent instanceof CancelScope) return parent.cancelReason !== undefined;
  return parent.signal.aborted;
}

/** The call's options with its absolute deadline in place of its relative timeout. */
function withDeadline(options: CallOptions | undefined, deadline: number): CallOptions {
  if (options === undefined) return { deadline };
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the timeout is replaced
  const { timeoutMs, ...rest } = options;
  return { ...rest, deadline };
}
