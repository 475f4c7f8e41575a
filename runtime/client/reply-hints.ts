// Hints for replies that are not what a Thrift client expects, so the error names the likely
// mistake instead of a symptom: a port that answers in HTTP is not "a frame of 1,213,486,160
// bytes" (those bytes are "HTTP"), and `Unknown function Greeter:greet` from a plain Apache
// server means the client should not multiplex.
import { ApplicationErrorType } from "../errors.js";
import type { ApplicationException } from "../message.js";
import type { PendingCall } from "./pending-call.js";

/** Longest excerpt of a text reply quoted in a message, in characters. */
const QUOTE_CHARS = 40;

/** TLS record content types (RFC 8446 §5.1): change_cipher_spec, alert, handshake, application_data. */
function isTlsRecord(bytes: Uint8Array): boolean {
  const type = bytes[0]!;
  return (
    bytes.length >= 3 && type >= 0x14 && type <= 0x17 && bytes[1] === 0x03 && bytes[2]! <= 0x04
  );
}

/** The first line of `bytes` if they start with printable ASCII text (8 characters or more). */
function textLine(bytes: Uint8Array): string | undefined {
  let end = 0;
  const limit = Math.min(bytes.length, QUOTE_CHARS);
  while (end < limit && bytes[end]! >= 0x20 && bytes[end]! < 0x7f) end++;
  const atLineEnd = end < bytes.length && (bytes[end] === 0x0d || bytes[end] === 0x0a);
  if (end < 8 && !(end > 0 && atLineEnd)) return undefined;
  const text = String.fromCharCode(...bytes.subarray(0, end));
  return end === limit && !atLineEnd && end < bytes.length ? `${text}…` : text;
}

/**
 * Describes the first bytes a server sent if they are clearly not Thrift (HTTP, TLS, a text
 * protocol), as in `the server answered in HTTP ("HTTP/1.1 400 Bad Request")`; else undefined.
 */
export function describeForeignReply(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  if (isTlsRecord(bytes))
    return "the server answered in TLS; connect with the tls option (and check the port)";
  const line = textLine(bytes);
  if (line === undefined) return undefined;
  if (line.startsWith("HTTP/")) return `the server answered in HTTP (${JSON.stringify(line)})`;
  return `the server answered in text, not Thrift (${JSON.stringify(line)})`;
}

/**
 * A hint for an "unknown function" answer naming the multiplexed `Service:method`: the server
 * is probably a plain (non-multiplexed) Apache server. Empty when that is not the case.
 */
export function multiplexedHint(call: PendingCall, ex: ApplicationException): string {
  const name = `${call.service}:${call.method.name}`;
  const unknown =
    ex.type === ApplicationErrorType.UNKNOWN_METHOD ||
    /unknown (function|method)/i.test(ex.message);
  if (!unknown || !ex.message.includes(name)) return "";
  return `; the server does not know the multiplexed name "${name}": if it is a plain Apache server, connect with { multiplexed: false }`;
}
