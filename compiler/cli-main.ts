// The CLI without the process: argv and injected I/O in, exit status out. cli.ts wires it to
// the real process; tests call it in-process. Commands load lazily, so `idlc check` never loads
// the emitter or prettier.
import { USAGE, parseArgs } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";

/** Exit status for a bad command line (0 ok, 1 errors in the input). */
export const EXIT_USAGE = 2;

/** Runs idlc with the arguments after `idlc`; resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const command = parseArgs(argv);
  switch (command.kind) {
    case "usage-error":
      io.stderr(`idlc: ${command.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    case "help":
      io.stdout(`${USAGE}\n`);
      return 0;
    case "version":
      io.stdout(`idlc ${io.version()}\n`);
      return 0;
    case "check": {
      const { runCheck } = await import("./cli-check.js");
      return runCheck(command, io);
    }
    case "compile": {
      const { runCompile } = await import("./cli-compile.js");
      return runCompile(command, io);
    }
    case "tool": {
      const { runTool } = await import("./cli-tools.js");
      return runTool(command.name, command.args, io);
    }
  }
}
