// The payment service: authorizations against a pretend provider, in memory, shared by every
// replica through the journal. Declines are decided by the test tokens below, as real
// providers' sandboxes do.
import {
  InvalidRequest,
  NotFound,
  PaymentService,
  PaymentStatus,
  SUPPORTED_CURRENCIES,
  type Authorization,
  type Money,
  type OrderId,
  type PaymentMethod,
  type PaymentServiceHandler,
  type RequestId,
} from "../../../generated/commerce.js";
import { createBaseHandler } from "./base.js";
import { openJournal } from "./journal.js";
import { serve } from "./serve.js";

/** The card token the pretend provider always declines (the workload uses it). */
const DECLINED_CARD_TOKEN = "tok_declined";

/** The writes of the payment service, as the journal records them. */
type PaymentCommand =
  | {
      readonly op: "authorize";
      readonly requestId: RequestId;
      readonly orderId: OrderId;
      readonly amount: Money;
      /** What the provider said, asked once by the replica that took the call. */
      readonly declineReason: string | undefined;
      readonly now: bigint;
    }
  | { readonly op: "capture"; readonly authorizationId: string }
  | { readonly op: "void"; readonly authorizationId: string };

/** A PaymentService handler over an in-memory ledger, kept in step with the other replicas. */
export function createPaymentHandler(): PaymentServiceHandler {
  const authorizations = new Map<string, Authorization>();
  // Request id → authorization id, so a retried authorize() returns the first authorization.
  const byRequest = new Map<RequestId, string>();
  let lastId = 0;

  const find = (authorizationId: string): Authorization => {
    const found = authorizations.get(authorizationId);
    if (!found) {
      throw new NotFound({
        message: `no authorization ${authorizationId}`,
        entity: "authorization",
        key: authorizationId,
      });
    }
    return found;
  };
  const update = (authorization: Authorization): Authorization => {
    authorizations.set(authorization.authorizationId, authorization);
    return authorization;
  };
  const earlierFor = (requestId: RequestId): Authorization | undefined => {
    const id = byRequest.get(requestId);
    return id === undefined ? undefined : authorizations.get(id);
  };

  const journal = openJournal<PaymentCommand>("payments", (command): Authorization => {
    switch (command.op) {
      case "authorize": {
        // A retry gets the first answer, unless that authorization was voided: then its caller
        // undid a failed attempt and is starting over.
        const earlier = earlierFor(command.requestId);
        if (earlier && earlier.status !== PaymentStatus.VOIDED) return earlier;
        const { declineReason } = command;
        const authorization: Authorization = {
          authorizationId: `auth-${++lastId}`,
          orderId: command.orderId,
          amount: command.amount,
          status: declineReason === undefined ? PaymentStatus.AUTHORIZED : PaymentStatus.DECLINED,
          ...(declineReason !== undefined && { declineReason }),
          createdAt: command.now,
        };
        byRequest.set(command.requestId, authorization.authorizationId);
        return update(authorization);
      }
      case "capture": {
        const authorization = find(command.authorizationId);
        if (authorization.status === PaymentStatus.CAPTURED) return authorization;
        if (authorization.status !== PaymentStatus.AUTHORIZED) {
          throw new InvalidRequest({
            message: `authorization ${command.authorizationId} cannot be captured`,
            field: "authorizationId",
          });
        }
        return update({ ...authorization, status: PaymentStatus.CAPTURED });
      }
      case "void": {
        const authorization = find(command.authorizationId);
        if (authorization.status === PaymentStatus.CAPTURED) {
          throw new InvalidRequest({
            message: `authorization ${command.authorizationId} was captured; refund it instead`,
            field: "authorizationId",
          });
        }
        if (authorization.status !== PaymentStatus.AUTHORIZED) return authorization; // nothing held
        return update({ ...authorization, status: PaymentStatus.VOIDED });
      }
    }
  });

  return {
    ...createBaseHandler("payments", () => {
      journal.catchUp();
      // Money held per order: more than one authorization for an order would charge it twice.
      const heldPerOrder = new Map<OrderId, number>();
      for (const { status, orderId } of authorizations.values()) {
        if (status === PaymentStatus.AUTHORIZED || status === PaymentStatus.CAPTURED) {
          heldPerOrder.set(orderId, (heldPerOrder.get(orderId) ?? 0) + 1);
        }
      }
      const chargedTwice = [...heldPerOrder.values()].filter((n) => n > 1).length;
      return { authorizations: authorizations.size, held: heldPerOrder.size, chargedTwice };
    }),

    authorize(
      requestId: RequestId,
      orderId: OrderId,
      amount: Money,
      method: PaymentMethod,
    ): Authorization {
      journal.catchUp();
      const earlier = earlierFor(requestId);
      if (earlier && earlier.status !== PaymentStatus.VOIDED) return earlier;
      if (amount.units <= 0n) {
        throw new InvalidRequest({ message: "amount must be positive", field: "amount" });
      }
      if (!SUPPORTED_CURRENCIES.has(amount.currency)) {
        throw new InvalidRequest({
          message: `currency ${amount.currency} is not supported`,
          field: "amount",
        });
      }
      const declineReason = providerDecision(method);
      const now = BigInt(Date.now());
      return journal.run({ op: "authorize", requestId, orderId, amount, declineReason, now });
    },

    capture(authorizationId: string): Authorization {
      return journal.run({ op: "capture", authorizationId });
    },

    voidAuthorization(authorizationId: string): Authorization {
      return journal.run({ op: "void", authorizationId });
    },

    getAuthorization(authorizationId: string): Authorization {
      journal.catchUp();
      return find(authorizationId);
    },
  };
}

/** Why the pretend provider declines `method`, or undefined when it accepts it. */
function providerDecision(method: PaymentMethod): string | undefined {
  switch (method.kind) {
    case "card": {
      const { token, expiryYear, expiryMonth } = method.value;
      if (token === DECLINED_CARD_TOKEN) return "card declined by issuer";
      const now = new Date();
      const expired =
        expiryYear < now.getUTCFullYear() ||
        (expiryYear === now.getUTCFullYear() && expiryMonth < now.getUTCMonth() + 1);
      return expired ? "card expired" : undefined;
    }
    case "wallet":
      return undefined;
    case "bankTransfer":
      if (method.value.iban.trim() === "") {
        throw new InvalidRequest({
          message: "a bank transfer needs an IBAN",
          field: "method.bankTransfer.iban",
        });
      }
      return undefined;
    case "giftCardCode":
      return method.value.startsWith("SPENT-") ? "gift card has no balance left" : undefined;
  }
}

await serve("payments", (server) => server.add(PaymentService, createPaymentHandler()));
