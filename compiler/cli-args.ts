// argv → the options of `idlc check` and `idlc compile`, or a usage error. No I/O here: cli.ts
// prints, the command modules run. The command table itself is cli-commands.ts.

/** How diagnostics are printed: a code frame per diagnostic, or one JSON object per line. */
export type OutputFormat = "text" | "json";

/** What the user asked `check` or `compile` to do. */
export type Command =
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
    };

/** A command line that makes no sense; printed as one line and a pointer to `--help` (exit 2). */
export interface UsageError {
  readonly kind: "usage-error";
  readonly message: string;
}

/** Where `idlc compile` writes when no `-o` is given. */
export const DEFAULT_OUT_DIR = "generated";

/** The options `check` and `compile` share, for `idlc --help`. */
export const IDL_OPTIONS = `  -I, --include-dir <dir>  also look for includes in <dir> (after the including file's own
                           directory; repeatable, searched in order)
  -o, --out <dir>          compile: output directory (default: ${DEFAULT_OUT_DIR})
  -w, --watch              compile: recompile when an IDL file or an include changes
  --format <text|json>     diagnostics as text with code frames (default), or JSON lines`;

/** Parses the arguments after `idlc check` or `idlc compile`. */
export function parseIdlArgs<Name extends Command["kind"]>(
  name: Name,
  rest: readonly string[],
): Extract<Command, { kind: Name }> | UsageError {
  return parse(name, rest) as Extract<Command, { kind: Name }> | UsageError;
}

function parse(name: Command["kind"], rest: readonly string[]): Command | UsageError {
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
        if (dir === "") return usageError(`option ${option} needs a directory`);
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

/** Makes a usage error (exit 2). */
export function usageError(message: string): UsageError {
  return { kind: "usage-error", message };
}
