// Server side: which transport and protocol a connection speaks, from its first bytes, so one
// port serves framed, unframed and THeader clients in compact or binary (binary-protocol.md §6,
// rpc.md §10, as Python's THeaderTransport.readFrame does). Pure: no Node API.
import type { TransportName } from "./transports.js";
import type { ProtocolName } from "../protocol/ttype.js";
import { readInt32 } from "./frame-decoder.js";

/** What the first bytes of a connection say. */
export type Detection =
  | {
      readonly kind: "detected";
      readonly transport: TransportName;
      readonly protocol: ProtocolName;
    }
  | { readonly kind: "more" }
  | { readonly kind: "unknown"; readonly reason: string };

const MORE: Detection = { kind: "more" };

function detected(transport: TransportName, protocol: ProtocolName): Detection {
  return { kind: "detected", transport, protocol };
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Detects the transport and protocol of a connection from the bytes it sent first. */
export function detectWire(bytes: Uint8Array): Detection {
  if (bytes.length === 0) return MORE;
  const b0 = bytes[0]!;
  // Unframed: the message header comes first (strict binary 80 01, compact 82 with version 1).
  if (b0 === 0x80) {
    if (bytes.length < 2) return MORE;
    if (bytes[1] === 0x01) return detected("buffered", "binary");
  } else if (b0 === 0x82) {
    if (bytes.length < 2) return MORE;
    if ((bytes[1]! & 0x1f) === 1) return detected("buffered", "compact");
  } else {
    // Framed (or THeader): a length, then the message header or the THeader magic. A length
    // that can never be valid is refused from its 4 bytes, not waited on (rpc.md §8.2).
    if (bytes.length >= 4) {
      const size = readInt32(bytes, 0);
      if (size === 0) return { kind: "unknown", reason: "empty frame (length 0)" };
      if (size < 0) return { kind: "unknown", reason: `invalid frame size ${size} (negative)` };
    }
    if (bytes.length < 6) return MORE;
    const b4 = bytes[4]!;
    const b5 = bytes[5]!;
    if (b4 === 0x0f && b5 === 0xff) {
      if (bytes.length < 15) return MORE;
      const protocolId = bytes[14]; // first byte of the variable header (rpc.md §10)
      if (protocolId === 0) return detected("header", "binary");
      if (protocolId === 2) return detected("header", "compact");
      return { kind: "unknown", reason: `THeader protocol id ${protocolId} is not supported` };
    }
    if (b4 === 0x80 && b5 === 0x01) return detected("framed", "binary");
    if (b4 === 0x82 && (b5 & 0x1f) === 1) return detected("framed", "compact");
    // Old (non-strict) binary header: i32 name length first. Framed, the name length's top
    // byte (0) follows the frame length; unframed, the name's first character does.
    if (b0 === 0x00 && b4 === 0x00) return detected("framed", "binary");
    if (b0 === 0x00 && b4 >= 0x20 && b4 < 0x7f) return detected("buffered", "binary");
  }
  return {
    kind: "unknown",
    reason: `first bytes ${hex(bytes)} are neither a Thrift message, a frame nor a THeader frame`,
  };
}
