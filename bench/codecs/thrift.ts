// npm `thrift` with code from Debian's `thrift --gen js:node,es6`: struct classes whose
// write/read drive a TCompactProtocol or TBinaryProtocol over an in-memory transport.
import { buildOrder } from "../sample.js";
import { packageVersion, requireGenerated, requirePackage } from "../peers/load.js";
import type { CodecAdapter, CodecSystem } from "./codec.js";

/** A generated npm thrift struct: a class with read/write over a protocol. */
export interface ThriftStruct {
  write(protocol: unknown): void;
  read(protocol: unknown): void;
}

/** A generated npm thrift struct class. */
export type ThriftStructClass = new (fields?: Record<string, unknown>) => ThriftStruct;

/** The parts of order_types.js the benchmark uses. */
export interface ThriftOrderTypes {
  Order: ThriftStructClass;
  LineItem: ThriftStructClass;
  Address: ThriftStructClass;
  Receipt: ThriftStructClass;
}

/** The parts of npm thrift the benchmark uses. */
export interface ThriftLibrary {
  TCompactProtocol: new (transport: unknown) => { flush(): void };
  TBinaryProtocol: new (transport: unknown) => { flush(): void };
  TBufferedTransport: new (buffer: Buffer | undefined, onFlush: (bytes: Buffer) => void) => unknown;
  TFramedTransport: new (buffer: Buffer) => unknown;
  Int64: new (value: string | number) => ThriftInt64;
  createServer(processor: unknown, handler: unknown, options: unknown): ThriftServer;
  createConnection(host: string, port: number, options: unknown): ThriftConnection;
  createClient(service: unknown, connection: ThriftConnection): unknown;
}

/** node-int64, npm thrift's i64 type. */
export interface ThriftInt64 {
  toNumber(allowImprecise?: boolean): number;
}

/** npm thrift's server (a net.Server). */
export interface ThriftServer {
  listen(port: number, host: string): void;
  once(event: "listening" | "error", listener: (error?: Error) => void): void;
  address(): { port: number };
  close(callback: () => void): void;
}

/** npm thrift's client connection. */
export interface ThriftConnection {
  once(event: "connect" | "error", listener: (error?: Error) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  end(): void;
  connection: { destroy(): void; once(event: "close", listener: () => void): void };
}

/** Loads npm thrift and the generated types. */
export function loadThrift(): { thrift: ThriftLibrary; types: ThriftOrderTypes } {
  return {
    thrift: requirePackage<ThriftLibrary>("thrift"),
    types: requireGenerated<ThriftOrderTypes>("thrift", "order_types.js"),
  };
}

/** A decimal string as npm thrift's Int64 (node-int64: 8 bytes, two's complement). */
export function thriftI64(thrift: ThriftLibrary, decimal: string): unknown {
  const hex = BigInt.asUintN(64, BigInt(decimal)).toString(16).padStart(16, "0");
  return new thrift.Int64(hex);
}

/** The sample as npm thrift users build it: generated classes, Int64, plain-object maps. */
export function thriftSample(thrift: ThriftLibrary, types: ThriftOrderTypes): ThriftStruct {
  return buildOrder({
    i64: (d) => thriftI64(thrift, d),
    map: (record) => ({ ...record }),
    struct: (type, fields) => new types[type](fields),
  }) as ThriftStruct;
}

/** Wraps bytes as a Buffer without copying (npm thrift's transports need Buffer methods). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

function thriftCodec(system: CodecSystem, protocolName: "compact" | "binary"): CodecAdapter {
  const { thrift, types } = loadThrift();
  const Protocol = protocolName === "compact" ? thrift.TCompactProtocol : thrift.TBinaryProtocol;
  // One transport and protocol reused for every encode, as a connection would; flush hands
  // over the joined bytes.
  let output: Buffer = Buffer.alloc(0);
  const writeTransport = new thrift.TBufferedTransport(undefined, (bytes) => {
    output = bytes;
  });
  const writer = new Protocol(writeTransport);
  return {
    system,
    description: `npm thrift ${packageVersion("thrift")} T${protocolName === "compact" ? "Compact" : "Binary"}Protocol, code from thrift --gen js:node,es6`,
    sample: thriftSample(thrift, types),
    encode(order) {
      (order as ThriftStruct).write(writer);
      writer.flush();
      return output;
    },
    decode(bytes) {
      const reader = new Protocol(new thrift.TFramedTransport(asBuffer(bytes)));
      const order = new types.Order();
      order.read(reader);
      return order;
    },
  };
}

/** npm thrift, Compact protocol. */
export async function loadThriftCompact(): Promise<CodecAdapter> {
  return thriftCodec("thrift-compact", "compact");
}

/** npm thrift, Binary protocol. */
export async function loadThriftBinary(): Promise<CodecAdapter> {
  return thriftCodec("thrift-binary", "binary");
}
