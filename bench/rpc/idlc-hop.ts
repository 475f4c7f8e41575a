// idlc with one hop: the server process runs a front server whose handler calls a back server
// (same process, its own port) for every call, either plainly or with `{ parent: context }`, so
// the call inherits the caller's deadline and cancellation. The two systems differ only in that
// option: their ratio is what passing `parent` costs (issue 18: at least 0.9×).
import {
  connect,
  createServer,
  type CallContext,
  type CallOptions,
  type ServiceDescriptor,
} from "idlc/runtime";
import { assertSampleReceipt } from "../sample.js";
import { idlcSample, loadIdlcModule } from "../codecs/idlc.js";
import { receiptHandler } from "./idlc.js";
import { HOST, type RpcAdapter, type RpcConnection, type RpcServerHandle } from "./rpc.js";

interface IdlcOrder {
  id: bigint;
  createdAtMs: bigint;
  items: readonly { quantity: number; unitPriceCents: bigint }[];
}

interface OrderServiceHandler {
  placeOrder(order: IdlcOrder, context: CallContext): unknown;
}

interface OrderServiceClient {
  placeOrder(order: unknown, options?: CallOptions): Promise<unknown>;
}

/** idlc's runtime with a downstream call per call; `withParent` passes `{ parent: context }`. */
export async function loadIdlcHop(withParent: boolean): Promise<RpcAdapter> {
  const module = await loadIdlcModule();
  const service = module.OrderService as unknown as ServiceDescriptor<
    OrderServiceClient,
    OrderServiceHandler
  >;
  const sample = idlcSample(module);
  const back = receiptHandler(module);
  const system = withParent ? "idlc-hop-parent" : "idlc-hop";
  return {
    system,
    description: `idlc front server calling a back server per call${withParent ? " with { parent: context }" : ""}`,
    async startServer(): Promise<RpcServerHandle> {
      const backServer = createServer({ protocol: "compact" });
      backServer.add(service, back);
      const { port: backPort } = await backServer.listen({ host: HOST, port: 0 });
      const channel = connect({ host: HOST, port: backPort, protocol: "compact" });
      const downstream = service.client(channel);
      const front: OrderServiceHandler = withParent
        ? { placeOrder: (order, context) => downstream.placeOrder(order, { parent: context }) }
        : { placeOrder: (order) => downstream.placeOrder(order) };
      const frontServer = createServer({ protocol: "compact" });
      frontServer.add(service, front);
      const { port } = await frontServer.listen({ host: HOST, port: 0 });
      return {
        port,
        async close() {
          await frontServer.close({ graceMs: 100 });
          await channel.close();
          await backServer.close({ graceMs: 100 });
        },
      };
    },
    async connect(port): Promise<RpcConnection> {
      const channel = connect({ host: HOST, port, protocol: "compact" });
      const client = service.client(channel);
      return {
        call: () => client.placeOrder(sample),
        close: () => channel.close(),
      };
    },
    checkReply: (reply) => assertSampleReceipt(reply, `${system} reply`),
  };
}
