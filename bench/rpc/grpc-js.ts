// grpc-js unary calls over HTTP/2 (insecure, loopback), messages encoded with the protobufjs
// static code, the fastest protobuf codec of the peers, so the comparison is about the RPC layer.
import {
  credentials,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
} from "@grpc/grpc-js";
import { ACCEPT_DELAY_MS, assertSampleReceipt } from "../sample.js";
import { loadPbjs, pbjsSample, type LongValue } from "../codecs/protobufjs.js";
import { asBuffer } from "../codecs/thrift.js";
import { packageVersion } from "../peers/load.js";
import { HOST, type RpcAdapter, type RpcConnection, type RpcServerHandle } from "./rpc.js";

interface PbOrder {
  id: LongValue;
  createdAtMs: LongValue;
  items: { quantity: number; unitPriceCents: LongValue }[];
}

type UnaryMethod = (
  order: unknown,
  callback: (error: Error | null, reply?: unknown) => void,
) => unknown;

/** grpc-js unary. */
export async function loadGrpcJs(): Promise<RpcAdapter> {
  const { pb, Long } = loadPbjs();
  const sample = pbjsSample(pb, Long);
  const definition: ServiceDefinition = {
    placeOrder: {
      path: "/bench.OrderService/PlaceOrder",
      requestStream: false,
      responseStream: false,
      requestSerialize: (order: unknown) => asBuffer(pb.Order.encode(order).finish()),
      requestDeserialize: (bytes: Buffer) => pb.Order.decode(bytes),
      responseSerialize: (receipt: unknown) => asBuffer(pb.Receipt.encode(receipt).finish()),
      responseDeserialize: (bytes: Buffer) => pb.Receipt.decode(bytes),
    },
  };
  const OrderServiceClient = makeGenericClientConstructor(definition, "OrderService");
  const placeOrder = (
    call: ServerUnaryCall<PbOrder, unknown>,
    callback: sendUnaryData<unknown>,
  ) => {
    const order = call.request;
    let total = 0;
    for (const item of order.items) total += item.quantity * item.unitPriceCents.toNumber();
    callback(
      null,
      pb.Receipt.create({
        orderId: order.id,
        totalCents: Long.fromNumber(total),
        acceptedAtMs: order.createdAtMs.add(ACCEPT_DELAY_MS),
        status: "accepted",
      }),
    );
  };
  return {
    system: "grpc-js",
    description: `@grpc/grpc-js ${packageVersion("@grpc/grpc-js")} unary, insecure HTTP/2, protobufjs static code`,
    async startServer(): Promise<RpcServerHandle> {
      const server = new Server();
      server.addService(definition, { placeOrder });
      const port = await new Promise<number>((resolve, reject) => {
        server.bindAsync(`${HOST}:0`, ServerCredentials.createInsecure(), (error, port) =>
          error ? reject(error) : resolve(port),
        );
      });
      return {
        port,
        close: () =>
          new Promise<void>((resolve) => {
            server.forceShutdown();
            resolve();
          }),
      };
    },
    async connect(port): Promise<RpcConnection> {
      // A local subchannel pool: each client gets its own HTTP/2 connection.
      const client = new OrderServiceClient(`${HOST}:${port}`, credentials.createInsecure(), {
        "grpc.use_local_subchannel_pool": 1,
      });
      await new Promise<void>((resolve, reject) =>
        client.waitForReady(Date.now() + 10_000, (error) => (error ? reject(error) : resolve())),
      );
      const method = (client as unknown as Record<string, UnaryMethod>).placeOrder!.bind(client);
      return {
        call: () =>
          new Promise((resolve, reject) =>
            method(sample, (error, reply) => (error ? reject(error) : resolve(reply))),
          ),
        close: async () => client.close(),
      };
    },
    checkReply: (reply) => assertSampleReceipt(reply, "grpc-js reply"),
  };
}
