// npm thrift: its own server and client, Framed transport and Compact protocol, code from
// `thrift --gen js:node,es6` (whose client methods return Promises).
import { ACCEPT_DELAY_MS, assertSampleReceipt } from "../sample.js";
import { loadThrift, thriftSample, type ThriftInt64, type ThriftStruct } from "../codecs/thrift.js";
import { packageVersion, requireGenerated } from "../peers/load.js";
import { HOST, type RpcAdapter, type RpcConnection, type RpcServerHandle } from "./rpc.js";

/** The generated OrderService.js. */
interface ThriftOrderService {
  Client: new (...args: unknown[]) => unknown;
  Processor: new (handler: unknown) => unknown;
}

interface ThriftOrderClient {
  placeOrder(order: ThriftStruct): Promise<unknown>;
}

/** The order's fields the handler reads. */
interface ThriftOrder {
  id: ThriftInt64;
  createdAtMs: ThriftInt64;
  items: { quantity: number; unitPriceCents: ThriftInt64 }[];
}

/** npm thrift, framed Compact. */
export async function loadThriftRpc(): Promise<RpcAdapter> {
  const { thrift, types } = loadThrift();
  const service = requireGenerated<ThriftOrderService>("thrift", "OrderService.js");
  const sample = thriftSample(thrift, types);
  const options = { transport: thrift.TFramedTransport, protocol: thrift.TCompactProtocol };
  const handler = {
    // One parameter: the generated processor then treats the handler as Promise-returning.
    placeOrder(order: ThriftOrder) {
      let total = 0;
      for (const item of order.items) total += item.quantity * item.unitPriceCents.toNumber();
      return new types.Receipt({
        orderId: order.id,
        totalCents: new thrift.Int64(total),
        acceptedAtMs: new thrift.Int64(order.createdAtMs.toNumber() + ACCEPT_DELAY_MS),
        status: "accepted",
      });
    },
  };
  return {
    system: "thrift",
    description: `npm thrift ${packageVersion("thrift")} server + client, TFramedTransport + TCompactProtocol`,
    async startServer(): Promise<RpcServerHandle> {
      const server = thrift.createServer(service, handler, options);
      await new Promise<void>((resolve, reject) => {
        server.once("listening", () => resolve());
        server.once("error", (error) => reject(error));
        server.listen(0, HOST);
      });
      const sockets = trackSockets(server);
      return {
        port: server.address().port,
        close: () =>
          new Promise<void>((resolve) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => resolve());
          }),
      };
    },
    async connect(port): Promise<RpcConnection> {
      const connection = thrift.createConnection(HOST, port, options);
      await new Promise<void>((resolve, reject) => {
        connection.once("connect", () => resolve());
        connection.once("error", (error) => reject(error));
      });
      connection.on("error", () => {}); // failures surface as rejected calls
      const client = thrift.createClient(service, connection) as ThriftOrderClient;
      return {
        call: () => client.placeOrder(sample),
        close: () =>
          new Promise<void>((resolve) => {
            connection.connection.once("close", () => resolve());
            connection.end();
          }),
      };
    },
    checkReply: (reply) => assertSampleReceipt(reply, "thrift reply"),
  };
}

interface ClosableSocket {
  destroy(): void;
  once(event: "close", listener: () => void): void;
}

/** The server's open sockets, so close() does not wait for clients that never hang up. */
function trackSockets(server: unknown): Set<ClosableSocket> {
  const sockets = new Set<ClosableSocket>();
  const emitter = server as {
    on(event: "connection", listener: (s: ClosableSocket) => void): void;
  };
  emitter.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return sockets;
}
