// An RPC system's server in its own process (pinned to one core by the parent). Says "ready"
// with its port, answers "cpu" with its process.cpuUsage(), and closes on "close".
import type { RpcSystem } from "../rpc/rpc.js";
import { RPC_LOADERS } from "../rpc/index.js";
import { parent, type Message } from "./spawn.js";

async function main(): Promise<void> {
  parent.exitWithParent();
  const system = process.argv[2] as RpcSystem;
  const adapter = await RPC_LOADERS[system]();
  const server = await adapter.startServer();
  parent.onMessage((message: Message) => {
    if (message.type === "cpu") {
      void parent.send({ type: "cpu", usage: process.cpuUsage() });
    } else if (message.type === "close") {
      server
        .close()
        .then(() => parent.send({ type: "closed" }))
        .then(() => process.exit(0), parent.fail);
    }
  });
  await parent.send({ type: "ready", port: server.port });
}

main().catch((error: unknown) => parent.fail(error));
