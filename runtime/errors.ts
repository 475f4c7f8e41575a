// The errors a caller of idlc can see, each with a stable `code`. Messages name the service,
// method and peer where known; a `cause` is kept for logs and never sent over the wire.

/** The closed list of runtime error codes. */
export const RpcErrorCode = {
  /** The call's deadline passed before a reply arrived. */
  DEADLINE_EXCEEDED: "deadline-exceeded",
  /** The caller aborted the call (AbortSignal) or the channel was closed. */
  CANCELLED: "cancelled",
  /** No connection could be made to any endpoint. */
  UNAVAILABLE: "unavailable",
  /** The connection broke while the call was in flight; the call may or may not have run. */
  CONNECTION_LOST: "connection-lost",
  /** A configured limit was hit (frame size, in-flight calls, …); the message names the option. */
  LIMIT_EXCEEDED: "limit-exceeded",
  /** The peer sent bytes that could not be decoded. */
  PROTOCOL_ERROR: "protocol-error",
  /** The server answered with a TApplicationException; see `ApplicationError.type`. */
  APPLICATION_ERROR: "application-error",
  /** The server shed the call (LOADSHEDDING): it never ran, so it is safe to retry elsewhere. */
  OVERLOADED: "overloaded",
  /** The server refused the call's credentials (auth.ts: a TApplicationException "unauthenticated: …"). */
  UNAUTHENTICATED: "unauthenticated",
} as const;
/** One of the runtime error codes. */
export type RpcErrorCode = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

/** A failed call, for a reason other than a declared IDL exception. */
export class RpcError extends Error {
  override readonly name: string = "RpcError";
  /** Why the call failed. */
  readonly code: RpcErrorCode;

  constructor(message: string, options: { code: RpcErrorCode; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
  }

  /** Normalises anything thrown into an RpcError (an RpcError is returned as is). */
  static from(error: unknown, code: RpcErrorCode = RpcErrorCode.CONNECTION_LOST): RpcError {
    if (error instanceof RpcError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new RpcError(message, { code, cause: error });
  }
}

/**
 * TApplicationException's type codes, numbered as Apache numbers them (rpc.md §6), then the two
 * fbthrift added that idlc sends: LOADSHEDDING (a shed call, never run) and TIMEOUT (a handler
 * that ran past the server's maxHandlerMs).
 */
export const ApplicationErrorType = {
  UNKNOWN: 0,
  UNKNOWN_METHOD: 1,
  INVALID_MESSAGE_TYPE: 2,
  WRONG_METHOD_NAME: 3,
  BAD_SEQUENCE_ID: 4,
  MISSING_RESULT: 5,
  INTERNAL_ERROR: 6,
  PROTOCOL_ERROR: 7,
  INVALID_TRANSFORM: 8,
  INVALID_PROTOCOL: 9,
  UNSUPPORTED_CLIENT_TYPE: 10,
  LOADSHEDDING: 11,
  TIMEOUT: 12,
} as const;
/** A TApplicationException type code (other numbers may arrive from peers and are kept). */
export type ApplicationErrorType = (typeof ApplicationErrorType)[keyof typeof ApplicationErrorType];

/** A TApplicationException: the server could not run the call (unknown method, internal error, …). */
export class ApplicationError extends RpcError {
  override readonly name: string = "ApplicationError";
  /** Apache's type code (ApplicationErrorType); unknown numbers are kept as sent. */
  readonly type: number;

  constructor(message: string, options: { type: number; cause?: unknown; code?: RpcErrorCode }) {
    // Type 11 is fbthrift's LOADSHEDDING: the server refused the call before running it.
    const code =
      options.code ??
      (options.type === 11 ? RpcErrorCode.OVERLOADED : RpcErrorCode.APPLICATION_ERROR);
    super(message, { code, cause: options.cause });
    this.type = options.type;
  }
}

/** Base class of every exception declared in IDL; generated classes extend it. */
export class ThriftException extends Error {
  override readonly name: string = "ThriftException";
}
