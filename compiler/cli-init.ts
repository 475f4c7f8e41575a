// `idlc init [dir] [--force] [--idlc-spec <spec>]`: writes a ready project (cli-init-files.ts)
// into `dir` (default: the current folder), which may exist. A file that is already there is
// never overwritten without --force: idlc lists them and writes nothing.
import { basename, join, resolve } from "node:path";
import { usageError, type UsageError } from "./cli-args.js";
import { initFiles, initPackageJson } from "./cli-init-files.js";
import { mergePackageJson } from "./cli-init-package.js";
import type { CliIo } from "./cli-io.js";
import { describeFsError } from "./compile.js";

/** Runs `idlc init`; resolves to the exit status (0 written, 1 files exist or cannot be written). */
export async function runInit(args: readonly string[], io: CliIo): Promise<number | UsageError> {
  let dir: string | undefined;
  let force = false;
  const version = io.version();
  // A build without a readable version (never a published one) takes whatever is installed.
  let idlcSpec = version === "unknown" ? "*" : `^${version}`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const inline = /^--idlc-spec=(.*)$/s.exec(arg);
    if (arg === "--force") force = true;
    else if (inline) idlcSpec = inline[1]!;
    else if (arg === "--idlc-spec") {
      const next = args[++i];
      if (next === undefined) return usageError("option --idlc-spec needs a value");
      idlcSpec = next;
    } else if (arg.startsWith("-")) return usageError(`unknown option "${arg}"`);
    else if (dir !== undefined) return usageError(`init takes one directory, not "${arg}" too`);
    else dir = arg;
  }
  if (idlcSpec === "") return usageError("option --idlc-spec needs a value");
  const root = dir ?? ".";
  if (io.kindOf(root) === "file") {
    io.stderr(`idlc: cannot init "${root}": it is a file, not a directory\n`);
    return 1;
  }
  const template = { name: packageName(basename(resolve(root))), idlcSpec };
  const files = new Map(initFiles(template));
  const problems: string[] = [];
  const existing: string[] = [];
  for (const path of files.keys()) {
    const target = join(root, path);
    if (io.kindOf(target) === "none") continue;
    if (path !== "package.json" || force) {
      existing.push(path);
      continue;
    }
    // An existing package.json (npm install idlc writes one) is merged, not replaced.
    const bytes = io.readFile(target);
    const text = bytes instanceof Uint8Array ? new TextDecoder().decode(bytes) : undefined;
    const merged =
      text === undefined
        ? { kind: "conflict" as const, conflicts: ["package.json cannot be read"] }
        : mergePackageJson(text, initPackageJson(template));
    if (merged.kind === "merged") files.set(path, merged.text);
    else problems.push(...merged.conflicts);
  }
  if (existing.length > 0 && !force) {
    const verb = existing.length === 1 ? "exists" : "exist";
    problems.unshift(`${existing.join(", ")} already ${verb}`);
  }
  if (problems.length > 0) {
    io.stderr(
      `idlc: not writing anything in "${root}": ${problems.join("; ")} (--force overwrites)\n`,
    );
    return 1;
  }
  for (const [path, text] of files) {
    const target = join(root, path);
    try {
      io.makeDir(resolve(target, ".."));
      io.writeFile(target, text);
    } catch (e) {
      if (typeof (e as { code?: unknown } | null)?.code !== "string") throw e;
      io.stderr(`idlc: cannot write "${target}": ${describeFsError(e)}\n`);
      return 1;
    }
  }
  const cd = dir === undefined ? "" : `  cd ${dir}\n`;
  io.stdout(
    `created ${[...files.keys()].join(", ")}${dir === undefined ? "" : ` in ${dir}`}\n\n` +
      `next:\n${cd}  npm install\n  npm start      # compiles idl/greeter.thrift, starts the server, calls it\n`,
  );
  return 0;
}

/** A valid npm package name from a folder name: `My App!` → `my-app`. */
function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+|-+$/g, "");
  return name === "" ? "idlc-app" : name.slice(0, 214);
}
