// Opt-in tracing for the demo's service processes: with `IDLC_OTEL=stdout`, each one traces its
// calls with idlc/otel and prints every finished span as one `otel-span {json}` line on stdout
// (what test/e2e/otel-trace.test.ts reads to rebuild a placeOrder trace across processes).
// Without it nothing is loaded: neither idlc/otel nor the OpenTelemetry SDK.
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { ClientInterceptor, ServerInterceptor } from "idlc/runtime";

/** The interceptors a service process installs: empty unless tracing is on. */
export interface Telemetry {
  readonly client: readonly ClientInterceptor[];
  readonly server: readonly ServerInterceptor[];
}

let telemetry: Promise<Telemetry> | undefined;

/** This process's telemetry, set up once (the server and its outgoing channels share it). */
export function serviceTelemetry(): Promise<Telemetry> {
  telemetry ??= setUp();
  return telemetry;
}

async function setUp(): Promise<Telemetry> {
  if (process.env.IDLC_OTEL !== "stdout") return { client: [], server: [] };
  const [{ createClientTelemetry, createServerTelemetry }, sdk] = await Promise.all([
    import("idlc/otel"),
    import("@opentelemetry/sdk-trace-base"),
  ]);
  const exporter: SpanExporter = {
    export(spans, done) {
      for (const s of spans) {
        const line = {
          name: s.name,
          kind: s.kind,
          traceId: s.spanContext().traceId,
          spanId: s.spanContext().spanId,
          parentSpanId: s.parentSpanContext?.spanId,
          attributes: s.attributes,
        };
        process.stdout.write(`otel-span ${JSON.stringify(line)}\n`);
      }
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  const tracerProvider = new sdk.BasicTracerProvider({
    spanProcessors: [new sdk.SimpleSpanProcessor(exporter)],
  });
  return {
    client: [createClientTelemetry({ tracerProvider })],
    server: [createServerTelemetry({ tracerProvider })],
  };
}
