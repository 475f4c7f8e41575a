// `idlc breaking|fmt|decode`: each tool lives in its own folder and parses its own arguments;
// this file only loads the one asked for, so `idlc check` never loads any of them.
import type { ToolName } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";

/** Runs one of the tool commands with the arguments after its name; resolves to the exit status. */
export async function runTool(name: ToolName, args: readonly string[], io: CliIo): Promise<number> {
  switch (name) {
    case "breaking": {
      const { runBreaking } = await import("./breaking/run.js");
      return runBreaking(args, io);
    }
    case "fmt": {
      const { runFmt } = await import("./fmt/run.js");
      return runFmt(args, io);
    }
    case "decode": {
      const { runDecode } = await import("./decode/run.js");
      return runDecode(args, io);
    }
  }
}
