// The RPC envelope around each call (rpc.md §1–6, §9): multiplexed names `Service:method`, and
// TApplicationException, the struct a server sends instead of a result when it cannot run a call.
import type { ProtocolReader, ProtocolWriter } from "./protocol/protocol.js";
import { MessageType, TType } from "./protocol/ttype.js";

/** Separator of a multiplexed message name, `Service:method` (rpc.md §9). */
export const MULTIPLEX_SEPARATOR = ":";

/** Apache's names of the TApplicationException types, for messages (rpc.md §6). */
const APPLICATION_TYPE_NAMES: readonly string[] = [
  "UNKNOWN",
  "UNKNOWN_METHOD",
  "INVALID_MESSAGE_TYPE",
  "WRONG_METHOD_NAME",
  "BAD_SEQUENCE_ID",
  "MISSING_RESULT",
  "INTERNAL_ERROR",
  "PROTOCOL_ERROR",
  "INVALID_TRANSFORM",
  "INVALID_PROTOCOL",
  "UNSUPPORTED_CLIENT_TYPE",
  "LOADSHEDDING", // fbthrift's 11 and 12
  "TIMEOUT",
];

/** The Apache name of a TApplicationException type (`UNKNOWN_METHOD`), or `type N`. */
export function applicationTypeName(type: number): string {
  return APPLICATION_TYPE_NAMES[type] ?? `type ${type}`;
}

/** The message name a client sends: `Service:method` when multiplexed, else the method name. */
export function multiplexedName(service: string, method: string): string {
  return service + MULTIPLEX_SEPARATOR + method;
}

/** A received message name split at its first `:` (rpc.md §9); `service` is undefined without one. */
export interface SplitName {
  readonly service: string | undefined;
  readonly method: string;
}

/** Splits a received message name at the first `:`, as Apache's multiplexed processors do. */
export function splitMessageName(name: string): SplitName {
  const at = name.indexOf(MULTIPLEX_SEPARATOR);
  return at < 0
    ? { service: undefined, method: name }
    : { service: name.slice(0, at), method: name.slice(at + 1) };
}

/** Whether a message type is a request (CALL or ONEWAY). */
export function isRequest(type: number): boolean {
  return type === MessageType.CALL || type === MessageType.ONEWAY;
}

/** A TApplicationException as read from the wire. */
export interface ApplicationException {
  readonly message: string;
  /** Apache's type code; 0 (UNKNOWN) when the peer did not send one (npm thrift never does). */
  readonly type: number;
}

/** Writes a TApplicationException struct `{1: message, 2: type}`, always both fields (rpc.md §6). */
export function writeApplicationException(w: ProtocolWriter, message: string, type: number): void {
  w.structBegin();
  w.field(TType.STRING, 1);
  w.string(message);
  w.field(TType.I32, 2);
  w.i32(type);
  w.structEnd();
}

/** Writes a whole EXCEPTION message: envelope, then the TApplicationException struct. */
export function writeExceptionMessage(
  w: ProtocolWriter,
  name: string,
  seqid: number,
  message: string,
  type: number,
): void {
  w.messageBegin(name, MessageType.EXCEPTION, seqid);
  writeApplicationException(w, message, type);
}

/** Reads a TApplicationException struct; unknown fields are skipped, a missing type is 0. */
export function readApplicationException(r: ProtocolReader): ApplicationException {
  let message = "";
  let type = 0;
  r.structBegin();
  for (;;) {
    const fieldType = r.fieldBegin();
    if (fieldType === TType.STOP) break;
    if (r.fieldId === 1 && fieldType === TType.STRING) message = r.string();
    else if (r.fieldId === 2 && fieldType === TType.I32) type = r.i32();
    else r.skip(fieldType);
  }
  r.structEnd();
  return { message, type };
}
