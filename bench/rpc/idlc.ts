// idlc: its runtime's server and client (framed Compact over node:net), with the service code
// idlc generates for bench/schema/order.thrift.
import { connect, createServer, type ServiceDescriptor } from "idlc/runtime";
import { ACCEPT_DELAY_MS, assertSampleReceipt } from "../sample.js";
import { idlcSample, loadIdlcModule } from "../codecs/idlc.js";
import { HOST, type RpcAdapter, type RpcConnection, type RpcServerHandle } from "./rpc.js";

/** The order's fields the handler reads, in idlc's types. */
interface IdlcOrder {
  id: bigint;
  createdAtMs: bigint;
  items: readonly { quantity: number; unitPriceCents: bigint }[];
}

interface OrderServiceHandler {
  placeOrder(order: IdlcOrder): unknown;
}

interface OrderServiceClient {
  placeOrder(order: unknown): Promise<unknown>;
}

/** The benchmark's handler: totals the order and answers its receipt (the idlc-hop back end too). */
export function receiptHandler(
  module: Awaited<ReturnType<typeof loadIdlcModule>>,
): OrderServiceHandler {
  return {
    placeOrder(order) {
      let total = 0n;
      for (const item of order.items) total += BigInt(item.quantity) * item.unitPriceCents;
      return module.Receipt.create({
        orderId: order.id,
        totalCents: total,
        acceptedAtMs: order.createdAtMs + BigInt(ACCEPT_DELAY_MS),
        status: "accepted",
      });
    },
  };
}

/** idlc's runtime, framed Compact. */
export async function loadIdlcRpc(): Promise<RpcAdapter> {
  const module = await loadIdlcModule();
  const service = module.OrderService as unknown as ServiceDescriptor<
    OrderServiceClient,
    OrderServiceHandler
  >;
  const sample = idlcSample(module);
  const handler = receiptHandler(module);
  return {
    system: "idlc",
    description: "idlc runtime server + client, framed Compact, generated service code",
    async startServer(): Promise<RpcServerHandle> {
      const server = createServer({ protocol: "compact" });
      server.add(service, handler);
      const { port } = await server.listen({ host: HOST, port: 0 });
      return { port, close: () => server.close({ graceMs: 100 }) };
    },
    async connect(port): Promise<RpcConnection> {
      const channel = connect({ host: HOST, port, protocol: "compact" });
      const client = service.client(channel);
      return {
        call: () => client.placeOrder(sample),
        close: () => channel.close(),
      };
    },
    checkReply: (reply) => assertSampleReceipt(reply, "idlc reply"),
  };
}
