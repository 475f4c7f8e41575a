// Call metrics as OpenTelemetry instruments, one set per side: calls (by outcome), errors (by
// code) and latency (per method, milliseconds). Names follow OTel's RPC conventions where they
// have one (`rpc.client.duration`, `rpc.server.duration`).
import type { Attributes, Counter, Histogram, Meter } from "@opentelemetry/api";
import { OK } from "./outcome.js";

/** The instruments of one side of calls. */
export interface CallInstruments {
  /** Records one finished call. */
  record(service: string, method: string, outcome: string, durationMs: number): void;
}

/** Creates the instruments for `side` on `meter`. */
export function createCallInstruments(meter: Meter, side: "client" | "server"): CallInstruments {
  const calls: Counter = meter.createCounter(`rpc.${side}.calls`, {
    description: `Thrift calls ${side === "client" ? "made" : "handled"}, by outcome`,
  });
  const errors: Counter = meter.createCounter(`rpc.${side}.errors`, {
    description: "Thrift calls that did not succeed, by error code",
  });
  const duration: Histogram = meter.createHistogram(`rpc.${side}.duration`, {
    description: "Time from the start of a call to its outcome",
    unit: "ms",
  });
  return {
    record(service, method, outcome, durationMs) {
      const perMethod: Attributes = {
        "rpc.system": "apache_thrift",
        "rpc.service": service,
        "rpc.method": method,
      };
      calls.add(1, { ...perMethod, "idlc.outcome": outcome });
      if (outcome !== OK) errors.add(1, { ...perMethod, "error.type": outcome });
      duration.record(durationMs, perMethod);
    },
  };
}
