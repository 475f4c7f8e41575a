// Every codec system's loader, by name. Loaders import their system lazily, so one missing
// system (tool absent, code not generated) leaves the others runnable.
import type { CodecLoader, CodecSystem } from "./codec.js";

/** How to load each codec system. */
export const CODEC_LOADERS: Record<CodecSystem, CodecLoader> = {
  "idlc-compact": async () => (await import("./idlc.js")).loadIdlcCompact(),
  "idlc-binary": async () => (await import("./idlc.js")).loadIdlcBinary(),
  "thrift-compact": async () => (await import("./thrift.js")).loadThriftCompact(),
  "thrift-binary": async () => (await import("./thrift.js")).loadThriftBinary(),
  protobufjs: async () => (await import("./protobufjs.js")).loadProtobufjs(),
  "protobuf-es": async () => (await import("./protobuf-es.js")).loadProtobufEs(),
  json: async () => (await import("./json.js")).loadJson(),
};
