// Memory per idle connection: 2,000 connections to a server in its own process, each making one
// call (framed Compact BaseService.ping), then left idle. Reports the server's RSS, heap and
// arrayBuffers growth per connection right after the calls and once idle (after the sweep has
// released output buffers), for idlc and for a plain node:net echo server. Memory, not speed:
// the figures hold on a loaded machine. Run: npm run bench:idle [-- --connections N]
import * as net from "node:net";
import { createWriter, MessageType } from "idlc/runtime";
import { writeFrame } from "../runtime/transport/framed.js";
import { OutBuffer } from "../runtime/transport/out-buffer.js";
import { Child, type Message } from "./runner/spawn.js";

const CHILD = "bench/runner/idle-server-child.ts";
/** Longer than the sweep interval with default options (2.5 s), twice. */
const IDLE_WAIT_MS = 6_000;

function pingFrame(): Uint8Array {
  const w = createWriter("compact");
  w.messageBegin("ping", MessageType.CALL, 1);
  w.structBegin();
  w.structEnd();
  const out = new OutBuffer();
  writeFrame(out, w.bytes());
  return Uint8Array.from(out.take()!);
}

async function openAndCall(port: number, count: number): Promise<net.Socket[]> {
  const frame = pingFrame();
  const sockets: net.Socket[] = [];
  // In batches, so the listen backlog is never the limit.
  for (let done = 0; done < count; done += 200) {
    const batch = Array.from({ length: Math.min(200, count - done) }, () => {
      const socket = net.connect({ host: "127.0.0.1", port });
      sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.once("connect", () => socket.write(frame));
        socket.once("data", () => resolve());
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

interface Memory {
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
}

async function measure(child: Child): Promise<Memory> {
  child.send({ type: "measure" });
  const m: Message = await child.expect("memory", 30_000);
  return {
    rss: m.rss as number,
    heapUsed: m.heapUsed as number,
    arrayBuffers: m.arrayBuffers as number,
  };
}

function perConnection(after: Memory, before: Memory, count: number): string {
  const kib = (n: number): string => `${(n / count / 1024).toFixed(1)} KiB`;
  return `RSS ${kib(after.rss - before.rss)}, heap ${kib(after.heapUsed - before.heapUsed)}, arrayBuffers ${kib(after.arrayBuffers - before.arrayBuffers)}`;
}

async function run(kind: string, count: number): Promise<void> {
  const child = new Child(CHILD, [kind], { nodeFlags: ["--expose-gc"] });
  try {
    const { port } = await child.expect("ready", 30_000);
    const before = await measure(child);
    const sockets = await openAndCall(port as number, count);
    const busy = await measure(child);
    await new Promise((resolve) => setTimeout(resolve, IDLE_WAIT_MS));
    const idle = await measure(child);
    console.log(`${kind.padEnd(4)} ${count} connections, per connection:`);
    console.log(`       after one call each: ${perConnection(busy, before, count)}`);
    console.log(
      `       idle ${IDLE_WAIT_MS / 1000} s later:     ${perConnection(idle, before, count)}`,
    );
    for (const socket of sockets) socket.destroy();
    child.send({ type: "close" });
    await child.expect("closed", 30_000);
  } finally {
    await child.finish();
  }
}

async function main(): Promise<void> {
  const at = process.argv.indexOf("--connections");
  const count = at > 0 ? Number(process.argv[at + 1]) : 2_000;
  for (const kind of ["net", "idlc"]) await run(kind, count);
}

await main();
