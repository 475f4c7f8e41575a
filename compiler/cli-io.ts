// What the CLI commands need from the outside world, injected by cli.ts (the real process) or by
// tests (in memory), and the one way diagnostics are printed.
import type { OutputFormat } from "./cli-args.js";
import type { Unreadable } from "./compile.js";
import {
  diagnosticToJson,
  formatDiagnostic,
  formatSummary,
  type Diagnostic,
} from "./diagnostics.js";
import type { CheckResult } from "./index.js";

/** The CLI's access to streams, files, file watching and interruption. */
export interface CliIo {
  /** Writes text to standard output as given (callers end lines with "\n"). */
  stdout(text: string): void;
  /** Writes text to standard error as given. */
  stderr(text: string): void;
  /** A file's bytes, or why it cannot be read (undefined: no such file). */
  readFile(path: string): Uint8Array | Unreadable | undefined;
  /** Writes a file; throws the file system's error (with its `code`) when it cannot. */
  writeFile(path: string, text: string): void;
  /** Creates a directory and its parents; fine if it exists; throws like writeFile. */
  makeDir(path: string): void;
  /** What is at `path`: a file, a directory, or nothing (missing or unreachable). */
  kindOf(path: string): "file" | "directory" | "none";
  /** Calls `onChange` with a path when a file in one of `dirs` changes, until closed. */
  watch(dirs: readonly string[], onChange: (path: string) => void): { close(): void };
  /** Aborted when the user interrupts (Ctrl-C); `--watch` then stops. */
  readonly interrupt: AbortSignal;
  /** idlc's version (package.json). */
  version(): string;
}

/**
 * Prints a run's diagnostics: as text with code frames on stderr, then the count line
 * (`2 errors`), or as one JSON object per line on stdout.
 */
export function printDiagnostics(result: CheckResult, format: OutputFormat, io: CliIo): void {
  if (format === "json") {
    for (const { text: _text, ...json } of result.diagnostics)
      io.stdout(`${JSON.stringify(json)}\n`);
    return;
  }
  if (result.diagnostics.length === 0) return;
  const blocks = result.diagnostics.map((d) => d.text).join("\n\n");
  const cap = result.omittedErrors ? "too many errors; only the first ones are shown\n" : "";
  io.stderr(`${blocks}\n\n${cap}${result.summary}\n`);
}

/**
 * Prints diagnostics a tool command made itself (breaking, fmt, decode) the way
 * `printDiagnostics` prints a run's: text with code frames and the count line, or JSON lines.
 */
export function printDiagnosticList(
  diagnostics: readonly Diagnostic[],
  format: OutputFormat,
  io: CliIo,
): void {
  if (format === "json") {
    for (const d of diagnostics) io.stdout(`${JSON.stringify(diagnosticToJson(d))}\n`);
    return;
  }
  if (diagnostics.length === 0) return;
  const blocks = diagnostics.map(formatDiagnostic).join("\n\n");
  io.stderr(`${blocks}\n\n${formatSummary(diagnostics)}\n`);
}

/** Whether any diagnostic is an error (exit status 1). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Warns about each `-I` directory that does not exist (a typo there hides every include). */
export function warnMissingIncludeDirs(dirs: readonly string[], io: CliIo): void {
  for (const dir of dirs) {
    const kind = io.kindOf(dir);
    if (kind === "directory") continue;
    const what = kind === "none" ? "does not exist" : "is not a directory";
    io.stderr(`idlc: warning: include directory "${dir}" ${what}\n`);
  }
}

/** `checked 3 files` with the plural right. */
export function countFiles(n: number): string {
  return `${n} file${n === 1 ? "" : "s"}`;
}
