// The protocol layer's entry point: pick a writer or reader by protocol name.
// TODO(#4): implemented by compact.ts and binary.ts.
import type { DecodeLimits } from "./limits.js";
import type { ProtocolReader, ProtocolWriter } from "./protocol.js";
import type { ProtocolName } from "./ttype.js";

/** A new writer for the protocol. */
export function createWriter(protocol: ProtocolName): ProtocolWriter {
  throw new Error(`not implemented: ${protocol} writer`);
}

/** A new reader over `bytes` for the protocol. */
export function createReader(
  protocol: ProtocolName,
  bytes: Uint8Array,
  options?: { readonly limits?: Partial<DecodeLimits>; readonly strict?: boolean },
): ProtocolReader {
  throw new Error(
    `not implemented: ${protocol} reader of ${bytes.length} bytes ${String(options)}`,
  );
}
