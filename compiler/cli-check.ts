// `idlc check <files…>`: load and check, print the diagnostics; nothing is written.
import type { Command } from "./cli-args.js";
import { countFiles, printDiagnostics, warnMissingIncludeDirs, type CliIo } from "./cli-io.js";
import { check } from "./index.js";

/** Runs `idlc check`; resolves to the exit status (0 ok, 1 errors). */
export function runCheck(command: Extract<Command, { kind: "check" }>, io: CliIo): number {
  warnMissingIncludeDirs(command.includeDirs, io);
  const result = check(command.files, {
    readFile: (path) => io.readFile(path),
    includeDirs: command.includeDirs,
  });
  printDiagnostics(result, command.format, io);
  if (!result.ok) return 1;
  // Say what was checked, so silence is never mistaken for "nothing happened"; JSON mode keeps
  // stdout for diagnostics only.
  const line = `checked ${countFiles(result.files.length)}: no errors\n`;
  if (command.format === "json") io.stderr(line);
  else io.stdout(line);
  return 0;
}
