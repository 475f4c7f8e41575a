// The fleet part of the demo's summary (examples/commerce/fleet-summary.ts): per-replica counts
// and their spread, the chaos timeline, and the numbers a channel's stats() adds when the
// channels' stats() add (failovers, ejection time).
import type { ChannelStats, ClientChannel } from "idlc/runtime";
import { describe, expect, test } from "vitest";
import type { ChaosReport } from "../../examples/commerce/chaos.js";
import type { Replica } from "../../examples/commerce/fleet.js";
import { formatFleet } from "../../examples/commerce/fleet-summary.js";
import type { ServiceName } from "../../examples/commerce/service-names.js";

const replica = (
  service: ServiceName,
  slot: number,
  served: number,
  generation = 1,
  killed = false,
): Replica => ({
  service,
  slot,
  generation,
  pid: 1000 + slot,
  address: `127.0.0.1:${9000 + slot}`,
  served,
  exit: killed ? { name: "", code: null, signal: "SIGKILL", stderrTail: [] } : undefined,
});

const chaos: ChaosReport = {
  timeline: [{ atMs: 1500, text: "SIGKILL inventory#2 (pid 1002, 127.0.0.1:9002)" }],
  kills: [
    {
      replica: "inventory#2",
      address: "127.0.0.1:9002",
      killedAtEpochMs: 10_000,
      droppedAfterMs: 12.4,
    },
  ],
};

const replicas = [
  replica("inventory", 1, 100),
  replica("inventory", 2, 40, 1, true),
  replica("inventory", 2, 60, 2),
];

const NO_STATS: ChannelStats = {
  calls: 0,
  retries: 0,
  failovers: 0,
  budgetExhausted: 0,
  endpoints: [],
};

/** A channel whose stats() returns `stats`. */
function channel(stats: ChannelStats = NO_STATS): ClientChannel {
  return {
    call: () => Promise.resolve(undefined as never),
    close: () => Promise.resolve(),
    stats: () => stats,
  };
}

describe("the fleet summary", () => {
  test("counts per replica, the spread per slot, the kill and the timeline", () => {
    const text = formatFleet({
      replicas,
      channels: new Map([["inventory", channel()]]),
      chaos,
      registry: "static",
    });
    expect(text).toContain(
      "inventory  inventory#1 100 · inventory#2 40 (killed) · inventory#2 (restart 1) 60",
    );
    expect(text).toContain("(max/min 1.00 per slot)"); // slot 2 served 40 + 60
    expect(text).toContain("failovers: 0 retries went to another replica");
    expect(text).toMatch(/inventory#2\s+off the static registry 12 ms after the SIGKILL$/m);
    expect(text).toContain("+  1.50s  SIGKILL inventory#2");
  });

  test("a runtime's channel.stats() adds failovers and the time to ejection", () => {
    const stats: ChannelStats = {
      calls: 500,
      retries: 7,
      failovers: 6,
      budgetExhausted: 1,
      endpoints: [
        {
          address: "127.0.0.1:9002",
          calls: 40,
          failures: 3,
          pending: 0,
          ejected: true,
          ejections: 1,
          lastEjectedAtMs: 10_085,
          weight: 1,
          listed: true,
        },
      ],
    };
    const text = formatFleet({
      replicas,
      channels: new Map([["inventory", channel(stats)]]),
      chaos,
      registry: "etcd",
    });
    expect(text).toContain(
      "failovers: 6 retries went to another replica (7 retries in all, 1 refused by the retry budget)",
    );
    expect(text).toMatch(
      /off the etcd registry 12 ms after the SIGKILL; ejected by the channel after 85 ms$/m,
    );
  });
});
