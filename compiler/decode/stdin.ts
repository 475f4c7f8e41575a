// Standard input for `idlc decode -`: read from file descriptor 0, which works for a pipe, a
// socket (what a spawning process often passes) and a file alike; `/dev/stdin` fails on sockets.
import { readFileSync } from "node:fs";

/** All of standard input, or undefined when it cannot be read. */
export function readStandardInput(): Uint8Array | undefined {
  try {
    return readFileSync(0);
  } catch {
    return undefined;
  }
}
