// The framed transport's receiving side (rpc.md §8.2): frames out of arbitrarily split chunks,
// zero-copy for whole frames, size checked before anything is buffered, backpressure-safe.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { FrameDecoder, FrameError } from "../../../runtime/transport/frame-decoder.js";
import { writeFrame } from "../../../runtime/transport/framed.js";
import { OutBuffer } from "../../../runtime/transport/out-buffer.js";

/** Frames `payloads` back to back. */
function framesOf(payloads: readonly Uint8Array[]): Uint8Array {
  const out = new OutBuffer();
  for (const p of payloads) writeFrame(out, p);
  return Uint8Array.from(out.take() ?? []);
}

function int32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Splits `bytes` at the given cut points (any order, duplicates allowed). */
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

/** Everything the decoder hands out, as copies. */
function drain(decoder: FrameDecoder): Uint8Array[] {
  const out: Uint8Array[] = [];
  while (decoder.next()) out.push(decoder.bytes.slice(decoder.start, decoder.end));
  return out;
}

describe("FrameDecoder", () => {
  test("a whole frame in one chunk is a view of that chunk, not a copy", () => {
    const chunk = framesOf([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
    const decoder = new FrameDecoder(100);
    decoder.push(chunk);
    expect(decoder.next()).toBe(true);
    expect(decoder.bytes.buffer).toBe(chunk.buffer);
    expect([...decoder.bytes.subarray(decoder.start, decoder.end)]).toEqual([1, 2, 3]);
    expect(decoder.next()).toBe(true);
    expect([...decoder.bytes.subarray(decoder.start, decoder.end)]).toEqual([4]);
    expect(decoder.next()).toBe(false);
    expect(decoder.buffered).toBe(0);
  });

  test("a Node Buffer chunk comes out as a plain Uint8Array over the same memory", () => {
    const chunk = Buffer.from(framesOf([Uint8Array.of(9, 9)]));
    const decoder = new FrameDecoder(100);
    decoder.push(chunk);
    expect(decoder.next()).toBe(true);
    expect(decoder.bytes.constructor).toBe(Uint8Array);
    expect(decoder.bytes.buffer).toBe(chunk.buffer);
  });

  test("frames survive any split into chunks, the length prefix included", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (payloads, cuts) => {
          const decoder = new FrameDecoder(1000);
          const received: Uint8Array[] = [];
          for (const chunk of split(framesOf(payloads), cuts)) {
            decoder.push(chunk);
            received.push(...drain(decoder));
          }
          expect(received).toEqual(payloads);
          expect(decoder.buffered).toBe(0);
        },
      ),
    );
  });

  test("byte-by-byte delivery", () => {
    const payloads = [Uint8Array.of(1), new Uint8Array(70).fill(7), Uint8Array.of(2, 3)];
    const bytes = framesOf(payloads);
    const decoder = new FrameDecoder(1000);
    const received: Uint8Array[] = [];
    for (const b of bytes) {
      decoder.push(Uint8Array.of(b));
      received.push(...drain(decoder));
    }
    expect(received).toEqual(payloads);
  });

  test("a consumer may stop early (backpressure) and resume after more chunks arrive", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 50 }), { minLength: 2, maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 30 }),
        (payloads, cuts, takes) => {
          const decoder = new FrameDecoder(1000);
          const received: Uint8Array[] = [];
          let turn = 0;
          for (const chunk of split(framesOf(payloads), cuts)) {
            decoder.push(chunk);
            // Take at most N frames per chunk, leaving the rest queued.
            const limit = takes[turn++ % takes.length]!;
            for (let i = 0; i < limit && decoder.next(); i++)
              received.push(decoder.bytes.slice(decoder.start, decoder.end));
          }
          received.push(...drain(decoder));
          expect(received).toEqual(payloads);
        },
      ),
    );
  });

  test("an oversize length is refused from its 4 bytes alone, naming the limit", () => {
    const decoder = new FrameDecoder(16_384_000);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setInt32(0, 20_000_000);
    decoder.push(header);
    let error: unknown;
    try {
      decoder.next();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FrameError);
    expect((error as FrameError).code).toBe("too-large");
    expect((error as FrameError).size).toBe(20_000_000);
    expect((error as FrameError).message).toBe(
      "frame of 20000000 bytes exceeds maxFrameBytes (16384000)",
    );
  });

  test("an oversize length split across chunks is refused once its 4th byte arrives", () => {
    const decoder = new FrameDecoder(10);
    decoder.push(Uint8Array.of(0, 0));
    expect(decoder.next()).toBe(false);
    decoder.push(Uint8Array.of(0));
    expect(decoder.next()).toBe(false);
    decoder.push(Uint8Array.of(11, 1, 2, 3));
    expect(() => decoder.next()).toThrow(/frame of 11 bytes exceeds maxFrameBytes \(10\)/);
  });

  test("the limit itself is accepted", () => {
    const decoder = new FrameDecoder(5);
    decoder.push(framesOf([new Uint8Array(5)]));
    expect(decoder.next()).toBe(true);
    expect(decoder.end - decoder.start).toBe(5);
  });

  test("negative and zero lengths are errors", () => {
    const negative = new FrameDecoder(100);
    negative.push(Uint8Array.of(0xff, 0xff, 0xff, 0xfe));
    expect(() => negative.next()).toThrow(expect.objectContaining({ code: "negative-size" }));
    const zero = new FrameDecoder(100);
    zero.push(Uint8Array.of(0, 0, 0, 0));
    expect(() => zero.next()).toThrow(expect.objectContaining({ code: "empty-frame" }));
  });

  test("a frame split across chunks is assembled into a buffer of exactly its size", () => {
    const payload = new Uint8Array(100).map((_, i) => i);
    const bytes = framesOf([payload]);
    const decoder = new FrameDecoder(1000);
    decoder.push(bytes.subarray(0, 30));
    expect(decoder.next()).toBe(false);
    expect(decoder.buffered).toBe(26); // the 4-byte prefix is parsed, 26 payload bytes held
    decoder.push(bytes.subarray(30));
    expect(decoder.next()).toBe(true);
    expect(decoder.bytes.length).toBe(100);
    expect(decoder.bytes.slice(decoder.start, decoder.end)).toEqual(payload);
  });
});

describe("memory grows with the bytes received, not with a declared size", () => {
  test("32 frames claiming 16,000,000 bytes each and sending 10 hold a few KiB, not 490 MiB", () => {
    const before = process.memoryUsage().arrayBuffers;
    const decoders: FrameDecoder[] = [];
    for (let i = 0; i < 32; i++) {
      const decoder = new FrameDecoder(16_384_000);
      decoder.push(
        Uint8Array.of(...int32(16_000_000), 0x82, 0x21, 1, 3, 0x61, 0x64, 0x64, 0, 0, 0),
      );
      expect(decoder.next()).toBe(false);
      expect(decoder.buffered).toBe(10);
      decoders.push(decoder);
    }
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan(1 << 20); // before: 32 × 16,000,000 bytes allocated up front
    expect(decoders).toHaveLength(32); // kept alive until the measurement
  });

  test("a frame arriving in pieces is assembled by doubling, exact at the end", () => {
    const payload = new Uint8Array(100_000).map((_, i) => i * 7);
    const bytes = framesOf([payload]);
    const decoder = new FrameDecoder(1 << 20);
    for (let at = 0; at < bytes.length; at += 999) {
      decoder.push(bytes.subarray(at, at + 999));
      if (at + 999 < bytes.length) expect(decoder.next()).toBe(false);
    }
    expect(decoder.next()).toBe(true);
    expect(decoder.bytes.length).toBe(100_000);
    expect(decoder.bytes.slice(decoder.start, decoder.end)).toEqual(payload);
    expect(decoder.next()).toBe(false);
    expect(decoder.buffered).toBe(0);
  });
});

describe("OutBuffer", () => {
  test("views already taken are never overwritten by later appends", () => {
    const out = new OutBuffer();
    const taken: [Uint8Array, number][] = [];
    for (let i = 0; i < 2000; i++) {
      const payload = new Uint8Array(97).fill(i & 0xff);
      writeFrame(out, payload);
      if (i % 7 === 0) taken.push([out.take()!, i]);
    }
    for (const [view] of taken) expect(view.length % 101).toBe(0);
    // Every frame in every taken view still holds its own fill byte.
    let frame = 0;
    for (const [view] of taken) {
      for (let at = 0; at < view.length; at += 101, frame++) {
        expect(view[at + 4]).toBe(frame & 0xff);
        expect(view[at + 100]).toBe(frame & 0xff);
      }
    }
    expect(out.pending).toBeGreaterThan(0);
  });

  test("the slab is allocated on the first append and dropped by release() when idle", () => {
    const out = new OutBuffer();
    expect(out.capacity).toBe(0);
    writeFrame(out, Uint8Array.of(1, 2));
    expect(out.capacity).toBe(4 * 1024);
    out.release(); // pending bytes: kept
    expect(out.capacity).toBe(4 * 1024);
    expect([...out.take()!]).toEqual([0, 0, 0, 2, 1, 2]);
    out.release();
    expect(out.capacity).toBe(0);
    writeFrame(out, Uint8Array.of(3));
    expect([...out.take()!]).toEqual([0, 0, 0, 1, 3]);
  });

  test("slabs start at 4 KiB and double as they fill, up to 64 KiB; release starts over", () => {
    const out = new OutBuffer();
    const sizes: number[] = [];
    for (let i = 0; i < 200; i++) {
      writeFrame(out, new Uint8Array(1_000));
      if (sizes.at(-1) !== out.capacity) sizes.push(out.capacity);
      out.take(); // taken but never rewound: as while the socket still holds the bytes
    }
    expect(sizes).toEqual([4, 8, 16, 32, 64].map((k) => k * 1024));
    out.release();
    writeFrame(out, new Uint8Array(10));
    expect(out.capacity).toBe(4 * 1024);
  });

  test("rewind reuses the slab only when nothing is pending", () => {
    const out = new OutBuffer();
    writeFrame(out, Uint8Array.of(1, 2));
    const first = out.take()!;
    out.rewind();
    writeFrame(out, Uint8Array.of(3, 4));
    const second = out.take()!;
    expect(second.buffer).toBe(first.buffer);
    expect(second.byteOffset).toBe(first.byteOffset); // the same bytes, written again
    writeFrame(out, Uint8Array.of(5));
    out.rewind(); // pending bytes: no rewind
    expect([...out.take()!]).toEqual([0, 0, 0, 1, 5]);
  });
});
