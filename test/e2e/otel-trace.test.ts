// A placeOrder trace across real processes: this test process (the OTel SDK with an in-memory
// exporter) calls the commerce demo's orders process, which calls users, products, inventory and
// payments, each its own process with IDLC_OTEL=stdout (examples/commerce/telemetry.ts) printing
// its finished spans. The spans of all six processes must form one trace with the right parents.
import { SpanKind } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { connect, type ClientChannel } from "idlc/runtime";
import { createClientTelemetry } from "idlc/otel";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import {
  InventoryService,
  OrderService,
  PaymentStatus,
  ProductService,
  UserService,
} from "../../generated/commerce.js";
import { startEtcd, type TestEtcd } from "../support/etcd.js";
import { spawnChild, type Child } from "../support/loopback.js";
import { testWithTool } from "../support/tools.js";

const ROOT = join(import.meta.dirname, "..", "..");
/** tsx compiles each service on its first start; a loaded machine needs a while. */
const START_TIMEOUT_MS = 90_000;

interface ChildSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

const channels: ClientChannel[] = [];
let etcd: TestEtcd | undefined;
const stateDir = mkdtempSync(join(tmpdir(), "idlc-otel-"));
afterAll(async () => {
  await Promise.all(channels.map((c) => c.close()));
  await etcd?.dispose();
  rmSync(stateDir, { recursive: true, force: true });
});

/** A commerce service that finds its dependencies in etcd, as the demo's `--registry etcd` does. */
function startService(name: string, etcdUrl: string): Child {
  return spawnChild(
    process.execPath,
    ["--conditions=idlc-source", "--import", "tsx", `examples/commerce/services/${name}.ts`],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: "0",
        IDLC_OTEL: "stdout",
        REGISTRY: "etcd",
        ETCD_URL: etcdUrl,
        STATE_DIR: stateDir,
      },
    },
  );
}

async function addressOf(child: Child): Promise<string> {
  const [, address] = await child.waitForLine(/listening on (\S+:\d+)/, START_TIMEOUT_MS);
  return address!;
}

function spansOf(child: Child): ChildSpan[] {
  return [...child.stdout().matchAll(/^otel-span (.*)$/gm)].map(
    (m) => JSON.parse(m[1]!) as ChildSpan,
  );
}

testWithTool(
  "etcd",
  "placeOrder: orders → users, products, inventory, payments, one trace across six processes",
  async () => {
    etcd = await startEtcd();
    const url = etcd.url;
    const deps = {
      users: startService("users", url),
      products: startService("products", url),
      inventory: startService("inventory", url),
      payments: startService("payments", url),
    };
    const [users, products, inventory] = await Promise.all(Object.values(deps).map(addressOf));
    const orders = startService("orders", url);
    const ordersAddress = await addressOf(orders);

    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const open = (address: string, traced: boolean) => {
      const channel = connect({
        addresses: [address],
        transport: "header",
        timeoutMs: 10_000,
        interceptors: traced ? [createClientTelemetry({ tracerProvider, peer: address })] : [],
      });
      channels.push(channel);
      return channel;
    };
    // Seed a shopper, a product and its stock (untraced), then place one traced order.
    const user = await UserService.client(open(users!, false)).createUser({
      email: "t@example.com",
      name: "T",
    });
    const product = await ProductService.client(open(products!, false)).createProduct({
      sku: "TEE-1",
      title: "Tee",
      price: { currency: "EUR", units: 1500n },
      categories: new Set(),
      attributes: new Map(),
    });
    await InventoryService.client(open(inventory!, false)).setStock(product.id, 5);
    const order = await OrderService.client(open(ordersAddress, true)).placeOrder({
      requestId: "otel-trace-1",
      userId: user.id,
      lines: [{ productId: product.id, quantity: 1, attributes: new Map() }],
      shippingAddress: {
        recipient: "T",
        line1: "1 Main St",
        city: "Town",
        postalCode: "1000",
        country: "BE",
      },
      payment: {
        kind: "card",
        value: { token: "tok_visa", last4: "4242", expiryMonth: 12, expiryYear: 2030 },
      },
      tags: new Set(),
    });
    expect(order.paymentStatus).toBe(PaymentStatus.AUTHORIZED);

    const [root] = exporter.getFinishedSpans();
    expect(root).toMatchObject({ name: "OrderService/placeOrder", kind: SpanKind.CLIENT });
    const traceId = root!.spanContext().traceId;
    // A server ends its span as it answers: wait (bounded) until every process has printed its part.
    const inTrace = (): ChildSpan[] =>
      [orders, ...Object.values(deps)].flatMap(spansOf).filter((s) => s.traceId === traceId);
    for (let waited = 0; inTrace().length < 11 && waited < 10_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));

    const spans = inTrace();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const rendered = (s: ChildSpan): string =>
      `${s.kind === SpanKind.SERVER ? "server" : "client"} ${s.name}`;
    const ordersServer = spans.find(
      (s) => s.kind === SpanKind.SERVER && s.name === "OrderService/placeOrder",
    )!;
    expect(ordersServer.parentSpanId).toBe(root!.spanContext().spanId);
    // Every outgoing call of the orders handler is its child; every dependency's server span the
    // child of that call.
    const calls = spans.filter((s) => s.parentSpanId === ordersServer.spanId);
    expect(calls.map(rendered).sort()).toEqual([
      "client InventoryService/commit",
      "client InventoryService/reserve",
      "client PaymentService/authorize",
      "client ProductService/getProduct",
      "client UserService/getUser",
    ]);
    for (const call of calls) {
      const served = spans.filter((s) => s.parentSpanId === call.spanId);
      expect(served.map(rendered), call.name).toEqual([`server ${call.name}`]);
      expect(served[0]!.attributes["idlc.outcome"]).toBe("ok");
    }
    expect(spans).toHaveLength(11); // orders' server span, five calls, five served
    expect(
      spans.every(
        (s) => s.parentSpanId === undefined || byId.has(s.parentSpanId) || s === ordersServer,
      ),
    ).toBe(true);
  },
  180_000,
);
