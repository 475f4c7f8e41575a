// The public API of idlc's runtime: everything users, examples and generated code import.
// Named re-exports only, in two blocks. A test snapshots these names.

// ---- For users ----------------------------------------------------------------------------
export { ProtocolError, EncodeError } from "./protocol/errors.js";
export type { ProtocolErrorCode } from "./protocol/errors.js";
export { DEFAULT_DECODE_LIMITS } from "./protocol/limits.js";
export type { DecodeLimits } from "./protocol/limits.js";
export type { ProtocolName } from "./protocol/ttype.js";
export { RpcError, RpcErrorCode, ApplicationError, ApplicationErrorType } from "./errors.js";
export type { EncodeOptions, DecodeOptions, StructCodec } from "./codec.js";
export type {
  CallOptions,
  CallContext,
  Channel,
  ServiceDescriptor,
  MethodDescriptor,
} from "./service.js";

// ---- Called by generated code ---------------------------------------------------------------
export { TType, MessageType } from "./protocol/ttype.js";
export type { ProtocolReader, ProtocolWriter } from "./protocol/protocol.js";
export { createReader, createWriter } from "./protocol/index.js";
export { defineStruct } from "./codec.js";
export type { StructSpec } from "./codec.js";
export { defineService } from "./service.js";
export type { ServiceSpec, Annotations } from "./service.js";
export { ThriftException } from "./errors.js";
