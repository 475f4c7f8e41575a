// Raw-socket helpers for tests that speak to a live server byte by byte: build calls the way a
// client would (any protocol and transport, any name or message type), send bytes a client
// should not, and read back what the server did (a reply, a close, or nothing until a bound).
import * as net from "node:net";
import {
  createReader,
  createWriter,
  MessageType,
  type ProtocolName,
  type ProtocolWriter,
} from "idlc/runtime";
import { readApplicationException } from "../../runtime/message.js";
import { FrameDecoder } from "../../runtime/transport/frame-decoder.js";
import { writeFrame } from "../../runtime/transport/framed.js";
import { writeHeaderFrame } from "../../runtime/transport/header.js";
import { OutBuffer } from "../../runtime/transport/out-buffer.js";
import { withTimeout } from "./loopback.js";

/** A message: header, then the arguments `writeArgs` writes (an empty struct by default). */
export function message(
  protocol: ProtocolName,
  name: string,
  options: { type?: number; seqid?: number; writeArgs?: (w: ProtocolWriter) => void } = {},
): Uint8Array {
  const w = createWriter(protocol);
  w.messageBegin(name, (options.type ?? MessageType.CALL) as MessageType, options.seqid ?? 1);
  if (options.writeArgs === undefined) {
    w.structBegin();
    w.structEnd();
  } else options.writeArgs(w);
  return w.finish();
}

/** `add(a, b)` of the Calc test service, unframed. */
export function addCall(protocol: ProtocolName, a = 1, b = 2, seqid = 1): Uint8Array {
  return message(protocol, "add", {
    seqid,
    writeArgs: (w) => {
      w.structBegin();
      w.field(8, 1);
      w.i32(a);
      w.field(8, 2);
      w.i32(b);
      w.structEnd();
    },
  });
}

/** `payload` as one frame (rpc.md §8.2). */
export function framed(payload: Uint8Array): Uint8Array {
  const out = new OutBuffer();
  writeFrame(out, payload);
  return Uint8Array.from(out.take()!);
}

/** `payload` as one THeader frame (rpc.md §10) without headers. */
export function headerFramed(payload: Uint8Array, protocol: ProtocolName, seqid = 1): Uint8Array {
  const out = new OutBuffer();
  writeHeaderFrame(out, payload, protocol, seqid, 0, undefined);
  return Uint8Array.from(out.take()!);
}

/** A big-endian i32. */
export function int32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Bytes joined. */
export function bytesOf(...parts: (Uint8Array | readonly number[])[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/** A socket to the server with everything it receives collected. */
export interface RawPeer {
  readonly socket: net.Socket;
  /** What the server sent so far. */
  received(): Buffer;
  /** Whether the connection is closed. */
  readonly closed: boolean;
  /** Resolves true once the server closed the connection, false if not within `timeoutMs`. */
  waitClosed(timeoutMs: number): Promise<boolean>;
  /** Resolves once at least `n` bytes arrived (rejects after `timeoutMs`). */
  waitBytes(n: number, timeoutMs?: number): Promise<void>;
}

/** Opens a raw connection (resolves once connected); `track` collects it for cleanup. */
export async function rawPeer(port: number, track: net.Socket[]): Promise<RawPeer> {
  const socket = net.connect({ host: "127.0.0.1", port });
  track.push(socket);
  const chunks: Buffer[] = [];
  let closed = false;
  const wakers = new Set<() => void>();
  socket.on("data", (c: Buffer) => {
    chunks.push(c);
    for (const wake of wakers) wake();
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    closed = true;
    for (const wake of wakers) wake();
  });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    }),
    5_000,
    "connecting",
  );
  const wait = (done: () => boolean, timeoutMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      const finish = (value: boolean): void => {
        clearTimeout(timer);
        wakers.delete(check);
        resolve(value);
      };
      const check = (): void => {
        if (done()) finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      wakers.add(check);
      check();
    });
  const size = (): number => chunks.reduce((n, c) => n + c.length, 0);
  return {
    socket,
    received: () => Buffer.concat(chunks),
    get closed() {
      return closed;
    },
    waitClosed: (timeoutMs) => wait(() => closed, timeoutMs),
    async waitBytes(n, timeoutMs = 5_000) {
      if (!(await wait(() => size() >= n || closed, timeoutMs)) || size() < n)
        throw new Error(`expected ${n} bytes from the server, got ${size()}`);
    },
  };
}

/** The first framed reply in `bytes`, read as an EXCEPTION message, or undefined. */
export function frameException(
  bytes: Uint8Array,
  protocol: ProtocolName,
): { seqid: number; name: string; type: number; message: string } | undefined {
  const decoder = new FrameDecoder(1 << 24);
  decoder.push(bytes);
  if (!decoder.next()) return undefined;
  const r = createReader(protocol, decoder.bytes.slice(decoder.start, decoder.end));
  const header = r.messageBegin();
  if (header.type !== MessageType.EXCEPTION) return undefined;
  const ex = readApplicationException(r);
  return { seqid: header.seqid, name: header.name, type: ex.type, message: ex.message };
}
