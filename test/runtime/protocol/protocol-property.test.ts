// Round trips as properties: any sequence of Thrift values written by a writer reads back equal
// from the reader of the same protocol, edge values included (i64 extremes, -0.0, NaN, unicode,
// lone surrogates, 64 KB strings, >14-element containers, far-apart and negative field ids).
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { EncodeError, TType, createReader, createWriter } from "idlc/runtime";
import { defineStruct } from "idlc/runtime/codegen";
import type { ProtocolName, ProtocolReader, ProtocolWriter } from "idlc/runtime";
import { I64_EDGES, anyString, values } from "./protocol-arbitraries.js";
import type { WireValue } from "./protocol-values.js";
import {
  asRead,
  bin,
  hex,
  readValue,
  str,
  struct,
  toHex,
  ttypeOf,
  writeValue,
} from "./protocol-values.js";

const PROTOCOLS: ProtocolName[] = ["compact", "binary"];
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** What reading `v` gives: strings as TextDecoder(TextEncoder(s)) has them, compact empty maps
 * without types. */
function expected(v: WireValue, protocol: ProtocolName): WireValue {
  const fix = (x: WireValue): WireValue => {
    switch (x.type) {
      case "string":
        return str(utf8Decoder.decode(utf8Encoder.encode(x.value)));
      case "struct":
        return { ...x, fields: x.fields.map((f) => ({ id: f.id, value: fix(f.value) })) };
      case "list":
      case "set":
        return { ...x, items: x.items.map(fix) };
      case "map":
        return { ...x, entries: x.entries.map(([k, y]) => [fix(k), fix(y)] as const) };
      default:
        return x;
    }
  };
  return asRead(fix(v), protocol);
}

function writeAll(w: ProtocolWriter, vs: readonly WireValue[]): Uint8Array {
  for (const v of vs) {
    // Top-level bools are elements (a bare byte); wrap them nowhere else.
    writeValue(w, v);
  }
  return w.finish();
}

function readAll(r: ProtocolReader, like: readonly WireValue[]): WireValue[] {
  return like.map((v) => readValue(r, ttypeOf(v), v));
}

describe.each(PROTOCOLS)("%s round trips", (protocol) => {
  test("any sequence of values reads back equal, ending at the last byte", () => {
    const writer = createWriter(protocol);
    fc.assert(
      fc.property(fc.array(values, { maxLength: 6 }), (vs) => {
        const fresh = writeAll(createWriter(protocol), vs);
        writer.reset(); // a reused writer writes the same bytes as a fresh one
        expect(toHex(writeAll(writer, vs))).toBe(toHex(fresh));
        const r = createReader(protocol, fresh);
        expect(readAll(r, vs)).toEqual(vs.map((v) => expected(v, protocol)));
        expect(r.position).toBe(fresh.length);
      }),
      { numRuns: 400 },
    );
  });

  test("a reused reader reads from any offset window", () => {
    const r = createReader(protocol, new Uint8Array(0));
    fc.assert(
      fc.property(
        values,
        fc.uint8Array({ maxLength: 8 }),
        fc.uint8Array({ maxLength: 8 }),
        (v, before, after) => {
          const body = writeAll(createWriter(protocol), [v]);
          const bytes = new Uint8Array([...before, ...body, ...after]);
          r.reset(bytes, before.length, before.length + body.length);
          expect(readValue(r, ttypeOf(v), v)).toEqual(expected(v, protocol));
          expect(r.position).toBe(before.length + body.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("i64 extremes and the 32/53-bit seams", () => {
    const w = createWriter(protocol);
    for (const v of I64_EDGES) w.i64(v);
    const r = createReader(protocol, w.finish());
    for (const v of I64_EDGES) expect(r.i64()).toBe(v);
  });

  test("any i64 survives", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        const w = createWriter(protocol);
        w.i64(v);
        expect(createReader(protocol, w.finish()).i64()).toBe(v);
      }),
    );
  });

  test("doubles keep -0.0, infinities, and NaN's canonical bit pattern", () => {
    const littleEndian = protocol === "compact";
    for (const d of [-0, 0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, Number.NaN]) {
      const w = createWriter(protocol);
      w.double(d);
      const bytes = w.finish();
      const bits = new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, littleEndian);
      const view = new DataView(new ArrayBuffer(8));
      view.setFloat64(0, d);
      expect(bits).toBe(view.getBigUint64(0));
      expect(Object.is(createReader(protocol, bytes).double(), d)).toBe(true);
    }
    const nan = createWriter(protocol);
    nan.double(Number.NaN);
    expect(toHex(nan.finish())).toBe(
      littleEndian ? "00 00 00 00 00 00 f8 7f" : "7f f8 00 00 00 00 00 00",
    );
  });

  test("a NaN read from the wire is written back with the same bits", () => {
    const payload =
      protocol === "compact" ? hex("01 00 00 00 de ad f8 7f") : hex("7f f8 ad de 00 00 00 01");
    const w = createWriter(protocol);
    w.double(createReader(protocol, payload).double());
    expect(toHex(w.finish())).toBe(toHex(payload));
  });

  test("strings: unicode, 64 KB, and lone surrogates written as U+FFFD like TextEncoder", () => {
    const cases = [
      "",
      "héllo wörld",
      "日本語テキスト",
      "😀👍🏽🇩🇪",
      "a".repeat(65_536),
      "é€😀".repeat(16_384),
      "\ud800",
      "a\udc00b",
      "\ud83d\ud83d\ude00", // a high surrogate, then a pair
      "x".repeat(100) + "\ud800", // long: through TextEncoder
    ];
    for (const s of cases) {
      const w = createWriter(protocol);
      w.string(s);
      const bytes = w.finish();
      const utf8 = utf8Encoder.encode(s);
      expect(toHex(bytes.subarray(bytes.length - utf8.length))).toBe(toHex(utf8));
      expect(createReader(protocol, bytes).string()).toBe(utf8Decoder.decode(utf8));
    }
  });

  test("any UTF-16 string is written as TextEncoder writes it", () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const w = createWriter(protocol);
        w.string(s);
        const bytes = w.finish();
        const utf8 = utf8Encoder.encode(s);
        expect(toHex(bytes.subarray(bytes.length - utf8.length))).toBe(toHex(utf8));
        expect(bytes.length - utf8.length).toBe(
          protocol === "binary" ? 4 : utf8.length < 128 ? 1 : utf8.length < 16384 ? 2 : 3,
        );
      }),
      { numRuns: 500 },
    );
  });

  test("any bytes read as a string decode as non-fatal TextDecoder does", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }),
          fc.uint8Array({ minLength: 49, maxLength: 300 }),
          fc
            .array(fc.constantFrom(0x41, 0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xff), {
              maxLength: 40,
            })
            .map((a) => Uint8Array.from(a)),
        ),
        (raw) => {
          const w = createWriter(protocol);
          w.binary(raw);
          expect(createReader(protocol, w.finish()).string()).toBe(utf8Decoder.decode(raw));
        },
      ),
      { numRuns: 500 },
    );
  });

  test("finish() copies never alias each other or the writer's buffer", () => {
    const w = createWriter(protocol);
    const outputs: Uint8Array[] = [];
    // Enough small results to cross pool slabs, plus large ones that get their own buffer.
    for (let i = 0; i < 300; i++) {
      w.reset();
      w.binary(new Uint8Array(i % 7 === 0 ? 5000 : 1 + (i % 300)).fill(i & 0xff));
      outputs.push(w.finish());
    }
    w.reset();
    w.binary(new Uint8Array(100).fill(0xee)); // overwrite the writer's buffer
    outputs.forEach((out, i) => {
      const payload = out.subarray(out.length - (i % 7 === 0 ? 5000 : 1 + (i % 300)));
      expect(payload.every((b) => b === (i & 0xff))).toBe(true);
      expect(out.byteOffset % 8).toBe(0);
    });
  });

  test("binary() returns a copy, never a view of the input", () => {
    const w = createWriter(protocol);
    w.binary(hex("01 02 03"));
    const input = w.finish();
    const out = createReader(protocol, input).binary();
    input.fill(0);
    expect(toHex(out)).toBe("01 02 03");
    expect(out.buffer).not.toBe(input.buffer);
    expect(out.constructor).toBe(Uint8Array);
  });

  test("readers accept a Node Buffer and still return plain Uint8Array copies", () => {
    const w = createWriter(protocol);
    writeValue(w, struct([1, bin(hex("aa bb"))], [2, str("ok")]));
    const buffer = Buffer.from(w.finish());
    const r = createReader(protocol, buffer);
    const read = readValue(r, TType.STRUCT, struct([1, bin(hex(""))]));
    expect(read).toEqual(struct([1, bin(hex("aa bb"))], [2, str("ok")]));
    buffer.fill(0);
    expect(read).toEqual(struct([1, bin(hex("aa bb"))], [2, str("ok")]));
  });
});

describe("defineStruct codecs over the protocol layer", () => {
  interface Point {
    x: number;
    y: bigint;
    label?: string;
  }
  const Point = defineStruct<Point>({
    name: "Point",
    write(w, v) {
      w.structBegin();
      w.field(TType.I32, 1);
      w.i32(v.x);
      w.field(TType.I64, 2);
      w.i64(v.y);
      if (v.label !== undefined) {
        w.field(TType.STRING, 3);
        w.string(v.label);
      }
      w.structEnd();
    },
    read(r) {
      const out: Partial<Point> = {};
      r.structBegin();
      for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
        if (r.fieldId === 1 && t === TType.I32) out.x = r.i32();
        else if (r.fieldId === 2 && t === TType.I64) out.y = r.i64();
        else if (r.fieldId === 3 && t === TType.STRING) out.label = r.string();
        else if (r.fieldId === 1) r.skipMismatch(t, TType.I32, "x");
        else r.skip(t);
      }
      r.structEnd();
      return {
        x: out.x ?? 0,
        y: out.y ?? 0n,
        ...(out.label === undefined ? {} : { label: out.label }),
      };
    },
    create: (init) => init,
  });

  test("encode/decode round trip through both protocols with one shared writer each", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.option(fc.string(), { nil: undefined }),
        (x, y, label) => {
          const p: Point = label === undefined ? { x, y } : { x, y, label };
          for (const protocol of PROTOCOLS) {
            const bytes = Point.encode(p, { protocol });
            expect(Point.decode(bytes, { protocol })).toEqual(p);
            expect(Point.encode(p, { protocol })).toEqual(bytes); // a fresh array every time
            expect(Point.encode(p, { protocol })).not.toBe(bytes);
          }
        },
      ),
    );
  });

  test("compact is the default; a failed encode leaves the shared writer usable", () => {
    expect(toHex(Point.encode({ x: 1, y: 2n }))).toBe("15 02 16 04 00");
    expect(() => Point.encode({ x: 1.5, y: 0n })).toThrow(EncodeError);
    expect(toHex(Point.encode({ x: -1, y: -1n }))).toBe("15 01 16 01 00");
  });

  test("an encode nested inside another's write gets its own writer", () => {
    const Outer = defineStruct<{ inner: Point }>({
      name: "Outer",
      write(w, v) {
        w.structBegin();
        w.field(TType.STRING, 1);
        w.binary(Point.encode(v.inner)); // same protocol, while the shared writer is busy
        w.structEnd();
      },
      read(r) {
        r.structBegin();
        let inner: Point = { x: 0, y: 0n };
        for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
          if (r.fieldId === 1) inner = Point.decode(r.binary());
          else r.skip(t);
        }
        r.structEnd();
        return { inner };
      },
      create: (init) => init,
    });
    const value = { inner: { x: 7, y: 2n ** 40n, label: "é" } };
    expect(Outer.decode(Outer.encode(value))).toEqual(value);
  });

  test("decode options: limits and strict reach the reader", () => {
    const bytes = Point.encode({ x: 1, y: 2n, label: "abcdef" });
    expect(() => Point.decode(bytes, { limits: { maxStringBytes: 3 } })).toThrow(
      expect.objectContaining({ code: "size-limit" }),
    );
    expect(() => Point.decode(bytes, { limits: { maxDepth: 0 } })).toThrow(
      expect.objectContaining({ code: "depth-limit" }),
    );
    const mismatched = hex("18 01 78 00"); // field 1 (x) as a string
    expect(Point.decode(mismatched)).toEqual({ x: 0, y: 0n });
    expect(() => Point.decode(mismatched, { strict: true })).toThrow(/field "x" arrived as string/);
    expect(Point.decode(bytes)).toEqual({ x: 1, y: 2n, label: "abcdef" });
  });

  test("createReader merges partial limits over the defaults", () => {
    const r = createReader("compact", new Uint8Array(0), { limits: { maxDepth: 3 } });
    expect(r.limits).toEqual({
      maxStringBytes: 16_384_000,
      maxContainerSize: 16_384_000,
      maxDepth: 3,
    });
    expect(createReader("binary", new Uint8Array(0)).limits.maxDepth).toBe(64);
    expect(() => createWriter("json" as ProtocolName)).toThrow(/unknown protocol "json"/);
  });
});
