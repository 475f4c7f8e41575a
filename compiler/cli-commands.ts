// The table of idlc commands. To add one: write its module (`cli-<name>.ts`, exporting a
// function `(args, io) => Promise<number | UsageError>`), then add one entry below; `idlc --help`
// and the dispatcher in cli-main.ts read this table, nothing else needs to change.
import { IDL_OPTIONS, parseIdlArgs, type UsageError } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";

/** One idlc command: how it is spelled, shown in `--help`, and run (its module loads on use). */
export interface CliCommand {
  readonly name: string;
  /** What follows `idlc <name>` in the usage, e.g. `<file>... [-o dir]`. */
  readonly synopsis: string;
  /** One line for the command list of `--help`. */
  readonly summary: string;
  /** Options shown in `--help` under the commands (empty: none of its own). */
  readonly options?: string;
  /** Runs the command with the arguments after its name; resolves to the exit status. */
  readonly run: (args: readonly string[], io: CliIo) => Promise<number | UsageError>;
}

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  {
    name: "check",
    synopsis: "<file.thrift|file.idl>... [-I dir]... [--format text|json]",
    summary: "check IDL files and report every error and warning",
    options: IDL_OPTIONS,
    run: async (args, io) => {
      const command = parseIdlArgs("check", args);
      if (command.kind === "usage-error") return command;
      const { runCheck } = await import("./cli-check.js");
      return runCheck(command, io);
    },
  },
  {
    name: "compile",
    synopsis: "<file>... [-o dir] [-I dir]... [--watch] [--format text|json]",
    summary: "check, then write one TypeScript module per IDL file (and per include)",
    run: async (args, io) => {
      const command = parseIdlArgs("compile", args);
      if (command.kind === "usage-error") return command;
      const { runCompile } = await import("./cli-compile.js");
      return runCompile(command, io);
    },
  },
  {
    name: "init",
    synopsis: "[dir] [--force] [--idlc-spec <npm spec>]",
    summary: "create a project with an example IDL, a server and a client (npm start runs it)",
    options: `  --force                  init: overwrite files that already exist
  --idlc-spec <spec>       init: how package.json names idlc (default: ^<this version>)`,
    run: async (args, io) => {
      const { runInit } = await import("./cli-init.js");
      return runInit(args, io);
    },
  },
  {
    name: "breaking",
    synopsis: "<old> <new> [-I dir]... [--wire-only] [--format text|json] [--against <git-ref>]",
    summary: "report every change from <old> to <new> that breaks a peer or generated-code user",
    run: async (args, io) => (await import("./breaking/run.js")).runBreaking(args, io),
  },
  {
    name: "fmt",
    synopsis: "[--check] <file>...",
    summary: "format IDL files in place in the one idlc style (--check: list, exit 1 if any)",
    run: async (args, io) => (await import("./fmt/run.js")).runFmt(args, io),
  },
  {
    name: "decode",
    synopsis:
      "[--idl file] [--protocol compact|binary|auto] [--transport framed|buffered|header|auto] [--hex] [file|-]",
    summary: "print captured Thrift bytes as one JSON line per message",
    run: async (args, io) => (await import("./decode/run.js")).runDecode(args, io),
  },
];
