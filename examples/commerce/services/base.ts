// BaseService (ping, health), which every commerce service extends in the IDL: one
// implementation, spread into each service's handler.
import type { BaseServiceHandler, HealthStatus } from "../../../generated/commerce.js";

/** A BaseService handler for `serviceName`; `details` adds service-specific numbers to health(). */
export function createBaseHandler(
  serviceName: string,
  details: () => Record<string, string | number> = () => ({}),
): BaseServiceHandler {
  const startedAt = Date.now();
  return {
    ping() {},
    health(): HealthStatus {
      const entries = Object.entries(details()).map(
        ([key, value]) => [key, String(value)] as const,
      );
      return {
        ok: true,
        serviceName,
        uptimeMs: BigInt(Date.now() - startedAt),
        details: new Map(entries),
      };
    },
  };
}
