#!/usr/bin/env node
// The idlc command (`dist/compiler/cli.js`, the package's bin): the only file that touches the
// process — its streams, signals and exit status. Everything else is cli-main.ts.
import { mkdirSync, readFileSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliIo } from "./cli-io.js";
import { main } from "./cli-main.js";

/** Exit status for an idlc bug (BSD `EX_SOFTWARE`). */
const EXIT_INTERNAL_ERROR = 70;

function readFile(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** idlc's version from its package.json (beside compiler/, or two levels up from dist/compiler/). */
function version(): string {
  for (const relative of ["../package.json", "../../package.json"]) {
    const bytes = readFile(fileURLToPath(new URL(relative, import.meta.url)));
    if (bytes === undefined) continue;
    const pkg = JSON.parse(new TextDecoder().decode(bytes)) as { name?: string; version?: string };
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

/** Ctrl-C ends a run at once, except where a command listens (`--watch` stops cleanly). */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  return controller.signal;
}

let interrupt: AbortSignal | undefined;
const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile,
  writeFile: (path, text) => writeFileSync(path, text),
  makeDir: (path) => mkdirSync(path, { recursive: true }),
  watch: watchDirs,
  get interrupt() {
    interrupt ??= interruptSignal();
    return interrupt;
  },
  version,
};

main(process.argv.slice(2), io).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`idlc: internal error: ${message}\n`);
    if (process.env.IDLC_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = EXIT_INTERNAL_ERROR;
  },
);
