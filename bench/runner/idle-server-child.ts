// A server that holds idle connections, in its own process so its memory is measured alone:
// `idlc` (createServer with BaseService from generated/commerce.ts, default options) or `net`
// (a plain node:net server echoing what it reads). Says "ready" with its port; answers
// "measure" with its memory after a full GC (run with --expose-gc); closes on "close".
import * as net from "node:net";
import { createServer } from "idlc/runtime";
import { BaseService } from "../../generated/commerce.js";
import { parent, type Message } from "./spawn.js";

const gc = (globalThis as { gc?: () => void }).gc;

async function start(kind: string): Promise<{ port: number; close: () => Promise<void> }> {
  if (kind === "idlc") {
    const server = createServer({ protocol: "compact" });
    server.add(BaseService, {
      ping: () => {},
      health: () => {
        throw new Error("not used");
      },
    } as never);
    const { port } = await server.listen({ host: "127.0.0.1" });
    return { port, close: () => server.close({ graceMs: 0 }) };
  }
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on("data", (chunk) => socket.write(chunk));
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  parent.exitWithParent();
  if (gc === undefined) throw new Error("run with --expose-gc");
  const server = await start(process.argv[2] ?? "idlc");
  parent.onMessage((message: Message) => {
    if (message.type === "measure") {
      gc();
      gc();
      const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
      void parent.send({ type: "memory", rss, heapUsed, arrayBuffers });
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
