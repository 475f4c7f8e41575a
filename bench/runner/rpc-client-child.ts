// An RPC system's client in its own process (pinned to the other core). For each scenario the
// parent sends, it opens the connections, checks a reply on each, runs the closed loop for the
// warm-up (its time, and at least `warmupCalls` calls) and then for the measured time, and
// reports calls/s, latency percentiles and CPU per call, its own and the server's (sampled
// through the parent at the edges of the measured time).
import type { RpcConnection, RpcSystem } from "../rpc/rpc.js";
import { RPC_LOADERS } from "../rpc/index.js";
import { percentile } from "./stats.js";
import { parent, type Message } from "./spawn.js";

/** One closed-loop scenario. */
export interface Scenario {
  readonly name: string;
  /** Calls kept in flight: each finished call is replaced at once by the next. */
  readonly inFlight: number;
  /** Connections the calls are spread over. */
  readonly connections: number;
}

/** What the parent sends per scenario. */
export interface ScenarioJob extends Scenario {
  readonly warmupMs: number;
  /** The warm-up lasts at least this many calls too (see the comment in bench/main.ts). */
  readonly warmupCalls: number;
  readonly measureMs: number;
}

/** Latencies in ms, in a growable Float64Array. */
class Latencies {
  values = new Float64Array(1 << 16);
  length = 0;
  push(ms: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = ms;
  }
  sorted(): Float64Array {
    return this.values.slice(0, this.length).sort();
  }
}

/**
 * Keeps `inFlight` calls going until `durationMs` has passed and `minCalls` have completed;
 * counts completed calls.
 */
async function closedLoop(
  connections: readonly RpcConnection[],
  inFlight: number,
  durationMs: number,
  latencies: Latencies | undefined,
  minCalls = 0,
): Promise<{ calls: number; elapsedMs: number }> {
  const start = performance.now();
  const deadline = start + durationMs;
  let calls = 0;
  const worker = async (connection: RpcConnection): Promise<void> => {
    while (performance.now() < deadline || calls < minCalls) {
      const sent = performance.now();
      await connection.call();
      latencies?.push(performance.now() - sent);
      calls++;
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < inFlight; i++) workers.push(worker(connections[i % connections.length]!));
  await Promise.all(workers);
  return { calls, elapsedMs: performance.now() - start };
}

type CpuUsage = NodeJS.CpuUsage;

const pendingServerCpu: ((usage: CpuUsage) => void)[] = [];

/** The server's cpuUsage, fetched through the parent. */
function serverCpu(): Promise<CpuUsage> {
  return new Promise((resolve) => {
    pendingServerCpu.push(resolve);
    void parent.send({ type: "server-cpu" });
  });
}

async function runScenario(
  connect: () => Promise<RpcConnection>,
  checkReply: (reply: unknown) => void,
  job: ScenarioJob,
): Promise<Message> {
  const connections: RpcConnection[] = [];
  try {
    for (let i = 0; i < job.connections; i++) connections.push(await connect());
    for (const connection of connections) checkReply(await connection.call());
    await closedLoop(connections, job.inFlight, job.warmupMs, undefined, job.warmupCalls);
    const latencies = new Latencies();
    const server0 = await serverCpu();
    const client0 = process.cpuUsage();
    const { calls, elapsedMs } = await closedLoop(
      connections,
      job.inFlight,
      job.measureMs,
      latencies,
    );
    const client = process.cpuUsage(client0);
    const server1 = await serverCpu();
    const sorted = latencies.sorted();
    const serverUs = server1.user - server0.user + (server1.system - server0.system);
    return {
      type: "result",
      calls,
      callsPerSec: (calls / elapsedMs) * 1000,
      p50Us: percentile(sorted, 50) * 1000,
      p99Us: percentile(sorted, 99) * 1000,
      clientCpuUs: (client.user + client.system) / calls,
      serverCpuUs: serverUs / calls,
    };
  } finally {
    await Promise.allSettled(connections.map((c) => c.close()));
  }
}

async function main(): Promise<void> {
  parent.exitWithParent();
  const system = process.argv[2] as RpcSystem;
  const port = Number(process.argv[3]);
  const adapter = await RPC_LOADERS[system]();
  let queue = Promise.resolve();
  parent.onMessage((message: Message) => {
    if (message.type === "server-cpu") {
      pendingServerCpu.shift()?.(message.usage as CpuUsage);
    } else if (message.type === "scenario") {
      const job = message as unknown as ScenarioJob;
      queue = queue
        .then(() =>
          runScenario(
            () => adapter.connect(port),
            (r) => adapter.checkReply(r),
            job,
          ),
        )
        .then(parent.send, parent.fail);
    } else if (message.type === "exit") {
      void queue.then(() => process.exit(0));
    }
  });
  await parent.send({ type: "ready" });
}

main().catch((error: unknown) => parent.fail(error));
