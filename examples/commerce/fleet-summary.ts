// The fleet part of the summary: how the calls spread over each service's replicas (as each
// replica counted them), what the clients' retries did, how fast a killed replica was avoided,
// and the chaos timeline.
import type { ChannelStats, ClientChannel } from "idlc/runtime";
import type { ChaosReport } from "./chaos.js";
import { replicaName, type Replica } from "./fleet.js";
import { SERVICE_NAMES, type ServiceName } from "./service-names.js";

/** What the fleet summary reads. */
export interface FleetFacts {
  readonly replicas: readonly Replica[];
  /** The launcher's channel to each service (the shoppers' and the seeding's). */
  readonly channels: ReadonlyMap<ServiceName, ClientChannel>;
  readonly chaos: ChaosReport | undefined;
  /** Which registry, for the "avoided" line: "static" or "etcd". */
  readonly registry: string;
}

/** The fleet lines of the summary. */
export function formatFleet(facts: FleetFacts): string {
  const out: string[] = ["calls served per replica (each replica's own count)"];
  for (const service of SERVICE_NAMES) {
    const mine = facts.replicas.filter((r) => r.service === service);
    const cells = mine.map((r) => {
      const fate = r.exit?.signal === "SIGKILL" && facts.chaos ? " (killed)" : "";
      return `${replicaName(r.service, r.slot, r.generation)} ${r.served}${fate}`;
    });
    out.push(`  ${service.padEnd(10)} ${cells.join(" · ")}  (${spread(mine)})`);
  }

  // The channels' own counts: retries, failovers, and when each endpoint was ejected.
  const stats = [...facts.channels].map(
    ([service, channel]) => [service, channel.stats()] as const,
  );
  out.push("");
  let retries = 0;
  let failovers = 0;
  let exhausted = 0;
  for (const [, s] of stats) {
    retries += s.retries;
    failovers += s.failovers;
    exhausted += s.budgetExhausted;
  }
  out.push(
    `failovers: ${failovers} retries went to another replica (${retries} retries in all, ` +
      `${exhausted} refused by the retry budget), on the launcher's channels`,
  );

  const chaos = facts.chaos;
  if (chaos === undefined) return out.join("\n");
  out.push("", "killed replicas, and how soon they were avoided");
  for (const kill of chaos.kills) {
    const dropped =
      kill.droppedAfterMs === undefined
        ? "still listed by the registry when the run looked last"
        : `off the ${facts.registry} registry ${Math.round(kill.droppedAfterMs)} ms after the SIGKILL`;
    const ejected = ejectionAfter(stats, kill.address, kill.killedAtEpochMs);
    out.push(
      `  ${kill.replica.padEnd(12)} ${dropped}` +
        (ejected === undefined ? "" : `; ejected by the channel after ${ejected} ms`),
    );
  }
  out.push("", "chaos timeline (from the start of shopping)");
  for (const { atMs, text } of chaos.timeline) {
    out.push(`  +${(atMs / 1000).toFixed(2).padStart(6)}s  ${text}`);
  }
  return out.join("\n");
}

/** "max/min 1.04 per slot": how evenly the slots of a service shared the calls. */
function spread(replicas: readonly Replica[]): string {
  const perSlot = new Map<number, number>();
  for (const r of replicas) perSlot.set(r.slot, (perSlot.get(r.slot) ?? 0) + r.served);
  const counts = [...perSlot.values()];
  if (counts.length < 2) return "one replica";
  const max = Math.max(...counts);
  const min = Math.min(...counts);
  return min === 0
    ? `max/min ∞ (a slot served none)`
    : `max/min ${(max / min).toFixed(2)} per slot`;
}

/** Ms from the kill until a channel ejected the address, when its stats say so. */
function ejectionAfter(
  stats: readonly (readonly [ServiceName, ChannelStats])[],
  address: string,
  killedAtEpochMs: number,
): number | undefined {
  for (const [, s] of stats) {
    const endpoint = s.endpoints.find((e) => e.address === address);
    const at = endpoint?.lastEjectedAtMs;
    if (at !== undefined && at >= killedAtEpochMs) return Math.round(at - killedAtEpochMs);
  }
  return undefined;
}
