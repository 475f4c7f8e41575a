// The workload's view of the platform: one typed client per service. Each service gets one
// channel, which all shoppers share: it keeps a connection to each replica the registry lists
// and pipelines the shoppers' calls on them.
import {
  connect,
  RpcError,
  type ClientChannel,
  type ClientInterceptor,
  type EndpointSource,
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
import type { ServiceName } from "./service-names.js";
import type { CallStats } from "./stats.js";

/** A client per service, and how to let go of them. */
export interface Platform {
  readonly users: UserServiceClient;
  readonly products: ProductServiceClient;
  readonly inventory: InventoryServiceClient;
  readonly payments: PaymentServiceClient;
  readonly orders: OrderServiceClient;
  /** Each service's channel, for the fleet numbers it may report. */
  readonly channels: ReadonlyMap<ServiceName, ClientChannel>;
  close(): Promise<void>;
}

/**
 * No call of the demo should take this long, even on a loaded machine while replicas die and
 * restart; one that does fails with "deadline-exceeded".
 */
const CALL_TIMEOUT_MS = 20_000;
/**
 * Attempts per call, the first included. The runtime retries a call that never reached a server
 * (any method) or whose connection broke (idempotent methods only), on the next replica.
 */
const RETRY = { attempts: 4, delayMs: 50 } as const;

/**
 * Connects to every service through its registry source (lazily: the first call opens the
 * connections); the channel spreads calls over the replicas the source lists.
 */
export function connectPlatform(
  sources: Readonly<Record<ServiceName, EndpointSource>>,
  protocol: ProtocolName,
  stats: CallStats,
): Platform {
  const channels = new Map<ServiceName, ClientChannel>();
  const channelTo = (service: ServiceName): ClientChannel => {
    const channel = connect({
      endpoints: sources[service],
      protocol,
      // THeader carries each call's deadline to the server, which passes the rest of it on.
      transport: "header",
      timeoutMs: CALL_TIMEOUT_MS,
      retry: RETRY,
      interceptors: [recordCalls(stats)],
    });
    channels.set(service, channel);
    return channel;
  };
  return {
    users: UserService.client(channelTo("users")),
    products: ProductService.client(channelTo("products")),
    inventory: InventoryService.client(channelTo("inventory")),
    payments: PaymentService.client(channelTo("payments")),
    orders: OrderService.client(channelTo("orders")),
    channels,
    async close() {
      await Promise.all([...channels.values()].map((channel) => channel.close()));
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
      // A runtime failure (not a declared exception) after the retries: who it hit, and how.
      if (error instanceof RpcError)
        stats.recordRpcFailure(method, call.method.idempotent, error.code);
      throw error;
    }
  };
}

/** `OutOfStock` for declared IDL exceptions, `RpcError(deadline-exceeded)` for runtime errors. */
function errorType(error: unknown): string {
  if (error instanceof RpcError) return `${error.name}(${error.code})`;
  return error instanceof Error ? error.name : typeof error;
}
