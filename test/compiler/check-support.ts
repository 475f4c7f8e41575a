// Helpers for checker, loader and model tests: in-memory IDL files and diagnostics as short,
// readable strings (`error duplicate-field-id 3:3 "2"`: severity, code, line:col, spanned text).
import { checkFiles, type CheckFilesResult } from "../../compiler/compile.js";
import type { Diagnostic } from "../../compiler/diagnostics.js";

const encoder = new TextEncoder();

/** A `readFile` over in-memory files (text is UTF-8 encoded; bytes are used as given). */
export function memoryFiles(files: Record<string, string | Uint8Array>) {
  return (path: string): Uint8Array | undefined => {
    const content = files[path];
    if (content === undefined) return undefined;
    return typeof content === "string" ? encoder.encode(content) : content;
  };
}

/** Lines joined with "\n", so tests can count lines and columns at a glance. */
export function idl(...lines: string[]): string {
  return lines.join("\n") + "\n";
}

/** `severity code line:col "text under the span"` (with `path:` when not main.thrift). */
export function describeDiagnostic(d: Diagnostic): string {
  const { line, column } = d.span.file.position(d.span.start);
  const file = d.span.file.path === "main.thrift" ? "" : `${d.span.file.path}:`;
  const text = d.span.file.text.slice(d.span.start, d.span.end);
  return `${d.severity} ${d.code} ${file}${line}:${column} ${JSON.stringify(text)}`;
}

/** Checks `main.thrift` (plus other in-memory files it includes). */
export function checkSource(
  main: string,
  others: Record<string, string> = {},
  includeDirs: string[] = [],
): CheckFilesResult {
  return checkFiles(["main.thrift"], {
    readFile: memoryFiles({ "main.thrift": main, ...others }),
    includeDirs,
  });
}

/** The diagnostics of checking `main.thrift`, described. */
export function diagnose(main: string, others: Record<string, string> = {}): string[] {
  return checkSource(main, others).diagnostics.map(describeDiagnostic);
}

/** Only the errors, described. */
export function errors(main: string, others: Record<string, string> = {}): string[] {
  return diagnose(main, others).filter((d) => d.startsWith("error"));
}
