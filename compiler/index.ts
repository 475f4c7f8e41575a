// The compiler as a library (`idlc/compiler`): IDL text in, diagnostics and TypeScript modules out,
// in memory. Every type a caller sees is declared here as plain data, so the published
// declarations are this one file and never leak the compiler's internal classes.
import {
  compile as compilePrograms,
  checkFiles,
  readFileFromDisk,
  type CompileOptions as InternalOptions,
  type EmitCache,
} from "./compile.js";
import {
  diagnosticToJson,
  formatDiagnostic,
  formatSummary,
  type Diagnostic as InternalDiagnostic,
} from "./diagnostics.js";

/** Where the compiler finds IDL files: in memory, on disk, or both. */
export interface CompilerOptions {
  /**
   * IDL text by path, e.g. `{ "shop.thrift": "struct Item {}" }`. Includes resolve against
   * these paths first. Default: none.
   */
  readonly files?: Readonly<Record<string, string>>;
  /**
   * Reads a path that `files` does not have: its text or bytes, undefined when there is no such
   * file, or why it cannot be read (`{ reason: "permission denied" }`, shown in the diagnostic).
   * Default: read from disk when `files` is not given, nothing otherwise.
   */
  readonly readFile?: (
    path: string,
  ) => string | Uint8Array | { readonly reason: string } | undefined;
  /** Searched in order for includes not found beside the including file (`-I`). Default: none. */
  readonly includeDirs?: readonly string[];
}

/** What {@link compile} keeps between runs of a watcher: a file is re-emitted only if it changed. */
export interface CompileCache {
  readonly kind: "compile-cache";
}

const caches = new WeakMap<CompileCache, EmitCache>();

/** A new, empty {@link CompileCache}, for one watcher (or one long-lived tool). */
export function createCompileCache(): CompileCache {
  const cache: CompileCache = { kind: "compile-cache" };
  caches.set(cache, new Map());
  return cache;
}

/** A secondary place a diagnostic points at, e.g. where a duplicated name was first used. */
export interface RelatedLocation {
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in UTF-16 units. */
  readonly column: number;
  readonly message: string;
}

/** One problem found in the input. */
export interface CompilerDiagnostic {
  readonly severity: "error" | "warning";
  /** A stable kebab-case id, e.g. `unknown-type`. */
  readonly code: string;
  /** One lower-case line, e.g. `unknown type "Mony"`. */
  readonly message: string;
  /** The path as given (or as found through an include). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly related?: readonly RelatedLocation[];
  /** The diagnostic as `idlc` prints it: `path:line:col: severity: message` and a code frame. */
  readonly text: string;
}

/** What {@link check} found. */
export interface CheckResult {
  /** True when there is no error (warnings allowed). */
  readonly ok: boolean;
  /** Every diagnostic, sorted by file and position; at most 100 errors. */
  readonly diagnostics: readonly CompilerDiagnostic[];
  /** The closing count line, e.g. `2 errors, 1 warning` (empty when there is nothing). */
  readonly summary: string;
  /** True when more than 100 errors were found and the rest left out. */
  readonly omittedErrors: boolean;
  /** Every IDL file the run read: the entries and what they include. */
  readonly files: readonly string[];
  /** Every path looked at, found or not (a missing include too): what a watcher should watch. */
  readonly inputs: readonly string[];
}

/** One generated TypeScript module. */
export interface GeneratedModule {
  /** Where it goes, relative to the output directory, e.g. `shop.ts`. */
  readonly path: string;
  /** The module's text, prettier-formatted. */
  readonly text: string;
}

/** What {@link compile} produced: the modules (none when there is an error) and the diagnostics. */
export interface CompileResult extends CheckResult {
  readonly modules: readonly GeneratedModule[];
}

/**
 * Checks IDL files and everything they include, without generating code.
 *
 * @example check(["shop.thrift"], { files: { "shop.thrift": "struct Item { 1: string sku }" } })
 */
export function check(entries: readonly string[], options: CompilerOptions = {}): CheckResult {
  return checkResult(checkFiles(entries, internalOptions(options)));
}

/**
 * Checks IDL files, then generates one TypeScript module per file (included ones too). With a
 * `cache` (from {@link createCompileCache}), a file whose input did not change is not re-emitted.
 */
export async function compile(
  entries: readonly string[],
  options: CompilerOptions & { readonly cache?: CompileCache } = {},
): Promise<CompileResult> {
  const cache = options.cache && caches.get(options.cache);
  const internal = internalOptions(options);
  const result = await compilePrograms(entries, cache ? { ...internal, cache } : internal);
  return {
    ...checkResult(result),
    modules: result.outputs.map(({ path, text }) => ({ path, text })),
  };
}

function internalOptions(options: CompilerOptions): InternalOptions {
  const { files, readFile, includeDirs = [] } = options;
  const fallback = readFile ?? (files === undefined ? readFileFromDisk : () => undefined);
  const encoder = new TextEncoder();
  return {
    includeDirs,
    readFile: (path) => {
      const text = files !== undefined && Object.hasOwn(files, path) ? files[path] : fallback(path);
      return typeof text === "string" ? encoder.encode(text) : text;
    },
  };
}

function checkResult(result: {
  readonly diagnostics: readonly InternalDiagnostic[];
  readonly omittedErrors: boolean;
  readonly files: readonly string[];
  readonly inputs: readonly string[];
}): CheckResult {
  const { diagnostics, omittedErrors, files, inputs } = result;
  return {
    ok: !diagnostics.some((d) => d.severity === "error"),
    diagnostics: diagnostics.map(toPublic),
    summary: formatSummary(diagnostics),
    omittedErrors,
    files,
    inputs,
  };
}

function toPublic(d: InternalDiagnostic): CompilerDiagnostic {
  const json = diagnosticToJson(d) as Omit<CompilerDiagnostic, "text">;
  return { ...json, text: formatDiagnostic(d) };
}
