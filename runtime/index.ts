// The public API of idlc's runtime: everything users, examples and generated code import.
// Named re-exports only, in two blocks. A test snapshots these names.

// ---- For users ----------------------------------------------------------------------------
export { ProtocolError, EncodeError } from "./protocol/errors.js";
export type { ProtocolErrorCode } from "./protocol/errors.js";
export { DEFAULT_DECODE_LIMITS } from "./protocol/limits.js";
export type { DecodeLimits } from "./protocol/limits.js";
export type { ProtocolName } from "./protocol/ttype.js";
export { RpcError, RpcErrorCode, ApplicationError, ApplicationErrorType } from "./errors.js";
export type { EncodeOptions, DecodeOptions, StructCodec, FieldAnnotations } from "./codec.js";
export type {
  CallOptions,
  CallContext,
  Channel,
  ServiceDescriptor,
  MethodDescriptor,
  Annotations,
} from "./service.js";
export { connect } from "./client/channel.js";
export type { ClientChannel } from "./client/channel.js";
export type {
  ConnectOptions,
  ChannelOptions,
  EndpointOptions,
  RetryOptions,
} from "./client/options.js";
export { createServer } from "./server/server.js";
export type { Server, ServerAddress, ListenOptions, CloseOptions } from "./server/server.js";
export { consoleLogger } from "./server/options.js";
export type { ServerOptions, Logger } from "./server/options.js";
export type {
  Interceptor,
  ClientInterceptor,
  ServerInterceptor,
  ClientCall,
  ServerCall,
  Next,
} from "./interceptor.js";
export { createStaticSource, parseEndpoint } from "./registry/static.js";
export type { Endpoint, EndpointSource, Balance } from "./registry/static.js";
export type { TransportName } from "./transport/detect.js";
export { THeaderKey } from "./transport/header.js";
export { registerEndpoint, ETCD_KEY_PREFIX } from "./registry/etcd.js";
export type { Registration, RegisterOptions, DiscoveredEndpoint } from "./registry/etcd.js";
export { createEtcdSource } from "./registry/etcd-source.js";
export type { EtcdSource, EtcdSourceOptions } from "./registry/etcd-source.js";
export { EtcdError } from "./registry/etcd-client.js";
export type { EtcdOptions } from "./registry/etcd-client.js";

// ---- Called by generated code ---------------------------------------------------------------
export { TType, MessageType } from "./protocol/ttype.js";
export type { ProtocolReader, ProtocolWriter } from "./protocol/protocol.js";
export { createReader, createWriter } from "./protocol/index.js";
export { ThriftException } from "./errors.js";
export type { OpenEnum, WithDefaults } from "./generated-support.js";
// The functions only generated code calls (defineStruct, defineService, the error helpers) are
// in runtime/codegen/index.ts, imported as `idlc/runtime/codegen`.
