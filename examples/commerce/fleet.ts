// Starts each service as several replicas, each its own Node process on its own port, watches
// them, and stops, kills and restarts them. This is the launcher's plumbing, not idlc: in
// production a supervisor (systemd, Kubernetes) does this job. With the static registry the
// fleet is also the registry: it lists a replica once it printed its ready line, takes it off
// before it asks it to stop or as soon as it died, and sends the new lists to every replica over
// the IPC channel it has to each (services/discovery.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  createListSource,
  type EndpointsMessage,
  type ListSource,
  type Registry,
  type ReplicaMessage,
} from "./services/discovery.js";
import { SERVICE_NAMES, type ServiceName } from "./service-names.js";

/** One process of one replica slot (`orders#2`); a restart is a new process in the same slot. */
export interface Replica {
  readonly service: ServiceName;
  /** The slot, from 1. */
  readonly slot: number;
  /** 1 for the first process of the slot, 2 after one restart, … */
  readonly generation: number;
  readonly pid: number;
  /** `127.0.0.1:port`, as the replica printed it. */
  readonly address: string;
  /** Calls it served, as it last reported them. */
  readonly served: number;
  /** Set once the process exited. */
  readonly exit: ServiceExit | undefined;
}

/** Why a process ended, with the last lines it wrote to stderr. */
export interface ServiceExit {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: readonly string[];
}

/** Time a replica has to print its ready line: tsx compiles the service on first start. */
const READY_TIMEOUT_MS = 90_000;
/** Stderr lines kept per process, to explain a crash. */
const STDERR_TAIL_LINES = 8;
/** Every service prints `<name> listening on <host>:<port>` once it accepts calls. */
const READY_LINE = /listening on (\S+:\d+)/;

interface Entry {
  service: ServiceName;
  slot: number;
  generation: number;
  process: ChildProcess;
  address: string | undefined;
  served: number;
  exit: ServiceExit | undefined;
  readonly exited: Promise<ServiceExit>;
  /** Asked to stop or killed on purpose: its exit is not a failure. */
  expected: boolean;
}

/** The replicas of one demo run. */
export class Fleet {
  readonly #env: Readonly<Record<string, string>>;
  readonly #registry: Registry;
  readonly #entries: Entry[] = [];
  /** The launcher's own view of the static registry, one source per service. */
  readonly #lists = new Map<ServiceName, ListSource>(
    SERVICE_NAMES.map((name) => [name, createListSource(false)]),
  );
  #shuttingDown = false;
  #reportDeath: (exit: ServiceExit) => void = () => {};

  /** Settles with the first replica that exits without being asked to; pending otherwise. */
  readonly unexpectedExit: Promise<ServiceExit> = new Promise((resolve) => {
    this.#reportDeath = resolve;
  });

  /** `env` is added to every replica's environment (PROTOCOL, REGISTRY, STATE_DIR, …). */
  constructor(env: Readonly<Record<string, string>>, registry: Registry) {
    this.#env = env;
    this.#registry = registry;
    // If the launcher itself exits early (an exception, process.exit), take the replicas with it.
    process.once("exit", () => this.killAll());
  }

  /** The static registry's list of `service`, as an EndpointSource (the launcher's clients use it). */
  listOf(service: ServiceName): ListSource {
    return this.#lists.get(service)!;
  }

  /** Every process started so far, in start order. */
  replicas(): Replica[] {
    return this.#entries.map((e) => ({
      service: e.service,
      slot: e.slot,
      generation: e.generation,
      pid: e.process.pid ?? 0,
      address: e.address ?? "",
      served: e.served,
      exit: e.exit,
    }));
  }

  /** The running process of a slot. */
  running(service: ServiceName, slot: number): Replica | undefined {
    return this.replicas().find(
      (r) => r.service === service && r.slot === slot && r.exit === undefined && r.address !== "",
    );
  }

  /** Starts a process in `service`'s `slot`; resolves once it is ready (and listed). */
  start(service: ServiceName, slot: number): Promise<Replica> {
    const script = fileURLToPath(new URL(`services/${service}.ts`, import.meta.url));
    const generation =
      this.#entries.filter((e) => e.service === service && e.slot === slot).length + 1;
    const name = replicaName(service, slot, generation);
    // `--import tsx` runs TypeScript directly; `idlc-source` maps `idlc/runtime` to the sources.
    const child = spawn(
      process.execPath,
      ["--conditions=idlc-source", "--import", "tsx", script],
      // The IPC channel carries the static registry's lists and the served counts, and lets a
      // replica notice when the launcher dies (services/serve.ts).
      { env: { ...process.env, ...this.#env }, stdio: ["ignore", "pipe", "pipe", "ipc"] },
    );
    const stderrTail: string[] = [];
    createInterface({ input: child.stderr! }).on("line", (line) => {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    });
    const exited = new Promise<ServiceExit>((resolve) => {
      child.once("exit", (code, signal) => resolve({ name, code, signal, stderrTail }));
    });
    const entry: Entry = {
      service,
      slot,
      generation,
      process: child,
      address: undefined,
      served: 0,
      exit: undefined,
      exited,
      expected: this.#shuttingDown,
    };
    this.#entries.push(entry);
    child.on("message", (message: ReplicaMessage) => {
      if (message.kind === "served") entry.served = message.calls;
      else if (message.kind === "endpoints?") this.#tell(entry);
    });
    // The child's IPC channel may close before we write to it: nothing to do about that.
    child.on("error", () => {});
    void exited.then((exit) => {
      entry.exit = exit;
      this.#publish(); // a dead replica leaves the static registry at once
      if (!entry.expected) this.#reportDeath(exit);
    });

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${name} did not start within ${READY_TIMEOUT_MS / 1000}s`));
      }, READY_TIMEOUT_MS);
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const ready = READY_LINE.exec(line);
        if (!ready || entry.address !== undefined) return;
        clearTimeout(timer);
        entry.address = ready[1]!;
        this.#publish();
        resolve(this.replicas().find((r) => r.pid === child.pid)!);
      });
      void exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`${name} ${describeExit(exit)} before it was ready${formatTail(exit)}`));
      });
    });
  }

  /** SIGKILLs a running replica (chaos); resolves with its exit. */
  async kill(replica: Replica): Promise<ServiceExit> {
    const entry = this.#entry(replica);
    entry.expected = true;
    entry.process.kill("SIGKILL");
    return entry.exited;
  }

  /**
   * Stops a replica gracefully: off the static registry first (an etcd replica deregisters
   * itself), then SIGTERM, and waits for it to exit; one that takes longer than `timeoutMs` is
   * killed.
   */
  stop(replica: Replica, timeoutMs: number): Promise<ServiceExit> {
    return this.#stop(this.#entry(replica), timeoutMs);
  }

  async #stop(entry: Entry, timeoutMs: number): Promise<ServiceExit> {
    entry.expected = true;
    entry.address = undefined;
    this.#publish();
    if (entry.exit === undefined) entry.process.kill("SIGTERM");
    const timer = setTimeout(() => entry.process.kill("SIGKILL"), timeoutMs);
    const exit = await entry.exited;
    clearTimeout(timer);
    return exit;
  }

  /** Stops every running replica of the services, in the order given, each service at once. */
  async stopAll(order: readonly ServiceName[], timeoutMs: number): Promise<ServiceExit[]> {
    this.expectExits();
    const exits: ServiceExit[] = [];
    for (const service of order) {
      const running = this.#entries.filter((e) => e.service === service && e.exit === undefined);
      const stopped = await Promise.all(running.map((e) => this.#stop(e, timeoutMs)));
      exits.push(...stopped);
    }
    return exits;
  }

  /** From now on, a replica that exits is not reported as unexpected (we are shutting down). */
  expectExits(): void {
    this.#shuttingDown = true;
    for (const entry of this.#entries) entry.expected = true;
  }

  /** Kills every replica that is still running, at once (SIGKILL). */
  killAll(): void {
    this.expectExits();
    for (const entry of this.#entries) {
      if (entry.process.exitCode === null && entry.process.signalCode === null) {
        entry.process.kill("SIGKILL");
      }
    }
  }

  #entry(replica: Replica): Entry {
    const entry = this.#entries.find((e) => e.process.pid === replica.pid);
    if (!entry) throw new Error(`no replica with pid ${replica.pid}`);
    return entry;
  }

  /** The lists of the static registry now: the ready, running replicas of each service. */
  #currentLists(): Record<string, string[]> {
    const lists: Record<string, string[]> = {};
    for (const name of SERVICE_NAMES) lists[name] = [];
    for (const e of this.#entries) {
      if (e.address !== undefined && e.exit === undefined) lists[e.service]!.push(e.address);
    }
    return lists;
  }

  /** Updates the launcher's sources and tells every replica (static registry only). */
  #publish(): void {
    if (this.#registry.kind !== "static") return;
    const lists = this.#currentLists();
    for (const [name, source] of this.#lists) source.set(lists[name] ?? []);
    for (const entry of this.#entries) this.#tell(entry, lists);
  }

  #tell(entry: Entry, lists = this.#currentLists()): void {
    if (this.#registry.kind !== "static") return;
    if (entry.exit !== undefined || !entry.process.connected) return;
    const message: EndpointsMessage = { kind: "endpoints", lists };
    entry.process.send(message);
  }
}

/** `orders#2`, and `orders#2 (restart 1)` for the slot's second process. */
export function replicaName(service: string, slot: number, generation: number): string {
  return generation === 1 ? `${service}#${slot}` : `${service}#${slot} (restart ${generation - 1})`;
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
