// `idlc breaking`: the command line → two checked versions → the changes, printed. Exit 0 when
// compatible, 1 when anything breaks (or an input has errors: they are printed instead), 2 for a
// bad command line.
import type { CliIo } from "../cli-io.js";
import { hasErrors, printDiagnosticList } from "../cli-io.js";
import { checkFiles, type CheckFilesResult } from "../compile.js";
import { diagnosticToJson, formatDiagnostic } from "../diagnostics.js";
import type { Change } from "./change.js";
import { compareContracts } from "./compare.js";
import { checkRef, readAtRef } from "./git.js";

/** The usage of `idlc breaking`, printed after a command-line error. */
export const BREAKING_USAGE = `Usage:
  idlc breaking <old> <new> [-I dir]... [--wire-only] [--format text|json]
  idlc breaking <file>... --against <git-ref> [-I dir]... [--wire-only] [--format text|json]`;

/** A parsed `idlc breaking` command line. */
export interface BreakingArgs {
  readonly files: readonly string[];
  readonly includeDirs: readonly string[];
  readonly wireOnly: boolean;
  readonly format: "text" | "json";
  readonly against: string | undefined;
}

/** Parses the arguments after `idlc breaking`; a string is a usage error. */
export function parseBreakingArgs(argv: readonly string[]): BreakingArgs | string {
  const files: string[] = [];
  const includeDirs: string[] = [];
  let wireOnly = false;
  let format: "text" | "json" = "text";
  let against: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const inline = /^(--[a-z-]+)=(.*)$/s.exec(arg) ?? /^(-I)(.+)$/s.exec(arg);
    const option = inline?.[1] ?? arg;
    const value = (): string | undefined => (inline ? inline[2] : argv[++i]);
    switch (option) {
      case "-I":
      case "--include-dir": {
        const dir = value();
        if (dir === undefined) return `option ${option} needs a value`;
        includeDirs.push(dir);
        break;
      }
      case "--wire-only":
        if (inline) return `option ${option} takes no value`;
        wireOnly = true;
        break;
      case "--format": {
        const f = value();
        if (f !== "text" && f !== "json") return `--format must be text or json, not "${f ?? ""}"`;
        format = f;
        break;
      }
      case "--against": {
        const ref = value();
        if (ref === undefined || ref === "") return `option --against needs a git ref`;
        against = ref;
        break;
      }
      case "--":
        files.push(...argv.slice(i + 1));
        i = argv.length;
        break;
      default:
        if (arg.startsWith("-") && arg !== "-") return `unknown option "${arg}"`;
        files.push(arg);
    }
  }
  if (against === undefined && files.length !== 2)
    return `breaking: expected an old and a new IDL file, got ${files.length} file${files.length === 1 ? "" : "s"}`;
  if (against !== undefined && files.length === 0) return "breaking: no IDL files given";
  return { files, includeDirs, wireOnly, format, against };
}

/** Runs `idlc breaking`; resolves to the exit status. */
export function runBreaking(argv: readonly string[], io: CliIo): number {
  const args = parseBreakingArgs(argv);
  if (typeof args === "string") {
    io.stderr(`idlc: ${args}\n\n${BREAKING_USAGE}\n`);
    return 2;
  }
  const pairs: { before: CheckFilesResult; after: CheckFilesResult }[] = [];
  const newReader = { readFile: (p: string) => io.readFile(p), includeDirs: args.includeDirs };
  if (args.against === undefined) {
    pairs.push({
      before: checkFiles([args.files[0]!], newReader),
      after: checkFiles([args.files[1]!], newReader),
    });
  } else {
    const ref = args.against;
    const problem = checkRef(ref, args.files[0]!);
    if (problem !== undefined) {
      io.stderr(`idlc: ${problem}\n`);
      return 2;
    }
    const oldReader = { readFile: (p: string) => readAtRef(ref, p), includeDirs: args.includeDirs };
    for (const file of args.files) {
      if (readAtRef(ref, file) === undefined) {
        io.stderr(`idlc: "${file}" does not exist at ${ref}: nothing to compare it with\n`);
        return 2;
      }
      pairs.push({ before: checkFiles([file], oldReader), after: checkFiles([file], newReader) });
    }
  }
  const inputErrors = pairs.flatMap((p) => [...p.before.diagnostics, ...p.after.diagnostics]);
  if (hasErrors(inputErrors)) {
    // A contract that does not check cannot be compared: say why, as `idlc check` would.
    printDiagnosticList(
      inputErrors.filter((d) => d.severity === "error"),
      args.format,
      io,
    );
    return 1;
  }
  const changes = dedupe(
    pairs.flatMap((p) =>
      compareContracts(p.before.allPrograms, p.after.allPrograms, { wireOnly: args.wireOnly }),
    ),
  );
  // Removals point into the old version: say so, since with --against both have one path.
  const oldFiles = new Set(
    pairs.flatMap((p) =>
      p.before.allPrograms.flatMap((pr) => pr.definitions.map((d) => d.span.file)),
    ),
  );
  printChanges(changes, args.format, io, (c) => (oldFiles.has(c.span.file) ? "old" : "new"));
  return changes.some((c) => c.severity === "error") ? 1 : 0;
}

/** Includes shared by several entry files are compared once per pair: keep each change once. */
function dedupe(changes: readonly Change[]): Change[] {
  const seen = new Set<string>();
  return changes.filter((c) => {
    const key = `${c.span.file.path}\0${c.span.start}\0${c.code}\0${c.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function printChanges(
  changes: readonly Change[],
  format: "text" | "json",
  io: CliIo,
  versionOf: (c: Change) => "old" | "new",
): void {
  if (format === "json") {
    for (const c of changes) {
      const json = { ...diagnosticToJson(c), category: c.category, version: versionOf(c) };
      io.stdout(`${JSON.stringify(json)}\n`);
    }
    return;
  }
  for (const c of changes) {
    const [first, ...frame] = formatDiagnostic(c).split("\n");
    const where = versionOf(c) === "old" ? ", in the old version" : "";
    io.stdout(`${first} [${c.category} ${c.code}${where}]\n${frame.join("\n")}\n\n`);
  }
  const errors = changes.filter((c) => c.severity === "error");
  const wire = errors.filter((c) => c.category === "wire").length;
  const warnings = changes.length - errors.length;
  const parts = [
    errors.length === 0
      ? "no breaking changes"
      : `${errors.length} breaking change${errors.length === 1 ? "" : "s"} (${wire} wire, ${errors.length - wire} TypeScript API)`,
  ];
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  io.stdout(`${parts.join(", ")}\n`);
}
