// Loopback helpers for network tests: a free 127.0.0.1 port, child processes that are always
// killed (at test end or process exit), and waiting for a line on a child's stdout with a timeout.
import { spawn, type ChildProcessWithoutNullStreams, type SpawnOptions } from "node:child_process";
import { createServer } from "node:net";
import { afterAll } from "vitest";

/** Finds a free TCP port on 127.0.0.1 by binding port 0 and closing again. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port from listen(0)");
  return address.port;
}

/** A spawned child with its output collected, and ways to wait for lines and to stop it. */
export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern` (waiting at most `timeoutMs`). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  exited(timeoutMs?: number): Promise<number | string>;
  /** Ends stdin, then SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

function describeChild(command: string, args: readonly string[]): string {
  return [command, ...args].join(" ");
}

const stoppers = new Set<() => Promise<void>>();

/** Stops every child spawned by this module that is still running. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...stoppers].map((stop) => stop()));
}

// Registered when a test file imports this module (collection time), so every child a file
// spawns is stopped when that file's tests are done, whichever test or hook spawned it.
afterAll(stopAllChildren);

/**
 * Spawns a child whose stdout and stderr are collected. The child is stopped after the importing
 * test file's tests (afterAll) and in any case killed when this process exits.
 */
export function spawnChild(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Child {
  const child = spawn(command, args, {
    ...options,
    stdio: ["pipe", "pipe", "pipe"],
  }) as ChildProcessWithoutNullStreams;
  live.add(child);
  killAllOnExit();
  let out = "";
  let err = "";
  let exitValue: number | string | undefined;
  const exitWaiters: ((value: number | string) => void)[] = [];
  const lineWaiters = new Set<() => void>();
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    out += chunk;
    for (const wake of lineWaiters) wake();
  });
  child.stderr.on("data", (chunk: string) => {
    err += chunk;
  });
  // A child that exits early must not crash the test run through an EPIPE on stdin.
  child.stdin.on("error", () => {});
  child.on("error", (e) => {
    err += `\nspawn error: ${String(e)}`;
  });
  child.on("close", (code, signal) => {
    live.delete(child);
    exitValue = code ?? signal ?? "unknown";
    for (const wake of lineWaiters) wake();
    for (const resolve of exitWaiters.splice(0)) resolve(exitValue);
  });
  const label = describeChild(command, args);

  const handle: Child = {
    process: child,
    stdout: () => out,
    stderr: () => err,
    waitForLine(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          for (const line of out.split("\n")) {
            const match = line.match(pattern);
            if (match) {
              finish();
              resolve(match);
              return true;
            }
          }
          if (exitValue !== undefined) {
            finish();
            reject(
              new Error(`${label} exited (${exitValue}) before printing ${pattern}\n${out}${err}`),
            );
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`${label}: no line ${pattern} within ${timeoutMs} ms\n${out}${err}`));
        }, timeoutMs);
        const wake = (): void => {
          check();
        };
        const finish = (): void => {
          clearTimeout(timer);
          lineWaiters.delete(wake);
        };
        lineWaiters.add(wake);
        check();
      });
    },
    exited(timeoutMs = 10_000) {
      if (exitValue !== undefined) return Promise.resolve(exitValue);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${label}: still running after ${timeoutMs} ms\n${out}${err}`)),
          timeoutMs,
        );
        exitWaiters.push((value) => {
          clearTimeout(timer);
          resolve(value);
        });
      });
    },
    async stop(graceMs = 2_000) {
      if (exitValue !== undefined) return;
      const gone = new Promise<void>((resolve) => exitWaiters.push(() => resolve()));
      child.stdin.end();
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
  stoppers.add(handle.stop);
  child.once("close", () => stoppers.delete(handle.stop));
  return handle;
}

/** Rejects with `message` if `promise` has not settled within `timeoutMs`. */
export async function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  message: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (after ${timeoutMs} ms)`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
