// The compiler pipeline: load (read + parse, includes) → check → emit. `checkFiles` stops after
// the checker; `compile` also emits one module per program, only when there is no error. The
// emitter (and prettier behind it) is imported on first use, so `idlc check` starts fast.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { checkPrograms } from "./check/check.js";
import type { Program } from "./check/model.js";
import { MAX_ERRORS, finalizeDiagnostics, type Diagnostic } from "./diagnostics.js";
import type { EmittedFile } from "./emit/file.js";
import { loadFiles, type LoadedFile, type Unreadable } from "./load.js";

export type { Unreadable };

/** Where the compiler reads files from, and the `-I` directories. */
export interface CheckOptions {
  /** A file's bytes, or why it cannot be read (undefined: no such file); default: from disk. */
  readonly readFile?: (path: string) => Uint8Array | Unreadable | undefined;
  /** Searched in order for includes not found beside the including file. */
  readonly includeDirs?: readonly string[];
}

/** The checked programs of a run and its diagnostics (sorted, deduplicated, capped). */
export interface CheckFilesResult {
  /** The entry files' programs, in the order given (files that could not be read are missing). */
  readonly programs: Program[];
  /** Every program of the run: the entries first, then the files they include. */
  readonly allPrograms: Program[];
  readonly diagnostics: Diagnostic[];
  /** True when more than {@link MAX_ERRORS} errors were found and the rest left out. */
  readonly omittedErrors: boolean;
  /** Every path the loader looked at, found or not (what `--watch` watches). */
  readonly inputs: readonly string[];
  /** The paths of the IDL files read: the entries and everything they include. */
  readonly files: readonly string[];
}

/** Emitted modules kept between runs (`--watch`): a program is re-emitted only if its input changed. */
export type EmitCache = Map<string, { readonly fingerprint: string; readonly output: EmittedFile }>;

export interface CompileOptions extends CheckOptions {
  readonly cache?: EmitCache;
}

/** The generated modules (none when there is an error) and the diagnostics of the run. */
export interface CompileResult {
  readonly outputs: EmittedFile[];
  readonly diagnostics: Diagnostic[];
  readonly omittedErrors: boolean;
  readonly inputs: readonly string[];
  readonly files: readonly string[];
}

/** Reads a file from disk; when it cannot, the OS's reason in a few words. */
export function readFileFromDisk(path: string): Uint8Array | Unreadable {
  try {
    return readFileSync(path);
  } catch (e) {
    return { reason: describeFsError(e) };
  }
}

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EISDIR: "is a directory",
  ENOTDIR: "a parent is not a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "already exists",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many symbolic links",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
};

/** A file-system error in a few lower-case words with its code, e.g. `is a directory (EISDIR)`. */
export function describeFsError(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string") return `${FS_REASONS[code] ?? "failed"} (${code})`;
  return e instanceof Error ? e.message : String(e);
}

/** Loads and checks the IDL files `paths` and everything they include. */
export function checkFiles(paths: readonly string[], options: CheckOptions = {}): CheckFilesResult {
  return run(paths, options).result;
}

/** Checks, then emits one TypeScript module per program (included ones too) when error-free. */
export async function compile(
  paths: readonly string[],
  options: CompileOptions = {},
): Promise<CompileResult> {
  const { result, files } = run(paths, options);
  const { diagnostics, omittedErrors, inputs } = result;
  const read = result.files;
  if (diagnostics.some((d) => d.severity === "error"))
    return { outputs: [], diagnostics, omittedErrors, inputs, files: read };
  const { emitProgram } = await import("./emit/file.js");
  const outputs: EmittedFile[] = [];
  for (const [program, file] of files) {
    const fingerprint = options.cache && fingerprintOf(file);
    const cached = options.cache?.get(program.path);
    if (cached !== undefined && cached.fingerprint === fingerprint) {
      outputs.push(cached.output);
      continue;
    }
    const output = await emitProgram(program);
    if (fingerprint !== undefined) options.cache?.set(program.path, { fingerprint, output });
    outputs.push(output);
  }
  return { outputs, diagnostics, omittedErrors, inputs, files: read };
}

function run(
  paths: readonly string[],
  options: CheckOptions,
): { result: CheckFilesResult; files: Map<Program, LoadedFile> } {
  const loaded = loadFiles(paths, {
    readFile: options.readFile ?? readFileFromDisk,
    includeDirs: options.includeDirs ?? [],
  });
  const checked = checkPrograms(loaded.files);
  const files = new Map<Program, LoadedFile>();
  const ordered = [...loaded.entries, ...loaded.files.filter((f) => !loaded.entries.includes(f))];
  for (const file of ordered) {
    const program = checked.programs.get(file);
    if (program !== undefined) files.set(program, file);
  }
  const allPrograms = [...files.keys()];
  const found = [...loaded.diagnostics, ...checked.diagnostics];
  const diagnostics = finalizeDiagnostics(found);
  const result: CheckFilesResult = {
    programs: allPrograms.slice(0, loaded.entries.length),
    allPrograms,
    diagnostics,
    omittedErrors: countErrors(diagnostics) === MAX_ERRORS && countErrors(found) > MAX_ERRORS,
    inputs: loaded.paths,
    files: loaded.files.map((f) => f.path),
  };
  return { result, files };
}

function countErrors(diagnostics: readonly Diagnostic[]): number {
  return diagnostics.reduce((n, d) => n + (d.severity === "error" ? 1 : 0), 0);
}

/** A hash of a file's text and of every file it includes, transitively (its module's inputs). */
function fingerprintOf(file: LoadedFile): string {
  const hash = createHash("sha256");
  const seen = new Set<LoadedFile>();
  const pending = [file];
  for (let f = pending.pop(); f !== undefined; f = pending.pop()) {
    if (seen.has(f)) continue;
    seen.add(f);
    hash.update(`${f.path}\0${f.source.text.length}\0${f.source.text}\0`);
    for (const include of f.includes) if (include.file) pending.push(include.file);
  }
  return hash.digest("hex");
}
