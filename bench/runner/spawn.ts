// Child processes of the benchmark: node with tsx and the idlc-source condition, optionally
// pinned to one core with taskset, talking to the parent over the IPC channel. Every child is
// tracked and killed when the parent exits or fails.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { ROOT } from "../peers/generate.js";

/** A message between the benchmark and a child: a `type` and any JSON fields. */
export interface Message {
  readonly type: string;
  readonly [key: string]: unknown;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every child still running (SIGKILL: a benchmark child holds nothing worth saving). */
export function killAllChildren(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", killAllChildren);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      killAllChildren();
      process.exit(130);
    });
  }
}

let tasksetWorks: boolean | undefined;

/** Whether processes can be pinned to cores 0 and 1 here (taskset present, two cores or more). */
export function canPin(): boolean {
  if (tasksetWorks === undefined) {
    const probe = spawnSync("taskset", ["-c", "1", "true"], { timeout: 5_000 });
    tasksetWorks = probe.status === 0 && availableParallelism() >= 2;
  }
  return tasksetWorks;
}

/** How to start a child. */
export interface ChildOptions {
  /** Pin the child to this core (ignored when pinning is unavailable). */
  readonly cpu?: number;
  /** Extra node flags (e.g. --expose-gc). */
  readonly nodeFlags?: readonly string[];
}

/** A running child with an awaitable message queue. */
export class Child {
  private readonly process: ChildProcess;
  private readonly queue: Message[] = [];
  private readonly waiters: ((message: Message | Error) => void)[] = [];
  private stderr = "";
  private ended: Error | undefined;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;

  constructor(script: string, args: readonly string[], options: ChildOptions = {}) {
    installExitHook();
    const node = [
      process.execPath,
      "--conditions=idlc-source",
      "--import",
      "tsx",
      "--no-deprecation",
      ...(options.nodeFlags ?? []),
      script,
      ...args,
    ];
    const pinned = options.cpu !== undefined && canPin();
    const [command, ...commandArgs] = pinned
      ? ["taskset", "-c", String(options.cpu), ...node]
      : node;
    this.process = spawn(command!, commandArgs, {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "pipe", "ipc"],
      serialization: "json",
    });
    live.add(this.process);
    this.process.stderr!.setEncoding("utf8");
    this.process.stderr!.on("data", (text: string) => {
      this.stderr = (this.stderr + text).slice(-4000);
    });
    this.process.on("message", (message: Message) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
    this.exited = new Promise((resolve) => {
      this.process.on("exit", (code, signal) => {
        live.delete(this.process);
        const detail = this.stderr.trim() ? `:\n${this.stderr.trim()}` : "";
        this.ended = new Error(`child ${script} exited (${signal ?? code})${detail}`);
        for (const waiter of this.waiters.splice(0)) waiter(this.ended);
        resolve(code);
      });
    });
  }

  /** Sends a message to the child. */
  send(message: Message): void {
    if (this.ended === undefined) this.process.send(message);
  }

  /**
   * The next message from the child; rejects if the child exits first, reports an `error`
   * message, or says nothing for `timeoutMs`.
   */
  async next(timeoutMs: number): Promise<Message> {
    const queued = this.queue.shift();
    const message =
      queued ??
      (await new Promise<Message | Error>((resolve) => {
        if (this.ended) return resolve(this.ended);
        const timer = setTimeout(() => {
          const i = this.waiters.indexOf(deliver);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve(new Error(`child said nothing for ${timeoutMs} ms`));
        }, timeoutMs);
        const deliver = (m: Message | Error): void => {
          clearTimeout(timer);
          resolve(m);
        };
        this.waiters.push(deliver);
      }));
    if (message instanceof Error) throw message;
    if (message.type === "error") throw new Error(String(message.message));
    return message;
  }

  /** The next message, which must be of `type`. */
  async expect(type: string, timeoutMs: number): Promise<Message> {
    const message = await this.next(timeoutMs);
    if (message.type !== type)
      throw new Error(`expected "${type}" from child, got "${message.type}"`);
    return message;
  }

  /** Kills the child (if still running) and waits for it to exit. */
  async kill(): Promise<void> {
    if (this.ended === undefined) this.process.kill("SIGKILL");
    await this.exited;
  }

  /** Waits up to `ms` for a clean exit, then kills. */
  async finish(ms = 5_000): Promise<void> {
    const timer = setTimeout(() => void this.kill(), ms);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * The child side: sends messages to the parent and exits when the parent goes away, so no child
 * outlives a benchmark that crashed.
 */
export const parent = {
  /** Sends a message; resolves once it is handed to the IPC channel. */
  send(message: Message): Promise<void> {
    return new Promise((resolve) => {
      if (!process.send) throw new Error("not started by the benchmark (no IPC channel)");
      process.send(message, undefined, undefined, () => resolve());
    });
  },
  /** Calls `handler` for each message from the parent. */
  onMessage(handler: (message: Message) => void): void {
    process.on("message", handler);
  },
  /** Exits with code 1 when the parent disconnects. */
  exitWithParent(): void {
    process.on("disconnect", () => process.exit(1));
  },
  /** Reports an error to the parent and exits with code 1. */
  async fail(error: unknown): Promise<never> {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    await parent.send({ type: "error", message }).catch(() => {});
    process.exit(1);
  },
};
