// Transports other than plain framing: unframed messages found by scanning (rpc.md §8.1),
// THeader frames (rpc.md §10), detection from a connection's first bytes, and the deadline
// scheduler that serves every call of a channel with one timer.
import fc from "fast-check";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createWriter, MessageType, TType, type ProtocolName } from "idlc/runtime";
import { DeadlineScheduler, resolveDeadline, type Deadlined } from "../../../runtime/deadline.js";
import { BufferedDecoder, writeUnframed } from "../../../runtime/transport/buffered.js";
import { detectWire } from "../../../runtime/transport/detect.js";
import { FrameError } from "../../../runtime/transport/frame-decoder.js";
import { writeFrame } from "../../../runtime/transport/framed.js";
import {
  HeaderDecoder,
  HeaderError,
  THeaderKey,
  writeHeaderFrame,
} from "../../../runtime/transport/header.js";
import { INVALID, MessageScanner, NEED_MORE } from "../../../runtime/transport/message-scanner.js";
import { OutBuffer } from "../../../runtime/transport/out-buffer.js";
import { values } from "../protocol/protocol-arbitraries.js";
import { hex, toHex, ttypeOf, writeValue, type WireValue } from "../protocol/protocol-values.js";

const PROTOCOLS = ["compact", "binary"] as const;

/** A message: header, then a struct whose field 1 holds `value`. */
function message(
  protocol: ProtocolName,
  name: string,
  seqid: number,
  value: WireValue,
): Uint8Array {
  const w = createWriter(protocol);
  w.messageBegin(name, MessageType.CALL, seqid);
  w.structBegin();
  w.field(ttypeOf(value), 1);
  writeValue(w, value);
  w.structEnd();
  return w.finish();
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new OutBuffer();
  for (const p of parts) writeUnframed(out, p);
  return Uint8Array.from(out.take() ?? []);
}

function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(at, p));
    at = p;
  }
  return chunks;
}

describe("MessageScanner", () => {
  test.each(PROTOCOLS)("%s: finds the end of any message the writer produces", (protocol) => {
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 2 ** 31 - 1 }), (value, seqid) => {
        const bytes = message(protocol, "method", seqid, value);
        const scanner = new MessageScanner(protocol, 64);
        expect(scanner.scan(bytes, 0, bytes.length)).toBe(bytes.length);
        // Every proper prefix needs more bytes, never "invalid".
        for (const cut of [0, 1, bytes.length >> 1, bytes.length - 1])
          expect(scanner.scan(bytes, 0, cut)).toBe(NEED_MORE);
      }),
      { numRuns: 200 },
    );
  });

  test("binary: the old (non-strict) header is accepted", () => {
    // name length 3, "add", type CALL, seqid 1, empty struct
    const bytes = hex("00 00 00 03 61 64 64 01 00 00 00 01 00");
    expect(new MessageScanner("binary", 64).scan(bytes, 0, bytes.length)).toBe(bytes.length);
  });

  test("a declared string length says how far the message reaches", () => {
    const w = createWriter("compact");
    w.messageBegin("m", MessageType.CALL, 1);
    w.structBegin();
    w.field(TType.STRING, 1);
    w.string("x".repeat(1000));
    w.structEnd();
    const bytes = w.finish();
    const scanner = new MessageScanner("compact", 64);
    expect(scanner.scan(bytes, 0, 20)).toBe(NEED_MORE);
    expect(scanner.needed).toBeGreaterThanOrEqual(1000);
  });

  test.each([
    ["compact", "83 21 01 01 6d 00", /bad compact protocol id 0x83/],
    ["compact", "82 22 01 01 6d 00", /bad compact version 2/],
    ["compact", "82 21 01 01 6d 0e 00", /unknown compact type id 14/],
    ["binary", "80 02 00 01 00 00 00 01 6d 00 00 00 01 00", /bad binary message version/],
    ["binary", "80 01 00 01 00 00 00 01 6d 00 00 00 01 0b 00 01 ff ff ff ff", /negative length/],
    ["binary", "80 01 00 01 00 00 00 01 6d 00 00 00 01 14 00 01", /unknown type id 20/],
  ] as const)("%s: %s is invalid", (protocol, bytes, why) => {
    const data = hex(bytes);
    const scanner = new MessageScanner(protocol, 64);
    expect(scanner.scan(data, 0, data.length)).toBe(INVALID);
    expect(scanner.error).toMatch(why);
  });

  test.each(PROTOCOLS)("%s: nesting beyond maxDepth is invalid", (protocol) => {
    const w = createWriter(protocol);
    w.messageBegin("m", MessageType.CALL, 1);
    for (let i = 0; i < 10; i++) {
      w.structBegin();
      w.field(TType.STRUCT, 1);
    }
    w.structBegin();
    w.structEnd();
    for (let i = 0; i < 10; i++) w.structEnd();
    const bytes = w.finish();
    expect(new MessageScanner(protocol, 64).scan(bytes, 0, bytes.length)).toBe(bytes.length);
    const shallow = new MessageScanner(protocol, 5);
    expect(shallow.scan(bytes, 0, bytes.length)).toBe(INVALID);
    expect(shallow.error).toMatch(/nesting deeper than 5/);
  });
});

describe("BufferedDecoder", () => {
  test.each(PROTOCOLS)("%s: unframed messages survive any split into chunks", (protocol) => {
    fc.assert(
      fc.property(
        fc.array(values, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (vals, cuts) => {
          const messages = vals.map((v, i) => message(protocol, `m${i}`, i + 1, v));
          const decoder = new BufferedDecoder(protocol, 1 << 20, 64);
          const received: Uint8Array[] = [];
          for (const chunk of split(concat(messages), cuts)) {
            decoder.push(chunk);
            while (decoder.next()) received.push(decoder.bytes.slice(decoder.start, decoder.end));
          }
          expect(received).toEqual(messages);
          expect(decoder.buffered).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  test("a message growing past the limit is refused, naming maxFrameBytes", () => {
    const w = createWriter("binary");
    w.messageBegin("m", MessageType.CALL, 1);
    w.structBegin();
    w.field(TType.STRING, 1);
    w.string("y".repeat(5000));
    w.structEnd();
    const decoder = new BufferedDecoder("binary", 1000, 64);
    decoder.push(w.finish().subarray(0, 100));
    expect(() => decoder.next()).toThrow(
      /message of at least 50\d\d bytes exceeds maxFrameBytes \(1000\)/,
    );
  });

  test("garbage is refused as malformed", () => {
    const decoder = new BufferedDecoder("compact", 1000, 64);
    decoder.push(hex("82 21 01 01 6d 0e 00"));
    expect(() => decoder.next()).toThrow(FrameError);
  });
});

describe("THeader", () => {
  // rpc.md §10: CALL add, seqid 1, empty args, compact, written by python3-thrift 0.17.
  const PYTHON_CALL =
    "00 00 00 16 0f ff 00 00 00 00 00 01 00 01 02 00 00 00 82 21 01 03 61 64 64 00";

  function callAdd(protocol: ProtocolName): Uint8Array {
    const w = createWriter(protocol);
    w.messageBegin("add", MessageType.CALL, 1);
    w.structBegin();
    w.structEnd();
    return w.finish();
  }

  test("without headers, the frame is byte-for-byte what Python writes", () => {
    const out = new OutBuffer();
    writeHeaderFrame(out, callAdd("compact"), "compact", 1, 0, undefined);
    expect(toHex(out.take()!)).toBe(PYTHON_CALL);
  });

  test("Python's frame decodes to its payload, protocol and sequence number", () => {
    const decoder = new HeaderDecoder(16_384_000);
    decoder.push(hex(PYTHON_CALL));
    expect(decoder.next()).toBe(true);
    expect(decoder.protocol).toBe("compact");
    expect(decoder.seqid).toBe(1);
    expect(decoder.headers).toBeUndefined();
    expect(toHex(decoder.bytes.subarray(decoder.start, decoder.end))).toBe(
      "82 21 01 03 61 64 64 00",
    );
  });

  test.each(PROTOCOLS)("%s: headers round-trip, padded to 4 bytes", (protocol) => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 200 }), {
          maxKeys: 6,
        }),
        (headers) => {
          const out = new OutBuffer();
          const payload = callAdd(protocol);
          writeHeaderFrame(out, payload, protocol, 77, 1, Object.entries(headers));
          const bytes = out.take()!;
          const headerLength = ((bytes[12]! << 8) | bytes[13]!) * 4;
          expect(bytes.length).toBe(14 + headerLength + payload.length);
          const decoder = new HeaderDecoder(1 << 20);
          decoder.push(bytes);
          expect(decoder.next()).toBe(true);
          expect(decoder.seqid).toBe(77);
          expect(decoder.flags).toBe(1);
          expect(decoder.protocol).toBe(protocol);
          expect(Object.fromEntries(decoder.headers ?? [])).toEqual(headers);
          expect(decoder.bytes.slice(decoder.start, decoder.end)).toEqual(payload);
        },
      ),
      { numRuns: 50 },
    );
  });

  test("a transform is refused with INVALID_TRANSFORM, keeping the sequence number", () => {
    // zlib (1) as the one transform: 02 01 01 00 = compact, 1 transform, id 1, padding
    const frame = hex(
      "00 00 00 16 0f ff 00 00 00 00 00 05 00 01 02 01 01 00 82 21 05 03 61 64 64 00",
    );
    const decoder = new HeaderDecoder(1000);
    decoder.push(frame);
    let error: unknown;
    try {
      decoder.next();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HeaderError);
    expect((error as HeaderError).applicationType).toBe(8);
    expect((error as HeaderError).seqid).toBe(5);
    expect((error as Error).message).toMatch(/transform 1 \(zlib\) is not supported/);
  });

  test("a frame without the magic is malformed", () => {
    const out = new OutBuffer();
    writeFrame(out, callAdd("compact"));
    const decoder = new HeaderDecoder(1000);
    decoder.push(out.take()!);
    expect(() => decoder.next()).toThrow(/not a THeader frame/);
  });

  test("the deadline, request id and draining keys", () => {
    expect(THeaderKey).toEqual({
      TIMEOUT_MS: "client_timeout",
      REQUEST_ID: "request_id",
      DRAINING: "idlc-draining",
    });
  });
});

describe("detectWire", () => {
  const cases: [string, string, string][] = [
    ["80 01 00 01", "buffered", "binary"],
    ["82 21", "buffered", "compact"],
    ["00 00 00 0c 82 21", "framed", "compact"],
    ["00 00 00 10 80 01", "framed", "binary"],
    [PYTHON_HEADER(), "header", "compact"],
    ["00 00 00 14 00 00 00 03 61 64 64", "framed", "binary"], // old binary header, framed
    ["00 00 00 03 61 64 64 01", "buffered", "binary"], // old binary header, unframed
  ];
  function PYTHON_HEADER(): string {
    return "00 00 00 16 0f ff 00 00 00 00 00 01 00 01 02 00 00 00";
  }

  test.each(cases)("%s → %s %s", (bytes, transport, protocol) => {
    expect(detectWire(hex(bytes))).toEqual({ kind: "detected", transport, protocol });
  });

  test("too few bytes ask for more", () => {
    expect(detectWire(new Uint8Array(0))).toEqual({ kind: "more" });
    expect(detectWire(hex("82"))).toEqual({ kind: "more" });
    expect(detectWire(hex("00 00 00 0c 82"))).toEqual({ kind: "more" });
    expect(detectWire(hex("00 00 00 16 0f ff 00 00"))).toEqual({ kind: "more" });
  });

  test("a zero or negative frame length is refused from its 4 bytes, not waited on", () => {
    expect(detectWire(hex("00 00 00 00"))).toEqual({
      kind: "unknown",
      reason: "empty frame (length 0)",
    });
    expect(detectWire(hex("ff ff ff fe"))).toEqual({
      kind: "unknown",
      reason: "invalid frame size -2 (negative)",
    });
    expect(detectWire(hex("00 00 00"))).toEqual({ kind: "more" });
  });

  test("anything else is unknown, with the bytes in the reason", () => {
    const result = detectWire(new TextEncoder().encode("GET / HTTP/1.1\r\n"));
    expect(result.kind).toBe("unknown");
    expect(result.kind === "unknown" && result.reason).toMatch(/first bytes 47 45 54 20/);
  });
});

describe("DeadlineScheduler", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function entry(expiresAt: number, log: number[]): Deadlined {
    return {
      expiresAt,
      heapIndex: -1,
      expire: () => log.push(expiresAt),
    };
  }

  test("expires entries in deadline order with at most one timer", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const scheduler = new DeadlineScheduler();
    const log: number[] = [];
    const deadlines = [500, 100, 300, 100, 900, 700, 200];
    const entries = deadlines.map((d) => entry(1_000_000 + d, log));
    for (const e of entries) scheduler.add(e);
    expect(vi.getTimerCount()).toBe(1);
    scheduler.remove(entries[2]!); // 300 settles first: never expires
    vi.advanceTimersByTime(1000);
    expect(log).toEqual([100, 100, 200, 500, 700, 900].map((d) => 1_000_000 + d));
    expect(scheduler.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  test("a random mix of adds and removes expires exactly the survivors, in order", () => {
    vi.useFakeTimers({ now: 0 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.boolean()), { maxLength: 60 }),
        (plan) => {
          vi.setSystemTime(0);
          const scheduler = new DeadlineScheduler();
          const log: number[] = [];
          const entries = plan.map(([d]) => entry(d, log));
          for (const e of entries) scheduler.add(e);
          plan.forEach(([, removed], i) => removed && scheduler.remove(entries[i]!));
          vi.advanceTimersByTime(2000);
          const expected = plan
            .filter(([, removed]) => !removed)
            .map(([d]) => d)
            .sort((a, b) => a - b);
          expect(log).toEqual(expected);
          scheduler.close();
        },
      ),
    );
  });

  test("resolveDeadline takes the earliest of timeout, deadline and parent", () => {
    expect(resolveDeadline(1000, undefined, undefined, undefined)).toBeUndefined();
    expect(resolveDeadline(1000, 50, undefined, undefined)).toBe(1050);
    expect(resolveDeadline(1000, 50, 1020, undefined)).toBe(1020);
    expect(resolveDeadline(1000, 50, 1020, 1010)).toBe(1010);
    expect(resolveDeadline(1000, undefined, undefined, 5000)).toBe(5000);
  });
});
