// `idlc compile <files…> [-o dir] [--watch]`: check, emit, and write the modules whose content
// changed. With --watch, recompile when an IDL file or an include changes; a run with errors
// writes nothing, so the last good output stays in place.
import { dirname, join, resolve } from "node:path";
import { usageError, type Command, type UsageError } from "./cli-args.js";
import { printDiagnostics, warnMissingIncludeDirs, type CliIo } from "./cli-io.js";
import { describeFsError } from "./compile.js";
import { compile, createCompileCache, type CompileCache } from "./index.js";

type CompileCommand = Extract<Command, { kind: "compile" }>;

/** How long `--watch` waits after the last change before recompiling (editors save in bursts). */
export const WATCH_DEBOUNCE_MS = 100;

/**
 * Runs `idlc compile`; resolves to the exit status (0 ok, 1 errors in the input or an output that
 * cannot be written), after Ctrl-C with --watch.
 */
export async function runCompile(command: CompileCommand, io: CliIo): Promise<number | UsageError> {
  const clash = command.files.find((f) => resolve(f) === resolve(command.outDir));
  if (clash !== undefined)
    return usageError(`-o "${command.outDir}" is the input file "${clash}"; give a directory`);
  if (io.kindOf(command.outDir) === "file") {
    io.stderr(`idlc: cannot write to "${command.outDir}": it is a file, not a directory\n`);
    return 1;
  }
  warnMissingIncludeDirs(command.includeDirs, io);
  const cache = createCompileCache();
  const first = await compileOnce(command, io, cache);
  if (!command.watch) return first.ok ? 0 : 1;
  return watch(command, io, cache, first.inputs);
}

async function compileOnce(
  command: CompileCommand,
  io: CliIo,
  cache: CompileCache,
): Promise<{ ok: boolean; inputs: readonly string[] }> {
  const result = await compile(command.files, {
    readFile: (path) => io.readFile(path),
    includeDirs: command.includeDirs,
    cache,
  });
  printDiagnostics(result, command.format, io);
  // In JSON mode stdout carries only diagnostics; progress goes to stderr.
  const say = (line: string) =>
    command.format === "json" ? io.stderr(`${line}\n`) : io.stdout(`${line}\n`);
  if (!result.ok) {
    if (command.watch) say(`not written: errors above (keeping the last good output)`);
    return { ok: false, inputs: result.inputs };
  }
  for (const output of result.modules) {
    const target = join(command.outDir, output.path);
    const existing = io.readFile(target);
    if (existing instanceof Uint8Array && new TextDecoder().decode(existing) === output.text) {
      say(`unchanged ${target}`);
      continue;
    }
    const failure = writeOutput(target, output.text, io);
    if (failure !== undefined) {
      io.stderr(`idlc: ${failure}\n`);
      return { ok: false, inputs: result.inputs };
    }
    say(`wrote ${target}`);
  }
  return { ok: true, inputs: result.inputs };
}

/** Writes one output file and its directory; on failure, what failed and the OS's reason. */
function writeOutput(target: string, text: string, io: CliIo): string | undefined {
  const dir = dirname(target);
  try {
    io.makeDir(dir);
  } catch (e) {
    if (!isFsError(e)) throw e;
    return `cannot create directory "${dir}": ${describeFsError(e)}`;
  }
  try {
    io.writeFile(target, text);
  } catch (e) {
    if (!isFsError(e)) throw e;
    return `cannot write "${target}": ${describeFsError(e)}`;
  }
  return undefined;
}

/** An error the file system raised (it has a code such as `EACCES`); anything else is a bug. */
function isFsError(e: unknown): boolean {
  return typeof (e as { code?: unknown } | null)?.code === "string";
}

/** Recompiles on every change of a watched IDL file until the user interrupts. */
async function watch(
  command: CompileCommand,
  io: CliIo,
  cache: CompileCache,
  firstInputs: readonly string[],
): Promise<number> {
  let dirs = watchedDirs(command.files, firstInputs);
  let watcher = io.watch(dirs, onChange);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let queue = Promise.resolve();

  function onChange(path: string): void {
    if (!/\.(thrift|idl)$/i.test(path)) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(recompile, WATCH_DEBOUNCE_MS);
  }

  function recompile(): void {
    timer = undefined;
    queue = queue.then(async () => {
      if (io.interrupt.aborted) return;
      io.stderr(`change detected; recompiling\n`);
      try {
        const { inputs } = await compileOnce(command, io, cache);
        const next = watchedDirs(command.files, inputs);
        if (next.join("\n") !== dirs.join("\n")) {
          watcher.close();
          dirs = next;
          watcher = io.watch(dirs, onChange);
        }
      } catch (e) {
        // An idlc bug while watching: say so and keep watching the user's files.
        io.stderr(`idlc: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    });
  }

  io.stderr(
    `watching ${dirs.length} director${dirs.length === 1 ? "y" : "ies"} (Ctrl-C to stop)\n`,
  );
  await new Promise<void>((done) => {
    if (io.interrupt.aborted) done();
    else io.interrupt.addEventListener("abort", () => done(), { once: true });
  });
  if (timer !== undefined) clearTimeout(timer);
  watcher.close();
  await queue;
  return 0;
}

/** The directories of the entry files and of every file the loader looked at, each once. */
function watchedDirs(files: readonly string[], inputs: readonly string[]): string[] {
  const dirs = new Map<string, string>();
  for (const path of [...files, ...inputs]) {
    const dir = dirname(path);
    dirs.set(resolve(dir), dir);
  }
  return [...dirs.values()].sort();
}
