// Service descriptors: what generated code tells the runtime about a service, and the shapes a
// client call and a handler call see. Generated code supplies specialized per-method functions
// (no reflection); the client and server (client/, server/) drive them.
import type { ProtocolReader, ProtocolWriter } from "./protocol/protocol.js";

/** `(key = "value")` annotations of an IDL definition, field, method or service, in source order. */
export type Annotations = readonly { readonly key: string; readonly value: string }[];

/** Per-call options, always the last argument of a generated client method. */
export interface CallOptions {
  /** Time allowed for this call, from now, in milliseconds. */
  readonly timeoutMs?: number;
  /** Absolute deadline (epoch milliseconds); the earlier of this and `timeoutMs` wins. */
  readonly deadline?: number;
  /** Aborting it cancels the call: it rejects with code "cancelled", a late reply is dropped. */
  readonly signal?: AbortSignal;
  /** String headers sent with the call where the transport carries them (THeader). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The context of the call being handled, when this call is made from inside a handler: the
   * new call inherits what is left of its deadline and its abort signal.
   */
  readonly parent?: CallContext;
}

/** What a handler sees about the call it is handling. */
export interface CallContext {
  /** The service name as registered on the server. */
  readonly service: string;
  /** The IDL method name. */
  readonly method: string;
  /** The caller's address, `host:port`. */
  readonly peer: string;
  /** Absolute deadline (epoch milliseconds), if the caller sent one (THeader) or the server set one. */
  readonly deadline: number | undefined;
  /** Aborted when the deadline passes, the connection closes, or the server shuts down hard. */
  readonly signal: AbortSignal;
  /** Headers the caller sent (THeader); empty otherwise. */
  readonly headers: ReadonlyMap<string, string>;
}

/** How a method's bytes are written and read, generated per method. */
export interface MethodDescriptor<Handler = unknown> {
  /** The IDL method name. */
  readonly name: string;
  readonly oneway: boolean;
  /** True when annotated `(idempotent)`: safe to retry. */
  readonly idempotent: boolean;
  readonly annotations: Annotations;
  /** Annotations of the annotated parameters, by IDL parameter name; absent when none has any. */
  readonly argAnnotations?: Readonly<Record<string, Annotations>>;
  /** Writes the `<method>_args` struct from positional arguments. */
  writeArgs(w: ProtocolWriter, args: readonly unknown[]): void;
  /** Reads the `<method>_args` struct into positional arguments. */
  readArgs(r: ProtocolReader): unknown[];
  /** Calls the handler's method with the arguments and the context; returns its value or Promise. */
  invoke(handler: Handler, args: readonly unknown[], context: CallContext): unknown;
  /**
   * Writes a `<method>_result` struct carrying success. Absent for void and oneway methods: the
   * server writes an empty result struct (what Apache's void methods send).
   */
  writeSuccess?(w: ProtocolWriter, value: unknown): void;
  /**
   * Writes a `<method>_result` carrying `error` if it is a declared exception; returns whether it
   * was. Absent when the method declares none: no error is declared.
   */
  writeException?(w: ProtocolWriter, error: unknown): boolean;
  /**
   * Reads a `<method>_result`: returns the success value (undefined for void), throws the
   * declared exception it carries, or throws ApplicationError(MISSING_RESULT) when empty. Absent
   * for oneway methods, which get no reply.
   */
  readResult?(r: ProtocolReader): unknown;
}

/** What a client sends calls through: a connection, a pool, or a load balancer. */
export interface Channel {
  /** Sends one call and resolves with its result (undefined for void and oneway). */
  call(
    service: string,
    method: MethodDescriptor,
    args: readonly unknown[],
    options: CallOptions | undefined,
  ): Promise<unknown>;
}

/** The value exported for every IDL service. */
export interface ServiceDescriptor<Client = unknown, Handler = unknown> {
  /** The IDL service name, used for multiplexing (`Service:method`). */
  readonly name: string;
  /** Every method, inherited ones included, by IDL name. */
  readonly methods: ReadonlyMap<string, MethodDescriptor<Handler>>;
  readonly annotations: Annotations;
  /** A typed client that sends its calls through `channel`. */
  client(channel: Channel): Client;
}

/** What generated code supplies for a service. */
export interface ServiceSpec<Client, Handler> {
  readonly name: string;
  readonly methods: readonly MethodDescriptor<Handler>[];
  readonly annotations: Annotations;
  client(channel: Channel): Client;
}

/** Builds a service descriptor from generated parts. */
export function defineService<Client, Handler>(
  spec: ServiceSpec<Client, Handler>,
): ServiceDescriptor<Client, Handler> {
  const methods = new Map<string, MethodDescriptor<Handler>>();
  for (const m of spec.methods) methods.set(m.name, m);
  return { name: spec.name, methods, annotations: spec.annotations, client: spec.client };
}
