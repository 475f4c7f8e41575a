// Small helpers that generated codecs and service descriptors call on their error paths, and the
// two helper types generated declarations use. Nothing here runs per field on the happy path.
import { ApplicationError, ApplicationErrorType } from "./errors.js";
import { EncodeError, ProtocolError } from "./protocol/errors.js";
import type { ProtocolReader } from "./protocol/protocol.js";

/**
 * The type of an enum-typed value: one of the enum's values, or any other number, because a value
 * the IDL does not list (sent by a newer peer) is kept as its number and written back unchanged.
 */
export type OpenEnum<E extends number> = E | (number & {});

/** The `create(init)` argument of a struct: `T` where the fields `K`, which have IDL defaults, may be left out. */
export type WithDefaults<T, K extends keyof T> = Omit<T, K> & { [P in K]?: T[P] | undefined };

/** The reason of an EncodeError without its field path, kept as the error travels outwards. */
const reasons = new WeakMap<EncodeError, string>();

/**
 * Prefixes the field path of an error thrown while writing field `field` (element `index` of it
 * when it is a list and `index >= 0`) of struct `struct`: `Order.lines[2].price.units: missing
 * required field`. Any other error becomes an EncodeError with the same path and its message.
 */
export function withFieldPath(
  error: unknown,
  struct: string,
  field: string,
  index = -1,
): EncodeError {
  const inner =
    error instanceof EncodeError
      ? error
      : new EncodeError(error instanceof Error ? error.message : String(error), { cause: error });
  const reason = reasons.get(inner) ?? inner.message;
  const head: (string | number)[] = field === "" ? [] : index >= 0 ? [field, index] : [field];
  const path = [...head, ...inner.path];
  const shown = path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
  const out = new EncodeError(`${struct}${shown}: ${reason}`, {
    path,
    cause: inner.cause ?? (inner === error ? undefined : error),
  });
  reasons.set(out, reason);
  return out;
}

/** The error for a required field that is `undefined` when writing (the caller adds the path). */
export function requiredFieldUnset(): EncodeError {
  return new EncodeError("missing required field");
}

/** The error for a union value whose `kind` names no member, or whose `value` is missing. */
export function invalidUnionValue(value: unknown): EncodeError {
  const kind =
    typeof value === "object" && value !== null && "kind" in value
      ? JSON.stringify(String(value.kind))
      : "none";
  const hasValue = typeof value === "object" && value !== null && "value" in value;
  return new EncodeError(
    hasValue && value.value !== undefined
      ? `invalid union value: kind ${kind} is not a member`
      : `invalid union value: kind ${kind} has no value`,
  );
}

/** The error for a required field absent from the bytes. */
export function requiredFieldMissing(
  r: ProtocolReader,
  struct: string,
  field: string,
): ProtocolError {
  return new ProtocolError(`${struct}: missing required field "${field}"`, {
    code: "invalid-data",
    offset: r.position,
  });
}

/**
 * The error for an argument absent from a call's `<method>_args` struct that has no IDL default
 * and is not `optional`: the handler's type promises a value, so the server answers
 * PROTOCOL_ERROR instead of calling it with `undefined` (what a caller that omits a null
 * argument, such as an Apache client, gets).
 */
export function missingArgument(r: ProtocolReader, method: string, arg: string): ProtocolError {
  return new ProtocolError(`${method}: missing argument "${arg}"`, {
    code: "invalid-data",
    offset: r.position,
  });
}

/** The error for a union with no member set (`second` undefined) or with two members set. */
export function unionArityError(
  r: ProtocolReader,
  union: string,
  first?: string,
  second?: string,
): ProtocolError {
  const message =
    first === undefined
      ? `union ${union} has no member set`
      : `union ${union} has more than one member set ("${first}" and "${second ?? first}")`;
  return new ProtocolError(message, { code: "invalid-data", offset: r.position });
}

/** The error for a list, set or map whose element types are not the ones the IDL declares. */
export function elementTypeMismatch(r: ProtocolReader, field: string): ProtocolError {
  return new ProtocolError(
    `field "${field}": container element type does not match the IDL ` +
      `(element ${r.elementType}, key ${r.keyType}, value ${r.valueType})`,
    { code: "invalid-data", offset: r.position },
  );
}

/** A reply with neither a result nor a declared exception (Apache's MISSING_RESULT, rpc.md §3). */
export function missingResult(method: string): ApplicationError {
  return new ApplicationError(`${method} failed: unknown result`, {
    type: ApplicationErrorType.MISSING_RESULT,
  });
}
