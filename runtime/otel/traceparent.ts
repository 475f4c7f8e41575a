// W3C Trace Context (https://www.w3.org/TR/trace-context/ §3.2): the `traceparent` header,
// `00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`, carried in THeader headers.
// Written here rather than taken from an OTel propagator so idlc needs only @opentelemetry/api.

/** The THeader keys of the W3C trace context. */
export const TraceHeader = {
  TRACEPARENT: "traceparent",
  TRACESTATE: "tracestate",
} as const;

/** The parts of a `traceparent` idlc reads and writes. */
export interface TraceParent {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}

const PATTERN = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** Formats a `traceparent` header value (version 00). */
export function formatTraceparent(p: TraceParent): string {
  return `00-${p.traceId}-${p.spanId}-${(p.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/**
 * Parses a `traceparent` value; undefined when it is malformed, all-zero, version ff, or a
 * version 00 value with extra fields (the spec's rules: such a header is ignored, not an error).
 */
export function parseTraceparent(value: string): TraceParent | undefined {
  const m = PATTERN.exec(value.trim());
  if (m === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId: traceId!, spanId: spanId!, traceFlags: parseInt(flags!, 16) };
}
