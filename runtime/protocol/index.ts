// The protocol layer's entry point: pick a writer or reader by protocol name.
import { BinaryReader, BinaryWriter } from "./binary.js";
import { CompactReader, CompactWriter } from "./compact.js";
import { DEFAULT_DECODE_LIMITS } from "./limits.js";
import type { DecodeLimits } from "./limits.js";
import type { ProtocolReader, ProtocolWriter } from "./protocol.js";
import type { ProtocolName } from "./ttype.js";

/** A new writer for the protocol, reusable through `reset()`. */
export function createWriter(protocol: ProtocolName): ProtocolWriter {
  if (protocol === "compact") return new CompactWriter();
  if (protocol === "binary") return new BinaryWriter();
  throw new TypeError(
    `unknown protocol ${JSON.stringify(protocol)} (expected "compact" or "binary")`,
  );
}

/**
 * A new reader over `bytes` for the protocol, reusable through `reset()`. `limits` overrides
 * parts of DEFAULT_DECODE_LIMITS; `strict` rejects known fields that arrive with another type.
 */
export function createReader(
  protocol: ProtocolName,
  bytes: Uint8Array,
  options?: { readonly limits?: Partial<DecodeLimits>; readonly strict?: boolean },
): ProtocolReader {
  const limits =
    options?.limits === undefined
      ? DEFAULT_DECODE_LIMITS
      : Object.freeze({ ...DEFAULT_DECODE_LIMITS, ...definedOnly(options.limits) });
  const strict = options?.strict ?? false;
  if (protocol === "compact") return new CompactReader(bytes, limits, strict);
  if (protocol === "binary") return new BinaryReader(bytes, limits, strict);
  throw new TypeError(
    `unknown protocol ${JSON.stringify(protocol)} (expected "compact" or "binary")`,
  );
}

/** The entries of `limits` that are set (a key present with `undefined` keeps the default). */
function definedOnly(limits: Partial<DecodeLimits>): Partial<DecodeLimits> {
  const out: { -readonly [K in keyof DecodeLimits]?: number } = {};
  for (const key of ["maxStringBytes", "maxContainerSize", "maxDepth"] as const) {
    const value = limits[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
