// idlc: the module idlc generates for bench/schema/order.thrift (into bench/peers/generated/idlc/,
// inside the repository so `idlc/runtime` resolves), with bigint for i64 and Map for maps.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildOrder } from "../sample.js";
import { ROOT } from "../peers/generate.js";
import { importIdlcOrder } from "../peers/load.js";
import type { CodecAdapter, CodecSystem } from "./codec.js";

/** The protocols idlc speaks. */
export type IdlcProtocol = "compact" | "binary";

/** A generated idlc struct codec. */
export interface IdlcStruct {
  create(init: Record<string, unknown>): unknown;
  encode(value: unknown, options?: { protocol?: IdlcProtocol }): Uint8Array;
  decode(bytes: Uint8Array, options?: { protocol?: IdlcProtocol }): unknown;
}

/** The generated module for order.thrift. */
export interface IdlcOrderModule {
  Order: IdlcStruct;
  LineItem: IdlcStruct;
  Address: IdlcStruct;
  Receipt: IdlcStruct;
  OrderService: { client(channel: unknown): { placeOrder(order: unknown): Promise<unknown> } };
}

/** The runtime files idlc needs; until they exist the idlc systems are skipped. */
const RUNTIME_PARTS = [
  "runtime/protocol/compact.ts",
  "runtime/protocol/binary.ts",
  "runtime/server/server.ts",
  "runtime/client/channel.ts",
];

/** Loads the generated module, or rejects saying which idlc part is missing. */
export async function loadIdlcModule(): Promise<IdlcOrderModule> {
  const missing = RUNTIME_PARTS.filter((p) => !existsSync(join(ROOT, p)));
  if (missing.length > 0)
    throw new Error(`idlc runtime not there yet: ${missing.join(", ")} missing`);
  return importIdlcOrder<IdlcOrderModule>();
}

/** The sample as idlc users build it: `T.create` with bigint for i64 and Map for maps. */
export function idlcSample(module: IdlcOrderModule): unknown {
  return buildOrder({
    i64: (d) => BigInt(d),
    map: (record) => new Map(Object.entries(record)),
    struct: (type, fields) => module[type].create(fields),
  });
}

function idlcCodec(
  module: IdlcOrderModule,
  system: CodecSystem,
  protocol: IdlcProtocol,
): CodecAdapter {
  const options = { protocol };
  return {
    system,
    description: `idlc generated code, ${protocol} protocol, i64 as bigint`,
    sample: idlcSample(module),
    encode: (order) => module.Order.encode(order, options),
    decode: (bytes) => module.Order.decode(bytes, options),
  };
}

/** idlc, Compact protocol. */
export async function loadIdlcCompact(): Promise<CodecAdapter> {
  return idlcCodec(await loadIdlcModule(), "idlc-compact", "compact");
}

/** idlc, Binary protocol. */
export async function loadIdlcBinary(): Promise<CodecAdapter> {
  return idlcCodec(await loadIdlcModule(), "idlc-binary", "binary");
}
