// `idlc fmt [--check] <file>...`: formats each file in place, or with --check lists the files
// that would change. Exit 0 when nothing was (or would be) changed or all were written, 1 when
// --check found a file to change or a file could not be read or parsed, 2 for a bad command line.
import { printDiagnosticList, type CliIo } from "../cli-io.js";
import { formatIdl } from "./format.js";

/** The usage of `idlc fmt`, printed after a command-line error. */
export const FMT_USAGE = `Usage:
  idlc fmt [--check] <file>...`;

/** Runs `idlc fmt`; resolves to the exit status. */
export function runFmt(argv: readonly string[], io: CliIo): number {
  let check = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--check") check = true;
    else if (arg === "--") {
      files.push(...argv.slice(i + 1));
      break;
    } else if (arg.startsWith("-")) return usage(io, `unknown option "${arg}"`);
    else files.push(arg);
  }
  if (files.length === 0) return usage(io, "fmt: no IDL files given");
  let status = 0;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (const path of files) {
    const bytes = io.readFile(path);
    if (!(bytes instanceof Uint8Array)) {
      const why = bytes === undefined ? "no such file" : bytes.reason;
      io.stderr(`idlc: cannot read "${path}": ${why}\n`);
      status = 1;
      continue;
    }
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      io.stderr(`idlc: ${path}: not valid UTF-8\n`);
      status = 1;
      continue;
    }
    const result = formatIdl(path, text);
    if (result.kind === "errors") {
      printDiagnosticList(result.diagnostics, "text", io); // not formatted: it does not parse
      status = 1;
      continue;
    }
    if (result.text === text) continue;
    if (check) {
      io.stdout(`${path}\n`);
      status = 1;
    } else {
      io.writeFile(path, result.text);
    }
  }
  return status;
}

function usage(io: CliIo, message: string): number {
  io.stderr(`idlc: ${message}\n\n${FMT_USAGE}\n`);
  return 2;
}
