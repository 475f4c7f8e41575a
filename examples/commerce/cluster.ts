// Starts each service as its own Node process, watches it, and stops it. This is the launcher's
// plumbing, not idlc: in production a supervisor (systemd, Kubernetes) does this job.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** A service process that printed its ready line. */
export interface RunningService {
  readonly name: string;
  readonly pid: number;
  /** `127.0.0.1:port`, as the service printed it. */
  readonly address: string;
}

/** Why a service process ended, with the last lines it wrote to stderr. */
export interface ServiceExit {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: readonly string[];
}

/** Time a service has to print its ready line: tsx compiles the service on first start. */
const READY_TIMEOUT_MS = 60_000;
/** Stderr lines kept per service, to explain a crash. */
const STDERR_TAIL_LINES = 8;
/** Every service prints `<name> listening on <host>:<port>` once it accepts calls. */
const READY_LINE = /listening on (\S+:\d+)/;

interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly stderrTail: string[];
  readonly exited: Promise<ServiceExit>;
  stopping: boolean;
}

/** The set of service processes of one demo run. */
export class Cluster {
  readonly #children: Child[] = [];
  #shuttingDown = false;
  #reportDeath: (exit: ServiceExit) => void = () => {};

  /** Settles with the first service that exits without being asked to; pending otherwise. */
  readonly unexpectedExit: Promise<ServiceExit> = new Promise((resolve) => {
    this.#reportDeath = resolve;
  });

  constructor() {
    // If the launcher itself exits early (an exception, process.exit), take the services with it.
    process.once("exit", () => this.killAll());
  }

  /** Starts `services/<name>.ts` with `env` added and resolves once it prints its ready line. */
  start(name: string, env: Readonly<Record<string, string>>): Promise<RunningService> {
    const script = fileURLToPath(new URL(`services/${name}.ts`, import.meta.url));
    // `--import tsx` runs TypeScript directly; `idlc-source` maps `idlc/runtime` to the sources.
    const child = spawn(
      process.execPath,
      ["--conditions=idlc-source", "--import", "tsx", script],
      // The IPC channel is there only so a service notices when the launcher dies (services/serve.ts).
      { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe", "ipc"] },
    );
    const stderrTail: string[] = [];
    createInterface({ input: child.stderr! }).on("line", (line) => {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    });
    const exited = new Promise<ServiceExit>((resolve) => {
      child.once("exit", (code, signal) => resolve({ name, code, signal, stderrTail }));
    });
    const entry: Child = { name, process: child, stderrTail, exited, stopping: this.#shuttingDown };
    this.#children.push(entry);
    void exited.then((exit) => {
      if (!entry.stopping) this.#reportDeath(exit);
    });

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${name} did not start within ${READY_TIMEOUT_MS / 1000}s`));
      }, READY_TIMEOUT_MS);
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const ready = READY_LINE.exec(line);
        if (!ready) return;
        clearTimeout(timer);
        resolve({ name, pid: child.pid!, address: ready[1]! });
      });
      void exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`${name} ${describeExit(exit)} before it was ready${formatTail(exit)}`));
      });
    });
  }

  /**
   * Asks each named service to shut down gracefully (SIGTERM), in the order given, and waits
   * for it to exit; one that takes longer than `timeoutMs` is killed.
   */
  async stop(names: readonly string[], timeoutMs: number): Promise<ServiceExit[]> {
    const exits: ServiceExit[] = [];
    for (const name of names) {
      const child = this.#children.find((c) => c.name === name);
      if (!child) continue;
      child.stopping = true;
      if (child.process.exitCode === null && child.process.signalCode === null) {
        child.process.kill("SIGTERM");
      }
      const timer = setTimeout(() => child.process.kill("SIGKILL"), timeoutMs);
      exits.push(await child.exited);
      clearTimeout(timer);
    }
    return exits;
  }

  /** From now on, a service that exits is not reported as unexpected (we are shutting down). */
  expectExits(): void {
    this.#shuttingDown = true;
    for (const child of this.#children) child.stopping = true;
  }

  /** Kills every service that is still running, at once (SIGKILL). */
  killAll(): void {
    this.expectExits();
    for (const child of this.#children) {
      if (child.process.exitCode === null && child.process.signalCode === null) {
        child.process.kill("SIGKILL");
      }
    }
  }
}

/** "exited with code 1", "was killed by SIGKILL". */
export function describeExit({ code, signal }: ServiceExit): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/** The stderr tail as indented lines, or nothing when the service wrote none. */
export function formatTail({ stderrTail }: ServiceExit): string {
  if (stderrTail.length === 0) return " (no output on stderr)";
  return `; last lines on stderr:\n${stderrTail.map((line) => `    | ${line}`).join("\n")}`;
}
