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
  MethodDescriptorOf,
  Annotations,
  PeerCertificate,
} from "./service.js";
export { connect } from "./client/channel.js";
export type { ClientChannel, ChannelStats } from "./client/channel.js";
export type { EndpointStats } from "./client/endpoint.js";
export type { Balance } from "./client/balancer.js";
export type { OutlierOptions } from "./client/outlier.js";
export type { RetryBudgetOptions } from "./client/retry-budget.js";
export type {
  ConnectOptions,
  ChannelOptions,
  EndpointOptions,
  RetryOptions,
} from "./client/options.js";
export { createServer } from "./server/server.js";
export type {
  Server,
  ServerAddress,
  ListenOptions,
  CloseOptions,
  BeforeCloseHook,
} from "./server/server.js";
export type { ServerStats, MethodStats, CallOutcomeName } from "./server/stats.js";
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
export { createTokenAuth, bearerToken } from "./auth.js";
export type { TokenAuthOptions } from "./auth.js";
export { createStaticSource, parseEndpoint } from "./registry/static.js";
export type { Endpoint, EndpointSource } from "./registry/static.js";
export type { TransportName } from "./transport/transports.js";
export { THeaderKey } from "./transport/header.js";
export { registerEndpoint, ETCD_KEY_PREFIX } from "./registry/etcd.js";
export type {
  Registration,
  RegisterOptions,
  DiscoveredEndpoint,
  ClosingServer,
} from "./registry/etcd.js";
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
