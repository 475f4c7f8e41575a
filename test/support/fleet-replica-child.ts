// A Calc replica in its own process, registered in etcd: the unit of a fleet in the fleet tests.
// It prints `listening <port>` once registered, and `ran <method> <arg>` for every add and echo
// it executes (stdout to a pipe is synchronous on Linux, so a SIGKILL loses no line already
// printed), which lets a test count executions server-side. On SIGTERM (or stdin closing) it
// drains: deregisters, lets clients hear of it, then closes with a grace period, and exits 0.
// Usage: fleet-replica-child.ts <etcd url> <service> [port]
import { createServer, registerEndpoint } from "idlc/runtime";
import { Calc, type CalcHandler } from "./calc-service.js";

const [url, service, port] = process.argv.slice(2);
if (url === undefined || service === undefined) {
  console.error("usage: fleet-replica-child.ts <etcd url> <service> [port]");
  process.exit(2);
}
const unused = () => {
  throw new Error("not used by the fleet tests");
};
const handler: CalcHandler = {
  add: (a: number, b: number) => {
    process.stdout.write(`ran add ${a}\n`);
    return a + b;
  },
  echo: (text: string) => {
    process.stdout.write(`ran echo ${text}\n`);
    return text;
  },
  ping: () => {},
  notify: () => {},
  divide: unused,
  slow: unused,
  blob: unused,
  fail: unused,
  context: unused,
  empty: unused,
};
const server = createServer().add(Calc, handler);
const address = await server.listen({ host: "127.0.0.1", port: Number(port ?? 0) });
const registration = await registerEndpoint({
  etcd: { endpoints: [url], timeoutMs: 1_000 },
  service,
  address,
  ttlSeconds: 2,
  onError: (error) => console.error(`registration error: ${error.message}`),
});
console.log(`listening ${address.port}`);

let draining = false;
async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  await registration.close();
  // Clients learn of the deregistration through their watch; calls already sent still run.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await server.close({ graceMs: 2_000 });
  console.log("drained");
  process.exit(0);
}
process.on("SIGTERM", () => void drain());
process.stdin.resume();
process.stdin.on("end", () => void drain());
