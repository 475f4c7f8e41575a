// What every codec adapter provides, and the correctness check that runs before any timing.
import { assertSampleOrder } from "../sample.js";

/** The codec systems, in report order. */
export const CODEC_SYSTEMS = [
  "idlc-compact",
  "idlc-binary",
  "thrift-compact",
  "thrift-binary",
  "protobufjs",
  "protobuf-es",
  "json",
] as const;

/** One codec system's name. */
export type CodecSystem = (typeof CODEC_SYSTEMS)[number];

/** One system's codec for the sample Order, in that system's natural types. */
export interface CodecAdapter {
  readonly system: CodecSystem;
  /** What runs: library, version, generator and options, for the report. */
  readonly description: string;
  /** The sample order in this system's natural types. */
  readonly sample: unknown;
  /** Encodes an order the way the system's users do; returns the bytes. */
  encode(order: unknown): Uint8Array;
  /** Decodes bytes into the system's order type. */
  decode(bytes: Uint8Array): unknown;
}

/** Builds one system's adapter; rejects with a readable reason when its code is unavailable. */
export type CodecLoader = () => Promise<CodecAdapter>;

/** What the correctness check learned: the encoded size of the sample. */
export interface CodecCheck {
  readonly bytes: number;
}

/**
 * Checks an adapter before it is timed: the sample is the sample, decode(encode(sample)) equals
 * it, and re-encoding the decoded value gives the same bytes.
 */
export function checkCodec(adapter: CodecAdapter): CodecCheck {
  assertSampleOrder(adapter.sample, `${adapter.system}: the sample`);
  const bytes = adapter.encode(adapter.sample);
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw new Error(`${adapter.system}: encode returned no bytes`);
  }
  const decoded = adapter.decode(bytes);
  assertSampleOrder(decoded, `${adapter.system}: decode(encode(sample))`);
  const again = adapter.encode(decoded);
  if (Buffer.compare(Buffer.from(again), Buffer.from(bytes)) !== 0) {
    throw new Error(`${adapter.system}: re-encoding the decoded order gave different bytes`);
  }
  return { bytes: bytes.length };
}
