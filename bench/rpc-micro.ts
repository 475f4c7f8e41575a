// RPC micro-benchmark: calls/s of an echo-like method (one 477-byte string argument, or binary
// with --payload binary; the same value back) over loopback, with 1 and 64 calls in flight on one connection, against the raw
// floor — a plain node:net echo of length-prefixed messages of the same size. Server and client
// run in separate processes; ratios within one run are what to compare (absolute numbers move
// with the machine). Also reports CPU µs per call on each side.
//   npx tsx --conditions=idlc-source bench/rpc-micro.ts [--seconds 2] [--rounds 3]
//     [--protocol compact|binary] [--payload string|binary] [--pin]   (--pin: client on cpu 0, server on cpu 1, via taskset;
//     only useful on an otherwise idle machine)
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { connect, createServer, type ProtocolName } from "idlc/runtime";
import { Calc, type CalcHandler } from "../test/support/calc-service.js";

const PAYLOAD_BYTES = 477; // one commerce Order in compact (issue 7)

type System = "raw" | "idlc";

interface Measurement {
  callsPerSecond: number;
  clientCpuUsPerCall: number;
  serverCpuUsPerCall: number;
}

// ---- the floor: length-prefixed frames, found by counting, never copied ----

/** Finds frame ends in a byte stream without copying: only counts bytes (prefix included). */
class FrameCounter {
  private readonly prefix = Buffer.alloc(4);
  private prefixBytes = 0;
  private remaining = 0;

  /** Frames completed within `chunk`, and the offset just after the last of them (or 0). */
  push(chunk: Buffer): { frames: number; boundary: number } {
    let at = 0;
    let frames = 0;
    let boundary = 0;
    while (at < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - at);
        this.remaining -= take;
        at += take;
      } else {
        this.prefix[this.prefixBytes++] = chunk[at++]!;
        if (this.prefixBytes < 4) continue;
        this.prefixBytes = 0;
        this.remaining = this.prefix.readInt32BE(0);
      }
      if (this.remaining === 0 && this.prefixBytes === 0) {
        frames++;
        boundary = at;
      }
    }
    return { frames, boundary };
  }
}

function rawEchoServer(): net.Server {
  // Echoes whole frames as they complete; bytes of a frame still arriving wait (by reference).
  return net.createServer({ noDelay: true }, (socket) => {
    const counter = new FrameCounter();
    let held: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => {
      const { frames, boundary } = counter.push(chunk);
      if (frames === 0) {
        held.push(chunk);
        return;
      }
      if (held.length > 0) {
        socket.cork();
        for (const b of held) socket.write(b);
        socket.write(chunk.subarray(0, boundary));
        socket.uncork();
        held = [];
      } else socket.write(chunk.subarray(0, boundary));
      if (boundary < chunk.length) held.push(chunk.subarray(boundary));
    });
    socket.on("error", () => {});
  });
}

async function serve(system: System): Promise<void> {
  let port: number;
  if (system === "raw") {
    const server = rawEchoServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as net.AddressInfo).port;
  } else {
    const server = createServer({ logger: { warn() {}, error() {} } });
    server.add(Calc, {
      blob: (data: Uint8Array) => data,
      echo: (text: string) => text,
    } as unknown as CalcHandler);
    port = (await server.listen({ host: "127.0.0.1", port: 0 })).port;
  }
  let cpu = process.cpuUsage();
  process.on("message", (message: string) => {
    if (message === "cpu-start") {
      cpu = process.cpuUsage();
      process.send!({ started: 1 });
    } else if (message === "cpu-stop") {
      const used = process.cpuUsage(cpu);
      process.send!({ cpuUs: used.user + used.system });
    } else if (message === "exit") process.exit(0);
  });
  process.send!({ port });
}

// ---- clients ----

interface Driver {
  /** Sends one call; resolves when its reply is back. */
  call(): Promise<unknown>;
  close(): Promise<void>;
}

async function rawDriver(port: number): Promise<Driver> {
  const socket = net.connect({ host: "127.0.0.1", port, noDelay: true });
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  const message = Buffer.alloc(4 + PAYLOAD_BYTES, 7);
  message.writeInt32BE(PAYLOAD_BYTES, 0);
  const waiting: (() => void)[] = [];
  let head = 0;
  const counter = new FrameCounter();
  // The floor coalesces writes the way idlc's client does: a call alone on the connection goes
  // out at the end of the tick; with others waiting, the calls of the turn share one write at
  // its check phase.
  let out: Buffer[] = [];
  const flush = (): void => {
    const chunks = out;
    out = [];
    socket.write(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  };
  socket.on("data", (chunk: Buffer) => {
    const { frames } = counter.push(chunk);
    for (let i = 0; i < frames; i++) waiting[head++]!();
    if (head > 4096) {
      waiting.splice(0, head);
      head = 0;
    }
  });
  return {
    call: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (out.length === 0) {
          if (waiting.length - head <= 1) process.nextTick(flush);
          else setImmediate(flush);
        }
        out.push(message);
      }),
    close: async () => {
      socket.end();
      await new Promise((resolve) => socket.once("close", resolve));
    },
  };
}

type Payload = "string" | "binary";

function idlcDriver(port: number, protocol: ProtocolName, payload: Payload): Driver {
  const channel = connect({ host: "127.0.0.1", port, protocol });
  const calc = Calc.client(channel);
  const data = new Uint8Array(PAYLOAD_BYTES).fill(7);
  const text = "o".repeat(PAYLOAD_BYTES);
  return {
    call: payload === "binary" ? () => calc.blob(data) : () => calc.echo(text),
    close: () => channel.close(),
  };
}

/**
 * Runs a closed loop with `inFlight` callers for `ms` and at least `minCalls` calls; returns
 * calls completed.
 */
async function closedLoop(
  driver: Driver,
  inFlight: number,
  ms: number,
  minCalls = 0,
): Promise<number> {
  let calls = 0;
  const stopAt = performance.now() + ms;
  const worker = async (): Promise<void> => {
    while (performance.now() < stopAt || calls < minCalls) {
      await driver.call();
      calls++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return calls;
}

let pinning = false;

/** Pins a process to one CPU with `taskset` where available (Linux); best effort. */
function pin(pid: number, cpu: number): boolean {
  const result = spawnSync("taskset", ["-p", "-c", String(cpu), String(pid)], { stdio: "ignore" });
  return result.status === 0;
}

function ask(child: ChildProcess, message: string): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    child.once("message", (reply) => resolve(reply as Record<string, number>));
    child.send(message);
  });
}

async function measure(
  system: System,
  inFlight: number,
  seconds: number,
  protocol: ProtocolName,
  payload: Payload,
): Promise<Measurement> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve", system], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const { port } = await new Promise<Record<string, number>>((resolve) =>
    child.once("message", (m) => resolve(m as Record<string, number>)),
  );
  if (pinning) pin(child.pid!, 1);
  const driver = system === "raw" ? await rawDriver(port!) : idlcDriver(port!, protocol, payload);
  // Warm-up: by calls too, so V8 has optimized the hot code even at 1 in flight on a busy machine.
  await closedLoop(driver, inFlight, 500, 2_000);
  await ask(child, "cpu-start");
  const cpu = process.cpuUsage();
  const started = performance.now();
  const calls = await closedLoop(driver, inFlight, seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(cpu);
  const { cpuUs } = await ask(child, "cpu-stop");
  await driver.close();
  child.send("exit");
  await new Promise((resolve) => child.once("exit", resolve));
  return {
    callsPerSecond: calls / elapsed,
    clientCpuUsPerCall: (clientCpu.user + clientCpu.system) / calls,
    serverCpuUsPerCall: cpuUs! / calls,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: "string" },
      seconds: { type: "string", default: "2" },
      rounds: { type: "string", default: "3" },
      protocol: { type: "string", default: "compact" },
      payload: { type: "string", default: "string" },
      pin: { type: "boolean", default: false },
    },
  });
  if (values.serve !== undefined) return serve(values.serve as System);
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const protocol = values.protocol as ProtocolName;
  const payload = values.payload as Payload;
  pinning = values.pin;
  const pinned = pinning && pin(process.pid, 0);
  console.log(
    `rpc-micro: ${PAYLOAD_BYTES}-byte ${payload} echo, ${protocol}, framed, ${rounds} rounds of ${seconds} s, ` +
      `node ${process.version}, ${pinned ? "client on cpu 0, server on cpu 1" : "not pinned"}`,
  );
  for (const inFlight of [1, 64]) {
    const ratios: number[] = [];
    const results: Record<System, Measurement[]> = { raw: [], idlc: [] };
    for (let round = 0; round < rounds; round++) {
      // Interleaved, so a noisy moment hits both systems.
      const raw = await measure("raw", inFlight, seconds, protocol, payload);
      const idlc = await measure("idlc", inFlight, seconds, protocol, payload);
      results.raw.push(raw);
      results.idlc.push(idlc);
      ratios.push(idlc.callsPerSecond / raw.callsPerSecond);
    }
    for (const system of ["raw", "idlc"] as const) {
      const list = results[system];
      console.log(
        `  ${String(inFlight).padStart(2)} in flight  ${system.padEnd(5)} ` +
          `${Math.round(median(list.map((m) => m.callsPerSecond)))
            .toString()
            .padStart(7)} calls/s   ` +
          `cpu/call client ${median(list.map((m) => m.clientCpuUsPerCall)).toFixed(1)} µs, ` +
          `server ${median(list.map((m) => m.serverCpuUsPerCall)).toFixed(1)} µs`,
      );
    }
    console.log(
      `  ${String(inFlight).padStart(2)} in flight  ratio idlc/raw: median ${median(ratios).toFixed(2)} ` +
        `(rounds ${ratios.map((r) => r.toFixed(2)).join(" ")}; target ${inFlight === 1 ? "≥ 0.7" : "≥ 0.5"})`,
    );
  }
}

await main();
