// Keeps `npm run bench:cores` from rotting: a --quick run starts 1 and then 2 server processes,
// both of the 2 serve calls (the client channel spreads over them), and it prints each rate and
// the ratio; then round-robin and p2c over a fast and a slow replica. No figure is asserted: the machine running tests is no benchmark machine.
import { spawn } from "node:child_process";
import { expect, test } from "vitest";
import { ROOT } from "./support/demo.js";

const RUN_TIMEOUT_MS = 180_000;

test(
  "bench:cores --quick measures 1 and 2 server processes and prints the ratio",
  async () => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=idlc-source",
        "--import",
        "tsx",
        "bench/cores.ts",
        "--quick",
        "--in-flight",
        "8",
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
      child.once("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toMatch(
      /^ {2}run 1: 1 server process : \d+ calls\/s \(served per process: [1-9]\d*\)$/m,
    );
    const two =
      /^ {2}run 1: 2 server processes: \d+ calls\/s \(served per process: (\d+) \/ (\d+)\)$/m.exec(
        stdout,
      );
    expect(two, stdout).not.toBeNull();
    // Both processes did work: the second one is really used, not just started.
    expect(Number(two![1])).toBeGreaterThan(0);
    expect(Number(two![2])).toBeGreaterThan(0);
    expect(stdout).toMatch(/^ratio 2 \/ 1: \d+\.\d\dx$/m);
    // The balancing part: both policies measured over a fast and a slow replica.
    for (const balance of ["round-robin", "p2c"])
      expect(stdout).toMatch(
        new RegExp(`^ {2}run 1: ${balance} +\\d+ calls/s, p99 [\\d.]+ ms`, "m"),
      );
    expect(stdout).toMatch(/^p2c \/ round-robin: \d+\.\d\dx calls\/s, \d+\.\d\dx p99$/m);
  },
  RUN_TIMEOUT_MS,
);
