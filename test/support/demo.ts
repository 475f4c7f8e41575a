// Runs the commerce demo's launcher (`npm start`) as a test does: a child process with a time
// limit, its output collected, killed at the end of the test file if it is still running; and
// reads what a test checks from its output.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

/** The repository root, the launcher's working directory. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Upper bound for one demo run in these tests (startup compiles each replica with tsx). */
export const RUN_TIMEOUT_MS = 240_000;

/** How a demo run ended, and what it printed. */
export interface DemoRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const launched = new Set<ChildProcess>();

afterAll(() => {
  // The replicas notice their launcher is gone (IPC disconnect) and stop on their own.
  for (const child of launched) child.kill("SIGKILL");
});

/** Runs the launcher as `npm start` does; `onOutput` sees stdout as it grows. */
export function runDemo(
  args: readonly string[],
  onOutput?: (stdout: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DemoRun> {
  const child = spawn(
    process.execPath,
    ["--conditions=idlc-source", "--import", "tsx", "examples/commerce/main.ts", ...args],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  launched.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    onOutput?.(stdout);
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`demo did not exit within ${RUN_TIMEOUT_MS} ms\n${stdout}\n${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      launched.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Replica name → pid, from the launcher's `<name> ready on <address> (pid N)` lines. */
export function replicaPids(stdout: string): Map<string, number> {
  const pids = new Map<string, number>();
  for (const [, name, pid] of stdout.matchAll(/^\s+(\w+#\d+)\s+ready on \S+ \(pid (\d+)\)$/gm)) {
    pids.set(name!, Number(pid));
  }
  return pids;
}

/** Every pid the run printed: at start, and in the chaos timeline (`(pid N, …)`). */
export function allPids(stdout: string): number[] {
  return [...stdout.matchAll(/\(pid (\d+)/g)].map((m) => Number(m[1]));
}

/** Whether a process with this pid runs now. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The count in a summary table row such as `  OutOfStock      12`. */
export function errorCount(stdout: string, type: string): number {
  const row = new RegExp(`^\\s+${type.replace(/[()]/g, "\\$&")}\\s+(\\d+)$`, "m").exec(stdout);
  return row ? Number(row[1]) : 0;
}

/** The invariant lines of the summary (`✓ …` or `✗ FAILED: …`). */
export function invariantLines(stdout: string): string[] {
  return stdout.split("\n").filter((line) => /^\s+[✓✗]/.test(line));
}
