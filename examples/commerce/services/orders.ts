// The order service: the one that calls the others. Placing an order looks the user up, prices
// the lines from the catalog, reserves stock, authorizes the payment and commits the stock, each
// step a call to another service over idlc. Every outgoing call passes `{ parent: context }`, so
// it gets what is left of the shopper's deadline and is cancelled if the shopper gives up.
import { connect, type CallContext, type ClientChannel, type EndpointSource } from "idlc/runtime";
import {
  InventoryService,
  InvalidRequest,
  MAX_LINE_ITEMS,
  MAX_QUANTITY_PER_LINE,
  NotFound,
  OrderService,
  OrderStatus,
  PaymentService,
  PaymentStatus,
  ProductService,
  UserService,
  type InventoryServiceClient,
  type LineItem,
  type ListOrdersRequest,
  type Order,
  type OrderId,
  type OrderPage,
  type OrderServiceHandler,
  type PaymentServiceClient,
  type PlaceOrderRequest,
  type Money,
  type Product,
  type ProductId,
  type ProductServiceClient,
  type RequestId,
  type UserId,
  type UserServiceClient,
} from "../../../generated/commerce.js";
import { createBaseHandler } from "./base.js";
import { discover } from "./discovery.js";
import { openJournal } from "./journal.js";
import { paginate } from "./paging.js";
import { serve, serviceSettings } from "./serve.js";
import { serviceTelemetry } from "../telemetry.js";

/** The services orders depends on, as typed clients. */
interface Dependencies {
  readonly users: UserServiceClient;
  readonly products: ProductServiceClient;
  readonly inventory: InventoryServiceClient;
  readonly payments: PaymentServiceClient;
}

/** An order, and what it takes to undo it: its reservation's key and its payment. */
interface OrderRecord {
  readonly order: Order;
  readonly requestId: RequestId;
  readonly authorizationId: string;
}

/** Attempts per call to a dependency (idempotent ones, or ones that never reached a server). */
const RETRY = { attempts: 4, delayMs: 50 } as const;

/** Clean-up calls run without the shopper's deadline, which may be what failed; they get this. */
const CLEANUP_TIMEOUT_MS = 5_000;

/** The writes of the order service, as the journal records them. */
type OrderCommand =
  /** The id of the order for a request: the same for every attempt with that request id. */
  | { readonly op: "allocate"; readonly requestId: RequestId }
  | { readonly op: "place"; readonly record: OrderRecord }
  | { readonly op: "cancel"; readonly id: OrderId; readonly order: Order };

/** An OrderService handler over an in-memory store, calling `deps` for everything else. */
export function createOrderHandler(deps: Dependencies): OrderServiceHandler {
  const records = new Map<OrderId, OrderRecord>();
  const orderIdsByUser = new Map<UserId, OrderId[]>();
  const idByRequest = new Map<RequestId, OrderId>();
  const placedRequests = new Set<RequestId>();
  // Placements still running here, so a retry that arrives meanwhile waits for the same result
  // instead of reserving stock a second time. (A retry that reaches another replica redoes the
  // steps, each keyed by the request id, so it finds the same reservation and payment.)
  const placing = new Map<RequestId, Promise<Order>>();
  let lastId = 90_000n;

  const find = (id: OrderId): OrderRecord => {
    const record = records.get(id);
    if (!record) {
      throw new NotFound({ message: `no order ${id}`, entity: "order", key: String(id) });
    }
    return record;
  };

  const journal = openJournal<OrderCommand>("orders", (command) => {
    switch (command.op) {
      case "allocate": {
        let id = idByRequest.get(command.requestId);
        if (id === undefined) idByRequest.set(command.requestId, (id = ++lastId));
        return id;
      }
      case "place": {
        const { record } = command;
        // Two replicas that placed the same request (a retry overtook a slow attempt) store one order.
        if (placedRequests.has(record.requestId)) return find(record.order.id).order;
        placedRequests.add(record.requestId);
        records.set(record.order.id, record);
        const { userId, id } = record.order;
        orderIdsByUser.set(userId, [...(orderIdsByUser.get(userId) ?? []), id]);
        return record.order;
      }
      case "cancel": {
        const record = find(command.id);
        if (record.order.status === OrderStatus.CANCELLED) return record.order;
        records.set(command.id, { ...record, order: command.order });
        return command.order;
      }
    }
  });

  const placedOrder = (requestId: RequestId): Order | undefined => {
    const id = idByRequest.get(requestId);
    return id !== undefined && placedRequests.has(requestId) ? find(id).order : undefined;
  };

  async function place(request: PlaceOrderRequest, context: CallContext): Promise<Order> {
    checkOrderRequest(request);
    const call = { parent: context }; // every call below inherits the shopper's deadline
    const { requestId } = request;

    // 1. The user and the catalog prices: independent reads, so at the same time.
    const productIds = [...new Set(request.lines.map((line) => line.productId))];
    const [user, products] = await Promise.all([
      deps.users.getUser(request.userId, call),
      Promise.all(productIds.map((id) => deps.products.getProduct(id, call))),
    ]);
    const shippingAddress = request.shippingAddress ?? user.defaultAddress;
    if (!shippingAddress) {
      const message = "no shipping address given, and the user has no default one";
      throw new InvalidRequest({ message, field: "shippingAddress" });
    }
    const items = priceLines(request, new Map(products.map((p) => [p.id, p])));
    const total = sumOf(items);

    // 2. Hold the stock. A NotFound or OutOfStock thrown by a dependency is a declared
    // exception of placeOrder too, so it goes back to the shopper as it is.
    const lines = request.lines.map(({ productId, quantity }) => ({ productId, quantity }));
    await deps.inventory.reserve({ requestId, lines }, call);

    // 3. Pay, then make the reservation permanent (or give the stock back if the payment was
    // declined). If anything fails here, undo what was done before passing the error on.
    const id = journal.run<OrderId>({ op: "allocate", requestId });
    let authorizationId: string | undefined;
    try {
      const payment = await deps.payments.authorize(requestId, id, total, request.payment, call);
      authorizationId = payment.authorizationId;
      const declined = payment.status === PaymentStatus.DECLINED;
      if (declined) await deps.inventory.release(requestId, call);
      else await deps.inventory.commit(requestId, call);

      const order: Order = {
        id,
        userId: user.id,
        items,
        total,
        status: declined ? OrderStatus.CANCELLED : OrderStatus.CONFIRMED,
        shippingAddress,
        createdAt: BigInt(Date.now()),
        tags: request.tags,
        ...(request.note !== undefined && { note: request.note }),
        paymentStatus: payment.status,
      };
      return journal.run<Order>({ op: "place", record: { order, requestId, authorizationId } });
    } catch (error) {
      const cleanUp = { timeoutMs: CLEANUP_TIMEOUT_MS };
      await deps.inventory.release(requestId, cleanUp).catch(() => {});
      if (authorizationId !== undefined) {
        await deps.payments.voidAuthorization(authorizationId, cleanUp).catch(() => {});
      }
      throw error;
    }
  }

  return {
    ...createBaseHandler("orders", () => {
      journal.catchUp();
      return { orders: records.size };
    }),

    placeOrder(request: PlaceOrderRequest, context: CallContext): Promise<Order> {
      journal.catchUp();
      const placed = placedOrder(request.requestId);
      if (placed !== undefined) return Promise.resolve(placed);
      let order = placing.get(request.requestId);
      if (!order) {
        order = place(request, context).finally(() => placing.delete(request.requestId));
        placing.set(request.requestId, order);
      }
      return order;
    },

    getOrder(id: OrderId): Order {
      journal.catchUp();
      return find(id).order;
    },

    async listOrders(request: ListOrdersRequest, context: CallContext): Promise<OrderPage> {
      await deps.users.getUser(request.userId, { parent: context }); // NotFound for an unknown user
      journal.catchUp();
      const orders = (orderIdsByUser.get(request.userId) ?? [])
        .map((id) => find(id).order)
        .filter((order) => request.status === undefined || order.status === request.status);
      const page = paginate(orders, request.pageSize, request.pageToken);
      const { items, nextPageToken } = page;
      return nextPageToken === undefined ? { orders: items } : { orders: items, nextPageToken };
    },

    async cancelOrder(id: OrderId, context: CallContext): Promise<Order> {
      journal.catchUp();
      const { order, requestId, authorizationId } = find(id);
      if (order.status === OrderStatus.CANCELLED) return order;
      if (order.status !== OrderStatus.PENDING && order.status !== OrderStatus.CONFIRMED) {
        throw new InvalidRequest({ message: `order ${id} has shipped`, field: "id" });
      }
      // Both calls are idempotent, so two cancels racing each other are harmless.
      const call = { parent: context };
      const [, payment] = await Promise.all([
        deps.inventory.release(requestId, call),
        deps.payments.voidAuthorization(authorizationId, call),
      ]);
      const cancelled: Order = {
        ...order,
        status: OrderStatus.CANCELLED,
        paymentStatus: payment.status,
        updatedAt: BigInt(Date.now()),
      };
      return journal.run<Order>({ op: "cancel", id, order: cancelled });
    },
  };
}

/** Throws InvalidRequest for an order that breaks the IDL's rules. */
function checkOrderRequest(request: PlaceOrderRequest): void {
  if (request.requestId.trim() === "") {
    throw new InvalidRequest({ message: "requestId must not be empty", field: "requestId" });
  }
  if (request.lines.length === 0) {
    throw new InvalidRequest({ message: "an order needs at least one line", field: "lines" });
  }
  if (request.lines.length > MAX_LINE_ITEMS) {
    throw new InvalidRequest({
      message: `an order has at most ${MAX_LINE_ITEMS} lines`,
      field: "lines",
    });
  }
  for (const [i, { quantity }] of request.lines.entries()) {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY_PER_LINE) {
      throw new InvalidRequest({
        message: `quantity must be 1 to ${MAX_QUANTITY_PER_LINE}, not ${quantity}`,
        field: `lines[${i}].quantity`,
      });
    }
  }
}

/** The order's lines at today's catalog prices; all in one currency. */
function priceLines(
  request: PlaceOrderRequest,
  products: ReadonlyMap<ProductId, Product>,
): LineItem[] {
  const items = request.lines.map((line): LineItem => {
    const product = products.get(line.productId)!;
    if (!product.active) {
      throw new InvalidRequest({
        message: `product ${product.id} is no longer sold`,
        field: "lines",
      });
    }
    const { id: productId, sku, title, price: unitPrice } = product;
    return {
      productId,
      sku,
      title,
      quantity: line.quantity,
      unitPrice,
      attributes: line.attributes,
    };
  });
  if (new Set(items.map((item) => item.unitPrice.currency)).size > 1) {
    throw new InvalidRequest({
      message: "an order's products must share one currency",
      field: "lines",
    });
  }
  return items;
}

/** Σ quantity × unit price, in the lines' currency. */
function sumOf(items: readonly LineItem[]): Money {
  const units = items.reduce((sum, item) => sum + item.unitPrice.units * BigInt(item.quantity), 0n);
  return { currency: items[0]!.unitPrice.currency, units };
}

// Each dependency is found through the registry (services/discovery.ts), never by address, and
// spread over its replicas by the channel. Idempotent calls that meet a dying replica are tried
// again on another one. The THeader transport carries the caller's remaining deadline on.
const { protocol, registry } = serviceSettings();
const { client: interceptors } = await serviceTelemetry(); // IDLC_OTEL=stdout traces calls
const channels: ClientChannel[] = [];
const sources: EndpointSource[] = [];
const channelTo = (service: string): ClientChannel => {
  const endpoints = discover(service, registry);
  const channel = connect({ endpoints, protocol, transport: "header", retry: RETRY, interceptors });
  sources.push(endpoints);
  channels.push(channel);
  return channel;
};
const deps: Dependencies = {
  users: UserService.client(channelTo("users")),
  products: ProductService.client(channelTo("products")),
  inventory: InventoryService.client(channelTo("inventory")),
  payments: PaymentService.client(channelTo("payments")),
};
await serve(
  "orders",
  (server) => server.add(OrderService, createOrderHandler(deps)),
  async () => {
    await Promise.all(channels.map((c) => c.close()));
    await Promise.all(sources.map((s) => s.close?.()));
  },
);
