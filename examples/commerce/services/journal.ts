// The state every replica of a service shares: one append-only log of commands per service, a
// file in the run's state directory (STATE_DIR). Each replica is a copy of one deterministic
// state machine: it applies every command of the log in log order, its own and the other
// replicas', so all replicas reach the same state, and a replica that is killed and started
// again rebuilds it by replaying the log from the start. Nothing is lost with a replica, because
// a write is on file before its caller hears back.
//
// A write appends its command (one `write()` of one line with O_APPEND: Linux serializes
// appends to a file, so lines never interleave and the log order is the order of the appends),
// then reads the log up to and including that line and returns what applying it gave. A
// check-and-set ("is there enough stock? then take it") is decided when the command is applied,
// against the state all earlier commands left, so two replicas racing for the last unit get
// one yes and one no, as one process would. A read first applies what others appended, so it
// sees every write that finished before it started.
//
// Everything here is synchronous, so one replica never runs two commands at once. Without
// STATE_DIR (a service run on its own) the log is kept in memory only.
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";

/** A replica's view of its service's log. */
export interface Journal<Command> {
  /** Applies the commands other replicas appended since the last catch-up. */
  catchUp(): void;
  /** Appends `command`, applies the log up to it, and returns (or throws) what it gave. */
  run<Result>(command: Command): Result;
  /** Closes the log file. */
  close(): void;
}

/** Applies one command to the state; what it returns or throws is the command's result. */
export type Apply<Command> = (command: Command) => unknown;

/** Bytes read from the log per read() call. */
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Opens `<dir>/<service>.log` (`dir` defaults to STATE_DIR), replaying what it holds; without a
 * directory the log is kept in memory only.
 */
export function openJournal<Command>(
  service: string,
  apply: Apply<Command>,
  dir = process.env.STATE_DIR,
): Journal<Command> {
  if (dir === undefined || dir === "") return memoryJournal(apply);
  return new FileJournal(join(dir, `${service}.log`), apply);
}

function memoryJournal<Command>(apply: Apply<Command>): Journal<Command> {
  return {
    catchUp() {},
    run: <Result>(command: Command) => apply(command) as Result,
    close() {},
  };
}

/** A command as one log line: who wrote it (to find one's own result) and what it says. */
interface Line<Command> {
  readonly writer: string;
  readonly command: Command;
}

/** Journals opened by this process, to tell their lines apart. */
let instances = 0;

class FileJournal<Command> implements Journal<Command> {
  readonly #apply: Apply<Command>;
  readonly #appendFd: number;
  readonly #readFd: number;
  readonly #chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  /** Bytes of the log read so far, and the bytes of a line not complete yet. */
  #position = 0;
  #partial: Buffer = Buffer.alloc(0);
  /** Tags this journal's lines (pid and instance), to find its own results among the others'. */
  readonly #me = `${process.pid}.${++instances}`;
  #written = 0;

  readonly #path: string;

  constructor(path: string, apply: Apply<Command>) {
    this.#path = path;
    this.#apply = apply;
    this.#appendFd = openSync(path, "a");
    this.#readFd = openSync(path, "r");
    this.catchUp();
  }

  catchUp(): void {
    this.#readLines(undefined);
  }

  run<Result>(command: Command): Result {
    this.catchUp();
    const writer = `${this.#me}-${++this.#written}`;
    const line: Line<Command> = { writer, command };
    writeSync(this.#appendFd, `${JSON.stringify(line, encodeValue)}\n`);
    const outcome = this.#readLines(writer);
    if (outcome === undefined)
      throw new Error(`journal: line ${writer} was appended but not read back`);
    if (outcome.kind === "threw") throw outcome.error;
    return outcome.value as Result;
  }

  close(): void {
    closeSync(this.#appendFd);
    closeSync(this.#readFd);
  }

  /** Reads and applies every complete new line; returns the outcome of `mine` if it was one. */
  #readLines(mine: string | undefined): Outcome | undefined {
    let found: Outcome | undefined;
    for (;;) {
      const read = readSync(this.#readFd, this.#chunk, 0, READ_CHUNK_BYTES, this.#position);
      if (read === 0) return found;
      this.#position += read;
      let bytes = Buffer.concat([this.#partial, this.#chunk.subarray(0, read)]);
      const end = bytes.lastIndexOf(0x0a);
      // A line another replica is writing right now may be read half: keep it for next time.
      this.#partial = Buffer.from(bytes.subarray(end + 1));
      bytes = bytes.subarray(0, end + 1);
      for (const text of bytes.toString("utf8").split("\n")) {
        if (text === "") continue;
        let line: Line<Command>;
        try {
          line = JSON.parse(text, decodeValue) as Line<Command>;
        } catch (error) {
          // Appends are whole lines, so this is a damaged file: stop rather than diverge.
          throw new Error(`journal ${this.#path}: unreadable line before byte ${this.#position}`, {
            cause: error,
          });
        }
        const outcome = this.#applyOne(line.command);
        if (line.writer === mine) found = outcome;
      }
    }
  }

  #applyOne(command: Command): Outcome {
    try {
      return { kind: "returned", value: this.#apply(command) };
    } catch (error) {
      // Another replica's command that failed (OutOfStock, …) changed nothing: only its writer cares.
      return { kind: "threw", error };
    }
  }
}

type Outcome = { kind: "returned"; value: unknown } | { kind: "threw"; error: unknown };

// JSON has no bigint, Map, Set or bytes; generated types use all four. Tagged objects carry them.
function encodeValue(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (value instanceof Map) return { $map: [...value] };
  if (value instanceof Set) return { $set: [...value] };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString("base64") };
  return value;
}

function decodeValue(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const tagged = value as Record<string, unknown>;
  if (typeof tagged.$bigint === "string") return BigInt(tagged.$bigint);
  if (Array.isArray(tagged.$map)) return new Map(tagged.$map as [unknown, unknown][]);
  if (Array.isArray(tagged.$set)) return new Set(tagged.$set);
  if (typeof tagged.$bytes === "string")
    return new Uint8Array(Buffer.from(tagged.$bytes, "base64"));
  return value;
}
