// The payment service: authorizations against a pretend provider, in memory. Declines are
// decided by the test tokens below, as real providers' sandboxes do.
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
import { serve } from "./serve.js";

/** The card token the pretend provider always declines (the workload uses it). */
const DECLINED_CARD_TOKEN = "tok_declined";

/** A PaymentService handler over an in-memory ledger. */
export function createPaymentHandler(): PaymentServiceHandler {
  const authorizations = new Map<string, Authorization>();
  // Keyed by request id, so a retried authorize() returns the first authorization.
  const byRequest = new Map<RequestId, Authorization>();
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

  return {
    ...createBaseHandler("payments", () => ({ authorizations: authorizations.size })),

    authorize(
      requestId: RequestId,
      orderId: OrderId,
      amount: Money,
      method: PaymentMethod,
    ): Authorization {
      // A retry gets the first answer, unless that authorization was voided: then its caller
      // undid a failed attempt and is starting over.
      const earlier = byRequest.get(requestId);
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
      const authorization: Authorization = {
        authorizationId: `auth-${++lastId}`,
        orderId,
        amount,
        status: declineReason === undefined ? PaymentStatus.AUTHORIZED : PaymentStatus.DECLINED,
        ...(declineReason !== undefined && { declineReason }),
        createdAt: BigInt(Date.now()),
      };
      byRequest.set(requestId, authorization);
      return update(authorization);
    },

    capture(authorizationId: string): Authorization {
      const authorization = find(authorizationId);
      if (authorization.status === PaymentStatus.CAPTURED) return authorization;
      if (authorization.status !== PaymentStatus.AUTHORIZED) {
        throw new InvalidRequest({
          message: `authorization ${authorizationId} cannot be captured`,
          field: "authorizationId",
        });
      }
      return update({ ...authorization, status: PaymentStatus.CAPTURED });
    },

    voidAuthorization(authorizationId: string): Authorization {
      const authorization = find(authorizationId);
      if (authorization.status === PaymentStatus.CAPTURED) {
        throw new InvalidRequest({
          message: `authorization ${authorizationId} was captured; refund it instead`,
          field: "authorizationId",
        });
      }
      if (authorization.status !== PaymentStatus.AUTHORIZED) return authorization; // nothing held
      return update({ ...authorization, status: PaymentStatus.VOIDED });
    },

    getAuthorization: find,
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
