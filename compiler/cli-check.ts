// `idlc check <files…>`: load and check, print the diagnostics; nothing is written.
import type { Command } from "./cli-args.js";
import { hasErrors, printDiagnostics, type CliIo } from "./cli-io.js";
import { checkFiles } from "./compile.js";

/** Runs `idlc check`; resolves to the exit status (0 ok, 1 errors). */
export function runCheck(command: Extract<Command, { kind: "check" }>, io: CliIo): number {
  const result = checkFiles(command.files, {
    readFile: (path) => io.readFile(path),
    includeDirs: command.includeDirs,
  });
  printDiagnostics(result.diagnostics, command.format, io, result.omittedErrors);
  return hasErrors(result.diagnostics) ? 1 : 0;
}
