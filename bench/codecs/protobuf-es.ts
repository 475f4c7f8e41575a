// protobuf-es (code from protoc + protoc-gen-es): schemas plus the library's create, toBinary
// and fromBinary; int64 fields are bigint.
import { buildOrder } from "../sample.js";
import { importGenerated, packageVersion } from "../peers/load.js";
import type { CodecAdapter } from "./codec.js";

/** A generated message schema (opaque here). */
export type EsSchema = { readonly typeName: string };

/** The generated order_pb.js. */
export interface EsOrderModule {
  OrderSchema: EsSchema;
  LineItemSchema: EsSchema;
  AddressSchema: EsSchema;
  ReceiptSchema: EsSchema;
  OrderService: unknown;
}

/** The parts of @bufbuild/protobuf the benchmark uses. */
export interface EsLibrary {
  create(schema: EsSchema, init?: Record<string, unknown>): unknown;
  toBinary(schema: EsSchema, message: unknown): Uint8Array;
  fromBinary(schema: EsSchema, bytes: Uint8Array): unknown;
}

/** Loads @bufbuild/protobuf and the generated schemas. */
export async function loadEs(): Promise<{ es: EsLibrary; schemas: EsOrderModule }> {
  const es = (await import("@bufbuild/protobuf")) as unknown as EsLibrary;
  const schemas = await importGenerated<EsOrderModule>("protobuf-es", "order_pb.js");
  return { es, schemas };
}

/** The sample as protobuf-es users build it: `create(Schema, init)` with bigint. */
export function esSample(es: EsLibrary, schemas: EsOrderModule): unknown {
  const schemaOf = {
    Order: schemas.OrderSchema,
    LineItem: schemas.LineItemSchema,
    Address: schemas.AddressSchema,
  };
  return buildOrder({
    i64: (d) => BigInt(d),
    map: (record) => ({ ...record }),
    struct: (type, fields) => es.create(schemaOf[type], fields),
  });
}

/** protobuf-es. */
export async function loadProtobufEs(): Promise<CodecAdapter> {
  const { es, schemas } = await loadEs();
  return {
    system: "protobuf-es",
    description: `@bufbuild/protobuf ${packageVersion("@bufbuild/protobuf")} (protoc-gen-es), int64 as bigint`,
    sample: esSample(es, schemas),
    encode: (order) => es.toBinary(schemas.OrderSchema, order),
    decode: (bytes) => es.fromBinary(schemas.OrderSchema, bytes),
  };
}
