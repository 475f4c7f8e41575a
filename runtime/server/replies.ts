// How a call is answered, Apache's way (rpc.md §6.1, §11): a return value → REPLY with the
// result struct; a declared exception → REPLY with it in the result struct; an ApplicationError
// thrown on purpose → EXCEPTION with its type and message; anything else → logged, and
// EXCEPTION INTERNAL_ERROR with a generic message (the stack only with `debug`). Oneway calls
// are never answered.
import { ApplicationError, ApplicationErrorType } from "../errors.js";
import { writeExceptionMessage } from "../message.js";
import type { ProtocolWriter } from "../protocol/protocol.js";
import { MessageType } from "../protocol/ttype.js";
import type { ServerCallContext } from "./context.js";
import type { Logger } from "./options.js";
import { CallOutcome, type ServerCounters } from "./stats.js";

/** Where answers go: a connection's writer and its outgoing bytes. */
export interface ReplySink {
  readonly peer: string;
  readonly logger: Logger;
  readonly debug: boolean;
  /** False once the connection is gone (answers are then dropped, failures still logged). */
  readonly open: boolean;
  /** The connection's writer, reset before each answer. */
  readonly writer: ProtocolWriter;
  /** Sends the message just written to `writer`. */
  send(seqid: number, payload: Uint8Array): void;
  /** Where outcomes are counted (`server.stats()`). */
  readonly counters: ServerCounters;
}

/** Answers with the handler's return value. */
export function replyValue(sink: ReplySink, context: ServerCallContext, value: unknown): void {
  const method = context.descriptor;
  if (method.oneway || !sink.open) {
    sink.counters.record(context.counters, CallOutcome.OK);
    return;
  }
  const w = sink.writer;
  try {
    w.reset();
    w.messageBegin(method.name, MessageType.REPLY, context.seqid);
    if (method.writeSuccess !== undefined) method.writeSuccess(w, value);
    else {
      w.structBegin(); // a void method's empty result struct
      w.structEnd();
    }
  } catch (error) {
    sink.logger.error(
      `cannot encode the result of ${context.service}.${method.name} (for ${sink.peer})`,
      error,
    );
    replyInternal(sink, context, error);
    return;
  }
  sink.counters.record(context.counters, CallOutcome.OK);
  sink.send(context.seqid, w.bytes());
}

/** Answers a handler (or interceptor) that threw `error`. */
export function replyError(sink: ReplySink, context: ServerCallContext, error: unknown): void {
  const method = context.descriptor;
  const w = sink.writer;
  let declared = false;
  if (!method.oneway) {
    try {
      w.reset();
      w.messageBegin(method.name, MessageType.REPLY, context.seqid);
      declared = method.writeException?.(w, error) ?? false;
    } catch {
      declared = false; // not encodable as declared: answered as an internal error below
    }
  }
  if (declared) {
    sink.counters.record(context.counters, CallOutcome.EXCEPTION);
    if (sink.open) sink.send(context.seqid, w.bytes());
    return;
  }
  if (error instanceof ApplicationError) {
    sink.counters.record(context.counters, CallOutcome.APPLICATION_ERROR);
    if (!method.oneway) replyException(sink, method.name, context.seqid, error.message, error.type);
    return;
  }
  sink.logger.error(
    `${method.oneway ? "oneway " : ""}handler of ${context.service}.${method.name} failed (call from ${sink.peer})`,
    error,
  );
  if (method.oneway) sink.counters.record(context.counters, CallOutcome.INTERNAL_ERROR);
  else replyInternal(sink, context, error);
}

function replyInternal(sink: ReplySink, context: ServerCallContext, error: unknown): void {
  sink.counters.record(context.counters, CallOutcome.INTERNAL_ERROR);
  const name = `${context.service}.${context.method}`;
  const message =
    sink.debug && error instanceof Error
      ? `internal error in ${name}: ${error.stack ?? error.message}`
      : `internal error in ${name}`;
  replyException(sink, context.method, context.seqid, message, ApplicationErrorType.INTERNAL_ERROR);
}

/** Answers with EXCEPTION: a TApplicationException of `type` (both fields written). */
export function replyException(
  sink: ReplySink,
  name: string,
  seqid: number,
  message: string,
  type: number,
): void {
  if (!sink.open) return;
  const w = sink.writer;
  w.reset();
  writeExceptionMessage(w, name, seqid, message, type);
  sink.send(seqid, w.bytes());
}
