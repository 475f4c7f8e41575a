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
   * new call inherits its deadline and is cancelled with it (for an idlc server's context
   * without making its AbortSignal; any other CallContext is followed through `signal`).
   */
  readonly parent?: CallContext;
  /**
   * Wait for a connection (through reconnects, within the deadline; without one, at most the
   * channel's `connectTimeoutMs`) instead of failing at once with "unavailable". Default false.
   */
  readonly waitForReady?: boolean;
  /**
   * Consistent-hashing key: calls with the same key go to the same endpoint while it is up (one
   * user's cart on one replica). Overrides the method's `(idlc.hash_key = "arg")` annotation.
   */
  readonly hashKey?: string | number | bigint;
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
  /**
   * Aborted when the deadline or the server's maxHandlerMs passes, the connection closes, or
   * the server shuts down hard. Made on first read (one AbortController per call that reads it).
   */
  readonly signal: AbortSignal;
  /** Headers the caller sent (THeader); empty otherwise. */
  readonly headers: ReadonlyMap<string, string>;
  /** The certificate the caller presented (mutual TLS: `tls.requestCert`); undefined otherwise. */
  readonly peerCertificate?: PeerCertificate | undefined;
}

/** A TLS client certificate, as `context.peerCertificate` reports it (node:tls's fields). */
export interface PeerCertificate {
  /** Subject fields, such as `{ CN: "orders", O: "Shop" }`. */
  readonly subject: Readonly<Record<string, string>>;
  /** Issuer fields, same shape. */
  readonly issuer: Readonly<Record<string, string>>;
  /** Subject alternative names (`DNS:orders.internal, IP Address:10.0.0.7`), if any. */
  readonly subjectAltName: string | undefined;
  /** SHA-256 fingerprint, `AB:CD:…`. */
  readonly fingerprint256: string;
  readonly serialNumber: string;
  /** Expiry, as OpenSSL prints it (`Dec  7 00:00:00 2027 GMT`). */
  readonly validTo: string;
  /** Whether it verified against the server's `ca` (always, with `rejectUnauthorized: true`). */
  readonly authorized: boolean;
}

/**
 * How a method's bytes are written and read, generated per method. `Args` are its positional
 * arguments and `Result` its success value (void for void and oneway methods), so a client
 * call and a handler call through a generated descriptor need no cast. The functions are
 * methods (bivariant parameters): a precise descriptor is still a `MethodDescriptor<Handler>`.
 */
export interface MethodDescriptor<
  Handler = unknown,
  Args extends readonly unknown[] = readonly unknown[],
  Result = unknown,
> {
  /** The IDL method name. */
  readonly name: string;
  readonly oneway: boolean;
  /** True when annotated `(idempotent)`: safe to retry. */
  readonly idempotent: boolean;
  readonly annotations: Annotations;
  /** Annotations of the annotated parameters, by IDL parameter name; absent when none has any. */
  readonly argAnnotations?: Readonly<Record<string, Annotations>>;
  /** Position of the argument named by `(idlc.hash_key = "arg")`: its value is the call's hash key. */
  readonly hashKeyArg?: number;
  /** Writes the `<method>_args` struct from positional arguments. */
  writeArgs(w: ProtocolWriter, args: Args): void;
  /**
   * Reads the `<method>_args` struct into positional arguments: an absent one gets its IDL
   * default, or is rejected (ProtocolError) unless the IDL marks it `optional`.
   */
  readArgs(r: ProtocolReader): Args;
  /** Calls the handler's method with the arguments and the context; returns its value or Promise. */
  invoke(handler: Handler, args: Args, context: CallContext): Result | Promise<Result>;
  /**
   * Writes a `<method>_result` struct carrying success. Absent for void and oneway methods: the
   * server writes an empty result struct (what Apache's void methods send).
   */
  writeSuccess?(w: ProtocolWriter, value: Result): void;
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
  readResult?(r: ProtocolReader): Result;
}

/** The arguments of handler method `M` of `Handler`: its parameters without the trailing context. */
type HandlerArgs<Handler, M extends keyof Handler> = Handler[M] extends (
  ...args: [...infer Args, CallContext]
) => unknown
  ? Args
  : never;

/** What handler method `M` of `Handler` resolves with. */
type HandlerResult<Handler, M extends keyof Handler> = Handler[M] extends (
  ...args: never[]
) => infer Result
  ? Awaited<Result>
  : never;

/**
 * The descriptor of handler method `M` of `Handler`, with the arguments and result that method
 * declares: how generated code types each method's descriptor (one source of truth, the
 * handler interface).
 */
export type MethodDescriptorOf<Handler, M extends keyof Handler> = MethodDescriptor<
  Handler,
  HandlerArgs<Handler, M>,
  HandlerResult<Handler, M>
>;

/** What a client sends calls through: a connection, a pool, or a load balancer. */
export interface Channel {
  /** Sends one call and resolves with its result (undefined for void and oneway). */
  call<Args extends readonly unknown[], Result>(
    service: string,
    method: MethodDescriptor<unknown, Args, Result>,
    args: NoInfer<Args>,
    options: CallOptions | undefined,
  ): Promise<Result>;
}

/**
 * A channel that sends every call under the name `service`: a derived service's client reuses
 * its base service's client through it, so inherited methods go out under the derived name.
 */
export function serviceChannel(channel: Channel, service: string): Channel {
  return {
    call: (_service, method, args, options) => channel.call(service, method, args, options),
  };
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
  /** The service this one extends: its methods (inherited ones included) come first. */
  readonly extends?: ServiceDescriptor<unknown, Handler>;
  /** The service's own methods. */
  readonly methods: readonly MethodDescriptor<Handler>[];
  readonly annotations: Annotations;
  client(channel: Channel): Client;
}

/** Builds a service descriptor from generated parts. */
export function defineService<Client, Handler>(
  spec: ServiceSpec<Client, Handler>,
): ServiceDescriptor<Client, Handler> {
  const methods = new Map<string, MethodDescriptor<Handler>>(spec.extends?.methods);
  for (const m of spec.methods) methods.set(m.name, m);
  return { name: spec.name, methods, annotations: spec.annotations, client: spec.client };
}
