// The three transports behind one face: a decoder that splits received bytes into messages, and
// a writer that frames one outgoing message, for the transport a connection speaks.
import type { ProtocolName } from "../protocol/ttype.js";
import { BufferedDecoder, writeUnframed } from "./buffered.js";
import { FrameDecoder, type MessageDecoder } from "./frame-decoder.js";
import { writeFrame } from "./framed.js";
import { HeaderDecoder, writeHeaderFrame, type HeaderEntry } from "./header.js";
import type { OutBuffer } from "./out-buffer.js";

/** The three transports idlc speaks. */
export type TransportName = "framed" | "buffered" | "header";

/** A decoder for `transport`; unframed messages are bounded by `maxFrameBytes` too. */
export function createMessageDecoder(
  transport: TransportName,
  protocol: ProtocolName,
  maxFrameBytes: number,
  maxDepth: number,
): MessageDecoder {
  switch (transport) {
    case "framed":
      return new FrameDecoder(maxFrameBytes);
    case "buffered":
      return new BufferedDecoder(protocol, maxFrameBytes, maxDepth);
    case "header":
      return new HeaderDecoder(maxFrameBytes);
  }
}

/**
 * Appends one message to `out` the way `transport` sends it. THeader frames carry `seqid`
 * (Apache sets it to the message's) and `headers`; the other transports ignore both.
 */
export function writeMessage(
  out: OutBuffer,
  transport: TransportName,
  protocol: ProtocolName,
  payload: Uint8Array,
  seqid: number,
  headers: readonly HeaderEntry[] | undefined,
): void {
  switch (transport) {
    case "framed":
      return writeFrame(out, payload);
    case "buffered":
      return writeUnframed(out, payload);
    case "header":
      return writeHeaderFrame(out, payload, protocol, seqid, 0, headers);
  }
}
