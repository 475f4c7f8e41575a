// A Calc server in its own process, for fault tests that signal a real server: SIGKILL, SIGSTOP
// and SIGCONT. It prints `listening <port>` once it accepts calls, and `started <value>` when a
// `slow(ms, value)` call begins (stdout to a pipe is synchronous on Linux, so a line printed
// before a SIGKILL is never lost); `slow` answers `value` after `ms` milliseconds.
// Usage: calc-server-child.ts [port]
import { createServer } from "idlc/runtime";
import { Calc, type CalcHandler } from "./calc-service.js";

const unused = () => {
  throw new Error("not used by the fault tests");
};
const handler: CalcHandler = {
  add: (a: number, b: number) => a + b,
  slow: (ms: number, value: number) => {
    process.stdout.write(`started ${value}\n`);
    return new Promise((resolve) => setTimeout(() => resolve(value), ms));
  },
  echo: (text: string) => text,
  ping: () => {},
  notify: () => {},
  divide: unused,
  blob: unused,
  fail: unused,
  context: unused,
  empty: unused,
};
const server = createServer().add(Calc, handler);
const { port } = await server.listen({ host: "127.0.0.1", port: Number(process.argv[2] ?? 0) });
console.log(`listening ${port}`);
process.on("SIGTERM", () => void server.close({ graceMs: 1_000 }).then(() => process.exit(0)));
process.stdin.resume();
process.stdin.on("end", () => void server.close({ graceMs: 1_000 }).then(() => process.exit(0)));
