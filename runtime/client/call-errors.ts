// The errors a client call rejects with, each naming service, method and peer, so a message
// alone says which call failed where: `Calc.add on 10.0.0.7:9090: deadline of 500 ms exceeded`.
import { UNAUTHENTICATED_PREFIX } from "../auth.js";
import {
  ApplicationError,
  ApplicationErrorType,
  RpcError,
  RpcErrorCode,
  ThriftException,
} from "../errors.js";
import { applicationTypeName, type ApplicationException } from "../message.js";
import type { PendingCall } from "./pending-call.js";

/** The message of anything thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `Service.method on host:port`. */
export function callName(call: PendingCall, peer: string): string {
  return `${call.service}.${call.method.name} on ${peer}`;
}

/** An RpcError with `code`, naming the call. */
export function callError(
  call: PendingCall,
  peer: string,
  code: RpcErrorCode,
  why: string,
  cause?: unknown,
): RpcError {
  return new RpcError(`${callName(call, peer)}: ${why}`, { code, cause });
}

/** The call's deadline passed; `note` says what it was waiting through, if not a reply. */
export function deadlineError(call: PendingCall, peer: string, note = ""): RpcError {
  const budget = Number.isNaN(call.budgetMs) ? "" : ` of ${Math.round(call.budgetMs)} ms`;
  return callError(call, peer, RpcErrorCode.DEADLINE_EXCEEDED, `deadline${budget} exceeded${note}`);
}

/** The call's signal or its parent aborted with `reason`; the reason's message is kept. */
export function cancelledError(call: PendingCall, peer: string, reason: unknown): RpcError {
  const why = reason instanceof Error ? `: ${reason.message}` : "";
  return callError(call, peer, RpcErrorCode.CANCELLED, `cancelled${why}`, reason);
}

/** The request is bigger than the client lets itself send. */
export function requestTooLarge(call: PendingCall, peer: string, size: number, limit: number) {
  return callError(
    call,
    peer,
    RpcErrorCode.LIMIT_EXCEEDED,
    `request of ${size} bytes exceeds maxFrameBytes (${limit}); raise the client's maxFrameBytes option (and the server's)`,
  );
}

/** What a call rejects with when its reply says it failed, or cannot be read. */
export function replyError(call: PendingCall, peer: string, error: unknown): Error {
  // A declared exception is the generated class itself; the caller catches it by type.
  if (error instanceof ThriftException) return error;
  if (error instanceof ApplicationError)
    return new ApplicationError(`${callName(call, peer)} failed: ${error.message}`, {
      type: error.type,
      cause: error,
    });
  return callError(
    call,
    peer,
    RpcErrorCode.PROTOCOL_ERROR,
    `undecodable reply: ${errorText(error)}`,
    error,
  );
}

/**
 * A TApplicationException the server sent instead of a result; `hint` is appended. LOADSHEDDING
 * (fbthrift's type 11) becomes code "overloaded": the server answered before running the call.
 */
export function applicationError(
  call: PendingCall,
  peer: string,
  ex: ApplicationException,
  hint = "",
): ApplicationError {
  if (ex.type === ApplicationErrorType.LOADSHEDDING)
    return new ApplicationError(
      `${callName(call, peer)}: server overloaded, the call did not run: ${ex.message}`,
      { type: ex.type, code: RpcErrorCode.OVERLOADED },
    );
  // auth.ts's refusal: a plain TApplicationException on the wire, its own code here.
  const code = ex.message.startsWith(UNAUTHENTICATED_PREFIX)
    ? RpcErrorCode.UNAUTHENTICATED
    : RpcErrorCode.APPLICATION_ERROR;
  return new ApplicationError(
    `${callName(call, peer)} failed: ${applicationTypeName(ex.type)}: ${ex.message}${hint}`,
    { type: ex.type, code },
  );
}
