// The CLI without the process: argv and injected I/O in, exit status out. cli.ts wires it to
// the real process; tests call it in-process. Commands (cli-commands.ts) load lazily, so
// `idlc check` never loads the emitter or prettier.
import { COMMANDS, type CliCommand } from "./cli-commands.js";
import type { CliIo } from "./cli-io.js";
import { closestName } from "./suggest.js";

/** Exit status for errors in the input, or a file that cannot be read or written. */
export const EXIT_FAILURE = 1;
/** Exit status for a bad command line. */
export const EXIT_USAGE = 2;
/** Exit status for an idlc bug (BSD `EX_SOFTWARE`). */
export const EXIT_INTERNAL_ERROR = 70;

/** The text of `idlc --help`, from the command table. */
export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 4;
  const lines = [
    "Usage:",
    ...COMMANDS.map((c) => `  idlc ${c.name} ${c.synopsis}`),
    "  idlc help | -h | --help      idlc version | -v | --version",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`),
    "",
    "Options:",
    ...COMMANDS.flatMap((c) => (c.options ? [c.options] : [])),
    "",
    "Exit status:",
    "  0   ok (warnings allowed)",
    `  ${EXIT_FAILURE}   errors in the input, or a file that cannot be read or written`,
    `  ${EXIT_USAGE}   bad command line`,
    `  ${EXIT_INTERNAL_ERROR}  an idlc bug (internal error: please report it)`,
  ];
  return lines.join("\n");
}

/** Runs idlc with the arguments after `idlc`; resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "-h" || name === "--help" || name === "help") {
    io.stdout(`${usage()}\n`);
    return 0;
  }
  if (name === "-v" || name === "-V" || name === "--version" || name === "version") {
    io.stdout(`idlc ${io.version()}\n`);
    return 0;
  }
  const names = COMMANDS.map((c) => c.name).join(", ");
  if (name === undefined) return fail(io, `missing command (${names})`);
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    return fail(
      io,
      name.startsWith("-")
        ? `expected a command (${names}) before "${name}"`
        : `unknown command "${name}" (expected ${names})${commandHint(name)}`,
    );
  }
  if (rest.some((a) => a === "-h" || a === "--help")) {
    io.stdout(`usage: idlc ${command.name} ${command.synopsis}\n${command.summary}\n`);
    return 0;
  }
  const status = await command.run(rest, io);
  return typeof status === "number" ? status : fail(io, status.message, command);
}

function commandHint(name: string): string {
  const suggestion = closestName(name, [...COMMANDS.map((c) => c.name), "help", "version"]);
  return suggestion === undefined ? "" : `; did you mean "${suggestion}"?`;
}

/** A usage error: one line saying what is wrong, the command's synopsis, a pointer to --help. */
function fail(io: CliIo, message: string, command?: CliCommand): number {
  const synopsis = command ? `usage: idlc ${command.name} ${command.synopsis}\n` : "";
  io.stderr(`idlc: ${message}\n${synopsis}Run "idlc --help" for every command and option.\n`);
  return EXIT_USAGE;
}
