// argv → a command, or a usage error. No I/O here: cli.ts prints, the command modules run.

/** How diagnostics are printed: a code frame per diagnostic, or one JSON object per line. */
export type OutputFormat = "text" | "json";

/** What the user asked for. */
export type Command =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | {
      readonly kind: "check";
      readonly files: readonly string[];
      readonly includeDirs: readonly string[];
      readonly format: OutputFormat;
    }
  | {
      readonly kind: "compile";
      readonly files: readonly string[];
      readonly includeDirs: readonly string[];
      readonly format: OutputFormat;
      readonly outDir: string;
      readonly watch: boolean;
    }
  /** `idlc breaking|fmt|decode`: each parses its own arguments (compiler/cli-tools.ts). */
  | { readonly kind: "tool"; readonly name: ToolName; readonly args: readonly string[] };

/** The commands beyond check and compile, each in its own folder. */
export const TOOL_NAMES = ["breaking", "fmt", "decode"] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** A command line that makes no sense; printed as one line, then the usage (exit 2). */
export interface UsageError {
  readonly kind: "usage-error";
  readonly message: string;
}

/** Where `idlc compile` writes when no `-o` is given. */
export const DEFAULT_OUT_DIR = "generated";

/** The text of `idlc --help`. */
export const USAGE = `Usage:
  idlc check <file.thrift|file.idl>... [-I dir]... [--format text|json]
  idlc compile <file>... [-o dir] [-I dir]... [--watch] [--format text|json]
  idlc breaking <old> <new> [-I dir]... [--wire-only] [--format text|json] [--against <git-ref>]
  idlc fmt [--check] <file>...
  idlc decode [--idl file] [--protocol compact|binary|auto] [--transport framed|buffered|header|auto] [--hex] [file|-]

Commands:
  check      check IDL files and report every error and warning
  compile    check, then write one TypeScript module per IDL file (and per include)
  breaking   report every change from <old> to <new> that breaks a peer or generated-code user
  fmt        format IDL files in place in the one idlc style (--check: list, exit 1 if any)
  decode     print captured Thrift bytes as one JSON line per message

Options:
  -I, --include-dir <dir>  also look for includes in <dir> (after the including file's own
                           directory; repeatable, searched in order)
  -o, --out <dir>          compile: output directory (default: ${DEFAULT_OUT_DIR})
  -w, --watch              compile: recompile when an IDL file or an include changes
  --format <text|json>     diagnostics as text with code frames (default), or JSON lines
  -h, --help               show this help
  -V, --version            show the version

Exit status: 0 ok (warnings allowed), 1 errors in the input, 2 bad command line.`;

/** Parses the arguments after `idlc`. */
export function parseArgs(argv: readonly string[]): Command | UsageError {
  if (argv.some((a) => a === "-h" || a === "--help")) return { kind: "help" };
  if (argv.some((a) => a === "-V" || a === "--version")) return { kind: "version" };
  const [name, ...rest] = argv;
  if (name === undefined) return usageError("missing command (check or compile)");
  const tool = TOOL_NAMES.find((t) => t === name);
  if (tool !== undefined) return { kind: "tool", name: tool, args: rest };
  if (name !== "check" && name !== "compile") {
    return usageError(
      name.startsWith("-")
        ? `expected a command (check or compile) before "${name}"`
        : `unknown command "${name}" (expected check or compile)`,
    );
  }
  const files: string[] = [];
  const includeDirs: string[] = [];
  let format: OutputFormat = "text";
  let outDir: string | undefined;
  let watch = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    // `--name=value`, `-Idir` and `-odir` carry their value inline; otherwise it is the next arg.
    const inline = /^(--[a-z-]+)=(.*)$/s.exec(arg) ?? /^(-[Io])(.+)$/s.exec(arg);
    const option = inline?.[1] ?? arg;
    const value = (): string | UsageError => {
      if (inline) return inline[2]!;
      const next = rest[++i];
      return next === undefined ? usageError(`option ${option} needs a value`) : next;
    };
    switch (option) {
      case "-I":
      case "--include-dir": {
        const dir = value();
        if (typeof dir !== "string") return dir;
        includeDirs.push(dir);
        break;
      }
      case "-o":
      case "--out": {
        if (name !== "compile") return usageError(`option ${option} is only for compile`);
        const dir = value();
        if (typeof dir !== "string") return dir;
        outDir = dir;
        break;
      }
      case "-w":
      case "--watch":
        if (name !== "compile") return usageError(`option ${option} is only for compile`);
        if (inline) return usageError(`option ${option} takes no value`);
        watch = true;
        break;
      case "--format": {
        const f = value();
        if (typeof f !== "string") return f;
        if (f !== "text" && f !== "json")
          return usageError(`--format must be text or json, not "${f}"`);
        format = f;
        break;
      }
      case "--":
        files.push(...rest.slice(i + 1));
        i = rest.length;
        break;
      default:
        if (arg.startsWith("-") && arg !== "-") return usageError(`unknown option "${arg}"`);
        files.push(arg);
    }
  }
  if (files.length === 0) return usageError(`${name}: no IDL files given`);
  return name === "check"
    ? { kind: "check", files, includeDirs, format }
    : { kind: "compile", files, includeDirs, format, outDir: outDir ?? DEFAULT_OUT_DIR, watch };
}

function usageError(message: string): UsageError {
  return { kind: "usage-error", message };
}
