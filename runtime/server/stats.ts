// What `server.stats()` reports. Counting is a few integer increments per call on objects made
// once (the server's counters, one MethodCounters per route): nothing is allocated per call. The
// snapshot, made only when asked for, turns them into plain objects.

/** How a call ended, as `server.stats()` counts it. */
export const CallOutcome = {
  /** Answered with the handler's result (oneway: the handler finished). */
  OK: 0,
  /** Answered with an exception declared in the IDL. */
  EXCEPTION: 1,
  /** Answered with an ApplicationError the handler threw on purpose. */
  APPLICATION_ERROR: 2,
  /** The handler failed unexpectedly: answered INTERNAL_ERROR. */
  INTERNAL_ERROR: 3,
  /** The caller's deadline passed while the handler ran: abandoned, no answer. */
  DEADLINE_EXCEEDED: 4,
  /** The handler ran past `maxHandlerMs`: abandoned, answered TIMEOUT. */
  TIMEOUT: 5,
  /** Shed before it ran (`maxConcurrentCalls`, event-loop delay): answered LOADSHEDDING. */
  OVERLOADED: 6,
  /** No such service or method: answered UNKNOWN_METHOD. */
  UNKNOWN_METHOD: 7,
  /** Undecodable arguments: answered PROTOCOL_ERROR. */
  PROTOCOL_ERROR: 8,
  /** A REPLY or EXCEPTION sent to the server: answered INVALID_MESSAGE_TYPE. */
  INVALID_MESSAGE_TYPE: 9,
} as const;
/** One of the call outcomes. */
export type CallOutcome = (typeof CallOutcome)[keyof typeof CallOutcome];

/** The outcome names used as keys of `ServerStats.outcomes`. */
export type CallOutcomeName =
  | "ok"
  | "exception"
  | "application-error"
  | "internal-error"
  | "deadline-exceeded"
  | "timeout"
  | "overloaded"
  | "unknown-method"
  | "protocol-error"
  | "invalid-message-type";

const OUTCOME_NAMES: readonly CallOutcomeName[] = [
  "ok",
  "exception",
  "application-error",
  "internal-error",
  "deadline-exceeded",
  "timeout",
  "overloaded",
  "unknown-method",
  "protocol-error",
  "invalid-message-type",
];

/** Calls of one method, counted since the server was created. */
export interface MethodStats {
  /** Calls received for it (shed ones included). */
  readonly calls: number;
  /** Calls answered with a declared IDL exception. */
  readonly exceptions: number;
  /** Calls that failed otherwise (shed, timed out, undecodable, internal error, …). */
  readonly errors: number;
}

/** A snapshot of a server's counters (`server.stats()`); counts are since the server was created. */
export interface ServerStats {
  /** Requests received (CALL and ONEWAY messages), whatever their outcome. */
  readonly calls: number;
  /** Handlers running now (asynchronous ones not yet finished or abandoned). */
  readonly inFlight: number;
  /** Calls shed before they ran (`outcomes.overloaded`). */
  readonly shed: number;
  /** Connections open now. */
  readonly connections: number;
  /** Connections accepted, ever. */
  readonly connectionsAccepted: number;
  /** Whether `close()` has begun: the server drains and then goes. */
  readonly draining: boolean;
  /** Whether the server is shedding calls now because its event loop lags. */
  readonly overloaded: boolean;
  /** The event-loop delay of the last sample, in ms (mean over the sample; 0 when not sampled). */
  readonly eventLoopDelayMs: number;
  /** Calls by how they ended (running calls are in none yet). */
  readonly outcomes: Readonly<Record<CallOutcomeName, number>>;
  /** Per method, keyed `Service.method`. */
  readonly methods: Readonly<Record<string, MethodStats>>;
}

/** The mutable counters of one method (one per route, made once). */
export class MethodCounters {
  calls = 0;
  exceptions = 0;
  errors = 0;
}

/** The mutable counters of one server. */
export class ServerCounters {
  calls = 0;
  inFlight = 0;
  connectionsAccepted = 0;
  private readonly outcomes: number[] = OUTCOME_NAMES.map(() => 0);

  /** Counts one ended call; `method` is undefined when the call had no route. */
  record(method: MethodCounters | undefined, outcome: CallOutcome): void {
    this.outcomes[outcome]!++;
    if (method === undefined || outcome === CallOutcome.OK) return;
    if (outcome === CallOutcome.EXCEPTION) method.exceptions++;
    else method.errors++;
  }

  /** How many calls ended with `outcome`. */
  count(outcome: CallOutcome): number {
    return this.outcomes[outcome]!;
  }

  /** The outcomes as a plain object. */
  outcomeRecord(): Record<CallOutcomeName, number> {
    const record = {} as Record<CallOutcomeName, number>;
    OUTCOME_NAMES.forEach((name, i) => (record[name] = this.outcomes[i]!));
    return record;
  }
}

/** Plain copies of per-method counters. */
export function methodRecord(
  methods: Iterable<readonly [string, MethodCounters]>,
): Record<string, MethodStats> {
  const record: Record<string, MethodStats> = {};
  for (const [name, { calls, exceptions, errors }] of methods)
    record[name] = { calls, exceptions, errors };
  return record;
}
