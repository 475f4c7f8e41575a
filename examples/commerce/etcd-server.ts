// A throwaway single-member etcd for `npm start -- --registry etcd` without `--etcd URL`: on
// loopback, on free ports, with its data in the run's temporary directory; stopped by its PID
// at the end. (The launcher removes the directory with the rest of the run's state.)
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

/** A running etcd the launcher started. */
export interface LocalEtcd {
  /** Its client URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly pid: number;
  /** Stops it (SIGTERM, then SIGKILL after `timeoutMs`); resolves once it exited. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Time etcd has to answer /health after it was started, in milliseconds. */
const HEALTHY_TIMEOUT_MS = 30_000;

/** The `etcd` executable on PATH, or undefined. */
export function findEtcd(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, "etcd");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Starts `etcd` with its data in `dataDir`; resolves once `/health` says it is healthy. */
export async function startEtcd(path: string, dataDir: string): Promise<LocalEtcd> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    path,
    [
      "--name=demo",
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=demo=${peer}`,
      "--log-level=error",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const etcd: LocalEtcd = {
    url,
    pid: child.pid!,
    stop: (timeoutMs) => stop(child, exited, timeoutMs),
  };
  const deadline = Date.now() + HEALTHY_TIMEOUT_MS;
  for (;;) {
    if (await healthy(url)) return etcd;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`etcd exited before it was healthy:\n${stderr}`);
    }
    if (Date.now() > deadline) {
      await etcd.stop();
      throw new Error(`etcd at ${url} was not healthy within ${HEALTHY_TIMEOUT_MS / 1000}s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(child: ChildProcess, exited: Promise<void>, timeoutMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  await exited;
  clearTimeout(timer);
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

/** A port free on 127.0.0.1 now (the OS picks it; etcd binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
