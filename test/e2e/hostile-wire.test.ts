// A live server against bytes no honest client sends: impossible frame sizes, every truncation
// of valid calls, wrong protocol ids and message types, 2^31 declared lengths and counts,
// 10,000-deep nesting, method names that are Object.prototype's, HTTP, TLS and noise; then byte
// mutations of valid frames (fast-check; `npm run fuzz` runs many more). Each case has one
// expected outcome: a TApplicationException of the right type on a connection that carries on,
// or a closed connection with a logged reason. After every case a well-formed call on another
// connection succeeds and the server holds no bytes and no connection for the bad peer.
import type * as net from "node:net";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  ApplicationErrorType,
  connect,
  createServer,
  type ClientChannel,
  type Logger,
  type ProtocolName,
  type Server,
} from "idlc/runtime";
import { readInt32 } from "../../runtime/transport/frame-decoder.js";
import { Calc, type CalcClient } from "../support/calc-service.js";
import { withTimeout } from "../support/loopback.js";
import {
  addCall,
  bytesOf,
  frameException,
  framed,
  headerFramed,
  int32,
  message,
  rawPeer,
  type RawPeer,
} from "../support/raw-wire.js";

const FRAME_TIMEOUT_MS = 300;
/** Longest a bad connection may stay open: the frame timeout, a sweep, and slack for load. */
const CLOSE_WITHIN_MS = 5_000;
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const warnings: string[] = [];
/** logger.error is for handler failures; none of these handlers fails, so any is a server bug. */
const errors: string[] = [];
const logger: Logger = { warn: (m) => warnings.push(m), error: (m) => errors.push(m) };
const sockets: net.Socket[] = [];
let server: Server;
let port: number;
let channel: ClientChannel;
let calc: CalcClient;

beforeAll(async () => {
  server = createServer({ logger, frameTimeoutMs: FRAME_TIMEOUT_MS, logIntervalMs: 0 });
  server.add(Calc, {
    // Arguments a mutated call left out arrive as undefined: the handlers still return an i32.
    add: (a, b) => ((a ?? 0) + (b ?? 0)) | 0,
    ping: () => {},
    notify: () => {},
    divide: (a) => a | 0,
    slow: (_ms, v) => v,
    echo: (t) => t,
    blob: (d) => d,
    fail: () => 0,
    context: () => "",
    empty: () => 0,
  });
  port = (await server.listen({ host: "127.0.0.1" })).port;
  channel = connect({ host: "127.0.0.1", port });
  calc = Calc.client(channel);
});

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await channel.close();
  await server.close({ graceMs: 0 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const leaked = process
    .getActiveResourcesInfo()
    .filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap");
  expect(leaked, "sockets left open by the tests").toEqual([]);
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy(); // a failed case leaves none behind
  warnings.length = 0;
});

/** Bytes the server's decoders hold for partly received messages (white box: must drain to 0). */
function bufferedFrameBytes(): number {
  return (server as unknown as { bufferedFrameBytes: number }).bufferedFrameBytes;
}

/** The good neighbour still gets answers, and nothing of the bad peer is left on the server. */
async function serverIsWell(): Promise<void> {
  expect(await calc.add(2, 3)).toBe(5);
  await withTimeout(
    (async () => {
      while (server.connections > 1) await new Promise((resolve) => setTimeout(resolve, 5));
    })(),
    CLOSE_WITHIN_MS,
    "the bad connection should be gone from the server",
  );
  expect(bufferedFrameBytes()).toBe(0);
  expect(errors).toEqual([]);
}

/** Reads one whole frame from `peer` (after `from` bytes) and returns its end offset. */
async function readFrame(peer: RawPeer, from = 0): Promise<number> {
  await peer.waitBytes(from + 4);
  const size = readInt32(peer.received(), from);
  await peer.waitBytes(from + 4 + size);
  return from + 4 + size;
}

type Outcome =
  /** The server closes the connection and logs a reason matching `log`. */
  | { readonly closes: RegExp }
  /** The server answers with a TApplicationException of `type` and keeps the connection. */
  | { readonly exception: number; readonly message?: RegExp };

interface Case {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly outcome: Outcome;
  /** The protocol of the framed exception reply. */
  readonly protocol?: ProtocolName;
}

/** Asserts `outcome` for `bytes` sent on a fresh connection. */
async function expectOutcome({ bytes, outcome, protocol = "compact" }: Case): Promise<void> {
  const peer = await rawPeer(port, sockets);
  peer.socket.write(bytes);
  if ("closes" in outcome) {
    expect(await peer.waitClosed(CLOSE_WITHIN_MS), "the server should close the connection").toBe(
      true,
    );
    expect(warnings.length, `no reason logged; replies: ${peer.received().toString("hex")}`).toBe(
      1,
    );
    expect(warnings[0]).toMatch(/^closing connection from 127\.0\.0\.1:\d+: /);
    expect(warnings[0]).toMatch(outcome.closes);
  } else {
    const end = await readFrame(peer);
    const ex = frameException(peer.received(), protocol);
    expect(ex, "an EXCEPTION reply").toBeDefined();
    expect(ex!.type).toBe(outcome.exception);
    if (outcome.message !== undefined) expect(ex!.message).toMatch(outcome.message);
    // The connection carries on: a good call on it is answered.
    peer.socket.write(framed(addCall(protocol, 20, 22, 9)));
    await readFrame(peer, end);
    expect(peer.closed).toBe(false);
    peer.socket.destroy();
  }
  await serverIsWell();
}

// ---- the corpus ----

const MAX_FRAME_BYTES = 16_384_000;
const echoHeader = (protocol: ProtocolName): Uint8Array =>
  message(protocol, "echo", { writeArgs: () => {} });
const nested = (depth: number): Uint8Array =>
  bytesOf(new Uint8Array(depth).fill(0x1c), new Uint8Array(depth + 1)); // compact: struct in struct
const PROTOCOL_ERROR = ApplicationErrorType.PROTOCOL_ERROR;
const badArgs = /cannot decode the arguments of Calc\.echo/;

const cases: Case[] = [
  // frame sizes
  { name: "frame size 0", bytes: bytesOf(int32(0)), outcome: { closes: /empty frame/ } },
  {
    name: "frame size 0 after a good frame",
    bytes: bytesOf(framed(addCall("compact")), int32(0)),
    outcome: { closes: /empty frame \(length 0\)/ },
  },
  {
    name: "frame size -1",
    bytes: bytesOf(int32(-1)),
    outcome: { closes: /invalid frame size -1 \(negative\)/ },
  },
  {
    name: "frame size -2^31",
    bytes: bytesOf(int32(-(2 ** 31)), [0x82, 0x21]),
    outcome: { closes: /neither a Thrift message, a frame nor a THeader frame/ },
  },
  {
    name: "frame size 2^31-1",
    bytes: bytesOf(int32(2 ** 31 - 1), [0x82, 0x21, 0x01, 0x03]),
    outcome: { closes: /frame of 2147483647 bytes exceeds maxFrameBytes \(16384000\)/ },
  },
  {
    name: "frame size maxFrameBytes + 1",
    bytes: bytesOf(int32(MAX_FRAME_BYTES + 1), [0x80, 0x01, 0x00, 0x01]),
    outcome: { closes: /frame of 16384001 bytes exceeds maxFrameBytes/ },
  },
  {
    name: "frame size 2^31-1 and nothing else: waits only until the frame timeout",
    bytes: bytesOf(int32(2 ** 31 - 1)),
    outcome: { closes: /no complete message \d+ ms after connecting .*frameTimeoutMs is 300/ },
  },
  {
    name: "a THeader frame of 2^31-1 bytes",
    bytes: bytesOf(int32(2 ** 31 - 1), headerFramed(addCall("compact"), "compact").subarray(4)),
    outcome: { closes: /exceeds maxFrameBytes/ },
  },
  {
    name: "an unframed message claiming a 20,000,000-byte string",
    bytes: bytesOf(echoHeader("binary"), [0x0b, 0, 1], int32(20_000_000), [0x41]),
    outcome: { closes: /message of at least \d+ bytes exceeds maxFrameBytes/ },
  },
  // protocol ids and message types
  {
    name: "compact protocol version 2",
    bytes: bytesOf(int32(6), [0x82, 0x22, 0x01, 0x01, 0x61, 0x00]),
    outcome: { closes: /neither a Thrift message/ },
  },
  {
    name: "binary protocol version 2",
    bytes: bytesOf(int32(8), [0x80, 0x02, 0x00, 0x01, 0, 0, 0, 0]),
    outcome: { closes: /neither a Thrift message/ },
  },
  {
    name: "THeader protocol id 1 (JSON)",
    bytes: (() => {
      const frame = headerFramed(addCall("compact"), "compact");
      frame[14] = 1;
      return frame;
    })(),
    outcome: { closes: /THeader protocol id 1 is not supported/ },
  },
  {
    name: "a binary frame after compact frames",
    bytes: bytesOf(framed(addCall("compact")), framed(addCall("binary"))),
    outcome: { closes: /undecodable message header: .*bad protocol id 0x80/ },
  },
  {
    name: "a THeader frame on a framed connection",
    bytes: bytesOf(framed(addCall("compact")), headerFramed(addCall("compact"), "compact")),
    outcome: { closes: /undecodable message header/ },
  },
  ...[0, 5, 6, 7].map((type): Case => ({
    name: `compact message type ${type}`,
    bytes: framed(Uint8Array.of(0x82, (type << 5) | 1, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00)),
    outcome: { closes: new RegExp(`undecodable message header: .*unknown message type ${type}`) },
  })),
  ...[0, 5, 0x7f].map((type): Case => ({
    name: `binary message type ${type}`,
    bytes: framed(bytesOf([0x80, 0x01, 0x00, type], int32(3), [0x61, 0x64, 0x64], int32(1), [0])),
    outcome: { closes: /undecodable message header/ },
  })),
  // declared lengths and counts of 2^31 (and 2^31 - 1)
  {
    name: "compact method name of 2^31-1 bytes",
    bytes: framed(Uint8Array.of(0x82, 0x21, 0x01, 0xff, 0xff, 0xff, 0xff, 0x07)),
    outcome: { closes: /undecodable message header/ },
  },
  {
    name: "binary method name of 2^31-1 bytes",
    bytes: framed(bytesOf([0x80, 0x01, 0x00, 0x01], int32(2 ** 31 - 1))),
    outcome: { closes: /undecodable message header/ },
  },
  ...(
    [
      ["compact string of 2^31 bytes", [0x18, 0x80, 0x80, 0x80, 0x80, 0x08, 0]],
      ["compact string of 2^31-1 bytes", [0x18, 0xff, 0xff, 0xff, 0xff, 0x07, 0]],
      ["compact list of 2^31-1 i32s", [0x19, 0xf5, 0xff, 0xff, 0xff, 0xff, 0x07, 0]],
      ["compact map of 2^31 entries", [0x1b, 0x80, 0x80, 0x80, 0x80, 0x08, 0x55, 0]],
    ] as const
  ).map(([name, args]): Case => ({
    name,
    bytes: framed(bytesOf(echoHeader("compact"), args)),
    outcome: { exception: PROTOCOL_ERROR, message: badArgs },
  })),
  ...(
    [
      ["binary string of 2^31-1 bytes", [0x0b, 0, 1, ...int32(2 ** 31 - 1), 0]],
      ["binary string of -2^31 bytes", [0x0b, 0, 1, ...int32(-(2 ** 31)), 0]],
      ["binary list of 2^31-1 i32s", [0x0f, 0, 1, 0x08, ...int32(2 ** 31 - 1), 0]],
      ["binary set of -2^31 i32s", [0x0e, 0, 1, 0x08, ...int32(-(2 ** 31)), 0]],
      ["binary map of 2^31-1 entries", [0x0d, 0, 1, 0x08, 0x08, ...int32(2 ** 31 - 1), 0]],
    ] as const
  ).map(([name, args]): Case => ({
    name,
    protocol: "binary",
    bytes: framed(bytesOf(echoHeader("binary"), args)),
    outcome: { exception: PROTOCOL_ERROR, message: badArgs },
  })),
  {
    name: "THeader key/value headers claiming 2^31-1 entries",
    // magic, flags, seqid, header size 2 (8 bytes): protocol compact, no transforms, info block
    // 1 (key/value) whose count is 2^31-1, and then no entries at all.
    bytes: bytesOf(
      int32(18),
      [0x0f, 0xff, 0, 0],
      int32(1),
      [0, 2],
      [2, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x07],
    ),
    outcome: { closes: /THeader header is truncated or has a bad varint/ },
  },
  {
    name: "a THeader header size larger than its frame",
    bytes: bytesOf(int32(14), [0x0f, 0xff, 0, 0], int32(1), [0xff, 0xff], [2, 0, 0, 0]),
    outcome: { closes: /THeader header size is larger than its frame/ },
  },
  // nesting
  {
    name: "10,000-deep nested structs (compact, framed)",
    bytes: framed(bytesOf(echoHeader("compact"), nested(10_000))),
    outcome: { exception: PROTOCOL_ERROR, message: /nesting deeper than maxDepth 64/ },
  },
  {
    name: "10,000-deep nested lists (binary, framed)",
    protocol: "binary",
    bytes: framed(
      bytesOf(
        echoHeader("binary"),
        [0x0f, 0, 1],
        Array.from({ length: 10_000 }, () => [0x0f, ...int32(1)]).flat(),
      ),
    ),
    outcome: { exception: PROTOCOL_ERROR, message: /nesting deeper than maxDepth 64/ },
  },
  {
    name: "10,000-deep nested structs (compact, unframed)",
    bytes: bytesOf(echoHeader("compact"), nested(10_000)),
    outcome: { closes: /malformed message: nesting deeper than 64/ },
  },
  // method names that are Object.prototype's
  ...[
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "valueOf",
    "Calc:__proto__",
    "Calc:constructor",
    "__proto__:add",
    "constructor:toString",
  ].map((name): Case => ({
    name: `method "${name}"`,
    bytes: framed(message("compact", name)),
    outcome: { exception: ApplicationErrorType.UNKNOWN_METHOD },
  })),
  // other protocols and noise
  {
    name: "an HTTP/1.1 request",
    bytes: new TextEncoder().encode(
      "POST /thrift HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    ),
    outcome: { closes: /first bytes 50 4f 53 54 .*neither a Thrift message/ },
  },
  {
    name: "an HTTP/2 preface",
    bytes: new TextEncoder().encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
    outcome: { closes: /neither a Thrift message/ },
  },
  {
    name: "a TLS ClientHello",
    bytes: bytesOf(
      [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03],
      new Uint8Array(32).fill(0xab),
      [0x20],
      new Uint8Array(32).fill(0xcd),
    ),
    outcome: { closes: /first bytes 16 03 01 02 00 01 00 01/ },
  },
  ...[1, 2, 3, 4].map((seed): Case => ({
    name: `256 noise bytes (seed ${seed})`,
    bytes: noise(seed, 256),
    outcome: { closes: /./ },
  })),
];

/** Deterministic noise (a 32-bit LCG), so a failure can be replayed. */
function noise(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe("hostile bytes against a live server", () => {
  test.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    await expectOutcome(c);
  });

  const valid: [string, Uint8Array][] = [
    ["framed compact", framed(addCall("compact"))],
    ["framed binary", framed(addCall("binary"))],
    ["unframed compact", addCall("compact")],
    ["unframed binary", addCall("binary")],
    ["THeader compact", headerFramed(addCall("compact"), "compact")],
    ["THeader binary", headerFramed(addCall("binary"), "binary")],
  ];

  test("a valid call cut at every offset waits only until the frame timeout", async () => {
    const cuts = valid.flatMap(([name, bytes]) =>
      Array.from({ length: bytes.length }, (_, at) => ({ name, at, bytes: bytes.subarray(0, at) })),
    );
    const peers = await Promise.all(
      cuts.map(async ({ bytes }) => {
        const peer = await rawPeer(port, sockets);
        if (bytes.length > 0) peer.socket.write(bytes);
        return peer;
      }),
    );
    const closed = await Promise.all(peers.map((peer) => peer.waitClosed(CLOSE_WITHIN_MS)));
    const open = cuts.filter((_, i) => !closed[i]).map(({ name, at }) => `${name} at ${at}`);
    expect(open, "connections the server left open").toEqual([]);
    for (const peer of peers) expect(peer.received().length).toBe(0); // nothing was answered
    expect(warnings).toHaveLength(cuts.length);
    for (const line of warnings)
      expect(line).toMatch(/no complete message \d+ ms after connecting \(\d+ bytes received/);
    await serverIsWell();
  });

  test("the same calls whole are answered (the cases above are not refused for their form)", async () => {
    for (const [, bytes] of valid) {
      const peer = await rawPeer(port, sockets);
      peer.socket.write(bytes);
      await peer.waitBytes(8);
      expect(peer.closed).toBe(false);
      peer.socket.destroy();
    }
    await serverIsWell();
  });
});

// ---- mutations ----

type Mutation =
  | { kind: "set"; at: number; value: number }
  | { kind: "flip"; at: number; bit: number }
  | { kind: "cut"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; count: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("set" as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant("flip" as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 8 }),
      fc.constantFrom(
        Uint8Array.of(0x7f, 0xff, 0xff, 0xff),
        Uint8Array.of(0x80, 0, 0, 0),
        Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f),
        new Uint8Array(200).fill(0x1c),
      ),
    ),
  }),
  fc.record({
    kind: fc.constant("delete" as const),
    at: fc.nat(),
    count: fc.integer({ min: 1, max: 4 }),
  }),
);

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out: Uint8Array = Uint8Array.from(bytes);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + (m.kind === "insert" ? 1 : 0));
    switch (m.kind) {
      case "set":
        if (out.length > 0) out[at] = m.value;
        break;
      case "flip":
        if (out.length > 0) out[at]! ^= 1 << m.bit;
        break;
      case "cut":
        out = out.subarray(0, at);
        break;
      case "insert":
        out = bytesOf(out.subarray(0, at), m.bytes, out.subarray(at));
        break;
      case "delete":
        out = bytesOf(out.subarray(0, at), out.subarray(at + m.count));
        break;
    }
  }
  return out;
}

const seedFrames: Uint8Array[] = [
  framed(addCall("compact")),
  framed(addCall("binary")),
  addCall("compact"),
  addCall("binary"),
  headerFramed(addCall("compact"), "compact"),
  framed(
    message("compact", "echo", {
      writeArgs: (w) => Calc.methods.get("echo")!.writeArgs(w, ["héllo"]),
    }),
  ),
  framed(
    message("binary", "Calc:echo", {
      writeArgs: (w) => Calc.methods.get("echo")!.writeArgs(w, ["x"]),
    }),
  ),
  bytesOf(framed(addCall("compact", 1, 1, 1)), framed(addCall("compact", 2, 2, 2))),
];

describe(`byte mutations of valid frames (${FUZZ_RUNS} runs; FUZZ_RUNS=… npm run fuzz for more)`, () => {
  test(
    "every mutated stream ends in replies and/or a closed connection, never a wedged server",
    async () => {
      let answered = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...seedFrames),
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          async (seed, mutations) => {
            const bytes = mutate(seed, mutations);
            const peer = await rawPeer(port, sockets);
            peer.socket.end(bytes); // the half-close ends the exchange once the server has answered
            expect(await peer.waitClosed(CLOSE_WITHIN_MS), "the connection should end").toBe(true);
            if (peer.received().length > 0) answered++;
            await serverIsWell();
          },
        ),
        { numRuns: FUZZ_RUNS },
      );
      // A guard on the generator: not every mutation is refused at the first byte.
      expect(answered).toBeGreaterThan(0);
    },
    Math.max(30_000, FUZZ_RUNS * 500),
  );
});
