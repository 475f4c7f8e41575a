// Token authentication, gRPC-style, over THeader headers: the client adds
// `authorization: Bearer <token>` to every call, and a server interceptor checks it before any
// handler runs. A call without a valid token is answered with a TApplicationException whose
// message starts with `unauthenticated:` (type UNKNOWN, so any Thrift client can read it), and
// an idlc client reports it as an ApplicationError with code "unauthenticated".
import { ApplicationError, ApplicationErrorType, RpcErrorCode } from "./errors.js";
import type { ClientInterceptor, ServerCall, ServerInterceptor } from "./interceptor.js";

/** The header that carries credentials, as in HTTP and gRPC. */
export const AUTHORIZATION_HEADER = "authorization";

/** What the message of an authentication refusal starts with, on the wire. */
export const UNAUTHENTICATED_PREFIX = "unauthenticated: ";

/** Options of `createTokenAuth`. */
export interface TokenAuthOptions {
  /**
   * Decides whether `token` (what follows `Bearer `) may make `call`: true lets it through.
   * A throw is an internal error (logged, answered INTERNAL_ERROR), not a refusal.
   */
  verify(token: string, call: ServerCall): boolean | Promise<boolean>;
  /** Methods callable without a token, as `Service.method` (a health check, say). Default none. */
  readonly allow?: readonly string[];
}

/** The error a refused call is answered with (and what the caller sees). */
function refusal(why: string): ApplicationError {
  return new ApplicationError(`${UNAUTHENTICATED_PREFIX}${why}`, {
    type: ApplicationErrorType.UNKNOWN,
    code: RpcErrorCode.UNAUTHENTICATED,
  });
}

/** The token of an `authorization: Bearer <token>` value (scheme case-insensitive, RFC 7235), or undefined. */
function bearer(value: string): string | undefined {
  const match = /^bearer +(\S+) *$/i.exec(value);
  return match?.[1];
}

/**
 * A server interceptor that lets a call reach its handler only with a valid bearer token in its
 * `authorization` header (THeader transport); others are answered "unauthenticated: …" and
 * never reach the handler. List it first, so it runs before every other interceptor.
 */
export function createTokenAuth(options: TokenAuthOptions): ServerInterceptor {
  const allowed = new Set(options.allow ?? []);
  return (next) => async (call) => {
    if (allowed.has(`${call.service}.${call.method.name}`)) return next(call);
    const value = call.context.headers.get(AUTHORIZATION_HEADER);
    if (value === undefined)
      throw refusal(
        `no ${AUTHORIZATION_HEADER} header (headers travel only with the THeader transport)`,
      );
    const token = bearer(value);
    if (token === undefined)
      throw refusal(`the ${AUTHORIZATION_HEADER} header is not "Bearer <token>"`);
    if ((await options.verify(token, call)) !== true) throw refusal("invalid token");
    return next(call);
  };
}

/**
 * A client interceptor that sends `authorization: Bearer <token>` with every call (THeader
 * transport). `token` may be a function, asked before each call, for tokens that rotate; a
 * fixed token can also go in the channel's `headers` option, which costs nothing per call.
 */
export function bearerToken(token: string | (() => string | Promise<string>)): ClientInterceptor {
  return (next) => async (call) => {
    const value = typeof token === "string" ? token : await token();
    const headers = { ...call.options.headers, [AUTHORIZATION_HEADER]: `Bearer ${value}` };
    return next({ ...call, options: { ...call.options, headers } });
  };
}
