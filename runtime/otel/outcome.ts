// The outcome code of a call, one short string for span attributes and metric labels: "ok", the
// RpcError code ("deadline-exceeded", "unavailable", …), "exception" for a declared IDL exception,
// or "internal-error" for anything else a handler threw.
import { RpcError, ThriftException } from "../errors.js";

/** The outcome of a call that succeeded. */
export const OK = "ok";

/** The outcome code of a call that failed with `error`. */
export function outcomeOf(error: unknown): string {
  if (error instanceof ThriftException) return "exception";
  if (error instanceof RpcError) return error.code;
  return "internal-error";
}
