// The parent side of RPC measurements: for each system, a server process pinned to core 0 and
// a client process pinned to core 1, server CPU samples relayed from server to client. All the
// systems' processes are started together and take turns, scenario by scenario (the order
// rotated from one scenario to the next), so that each scenario of each system runs within
// a minute of the floor's: this machine's speed drifts by half from one minute to the next, and
// systems measured one after the other gave ratios that moved with it. Only the pair whose turn
// it is works; the others wait on their IPC channel without a connection open.
import { fileURLToPath } from "node:url";
import type { RpcSystem } from "../rpc/rpc.js";
import type { Scenario, ScenarioJob } from "./rpc-client-child.js";
import { Child } from "./spawn.js";
import { asError, rotate } from "./turns.js";

const SERVER = fileURLToPath(new URL("./rpc-server-child.ts", import.meta.url));
const CLIENT = fileURLToPath(new URL("./rpc-client-child.ts", import.meta.url));

/** The closed-loop scenarios, each run for every RPC system. */
export const SCENARIOS: readonly Scenario[] = [
  { name: "1 in flight", inFlight: 1, connections: 1 },
  { name: "64 in flight", inFlight: 64, connections: 1 },
  { name: "256 in flight / 4 conns", inFlight: 256, connections: 4 },
];

/** How long each scenario runs. */
export interface RpcSettings {
  readonly warmupMs: number;
  /** The warm-up also lasts this many calls at least (V8 must have optimized each system). */
  readonly warmupCalls: number;
  readonly measureMs: number;
}

/** One run's figures for one scenario. */
export interface ScenarioRun {
  readonly callsPerSec: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly clientCpuUs: number;
  readonly serverCpuUs: number;
}

const START_MS = 30_000;

/** One system's server and client processes, kept for every scenario of a run. */
class RpcPair {
  private readonly server: Child;
  private readonly client: Child;

  private constructor(server: Child, client: Child) {
    this.server = server;
    this.client = client;
  }

  static async start(system: RpcSystem): Promise<RpcPair> {
    const server = new Child(SERVER, [system], { cpu: 0 });
    try {
      const { port } = await server.expect("ready", START_MS);
      const client = new Child(CLIENT, [system, String(port)], { cpu: 1 });
      const pair = new RpcPair(server, client);
      try {
        await client.expect("ready", START_MS);
      } catch (error) {
        await pair.kill();
        throw error;
      }
      return pair;
    } catch (error) {
      await server.kill();
      throw error;
    }
  }

  /** Runs one scenario; rejects when the client reports a failure, exits or hangs. */
  async run(scenario: Scenario, settings: RpcSettings): Promise<ScenarioRun> {
    const job: ScenarioJob = { ...scenario, ...settings };
    this.client.send({ type: "scenario", ...job });
    const budget = START_MS + settings.warmupMs + settings.measureMs;
    for (;;) {
      const message = await this.client.next(budget);
      if (message.type === "server-cpu") {
        this.server.send({ type: "cpu" });
        const { usage } = await this.server.expect("cpu", 10_000);
        this.client.send({ type: "server-cpu", usage });
      } else if (message.type === "result") {
        return message as unknown as ScenarioRun;
      }
    }
  }

  /** Ends both processes cleanly, or kills them. */
  async close(): Promise<void> {
    try {
      this.client.send({ type: "exit" });
      await this.client.finish();
      this.server.send({ type: "close" });
      await this.server.expect("closed", 10_000).catch(() => undefined);
      await this.server.finish();
    } finally {
      await this.kill();
    }
  }

  async kill(): Promise<void> {
    await Promise.all([this.client.kill(), this.server.kill()]);
  }
}

/**
 * Runs every scenario for every system, the systems taking turns. A system whose processes do
 * not start gets that Error for every scenario; a scenario that fails ends that system's run
 * (its later scenarios are missing from its map), as the client may be gone.
 */
export async function runRpcs(
  systems: readonly RpcSystem[],
  settings: RpcSettings,
): Promise<Map<RpcSystem, Map<string, ScenarioRun | Error>>> {
  const results = new Map(systems.map((s) => [s, new Map<string, ScenarioRun | Error>()]));
  const started = await Promise.allSettled(systems.map((s) => RpcPair.start(s)));
  const pairs = new Map<RpcSystem, RpcPair>();
  started.forEach((outcome, k) => {
    const system = systems[k]!;
    if (outcome.status === "fulfilled") pairs.set(system, outcome.value);
    else for (const { name } of SCENARIOS) results.get(system)!.set(name, asError(outcome.reason));
  });
  try {
    for (let s = 0; s < SCENARIOS.length; s++) {
      const scenario = SCENARIOS[s]!;
      for (const system of rotate(systems, s)) {
        const pair = pairs.get(system);
        if (pair === undefined) continue;
        try {
          results.get(system)!.set(scenario.name, await pair.run(scenario, settings));
        } catch (error) {
          results.get(system)!.set(scenario.name, asError(error));
          pairs.delete(system);
          await pair.kill();
        }
      }
    }
  } finally {
    await Promise.all([...pairs.values()].map((p) => p.close()));
  }
  return results;
}
