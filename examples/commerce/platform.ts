// The workload's view of the platform: one typed client per service. Each service gets one
// channel, which all shoppers share: idlc pipelines their calls on one connection.
import {
  connect,
  RpcError,
  type ClientChannel,
  type ClientInterceptor,
  type ProtocolName,
} from "idlc/runtime";
import {
  InventoryService,
  OrderService,
  PaymentService,
  ProductService,
  UserService,
  type InventoryServiceClient,
  type OrderServiceClient,
  type PaymentServiceClient,
  type ProductServiceClient,
  type UserServiceClient,
} from "../../generated/commerce.js";
import type { CallStats } from "./stats.js";

/** The services of the demo, by the name of their process. */
export const SERVICE_NAMES = ["users", "products", "inventory", "payments", "orders"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** A client per service, and how to let go of them. */
export interface Platform {
  readonly users: UserServiceClient;
  readonly products: ProductServiceClient;
  readonly inventory: InventoryServiceClient;
  readonly payments: PaymentServiceClient;
  readonly orders: OrderServiceClient;
  close(): Promise<void>;
}

/** No call of the demo should take this long; one that does fails with "deadline-exceeded". */
const CALL_TIMEOUT_MS = 5_000;

/** Connects to every service (lazily: the first call opens the connection). */
export function connectPlatform(
  addresses: Readonly<Record<ServiceName, string>>,
  protocol: ProtocolName,
  stats: CallStats,
): Platform {
  const channels: ClientChannel[] = [];
  const channelTo = (service: ServiceName): ClientChannel => {
    const channel = connect({
      addresses: [addresses[service]],
      protocol,
      // THeader carries each call's deadline to the server, which passes the rest of it on.
      transport: "header",
      timeoutMs: CALL_TIMEOUT_MS,
      interceptors: [recordCalls(stats)],
    });
    channels.push(channel);
    return channel;
  };
  return {
    users: UserService.client(channelTo("users")),
    products: ProductService.client(channelTo("products")),
    inventory: InventoryService.client(channelTo("inventory")),
    payments: PaymentService.client(channelTo("payments")),
    orders: OrderService.client(channelTo("orders")),
    async close() {
      await Promise.all(channels.map((channel) => channel.close()));
    },
  };
}

/** A client interceptor that times every call and notes how it failed, if it did. */
function recordCalls(stats: CallStats): ClientInterceptor {
  return (next) => async (call) => {
    const method = `${call.service}.${call.method.name}`;
    const started = performance.now();
    try {
      const result = await next(call);
      stats.record(method, performance.now() - started, undefined);
      return result;
    } catch (error) {
      stats.record(method, performance.now() - started, errorType(error));
      throw error;
    }
  };
}

/** `OutOfStock` for declared IDL exceptions, `RpcError(deadline-exceeded)` for runtime errors. */
function errorType(error: unknown): string {
  if (error instanceof RpcError) return `${error.name}(${error.code})`;
  return error instanceof Error ? error.name : typeof error;
}
