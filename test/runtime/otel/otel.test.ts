// idlc/otel in one process: spans per call with W3C traceparent in THeader headers, a handler's
// outgoing call a child of its server span, outcome codes, and the call metrics. The same across
// real processes: test/e2e/otel-trace.test.ts.
import { SpanKind } from "@opentelemetry/api";
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace-base";
import {
  connect,
  createServer,
  type ClientChannel,
  type Server,
  type TransportName,
} from "idlc/runtime";
import {
  createClientTelemetry,
  createServerTelemetry,
  formatTraceparent,
  parseTraceparent,
} from "idlc/otel";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { Calc, DivideByZero, type CalcHandler } from "../../support/calc-service.js";

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const reader = new TestReader();
const meterProvider = new MeterProvider({ readers: [reader] });
const telemetry = { tracerProvider, meterProvider };

const servers: Server[] = [];
/** Handler errors are expected here (the `fail` method): not worth a line of test output. */
const quiet = { warn: () => {}, error: () => {} };
const channels: ClientChannel[] = [];
afterEach(() => exporter.reset());
afterAll(async () => {
  await Promise.all(channels.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.close({ graceMs: 0 })));
});

async function serveCalc(handler: Partial<CalcHandler>): Promise<number> {
  const server = createServer({ interceptors: [createServerTelemetry(telemetry)], logger: quiet });
  server.add(Calc, handler as CalcHandler);
  servers.push(server);
  return (await server.listen({ host: "127.0.0.1", port: 0 })).port;
}

function calcAt(port: number, transport: TransportName = "header") {
  const channel = connect({
    host: "127.0.0.1",
    port,
    transport,
    interceptors: [createClientTelemetry({ ...telemetry, peer: `calc:${port}` })],
  });
  channels.push(channel);
  return Calc.client(channel);
}

const describeSpan = (s: ReadableSpan) =>
  `${SpanKind[s.kind]} ${s.name} ${String(s.attributes["idlc.outcome"])}`;

describe("idlc/otel", () => {
  test("a call through a second server: one trace, each span the child of the one before", async () => {
    const back = calcAt(
      await serveCalc({
        add: (a, b) => a + b,
        context: (c) => JSON.stringify(Object.fromEntries(c.headers)),
      }),
    );
    const front = calcAt(
      await serveCalc({
        add: (a, b, context) => back.add(a, b, { parent: context }),
        context: (context) => back.context({ parent: context }),
      }),
    );
    expect(await front.add(2, 3)).toBe(5);
    const spans = exporter.getFinishedSpans();
    // Finished innermost first: back server, front's client call, front server, the test's call.
    expect(spans.map(describeSpan)).toEqual([
      "SERVER Calc/add ok",
      "CLIENT Calc/add ok",
      "SERVER Calc/add ok",
      "CLIENT Calc/add ok",
    ]);
    const [backServer, frontClient, frontServer, testClient] = spans as [
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
    ];
    const traceId = testClient.spanContext().traceId;
    expect(spans.every((s) => s.spanContext().traceId === traceId)).toBe(true);
    expect(testClient.parentSpanContext).toBeUndefined();
    expect(frontServer.parentSpanContext?.spanId).toBe(testClient.spanContext().spanId);
    expect(frontClient.parentSpanContext?.spanId).toBe(frontServer.spanContext().spanId);
    expect(backServer.parentSpanContext?.spanId).toBe(frontClient.spanContext().spanId);
    expect(frontServer.attributes).toMatchObject({
      "rpc.system": "apache_thrift",
      "rpc.service": "Calc",
      "rpc.method": "add",
      "network.peer.address": "127.0.0.1",
    });
    expect(testClient.attributes["server.address"]).toMatch(/^calc:\d+$/);

    // What the last server saw: the W3C traceparent of the client span that called it.
    exporter.reset();
    const headers = JSON.parse(await front.context()) as Record<string, string>;
    const caller = exporter
      .getFinishedSpans()
      .find((s) => s.kind === SpanKind.CLIENT && s.parentSpanContext !== undefined)!;
    expect(headers.traceparent).toBe(formatTraceparent(caller.spanContext()));
  });

  test("outcome codes: a declared exception, an undeclared error, a framed call with no headers", async () => {
    const port = await serveCalc({
      divide: (a) => {
        throw new DivideByZero(`cannot divide ${a} by zero`);
      },
      fail: () => {
        throw new Error("boom");
      },
      add: (a, b) => a + b,
    });
    const calc = calcAt(port);
    await expect(calc.divide(1, 0)).rejects.toBeInstanceOf(DivideByZero);
    await expect(calc.fail()).rejects.toMatchObject({ code: "application-error" });
    const spans = exporter.getFinishedSpans();
    expect(spans.map(describeSpan)).toEqual([
      "SERVER Calc/divide exception",
      "CLIENT Calc/divide exception",
      "SERVER Calc/fail internal-error",
      "CLIENT Calc/fail application-error",
    ]);
    expect(spans[0]!.attributes["idlc.exception"]).toBe("DivideByZero");
    expect(spans[0]!.status.code).toBe(2); // ERROR
    // Framed: no headers on the wire, so the server's span starts a trace of its own.
    exporter.reset();
    expect(await calcAt(port, "framed").add(1, 1)).toBe(2);
    const [server, client] = exporter.getFinishedSpans();
    expect(server!.parentSpanContext).toBeUndefined();
    expect(server!.spanContext().traceId).not.toBe(client!.spanContext().traceId);
  });

  test("metrics: calls by outcome, errors by code, latency per method", async () => {
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const points = (name: string) => all.find((m) => m.descriptor.name === name)?.dataPoints ?? [];
    const sum = (name: string, attrs: Record<string, string>) =>
      (points(name) as DataPoint<number>[])
        .filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
        .reduce((n, p) => n + p.value, 0);
    expect(sum("rpc.server.calls", { "rpc.method": "add", "idlc.outcome": "ok" })).toBe(3);
    expect(sum("rpc.client.errors", { "rpc.method": "divide", "error.type": "exception" })).toBe(1);
    expect(sum("rpc.server.errors", { "rpc.method": "fail", "error.type": "internal-error" })).toBe(
      1,
    );
    expect(
      sum("rpc.client.errors", { "rpc.method": "fail", "error.type": "application-error" }),
    ).toBe(1);
    const latency = (points("rpc.client.duration") as DataPoint<Histogram>[]).find(
      (p) => p.attributes["rpc.method"] === "add",
    );
    expect(latency?.value.count).toBe(3);
    expect(all.find((m) => m.descriptor.name === "rpc.client.duration")?.descriptor.unit).toBe(
      "ms",
    );
  });

  test("traceparent: the W3C format, bad values ignored", () => {
    const p = {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: 1,
    };
    expect(formatTraceparent(p)).toBe("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    expect(parseTraceparent(formatTraceparent(p))).toEqual(p);
    expect(
      parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future"),
    ).toEqual(p);
    for (const bad of [
      "",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
    ])
      expect(parseTraceparent(bad), bad).toBeUndefined();
  });
});
