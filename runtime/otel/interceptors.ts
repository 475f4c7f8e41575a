// OpenTelemetry tracing and metrics for idlc calls, as one client and one server interceptor.
// The client starts a CLIENT span (child of the handler's span when the call passes
// `parent: context`, else of the active context) and sends its W3C `traceparent` in the call's
// THeader headers; the server starts a SERVER span, child of the caller's span when a
// `traceparent` came, and runs the handler inside it. Both record calls, errors and latency.
import {
  context as otelContext,
  createTraceState,
  metrics,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type MeterProvider,
  type Span,
  type TracerProvider,
} from "@opentelemetry/api";
import type { ClientInterceptor, ServerInterceptor } from "../interceptor.js";
import type { CallContext } from "../service.js";
import { createCallInstruments } from "./metrics.js";
import { OK, outcomeOf } from "./outcome.js";
import { formatTraceparent, parseTraceparent, TraceHeader } from "./traceparent.js";

/** Where spans and metrics go; each defaults to the global provider registered with the OTel API. */
export interface TelemetryOptions {
  readonly tracerProvider?: TracerProvider;
  readonly meterProvider?: MeterProvider;
}

/** Options of the client interceptor. */
export interface ClientTelemetryOptions extends TelemetryOptions {
  /**
   * The server this channel calls, e.g. `orders:9090`, as the spans' `server.address` (the
   * interceptor runs before an endpoint is picked, so it cannot know the address itself).
   */
  readonly peer?: string;
}

/** Instrumentation scope name of idlc's tracer and meter. */
export const INSTRUMENTATION_NAME = "idlc";

/** Each handled call's span context, so a client call made with `parent: context` continues it. */
const handlerContexts = new WeakMap<CallContext, Context>();

function finish(span: Span, error: unknown): string {
  const outcome = error === undefined ? OK : outcomeOf(error);
  span.setAttribute("idlc.outcome", outcome);
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : String(error);
    if (outcome === "exception" && error instanceof Error)
      span.setAttribute("idlc.exception", error.name);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    if (outcome === "internal-error" && error instanceof Error) span.recordException(error);
  }
  span.end();
  return outcome;
}

/** A client interceptor that traces each call and records its metrics (list it first: outermost). */
export function createClientTelemetry(options: ClientTelemetryOptions = {}): ClientInterceptor {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    INSTRUMENTATION_NAME,
  );
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(
    INSTRUMENTATION_NAME,
  );
  const instruments = createCallInstruments(meter, "client");
  return (next) => (call) => {
    const method = call.method.name;
    const parent =
      (call.options.parent && handlerContexts.get(call.options.parent)) ?? otelContext.active();
    const span = tracer.startSpan(
      `${call.service}/${method}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "rpc.system": "apache_thrift",
          "rpc.service": call.service,
          "rpc.method": method,
          ...(options.peer === undefined ? {} : { "server.address": options.peer }),
        },
      },
      parent,
    );
    const sc = span.spanContext();
    const headers: Record<string, string> = { ...call.options.headers };
    if (trace.isSpanContextValid(sc)) {
      headers[TraceHeader.TRACEPARENT] = formatTraceparent(sc);
      const state = sc.traceState?.serialize();
      if (state) headers[TraceHeader.TRACESTATE] = state;
    }
    const started = performance.now();
    const done = (error: unknown) =>
      instruments.record(call.service, method, finish(span, error), performance.now() - started);
    return next({ ...call, options: { ...call.options, headers } }).then(
      (result) => {
        done(undefined);
        return result;
      },
      (error: unknown) => {
        done(error);
        throw error;
      },
    );
  };
}

/** A server interceptor that traces each handled call and records its metrics. */
export function createServerTelemetry(options: TelemetryOptions = {}): ServerInterceptor {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    INSTRUMENTATION_NAME,
  );
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(
    INSTRUMENTATION_NAME,
  );
  const instruments = createCallInstruments(meter, "server");
  return (next) => (call) => {
    const { context } = call;
    const remote = parseTraceparent(context.headers.get(TraceHeader.TRACEPARENT) ?? "");
    const state = context.headers.get(TraceHeader.TRACESTATE);
    const parent =
      remote === undefined
        ? otelContext.active()
        : trace.setSpanContext(ROOT_CONTEXT, {
            ...remote,
            isRemote: true,
            ...(state ? { traceState: createTraceState(state) } : {}),
          });
    const method = call.method.name;
    const [peerHost, peerPort] = splitPeer(context.peer);
    const span = tracer.startSpan(
      `${call.service}/${method}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "rpc.system": "apache_thrift",
          "rpc.service": call.service,
          "rpc.method": method,
          "network.peer.address": peerHost,
          ...(peerPort === undefined ? {} : { "network.peer.port": peerPort }),
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    handlerContexts.set(context, active);
    const started = performance.now();
    const done = (error: unknown) =>
      instruments.record(call.service, method, finish(span, error), performance.now() - started);
    return otelContext
      .with(active, () => next(call))
      .then(
        (result) => {
          done(undefined);
          return result;
        },
        (error: unknown) => {
          done(error);
          throw error;
        },
      );
  };
}

/** `host:port` (or `[v6]:port`) → host and port. */
function splitPeer(peer: string): [string, number | undefined] {
  const at = peer.lastIndexOf(":");
  const port = at < 0 ? NaN : Number(peer.slice(at + 1));
  if (!Number.isInteger(port)) return [peer, undefined];
  return [peer.slice(0, at).replace(/^\[(.*)\]$/, "$1"), port];
}
