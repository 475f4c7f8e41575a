// protobufjs static code (`pbjs -t static-module`): generated classes with encode/decode;
// int64 fields are Long objects (protobufjs's default when the `long` package is present).
import { buildOrder } from "../sample.js";
import { packageVersion, requireGenerated, requirePackage } from "../peers/load.js";
import type { CodecAdapter } from "./codec.js";

/** A generated protobufjs message class. */
export interface PbjsMessageClass {
  create(properties: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
}

/** The generated module's `bench` namespace. */
export interface PbjsOrderModule {
  bench: Record<"Order" | "LineItem" | "Address" | "Receipt", PbjsMessageClass>;
}

/** A Long value (protobufjs int64). */
export interface LongValue {
  add(addend: number): LongValue;
  toNumber(): number;
}

/** The `long` package. */
export interface LongLibrary {
  fromString(decimal: string, unsigned?: boolean): LongValue;
  fromNumber(value: number): LongValue;
}

/** Loads the generated static module and `long`. */
export function loadPbjs(): { pb: PbjsOrderModule["bench"]; Long: LongLibrary } {
  return {
    pb: requireGenerated<PbjsOrderModule>("protobufjs", "order.js").bench,
    Long: requirePackage<LongLibrary>("long"),
  };
}

/** The sample as protobufjs users build it: `Type.create` with Long for int64. */
export function pbjsSample(pb: PbjsOrderModule["bench"], Long: LongLibrary): unknown {
  return buildOrder({
    i64: (d) => Long.fromString(d),
    map: (record) => ({ ...record }),
    struct: (type, fields) => pb[type].create(fields),
  });
}

/** protobufjs static module. */
export async function loadProtobufjs(): Promise<CodecAdapter> {
  const { pb, Long } = loadPbjs();
  return {
    system: "protobufjs",
    description: `protobufjs ${packageVersion("protobufjs")} static module (pbjs -t static-module), int64 as Long`,
    sample: pbjsSample(pb, Long),
    encode: (order) => pb.Order.encode(order).finish(),
    decode: (bytes) => pb.Order.decode(bytes),
  };
}
