// One endpoint of a channel as the balancer sees it: its pool of connections, its weight, its
// health for outlier ejection, and the counters `channel.stats()` reports. Its connections tell
// it how each call ended (CallOutcomes), so health costs no Promise and no closure per call.
import type { DeadlineScheduler } from "../deadline.js";
import type { RpcErrorCode } from "../errors.js";
import type { Endpoint } from "../registry/static.js";
import { hostPort } from "../transport/socket.js";
import type { Candidate } from "./balancer.js";
import { ClientConnection } from "./connection.js";
import type { ResolvedChannelOptions } from "./options.js";
import {
  countsAgainstEndpoint,
  healthyState,
  type CallOutcomes,
  type Ejectable,
  type OutlierDetector,
} from "./outlier.js";

/** What `channel.stats()` says about one endpoint. */
export interface EndpointStats {
  /** `host:port`. */
  readonly address: string;
  /** Its weight (1 unless the source gave one). */
  readonly weight: number;
  /** Attempts sent to it (first tries and retries). */
  readonly calls: number;
  /** Attempts that failed in a way that counts against it: unavailable, connection lost, overloaded. */
  readonly failures: number;
  /** Calls awaiting replies on its connections now. */
  readonly pending: number;
  /** Whether it is ejected now. */
  readonly ejected: boolean;
  /** Times it was ejected. */
  readonly ejections: number;
  /** When it was last ejected (epoch ms), if ever. */
  readonly lastEjectedAtMs?: number;
  /** False once the source stopped listing it (its counters are kept for the record). */
  readonly listed: boolean;
}

/** What an endpoint needs from its channel to judge its health. */
export interface EndpointFleet {
  readonly detector: OutlierDetector;
  /** Endpoints listed now (the ejection share is of these). */
  readonly size: number;
}

/** A weight from a source: a positive finite number, else 1. */
export function weightOf(endpoint: Endpoint): number {
  const weight = endpoint.weight;
  return weight !== undefined && weight > 0 && Number.isFinite(weight) ? weight : 1;
}

/** An endpoint with its connection pool, health and counters. */
export class ChannelEndpoint implements Candidate, CallOutcomes {
  readonly address: string;
  readonly host: string;
  readonly port: number;
  weight: number;
  listed = true;
  calls = 0;
  failures = 0;
  readonly health: Ejectable = healthyState();
  private connections: ClientConnection[] = [];
  private readonly fleet: EndpointFleet;

  constructor(endpoint: Endpoint, fleet: EndpointFleet) {
    this.host = endpoint.host;
    this.port = endpoint.port;
    this.address = hostPort(endpoint.host, endpoint.port);
    this.weight = weightOf(endpoint);
    this.fleet = fleet;
  }

  /** Opens (lazily: they connect on their first call) `count` connections. */
  open(count: number, options: ResolvedChannelOptions, scheduler: DeadlineScheduler): void {
    this.listed = true;
    this.connections = [];
    for (let i = 0; i < count; i++)
      this.connections.push(new ClientConnection(this.host, this.port, options, scheduler, this));
  }

  /** Stops picking its connections; each closes once its pending calls are answered. */
  retire(onClosed: (connection: ClientConnection) => void): ClientConnection[] {
    this.listed = false;
    const connections = this.connections;
    this.connections = [];
    for (const connection of connections) connection.retire(() => onClosed(connection));
    return connections;
  }

  /** Its open connections (for close). */
  get pool(): readonly ClientConnection[] {
    return this.connections;
  }

  get load(): number {
    const pool = this.connections;
    if (pool.length === 1) return pool[0]!.load;
    let load = 0;
    for (const connection of pool) load += connection.load;
    return load;
  }

  get tier(): number {
    if (this.health.ejectedUntil !== 0) return 0;
    for (const connection of this.connections) if (connection.available) return 2;
    return 1;
  }

  /** The connection for the next call: the least loaded available one of the pool. */
  connection(): ClientConnection {
    const pool = this.connections;
    let best = pool[0]!;
    for (let i = 1; i < pool.length; i++) {
      const c = pool[i]!;
      if (
        (c.available && !best.available) ||
        (c.available === best.available && c.load < best.load)
      )
        best = c;
    }
    return best;
  }

  // ---- CallOutcomes (told by its connections) ----

  succeeded(): void {
    this.fleet.detector.succeeded(this.health);
  }

  failed(code: RpcErrorCode): void {
    if (!countsAgainstEndpoint(code)) return;
    this.failures++;
    if (this.listed) this.fleet.detector.failed(this.health, this.fleet.size, Date.now());
  }

  /** Its stats at `now` (an ejection whose time is up reads as over, even before it is restored). */
  snapshot(now: number): EndpointStats {
    const { ejectedUntil, ejections, lastEjectedAtMs } = this.health;
    return {
      address: this.address,
      weight: this.weight,
      calls: this.calls,
      failures: this.failures,
      pending: this.load,
      ejected: ejectedUntil > now,
      ejections,
      ...(lastEjectedAtMs === 0 ? {} : { lastEjectedAtMs }),
      listed: this.listed,
    };
  }
}
