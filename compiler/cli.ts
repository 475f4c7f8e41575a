#!/usr/bin/env node
// The idlc command (bundled as `dist/compiler/idlc.cjs`, which the package's bin, cli-bin.ts,
// starts): the only file that touches the process — its streams, signals and exit status.
// Everything else is cli-main.ts.
import type { CliIo } from "./cli-io.js";
import { EXIT_INTERNAL_ERROR, main } from "./cli-main.js";
import { diskIo } from "./cli-node-io.js";

/** Ctrl-C ends a run at once, except where a command listens (`--watch` stops cleanly). */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  return controller.signal;
}

let interrupt: AbortSignal | undefined;
const io: CliIo = {
  ...diskIo,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  get interrupt() {
    interrupt ??= interruptSignal();
    return interrupt;
  },
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
