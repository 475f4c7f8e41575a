// Interceptors (middleware) on both sides have one shape: `(next) => (call) => …`. An
// interceptor receives the next stage and returns a stage; it may look at or change the call,
// time it, log it, reject it by throwing, or call `next` more than once (retry). The first
// interceptor listed is the outermost.
//
// Built-in order on the client, written here once:
//   user interceptors → retry → deadline → pick endpoint → send
// (the deadline is fixed per attempt from `timeoutMs`/`deadline`/`parent` when the attempt is
// sent, so a retry interceptor that wants one budget for all attempts passes `deadline`).
// On the server: user interceptors → the handler; the call's context carries its deadline.
import type { CallContext, CallOptions, MethodDescriptor } from "./service.js";

/** A call as a client interceptor sees it. */
export interface ClientCall {
  /** The IDL service name. */
  readonly service: string;
  /** The method's descriptor (`method.name`, `method.idempotent`, …). */
  readonly method: MethodDescriptor;
  /** Positional arguments. */
  readonly args: readonly unknown[];
  /** The call's options (timeout, signal, headers, parent). */
  readonly options: CallOptions;
}

/** A call as a server interceptor sees it. */
export interface ServerCall {
  /** The service name the handler was registered under. */
  readonly service: string;
  /** The method's descriptor. */
  readonly method: MethodDescriptor;
  /** Decoded positional arguments. */
  readonly args: readonly unknown[];
  /** What the handler will see: peer, deadline, abort signal, headers. */
  readonly context: CallContext;
}

/** One stage of a chain: sends (client) or handles (server) a call; resolves with its result. */
export type Next<Call> = (call: Call) => Promise<unknown>;

/** Middleware: given the next stage, returns the stage that runs before it. */
export type Interceptor<Call> = (next: Next<Call>) => Next<Call>;

/** A client-side interceptor. */
export type ClientInterceptor = Interceptor<ClientCall>;

/** A server-side interceptor. */
export type ServerInterceptor = Interceptor<ServerCall>;

/** Chains interceptors around `last`; the first one listed ends up outermost. */
export function composeInterceptors<Call>(
  interceptors: readonly Interceptor<Call>[],
  last: Next<Call>,
): Next<Call> {
  let next = last;
  for (let i = interceptors.length - 1; i >= 0; i--) next = interceptors[i]!(next);
  return next;
}
