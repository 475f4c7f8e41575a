// The binary protocol against every byte vector of binary-protocol.md §7 (verified against
// Apache Thrift), written and read back, plus strict and old message headers (§5).
import { describe, expect, test } from "vitest";
import {
  EncodeError,
  MessageType,
  ProtocolError,
  TType,
  createReader,
  createWriter,
} from "idlc/runtime";
import type { WireValue } from "./protocol-values.js";
import {
  asRead,
  bin,
  bool,
  bytesList,
  countingHex,
  double,
  hex,
  i16,
  i32,
  i64,
  i8,
  list,
  map,
  readValue,
  set,
  str,
  struct,
  toHex,
  ttypeOf,
  uuid,
  writeValue,
} from "./protocol-values.js";

const UUID = "00112233-4455-6677-8899-aabbccddeeff";
const UUID_HEX = "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff";

/** binary-protocol.md §7: [name, value, bytes]. */
const VECTORS: [string, WireValue, string][] = [
  ["B1{v=150}", struct([1, i32(150)]), "08 00 01 00 00 00 96 00"],
  ["B1{v=-1}", struct([1, i32(-1)]), "08 00 01 ff ff ff ff 00"],
  ["B1{v=-2147483648}", struct([1, i32(-2147483648)]), "08 00 01 80 00 00 00 00"],
  [
    "B20{a=1, b=2}",
    struct([1, i32(1)], [20, i32(2)]),
    "08 00 01 00 00 00 01 08 00 14 00 00 00 02 00",
  ],
  [
    "BoolS{t=true, f=false}",
    struct([1, bool(true)], [2, bool(false)]),
    "02 00 01 01 02 00 02 00 00",
  ],
  [
    "EmptyMap{m={}}",
    struct([1, map(TType.STRING, TType.I32, [])]),
    "0d 00 01 0b 08 00 00 00 00 00",
  ],
  ["L20{l=[0..19]}", struct([1, bytesList(20)]), `0f 00 01 03 00 00 00 14 ${countingHex(20)} 00`],
  ["L20{l=[]}", struct([1, bytesList(0)]), "0f 00 01 03 00 00 00 00 00"],
  [
    "Nest{x=Inner{a=1}, y=2}",
    struct([1, struct([1, i32(1)])], [2, i32(2)]),
    "0c 00 01 08 00 01 00 00 00 01 00 08 00 02 00 00 00 02 00",
  ],
  ["Dbl{d=1.0}", struct([1, double(1)]), "04 00 01 3f f0 00 00 00 00 00 00 00"],
  ["Dbl{d=-2.5}", struct([1, double(-2.5)]), "04 00 01 c0 04 00 00 00 00 00 00 00"],
  ["Str{s=hi}", struct([1, str("hi")]), "0b 00 01 00 00 00 02 68 69 00"],
  ["Str{s=é}", struct([1, str("é")]), "0b 00 01 00 00 00 02 c3 a9 00"],
  [
    "Str{s='', b=00 ff 10}",
    struct([1, str("")], [2, bin(hex("00 ff 10"))]),
    "0b 00 01 00 00 00 00 0b 00 02 00 00 00 03 00 ff 10 00",
  ],
  [
    "LBool{l=[true,false]}",
    struct([1, list(TType.BOOL, [bool(true), bool(false)])]),
    "0f 00 01 02 00 00 00 02 01 00 00",
  ],
  [
    "MapI{m={1:a}}",
    struct([1, map(TType.I32, TType.STRING, [[i32(1), str("a")]])]),
    "0d 00 01 08 0b 00 00 00 01 00 00 00 01 00 00 00 01 61 00",
  ],
  [
    "SetS{s={x}}",
    struct([1, set(TType.STRING, [str("x")])]),
    "0e 00 01 0b 00 00 00 01 00 00 00 01 78 00",
  ],
  ["I64s{v=2^40}", struct([1, i64(2n ** 40n)]), "0a 00 01 00 00 01 00 00 00 00 00 00"],
  ["I64s{v=-2^63}", struct([1, i64(-(2n ** 63n))]), "0a 00 01 80 00 00 00 00 00 00 00 00"],
  ["i8 field id 10 = -1", struct([10, i8(-1)]), "03 00 0a ff 00"],
  ["EnumS{c=GREEN}", struct([1, i32(2)]), "08 00 01 00 00 00 02 00"],
  ["Big{x=1} (id 300)", struct([300, i32(1)]), "08 01 2c 00 00 00 01 00"],
  ["Neg{neg=5, a=1}", struct([-1, i16(5)], [1, i32(1)]), "06 ff ff 00 05 08 00 01 00 00 00 01 00"],
  ["struct {1: uuid}", struct([1, uuid(UUID)]), `10 00 01 ${UUID_HEX} 00`],
  ["list<uuid>", list(TType.UUID, [uuid(UUID)]), `10 00 00 00 01 ${UUID_HEX}`],
  // Beyond §7, following its rules:
  ["field id 0", struct([0, i32(7)]), "08 00 00 00 00 00 07 00"],
  [
    "i64 2^63-1 and -1",
    list(TType.I64, [i64(2n ** 63n - 1n), i64(-1n)]),
    "0a 00 00 00 02 7f ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff",
  ],
  [
    "i64 -2^32-1",
    list(TType.I64, [i64(-(2n ** 32n) - 1n)]),
    "0a 00 00 00 01 ff ff ff fe ff ff ff ff",
  ],
  ["i16 extremes", list(TType.I16, [i16(-32768), i16(32767)]), "06 00 00 00 02 80 00 7f ff"],
  ["empty set<bool>", set(TType.BOOL, []), "02 00 00 00 00"],
  [
    "map<bool,double>",
    map(TType.BOOL, TType.DOUBLE, [[bool(false), double(1)]]),
    "02 04 00 00 00 01 00 3f f0 00 00 00 00 00 00",
  ],
  ["15 i8 elements", bytesList(15), `03 00 00 00 0f ${countingHex(15)}`],
];

/** binary-protocol.md §7 messages, strict headers: [name, header, body, bytes]. */
const MESSAGES: [string, [string, MessageType, number], WireValue | undefined, string][] = [
  [
    "CALL add",
    ["add", MessageType.CALL, 1],
    struct([1, i32(1)], [2, i32(2)]),
    "80 01 00 01 00 00 00 03 61 64 64 00 00 00 01 08 00 01 00 00 00 01 08 00 02 00 00 00 02 00",
  ],
  [
    "REPLY add",
    ["add", MessageType.REPLY, 1],
    struct([0, i32(3)]),
    "80 01 00 02 00 00 00 03 61 64 64 00 00 00 01 08 00 00 00 00 00 03 00",
  ],
  [
    "REPLY add, declared exception",
    ["add", MessageType.REPLY, 1],
    struct([5, struct([1, str("x")])]),
    "80 01 00 02 00 00 00 03 61 64 64 00 00 00 01 0c 00 05 0b 00 01 00 00 00 01 78 00 00",
  ],
  [
    "REPLY ping (void)",
    ["ping", MessageType.REPLY, 7],
    struct(),
    "80 01 00 02 00 00 00 04 70 69 6e 67 00 00 00 07 00",
  ],
  [
    "ONEWAY fire",
    ["fire", MessageType.ONEWAY, 2],
    struct([1, str("x")]),
    "80 01 00 04 00 00 00 04 66 69 72 65 00 00 00 02 0b 00 01 00 00 00 01 78 00",
  ],
  [
    "EXCEPTION foo (UNKNOWN_METHOD)",
    ["foo", MessageType.EXCEPTION, 5],
    struct([1, str("Unknown function foo")], [2, i32(1)]),
    "80 01 00 03 00 00 00 03 66 6f 6f 00 00 00 05 0b 00 01 00 00 00 14 55 6e 6b 6e 6f 77 6e 20 66 75 6e 63 74 69 6f 6e 20 66 6f 6f 08 00 02 00 00 00 01 00",
  ],
  [
    "CALL a, seqid -1",
    ["a", MessageType.CALL, -1],
    undefined,
    "80 01 00 01 00 00 00 01 61 ff ff ff ff",
  ],
  [
    "CALL a, seqid -2^31",
    ["a", MessageType.CALL, -2147483648],
    undefined,
    "80 01 00 01 00 00 00 01 61 80 00 00 00",
  ],
];

function encode(value: WireValue): Uint8Array {
  const w = createWriter("binary");
  writeValue(w, value);
  return w.finish();
}

describe("binary: spec byte vectors", () => {
  test.each(VECTORS)("writes %s", (_, value, bytes) => {
    expect(toHex(encode(value))).toBe(toHex(hex(bytes)));
  });

  test.each(VECTORS)("reads %s", (_, value, bytes) => {
    const input = hex(bytes);
    const r = createReader("binary", input);
    expect(readValue(r, ttypeOf(value), value)).toEqual(asRead(value, "binary"));
    expect(r.position).toBe(input.length);
  });

  test.each(MESSAGES)(
    "writes message %s (strict header)",
    (_, [name, type, seqid], body, bytes) => {
      const w = createWriter("binary");
      w.messageBegin(name, type, seqid);
      if (body) writeValue(w, body);
      expect(toHex(w.finish())).toBe(toHex(hex(bytes)));
    },
  );

  test.each(MESSAGES)("reads message %s", (_, [name, type, seqid], body, bytes) => {
    const input = hex(bytes);
    const r = createReader("binary", input);
    expect(r.messageBegin()).toEqual({ name, type, seqid });
    if (body) expect(readValue(r, TType.STRUCT, body)).toEqual(body);
    expect(r.position).toBe(input.length);
  });

  test("reads the old (non-strict) header", () => {
    const input = hex(
      "00 00 00 03 61 64 64 01 00 00 00 01 08 00 01 00 00 00 01 08 00 02 00 00 00 02 00",
    );
    const r = createReader("binary", input);
    expect(r.messageBegin()).toEqual({ name: "add", type: MessageType.CALL, seqid: 1 });
    expect(readValue(r, TType.STRUCT)).toEqual(struct([1, i32(1)], [2, i32(2)]));
    expect(r.position).toBe(input.length);
  });

  test("reads old headers with negative seqids and every message type", () => {
    for (const type of [1, 2, 3, 4] as const) {
      const r = createReader("binary", hex(`00 00 00 01 61 0${type} ff ff ff fe`));
      expect(r.messageBegin()).toEqual({ name: "a", type, seqid: -2 });
    }
  });

  test("a framed CALL with empty args: the frame holds exactly the message", () => {
    const framed = hex("00 00 00 10 80 01 00 01 00 00 00 03 61 64 64 00 00 00 01 00");
    const w = createWriter("binary");
    w.messageBegin("add", MessageType.CALL, 1);
    writeValue(w, struct());
    expect(toHex(w.bytes())).toBe(toHex(framed.subarray(4)));
    expect(w.length).toBe(0x10);
    const r = createReader("binary", framed);
    r.reset(framed, 4, framed.length);
    expect(r.messageBegin()).toEqual({ name: "add", type: MessageType.CALL, seqid: 1 });
    expect(readValue(r, TType.STRUCT)).toEqual(struct());
  });

  test("a strict header with another version is bad-version", () => {
    const r = createReader("binary", hex("80 02 00 01 00 00 00 01 61 00 00 00 01"));
    expect(() => r.messageBegin()).toThrow(ProtocolError);
    r.reset(hex("80 02 00 01 00 00 00 01 61 00 00 00 01"));
    expect(() => r.messageBegin()).toThrow(
      expect.objectContaining({ code: "bad-version", offset: 0 }),
    );
  });
});

describe("binary: what readers must accept", () => {
  test("any non-zero bool byte is true, as Apache's Node/Python/C++ readers have it", () => {
    expect(readValue(createReader("binary", hex("02 00 01 02 00")), TType.STRUCT)).toEqual(
      struct([1, bool(true)]),
    );
  });

  test("a string arriving for an i32 field is skipped, or rejected when strict", () => {
    const bytes = hex("0b 00 01 00 00 00 01 78 00");
    const lax = createReader("binary", bytes);
    lax.structBegin();
    expect(lax.fieldBegin()).toBe(TType.STRING);
    lax.skipMismatch(TType.STRING, TType.I32, "v");
    expect(lax.fieldBegin()).toBe(TType.STOP);
    expect(lax.position).toBe(bytes.length);

    const strict = createReader("binary", bytes, { strict: true });
    strict.structBegin();
    strict.fieldBegin();
    expect(() => strict.skipMismatch(TType.STRING, TType.I32, "v")).toThrow(
      expect.objectContaining({ code: "invalid-data" }),
    );
  });

  test("skips every type, nested, and lands on the next field", () => {
    const unknown = struct(
      [1, map(TType.STRING, TType.LIST, [[str("k"), list(TType.DOUBLE, [double(1.5)])]])],
      [2, set(TType.UUID, [uuid(UUID)])],
      [3, struct([1, bool(true)], [2, i8(1)], [3, i16(2)], [4, i64(3n)], [5, bin(hex("ff"))])],
      [4, map(TType.I32, TType.I32, [])],
    );
    const bytes = encode(struct([9, unknown], [10, i32(42)]));
    const r = createReader("binary", bytes);
    r.structBegin();
    expect(r.fieldBegin()).toBe(TType.STRUCT);
    r.skip(TType.STRUCT);
    expect(r.fieldBegin()).toBe(TType.I32);
    expect([r.fieldId, r.i32()]).toEqual([10, 42]);
  });
});

describe("binary: writer", () => {
  test("reset() reuses the buffer; bytes() is a view, finish() a copy", () => {
    const w = createWriter("binary");
    writeValue(w, struct([1, i32(150)]));
    const copy = w.finish();
    w.reset();
    writeValue(w, struct([1, i32(-1)]));
    expect(toHex(copy)).toBe("08 00 01 00 00 00 96 00");
    expect(toHex(w.bytes())).toBe("08 00 01 ff ff ff ff 00");
  });

  test("strings: the i32 length counts UTF-8 bytes", () => {
    const utf8 = new TextEncoder();
    for (const s of ["é".repeat(50), "😀".repeat(40), "x".repeat(70_000) + "€"]) {
      const bytes = encode(str(s));
      const expected = utf8.encode(s);
      expect(new DataView(bytes.buffer, bytes.byteOffset).getInt32(0)).toBe(expected.length);
      expect(toHex(bytes.subarray(4))).toBe(toHex(expected));
      expect(createReader("binary", bytes).string()).toBe(s);
    }
  });

  test.each([
    ["i8", (w: ReturnType<typeof createWriter>) => w.i8(200)],
    ["i16", (w: ReturnType<typeof createWriter>) => w.i16(-40000)],
    ["i32", (w: ReturnType<typeof createWriter>) => w.i32(-(2 ** 31) - 1)],
    ["i64", (w: ReturnType<typeof createWriter>) => w.i64(2n ** 64n)],
    ["uuid", (w: ReturnType<typeof createWriter>) => w.uuid("not a uuid")],
    ["map key type", (w: ReturnType<typeof createWriter>) => w.mapBegin(TType.STOP, TType.I32, 0)],
  ])("rejects a bad %s with an EncodeError", (type, write) => {
    expect(() => write(createWriter("binary"))).toThrow(EncodeError);
    expect(() => write(createWriter("binary"))).toThrow(`as ${type}`);
  });
});
