// The floors: plain node:net, 4-byte big-endian length prefix, the server echoes the frames.
// No codec and no RPC layer; the payload is a placeOrder call's size (a Compact call message
// around the sample order), so only the cost of moving those bytes remains. Two clients:
// `raw-tcp` writes once per frame (the first floor, kept so the history reads);
// `echo-batched` writes as a fast RPC stack does: it corks its socket on the first call of an
// event-loop turn and uncorks it in `setImmediate`, so a turn's calls leave in one write. Both
// servers answer all complete frames of one read with one write of that very slice.
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { CODEC_LOADERS } from "../codecs/index.js";
import type { CodecSystem } from "../codecs/codec.js";
import { HOST, type RpcAdapter, type RpcConnection, type RpcServerHandle } from "./rpc.js";

/**
 * The bytes a Compact `placeOrder(order)` call carries: message header (protocol id 0x82,
 * version 1 and type CALL, seqid 1, the name), the args struct with field 1, then STOP.
 */
export function compactCallPayload(orderBytes: Uint8Array): Buffer {
  const name = Buffer.from("placeOrder");
  const header = Buffer.from([0x82, 0x21, 0x01, name.length]);
  // 0x1c: field delta 1, type STRUCT (12), then the order's own fields and STOP, then the args' STOP.
  return Buffer.concat([header, name, Buffer.from([0x1c]), orderBytes, Buffer.from([0x00])]);
}

/** The sample order's Compact bytes, from whichever Compact codec is available. */
async function compactOrderBytes(): Promise<Uint8Array> {
  const reasons: string[] = [];
  for (const system of ["thrift-compact", "idlc-compact"] as const satisfies CodecSystem[]) {
    try {
      const codec = await CODEC_LOADERS[system]();
      return codec.encode(codec.sample);
    } catch (error) {
      reasons.push(`${system}: ${(error as Error).message}`);
    }
  }
  throw new Error(`raw-tcp needs a Compact codec for its payload size: ${reasons.join("; ")}`);
}

/**
 * Splits length-prefixed frames out of a byte stream. `push` returns the number of complete
 * frames now available at the front of `pending`, and how many bytes they span.
 */
class FrameSplitter {
  private buffer: Buffer = Buffer.alloc(0);

  /** Appends a chunk; returns the complete frames' bytes (prefixes included) and their count. */
  push(chunk: Buffer): { bytes: Buffer; frames: number } {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    let frames = 0;
    while (this.buffer.length - offset >= 4) {
      const end = offset + 4 + this.buffer.readUInt32BE(offset);
      if (end > this.buffer.length) break;
      offset = end;
      frames++;
    }
    const bytes = this.buffer.subarray(0, offset);
    this.buffer = this.buffer.subarray(offset);
    return { bytes, frames };
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => {
      server.off("error", reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** Starts the echo server; closing it destroys open sockets. */
async function startEchoServer(): Promise<RpcServerHandle> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const splitter = new FrameSplitter();
    // Every complete frame of a chunk goes back in one write: an echo, byte for byte.
    socket.on("data", (chunk: Buffer) => {
      const { bytes } = splitter.push(chunk);
      if (bytes.length > 0) socket.write(bytes);
    });
  });
  const port = await listen(server);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * One client socket; replies come back in order, so a FIFO of waiters matches them. With
 * `batched`, the calls of one event-loop turn are corked into one write.
 */
async function connectEcho(port: number, frame: Buffer, batched: boolean): Promise<RpcConnection> {
  const socket = createConnection({ host: HOST, port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const waiters: ((reply: Buffer) => void)[] = [];
  const rejecters: ((error: Error) => void)[] = [];
  let head = 0;
  const splitter = new FrameSplitter();
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    for (let i = head; i < rejecters.length; i++) rejecters[i]!(failure);
    head = waiters.length = rejecters.length = 0;
  };
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  socket.on("error", fail);
  socket.on("close", () => fail(new Error("raw-tcp: connection closed")));
  socket.on("data", (chunk: Buffer) => {
    const { bytes, frames } = splitter.push(chunk);
    let offset = 0;
    for (let i = 0; i < frames; i++) {
      const end = offset + 4 + bytes.readUInt32BE(offset);
      const resolve = waiters[head++]!;
      resolve(bytes.subarray(offset + 4, end));
      offset = end;
    }
    if (head > 1024 && head === waiters.length) head = waiters.length = rejecters.length = 0;
  });
  return {
    call() {
      if (failure) return Promise.reject(failure);
      return new Promise<Buffer>((resolve, reject) => {
        waiters.push(resolve);
        rejecters.push(reject);
        if (batched && !corked) {
          corked = true;
          socket.cork();
          setImmediate(uncork);
        }
        socket.write(frame);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        socket.once("close", () => resolve());
        socket.end();
        socket.destroySoon();
      }),
  };
}

/** A raw TCP echo floor: `batched` corks each event-loop turn's calls into one write. */
export async function loadRawTcp(batched: boolean): Promise<RpcAdapter> {
  const payload = compactCallPayload(await compactOrderBytes());
  const frame = Buffer.alloc(4 + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, 4);
  const what = `node:net length-prefixed echo of ${payload.length} bytes (a Compact placeOrder call's size)`;
  return {
    system: batched ? "echo-batched" : "raw-tcp",
    description: batched
      ? `${what}, the client corking each event-loop turn's calls into one write`
      : `${what}, the client writing once per frame`,
    startServer: startEchoServer,
    connect: (port) => connectEcho(port, frame, batched),
    checkReply(reply) {
      if (!(reply instanceof Uint8Array) || Buffer.compare(Buffer.from(reply), payload) !== 0) {
        throw new Error(
          `${batched ? "echo-batched" : "raw-tcp"}: the echo differs from the payload sent`,
        );
      }
    },
  };
}
