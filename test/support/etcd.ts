// A real single-member etcd on 127.0.0.1 for tests: free client and peer ports, a fresh data
// directory, ready once `/health` answers. It can be stopped and started again on the same
// ports and data (to test outages), and is always killed and its data removed in the end.
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnChild, type Child } from "./loopback.js";
import { requireTool } from "./tools.js";

/** A running (or stopped) test etcd. */
export interface TestEtcd {
  /** Its client URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Whether the process runs now. */
  readonly running: boolean;
  /** Stops the process, keeping its data (an outage). */
  stop(): Promise<void>;
  /** SIGKILLs the process (a crash), keeping its data; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data; resolves once healthy. */
  start(): Promise<void>;
  /** Stops it and deletes its data directory. */
  dispose(): Promise<void>;
}

/** GETs `/health`; true when etcd says it is healthy. */
function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/health`, { agent: false, timeout: 1_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve(res.statusCode === 200 && text.includes('"true"')));
      res.on("error", () => resolve(false));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** Starts etcd; resolves once `/health` answers (at most `timeoutMs`). */
export async function startEtcd(timeoutMs = 20_000): Promise<TestEtcd> {
  const path = requireTool("etcd").path;
  if (path === undefined) throw new Error("etcd is not installed (apt-get install etcd-server)");
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), "idlc-etcd-"));
  const args = [
    "--name=default",
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    // Short raft timers: a single member elects itself sooner after a (re)start.
    "--heartbeat-interval=25",
    "--election-timeout=250",
    "--log-level=warn",
  ];
  let child: Child | undefined;

  const start = async (): Promise<void> => {
    child = spawnChild(path, args);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await healthy(url)) return;
      if (child.process.exitCode !== null || child.process.signalCode !== null)
        throw new Error(`etcd exited before it was healthy:\n${child.stderr().slice(-2000)}`);
      if (Date.now() > deadline) {
        await child.stop();
        throw new Error(`etcd at ${url} not healthy within ${timeoutMs} ms:\n${child.stderr()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    await running?.stop(5_000);
  };

  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined) return;
    running.process.kill("SIGKILL");
    await running.exited(5_000);
  };

  try {
    await start();
  } catch (error) {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    get running() {
      return child !== undefined;
    },
    stop,
    kill,
    start,
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
