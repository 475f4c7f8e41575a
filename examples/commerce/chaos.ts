// `--chaos`: what the launcher does to the fleet while the shoppers shop. It SIGKILLs one
// replica of inventory (orders' calls to it fail over) and one of orders (the shoppers' own
// placeOrders are cut off and must be reconciled), starts both again, then rolls every replica
// of products (deregister, SIGTERM, drain, start again) one after the other. Each step is
// written to a timeline, and for each kill the time until the registry stopped listing it.
import type { EndpointSource } from "idlc/runtime";
import { replicaName, type Fleet, type Replica } from "./fleet.js";
import type { ServiceName } from "./service-names.js";

/** One line of the chaos timeline; `atMs` counts from the start of shopping. */
export interface ChaosEvent {
  readonly atMs: number;
  readonly text: string;
}

/** A replica the launcher killed, and how long until clients were told to avoid it. */
export interface Kill {
  readonly replica: string;
  readonly address: string;
  /** When it was killed, epoch milliseconds (to compare with a channel's ejection times). */
  readonly killedAtEpochMs: number;
  /** From the kill until the registry no longer listed it, in ms; undefined if it never did. */
  droppedAfterMs: number | undefined;
}

/** What the chaos did. */
export interface ChaosReport {
  readonly timeline: ChaosEvent[];
  readonly kills: Kill[];
}

/** What the chaos needs from the launcher. */
export interface ChaosSetup {
  readonly fleet: Fleet;
  /** The launcher's own registry sources, to see when a killed replica stops being listed. */
  readonly sources: Readonly<Record<ServiceName, EndpointSource>>;
  readonly replicas: number;
  /** Shopping time, in seconds: the steps are spread over it. */
  readonly seconds: number;
  /** `performance.now()` when shopping started. */
  readonly startedAt: number;
  /** Time a replica gets to drain and exit after SIGTERM, in ms. */
  readonly stopTimeoutMs: number;
  readonly signal: AbortSignal;
}

/** Services whose last replica is SIGKILLed and restarted. */
const KILLED: readonly ServiceName[] = ["inventory", "orders"];
/** The service whose replicas are restarted one by one, gracefully. */
const ROLLED: ServiceName = "products";
/** Time to wait for a killed replica to leave the registry (etcd: its lease TTL, and some), ms. */
const DROP_WATCH_MS = 15_000;

/** Runs the chaos steps; resolves once every replica is back. */
export async function runChaos(setup: ChaosSetup): Promise<ChaosReport> {
  const { fleet, replicas, seconds, startedAt, signal } = setup;
  const report: ChaosReport = { timeline: [], kills: [] };
  const note = (text: string): void => {
    report.timeline.push({ atMs: performance.now() - startedAt, text });
  };
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => setTimeout(resolve, ms)).then(() => signal.throwIfAborted());
  const spread = seconds * 1000;
  const watches: Promise<void>[] = [];

  await pause(0.15 * spread);
  for (const service of KILLED) {
    const victim = fleet.running(service, replicas);
    if (victim === undefined) throw new Error(`chaos: no running ${service}#${replicas} to kill`);
    const kill: Kill = {
      replica: nameOf(victim),
      address: victim.address,
      killedAtEpochMs: Date.now(),
      droppedAfterMs: undefined,
    };
    report.kills.push(kill);
    watches.push(watchDrop(setup.sources[service], kill, performance.now()));
    note(`SIGKILL ${kill.replica} (pid ${victim.pid}, ${victim.address})`);
    await fleet.kill(victim);
    await pause(0.1 * spread);
  }

  await pause(Math.max(200, 0.05 * spread));
  await Promise.all(
    KILLED.map(async (service) => {
      note(`start ${service}#${replicas} again`);
      const back = await fleet.start(service, replicas);
      note(`${nameOf(back)} ready (pid ${back.pid}, ${back.address})`);
    }),
  );

  note(`rolling restart of ${ROLLED}: ${replicas} replicas, one at a time`);
  for (let slot = 1; slot <= replicas; slot++) {
    signal.throwIfAborted();
    const old = fleet.running(ROLLED, slot);
    if (old === undefined) continue;
    note(`SIGTERM ${nameOf(old)} (deregistered first, then drains)`);
    const exit = await fleet.stop(old, setup.stopTimeoutMs);
    const clean = exit.code === 0 && exit.signal === null;
    note(
      `${nameOf(old)} ${clean ? "drained and exited 0" : `did not drain: ${exit.signal ?? exit.code}`}`,
    );
    if (!clean) throw new Error(`chaos: ${nameOf(old)} did not stop cleanly`);
    const fresh = await fleet.start(ROLLED, slot);
    note(`${nameOf(fresh)} ready (pid ${fresh.pid}, ${fresh.address})`);
  }
  await Promise.all(watches);
  return report;
}

function nameOf(replica: Replica): string {
  return replicaName(replica.service, replica.slot, replica.generation);
}

/** Resolves once `source` no longer lists the killed address (noting when), or after a while. */
function watchDrop(source: EndpointSource, kill: Kill, killedAt: number): Promise<void> {
  return new Promise((resolve) => {
    const listed = (): boolean =>
      source.endpoints().some((e) => `${e.host}:${e.port}` === kill.address);
    let unsubscribe: () => void = () => {};
    const finish = (): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const check = (): void => {
      if (kill.droppedAfterMs !== undefined || listed()) return;
      kill.droppedAfterMs = performance.now() - killedAt;
      finish();
    };
    const timer = setTimeout(finish, DROP_WATCH_MS);
    unsubscribe = source.subscribe?.(check) ?? (() => {});
    check();
  });
}
