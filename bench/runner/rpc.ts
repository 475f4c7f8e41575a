// The parent side of RPC measurements: for one system, a server process pinned to core 0 and
// a client process pinned to core 1, the scenarios run one after another, server CPU samples
// relayed from server to client.
import { fileURLToPath } from "node:url";
import type { RpcSystem } from "../rpc/rpc.js";
import type { Scenario, ScenarioJob } from "./rpc-client-child.js";
import { Child } from "./spawn.js";

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

/** Runs every scenario for one system; a scenario that fails is reported as an Error. */
export async function runRpc(
  system: RpcSystem,
  settings: RpcSettings,
): Promise<Map<string, ScenarioRun | Error>> {
  const results = new Map<string, ScenarioRun | Error>();
  const server = new Child(SERVER, [system], { cpu: 0 });
  let client: Child | undefined;
  try {
    const { port } = await server.expect("ready", START_MS);
    client = new Child(CLIENT, [system, String(port)], { cpu: 1 });
    await client.expect("ready", START_MS);
    for (const scenario of SCENARIOS) {
      const job: ScenarioJob = { ...scenario, ...settings };
      client.send({ type: "scenario", ...job });
      const budget = START_MS + settings.warmupMs + settings.measureMs;
      try {
        for (;;) {
          const message = await client.next(budget);
          if (message.type === "server-cpu") {
            server.send({ type: "cpu" });
            const { usage } = await server.expect("cpu", 10_000);
            client.send({ type: "server-cpu", usage });
          } else if (message.type === "result") {
            results.set(scenario.name, message as unknown as ScenarioRun);
            break;
          }
        }
      } catch (error) {
        results.set(scenario.name, error instanceof Error ? error : new Error(String(error)));
        break; // the client reported a failure and exited, or hangs: no further scenarios
      }
    }
    client.send({ type: "exit" });
    await client.finish();
    server.send({ type: "close" });
    await server.expect("closed", 10_000).catch(() => undefined);
    await server.finish();
  } finally {
    await client?.kill();
    await server.kill();
  }
  return results;
}
