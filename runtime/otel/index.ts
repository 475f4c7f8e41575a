// `idlc/otel`: OpenTelemetry tracing and metrics for idlc clients and servers. A separate entry
// point, so `idlc/runtime` never loads @opentelemetry/api (an optional peer dependency): only a
// program that imports `idlc/otel` needs it installed.
export {
  createClientTelemetry,
  createServerTelemetry,
  INSTRUMENTATION_NAME,
} from "./interceptors.js";
export type { TelemetryOptions, ClientTelemetryOptions } from "./interceptors.js";
export { TraceHeader, formatTraceparent, parseTraceparent } from "./traceparent.js";
export type { TraceParent } from "./traceparent.js";
export { outcomeOf } from "./outcome.js";
