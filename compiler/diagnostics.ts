import { spanOf, type Span } from "./source.js";

/** How bad a diagnostic is: errors fail the run, warnings are shown and do not. */
export type Severity = "error" | "warning";

/** A secondary location of a diagnostic, e.g. where a duplicated name was first used. */
export interface RelatedInformation {
  readonly message: string;
  readonly span: Span;
}

/** One problem found in the input: data until the CLI prints it. */
export interface Diagnostic {
  readonly severity: Severity;
  /** A stable kebab-case id tests assert on, e.g. `duplicate-field-id`. */
  readonly code: string;
  /** One lower-case line; names are quoted, e.g. `unknown type "Mony"`. */
  readonly message: string;
  readonly span: Span;
  readonly related?: readonly RelatedInformation[];
}

/** At most this many errors are reported in one run; then `too many errors`. */
export const MAX_ERRORS = 100;

/** Makes an error diagnostic. */
export function error(
  span: Span,
  code: string,
  message: string,
  related?: readonly RelatedInformation[],
): Diagnostic {
  return diagnostic("error", span, code, message, related);
}

/** Makes a warning diagnostic. */
export function warning(
  span: Span,
  code: string,
  message: string,
  related?: readonly RelatedInformation[],
): Diagnostic {
  return diagnostic("warning", span, code, message, related);
}

/**
 * Keeps only the places of the spans it is given: an AST node is its own span, and a diagnostic
 * is data that must not hold a node (and the tree below it) alive.
 */
function diagnostic(
  severity: Severity,
  span: Span,
  code: string,
  message: string,
  related: readonly RelatedInformation[] | undefined,
): Diagnostic {
  const place = placeOf(span);
  if (!related) return { severity, code, message, span: place };
  const notes = related.map((r) => ({ message: r.message, span: placeOf(r.span) }));
  return { severity, code, message, span: place, related: notes };
}

function placeOf(span: Span): Span {
  return spanOf(span.file, span.start, span.end);
}

/** Orders diagnostics by file path, then position, then severity (errors first). */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.span.file.path !== b.span.file.path) return a.span.file.path < b.span.file.path ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  if (a.severity !== b.severity) return a.severity === "error" ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** Sorts, removes exact repeats, and caps the number of errors at {@link MAX_ERRORS}. */
export function finalizeDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const sorted = [...diagnostics].sort(compareDiagnostics);
  const out: Diagnostic[] = [];
  let errors = 0;
  let last: Diagnostic | undefined;
  for (const d of sorted) {
    if (
      last &&
      last.span.file === d.span.file &&
      last.span.start === d.span.start &&
      last.message === d.message
    )
      continue;
    last = d;
    if (d.severity === "error" && ++errors > MAX_ERRORS) continue;
    out.push(d);
  }
  return out;
}

function codeFrame(span: Span, indent: string): string {
  const { line, column } = span.file.position(span.start);
  const lineEnd = span.file.lineEnd(line);
  const width = Math.max(1, Math.min(span.end, lineEnd) - span.start);
  const gutter = " ".repeat(String(line).length + 1);
  // Tabs are kept in the code line and copied under it so the caret lines up.
  const text = span.file.lineText(line);
  const pad = text.slice(0, column - 1).replace(/[^\t]/g, " ");
  return `${indent} ${line} | ${text}\n` + `${indent}${gutter} | ${pad}${"^".repeat(width)}`;
}

/** Formats one diagnostic as `path:line:col: severity: message`, a code frame, and its notes. */
export function formatDiagnostic(d: Diagnostic): string {
  const { line, column } = d.span.file.position(d.span.start);
  const head = `${d.span.file.path}:${line}:${column}: ${d.severity}: ${d.message}`;
  // A file with no text (one that could not be read, or is empty) has no line worth framing.
  let out = d.span.file.text === "" ? head : `${head}\n${codeFrame(d.span, "")}`;
  for (const r of d.related ?? []) {
    const p = r.span.file.position(r.span.start);
    out += `\n${r.span.file.path}:${p.line}:${p.column}: note: ${r.message}\n${codeFrame(r.span, "")}`;
  }
  return out;
}

/** The closing count line, e.g. `2 errors, 1 warning`; empty when there is nothing to count. */
export function formatSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const parts: string[] = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? "" : "s"}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  return parts.join(", ");
}

/** One diagnostic as a JSON object for `--format json` (one per line). */
export function diagnosticToJson(d: Diagnostic): Record<string, unknown> {
  const start = d.span.file.position(d.span.start);
  const end = d.span.file.position(d.span.end);
  return {
    file: d.span.file.path,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.related
      ? {
          related: d.related.map((r) => {
            const p = r.span.file.position(r.span.start);
            return { file: r.span.file.path, line: p.line, column: p.column, message: r.message };
          }),
        }
      : {}),
  };
}
