// The CLI's file-system side on a real disk (cli.ts adds the process's streams and Ctrl-C).
// Separate from cli.ts so tests can drive the real file system in-process.
import { mkdirSync, readFileSync, statSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliIo } from "./cli-io.js";
import { readFileFromDisk } from "./compile.js";

/** The parts of {@link CliIo} that touch the file system. */
export type DiskIo = Pick<
  CliIo,
  "readFile" | "writeFile" | "makeDir" | "kindOf" | "watch" | "version"
>;

/** The real file system. */
export const diskIo: DiskIo = {
  readFile: readFileFromDisk,
  writeFile: (path, text) => writeFileSync(path, text),
  makeDir,
  kindOf,
  watch: watchDirs,
  version,
};

/** What is at `path`: a file, a directory, or nothing (missing or unreachable). */
export function kindOf(path: string): "file" | "directory" | "none" {
  try {
    return statSync(path).isDirectory() ? "directory" : "file";
  } catch {
    return "none";
  }
}

/**
 * Creates `path` and its missing parents, one level at a time. Not `mkdirSync(path, { recursive
 * })`: under a path where mkdir says ENOENT although the parent exists (`/proc/x`), Node 20's
 * recursive mkdir retries forever at 100% CPU. Here each level is tried once, so it ends.
 */
export function makeDir(path: string): void {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const kind = kindOf(dir);
    if (kind === "directory") break;
    if (kind === "file") throw Object.assign(new Error(`"${dir}" is a file`), { code: "ENOTDIR" });
    missing.push(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      // Another process may have made it meanwhile; anything else is the caller's to report.
      if ((e as { code?: unknown }).code !== "EEXIST" || kindOf(dir) !== "directory") throw e;
    }
  }
}

/** idlc's version from its package.json (beside compiler/, or two levels up from dist/compiler/). */
function version(): string {
  for (const relative of ["../package.json", "../../package.json"]) {
    let text: string;
    try {
      text = readFileSync(fileURLToPath(new URL(relative, import.meta.url)), "utf8");
    } catch {
      continue;
    }
    const pkg = JSON.parse(text) as { name?: string; version?: string };
    if (pkg.name === "idlc" && pkg.version) return pkg.version;
  }
  return "unknown";
}

function watchDirs(dirs: readonly string[], onChange: (path: string) => void): { close(): void } {
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    try {
      const w = watch(dir, (_event, name) => {
        if (name) onChange(join(dir, name.toString()));
      });
      w.on("error", () => w.close()); // a directory removed while watched
      watchers.push(w);
    } catch {
      // A directory that does not exist (an -I dir, say) has nothing to watch yet.
    }
  }
  return { close: () => watchers.forEach((w) => w.close()) };
}
