// The compact protocol against every byte vector of compact-protocol.md §9 (verified against
// Apache Thrift), written and read back, plus the rules around them (§1–§8).
import { describe, expect, test } from "vitest";
import { EncodeError, MessageType, TType, createReader, createWriter } from "idlc/runtime";
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

/** compact-protocol.md §9: [name, value, bytes]. */
const VECTORS: [string, WireValue, string][] = [
  ["B1{v=150}", struct([1, i32(150)]), "15 ac 02 00"],
  ["B1{v=-1}", struct([1, i32(-1)]), "15 01 00"],
  ["B1{v=0}", struct([1, i32(0)]), "15 00 00"],
  ["B1{v=2147483647}", struct([1, i32(2147483647)]), "15 fe ff ff ff 0f 00"],
  ["B1{v=-2147483648}", struct([1, i32(-2147483648)]), "15 ff ff ff ff 0f 00"],
  ["B20{a=1, b=2}", struct([1, i32(1)], [20, i32(2)]), "15 02 05 28 04 00"],
  ["B20{b=2}", struct([20, i32(2)]), "05 28 04 00"],
  ["BoolS{t=true, f=false}", struct([1, bool(true)], [2, bool(false)]), "11 12 00"],
  ["EmptyMap{m={}}", struct([1, map(TType.STRING, TType.I32, [])]), "1b 00 00"],
  ["L20{l=[0..19]}", struct([1, bytesList(20)]), `19 f3 14 ${countingHex(20)} 00`],
  ["L20{l=[0..13]}", struct([1, bytesList(14)]), `19 e3 ${countingHex(14)} 00`],
  ["L20{l=[0..14]}", struct([1, bytesList(15)]), `19 f3 0f ${countingHex(15)} 00`],
  ["L20{l=[]}", struct([1, bytesList(0)]), "19 03 00"],
  [
    "Nest{x=Inner{a=1}, y=2}",
    struct([1, struct([1, i32(1)])], [2, i32(2)]),
    "1c 15 02 00 15 04 00",
  ],
  ["Dbl{d=1.0}", struct([1, double(1)]), "17 00 00 00 00 00 00 f0 3f 00"],
  ["Dbl{d=-2.5}", struct([1, double(-2.5)]), "17 00 00 00 00 00 00 04 c0 00"],
  ["Str{s=hi}", struct([1, str("hi")]), "18 02 68 69 00"],
  ["Str{s=é}", struct([1, str("é")]), "18 02 c3 a9 00"],
  [
    "Str{s='', b=00 ff 10}",
    struct([1, str("")], [2, bin(hex("00 ff 10"))]),
    "18 00 18 03 00 ff 10 00",
  ],
  [
    "LBool{l=[true,false]}",
    struct([1, list(TType.BOOL, [bool(true), bool(false)])]),
    "19 21 01 02 00",
  ],
  [
    "MapI{m={1:a}}",
    struct([1, map(TType.I32, TType.STRING, [[i32(1), str("a")]])]),
    "1b 01 58 02 01 61 00",
  ],
  ["SetS{s={x}}", struct([1, set(TType.STRING, [str("x")])]), "1a 18 01 78 00"],
  ["I64s{v=2^40}", struct([1, i64(2n ** 40n)]), "16 80 80 80 80 80 40 00"],
  ["I64s{v=-1}", struct([1, i64(-1n)]), "16 01 00"],
  ["I64s{v=2^63-1}", struct([1, i64(2n ** 63n - 1n)]), "16 fe ff ff ff ff ff ff ff ff 01 00"],
  ["I64s{v=-2^63}", struct([1, i64(-(2n ** 63n))]), "16 ff ff ff ff ff ff ff ff ff 01 00"],
  ["i8 field id 10 = -1", struct([10, i8(-1)]), "a3 ff 00"],
  ["i32 field 1 = 1, bool field 2 = true", struct([1, i32(1)], [2, bool(true)]), "15 02 11 00"],
  ["i32 field 1 = 1, i64 field 20 = 2", struct([1, i32(1)], [20, i64(2n)]), "15 02 06 28 04 00"],
  ["EnumS{c=GREEN}", struct([1, i32(2)]), "15 04 00"],
  ["Big{x=1} (id 300)", struct([300, i32(1)]), "05 d8 04 02 00"],
  ["i32 field id 0 = 7", struct([0, i32(7)]), "05 00 0e 00"],
  ["Neg{neg=5, a=1}", struct([-1, i16(5)], [1, i32(1)]), "04 01 0a 25 02 00"],
  ["N2{a=1, b=2, c=3}", struct([-2, i32(1)], [-1, i32(2)], [1, i32(3)]), "05 03 02 15 04 25 06 00"],
  ["struct {1: uuid}", struct([1, uuid(UUID)]), `1d ${UUID_HEX} 00`],
  ["list<uuid>", list(TType.UUID, [uuid(UUID)]), `1d ${UUID_HEX}`],
  // Beyond §9, following its rules:
  ["bool field with a long-form id", struct([20, bool(true)], [21, bool(false)]), "01 28 12 00"],
  ["bool field id 0 (false)", struct([0, bool(false)]), "02 00 00"],
  [
    "bool field after a nested struct",
    struct([1, struct([5, bool(true)])], [2, bool(true)]),
    "1c 51 00 11 00",
  ],
  ["set<bool>", set(TType.BOOL, [bool(false)]), "11 02"],
  ["map<bool,bool>", map(TType.BOOL, TType.BOOL, [[bool(true), bool(false)]]), "01 11 01 02"],
  [
    "map<i64,double>",
    map(TType.I64, TType.DOUBLE, [[i64(-3n), double(0)]]),
    "01 67 05 00 00 00 00 00 00 00 00",
  ],
  [
    "list of 15 bools (long header)",
    list(TType.BOOL, Array(15).fill(bool(true))),
    `f1 0f ${"01 ".repeat(15)}`,
  ],
  ["empty list<struct>", list(TType.STRUCT, []), "0c"],
  ["list<list<i8>>", list(TType.LIST, [bytesList(1), bytesList(0)]), "29 13 00 03"],
  ["i16 extremes", struct([1, i16(-32768)], [2, i16(32767)]), "14 ff ff 03 14 fe ff 03 00"],
  ["i8 extremes", list(TType.BYTE, [i8(-128), i8(127)]), "23 80 7f"],
  [
    "i64 2^32 and -2^32-1",
    list(TType.I64, [i64(2n ** 32n), i64(-(2n ** 32n) - 1n)]),
    "26 80 80 80 80 20 81 80 80 80 20",
  ],
  [
    "field ids 1 then 17 (delta 16: long form)",
    struct([1, i8(0)], [17, i8(0)]),
    "13 00 03 22 00 00",
  ],
  [
    "field ids 16 then 15 (decreasing: long form)",
    struct([16, i8(0)], [15, i8(0)]),
    "03 20 00 03 1e 00 00",
  ],
];

/** compact-protocol.md §9 messages: [name, header, body, bytes]. */
const MESSAGES: [string, [string, MessageType, number], WireValue | undefined, string][] = [
  [
    "CALL add",
    ["add", MessageType.CALL, 1],
    struct([1, i32(1)], [2, i32(2)]),
    "82 21 01 03 61 64 64 15 02 15 04 00",
  ],
  [
    "REPLY add",
    ["add", MessageType.REPLY, 1],
    struct([0, i32(3)]),
    "82 41 01 03 61 64 64 05 00 06 00",
  ],
  [
    "REPLY add, declared exception",
    ["add", MessageType.REPLY, 1],
    struct([5, struct([1, str("x")])]),
    "82 41 01 03 61 64 64 5c 18 01 78 00 00",
  ],
  ["REPLY ping (void)", ["ping", MessageType.REPLY, 7], struct(), "82 41 07 04 70 69 6e 67 00"],
  [
    "ONEWAY fire",
    ["fire", MessageType.ONEWAY, 2],
    struct([1, str("x")]),
    "82 81 02 04 66 69 72 65 18 01 78 00",
  ],
  [
    "EXCEPTION foo (UNKNOWN_METHOD)",
    ["foo", MessageType.EXCEPTION, 5],
    struct([1, str("Unknown function foo")], [2, i32(1)]),
    "82 61 05 03 66 6f 6f 18 14 55 6e 6b 6e 6f 77 6e 20 66 75 6e 63 74 69 6f 6e 20 66 6f 6f 15 02 00",
  ],
  ["CALL a, seqid 128", ["a", MessageType.CALL, 128], undefined, "82 21 80 01 01 61"],
  ["CALL a, seqid -1", ["a", MessageType.CALL, -1], undefined, "82 21 ff ff ff ff 0f 01 61"],
  [
    "CALL a, seqid -2^31",
    ["a", MessageType.CALL, -2147483648],
    undefined,
    "82 21 80 80 80 80 08 01 61",
  ],
  [
    "CALL a, seqid 2^31-1",
    ["a", MessageType.CALL, 2147483647],
    undefined,
    "82 21 ff ff ff ff 07 01 61",
  ],
];

function encode(value: WireValue): Uint8Array {
  const w = createWriter("compact");
  writeValue(w, value);
  return w.finish();
}

describe("compact: spec byte vectors", () => {
  test.each(VECTORS)("writes %s", (_, value, bytes) => {
    expect(toHex(encode(value))).toBe(toHex(hex(bytes)));
  });

  test.each(VECTORS)("reads %s", (_, value, bytes) => {
    const input = hex(bytes);
    const r = createReader("compact", input);
    expect(readValue(r, ttypeOf(value), value)).toEqual(asRead(value, "compact"));
    expect(r.position).toBe(input.length);
  });

  test.each(MESSAGES)("writes message %s", (_, [name, type, seqid], body, bytes) => {
    const w = createWriter("compact");
    w.messageBegin(name, type, seqid);
    if (body) writeValue(w, body);
    expect(toHex(w.finish())).toBe(toHex(hex(bytes)));
  });

  test.each(MESSAGES)("reads message %s", (_, [name, type, seqid], body, bytes) => {
    const input = hex(bytes);
    const r = createReader("compact", input);
    expect(r.messageBegin()).toEqual({ name, type, seqid });
    if (body) expect(readValue(r, TType.STRUCT, body)).toEqual(body);
    expect(r.position).toBe(input.length);
  });

  test("the framed exchange with a Python server carries exactly these messages", () => {
    const request = hex("00 00 00 0c 82 21 01 03 61 64 64 15 02 15 04 00");
    const r = createReader("compact", request, {});
    r.reset(request, 4);
    expect(request.length - 4).toBe(0x0c);
    expect(r.messageBegin()).toEqual({ name: "add", type: MessageType.CALL, seqid: 1 });
    expect(readValue(r, TType.STRUCT)).toEqual(struct([1, i32(1)], [2, i32(2)]));
    expect(r.position).toBe(request.length);
  });
});

describe("compact: what readers must accept", () => {
  test("a long-form header where the short form would fit", () => {
    expect(readValue(createReader("compact", hex("05 02 02 00")), TType.STRUCT)).toEqual(
      struct([1, i32(1)]),
    );
  });

  test("a long list header for a small size", () => {
    expect(readValue(createReader("compact", hex("f3 02 05 06")), TType.LIST)).toEqual(
      list(TType.BYTE, [i8(5), i8(6)]),
    );
  });

  test("a field twice: both reach the codec, which keeps the last", () => {
    expect(readValue(createReader("compact", hex("15 02 05 02 04 00")), TType.STRUCT)).toEqual(
      struct([1, i32(1)], [1, i32(2)]),
    );
  });

  test("skipping an unknown struct holding a bool field and a set<bool>", () => {
    const r = createReader("compact", hex("2c 11 1a 21 01 02 00 05 02 04 00"));
    r.structBegin();
    expect(r.fieldBegin()).toBe(TType.STRUCT);
    expect(r.fieldId).toBe(2);
    r.skip(TType.STRUCT);
    expect(r.fieldBegin()).toBe(TType.I32);
    expect(r.fieldId).toBe(1);
    expect(r.i32()).toBe(2);
    expect(r.fieldBegin()).toBe(TType.STOP);
    r.structEnd();
    expect(r.position).toBe(11);
  });

  test("bool elements: 01 is true, any other byte false; element type 1 or 2", () => {
    expect(readValue(createReader("compact", hex("31 01 00 05")), TType.LIST)).toEqual(
      list(TType.BOOL, [bool(true), bool(false), bool(false)]),
    );
    expect(readValue(createReader("compact", hex("22 01 02")), TType.LIST)).toEqual(
      list(TType.BOOL, [bool(true), bool(false)]),
    );
    expect(readValue(createReader("compact", hex("01 22 01 02")), TType.MAP)).toEqual(
      map(TType.BOOL, TType.BOOL, [[bool(true), bool(false)]]),
    );
  });

  test("a bool field skipped by type consumes no value byte", () => {
    const r = createReader("compact", hex("11 15 04 00"));
    r.structBegin();
    expect(r.fieldBegin()).toBe(TType.BOOL);
    r.skip(TType.BOOL);
    expect(r.fieldBegin()).toBe(TType.I32);
    expect(r.i32()).toBe(2);
  });

  test("any header with type nibble 0 is STOP, as Apache's readers have it", () => {
    const r = createReader("compact", hex("30"));
    r.structBegin();
    expect(r.fieldBegin()).toBe(TType.STOP);
  });

  test("an empty map reports STOP key and value types", () => {
    const r = createReader("compact", hex("00"));
    expect(r.mapBegin()).toBe(0);
    expect([r.keyType, r.valueType]).toEqual([TType.STOP, TType.STOP]);
  });

  test("i64 values from the 5th varint byte on (the halves' seam)", () => {
    for (const v of [
      2n ** 27n,
      2n ** 28n,
      2n ** 31n,
      2n ** 34n,
      2n ** 35n,
      2n ** 53n,
      2n ** 53n + 1n,
      -(2n ** 53n) - 1n,
    ]) {
      const bytes = encode(i64(v));
      expect(readValue(createReader("compact", bytes), TType.I64)).toEqual(i64(v));
    }
  });

  test("i64 varints read the same with 10 bytes left or more and near the end", () => {
    // Two readers' paths: no bounds check per byte when 10 bytes are left, one per byte else.
    const values = [0n, 1n, -1n, 63n, -64n, 2n ** 62n, -(2n ** 63n), 2n ** 63n - 1n];
    for (let bits = 6; bits < 63; bits += 7) values.push(2n ** BigInt(bits), -(2n ** BigInt(bits)));
    for (const v of values) {
      const bytes = encode(i64(v));
      for (const padding of [0, 1, 9, 10]) {
        const padded = new Uint8Array(bytes.length + padding);
        padded.set(bytes);
        expect(createReader("compact", padded).i64(), `${v}, ${padding} after`).toBe(v);
      }
    }
    for (const padding of [0, 10]) {
      const long = new Uint8Array(11 + padding).fill(0x80, 0, 10);
      long[10] = 0x01;
      expect(() => createReader("compact", long).i64()).toThrow(/longer than 10 bytes/);
      expect(() => createReader("compact", long.subarray(0, 6)).i64()).toThrow(/end of input/);
    }
  });

  test("varints beyond 32 bits in a 5-byte i32 are truncated as Java does", () => {
    expect(createReader("compact", hex("fe ff ff ff 7f")).i32()).toBe(2147483647);
  });

  test("a known field that arrives with another type is skipped, or rejected when strict", () => {
    const bytes = hex("18 01 78 15 04 00"); // field 1 as a string, then field 1 as i32
    const lax = createReader("compact", bytes);
    lax.structBegin();
    expect(lax.fieldBegin()).toBe(TType.STRING);
    lax.skipMismatch(TType.STRING, TType.I32, "v");
    expect(lax.fieldBegin()).toBe(TType.I32);
    expect(lax.i32()).toBe(2);

    const strict = createReader("compact", bytes, { strict: true });
    expect(strict.strict).toBe(true);
    strict.structBegin();
    strict.fieldBegin();
    expect(() => strict.skipMismatch(TType.STRING, TType.I32, "v")).toThrow(
      /field "v" arrived as string \(11\), expected i32 \(8\)/,
    );
  });
});

describe("compact: writer", () => {
  test("reset() reuses the buffer; bytes() is a view, finish() a copy", () => {
    const w = createWriter("compact");
    writeValue(w, struct([1, i32(150)]));
    const view = w.bytes();
    const copy = w.finish();
    expect(w.length).toBe(4);
    w.reset();
    expect(w.length).toBe(0);
    writeValue(w, struct([1, i32(-1)]));
    expect(toHex(copy)).toBe("15 ac 02 00");
    expect(toHex(view.subarray(0, 3))).toBe("15 01 00");
    expect(toHex(w.finish())).toBe("15 01 00");
  });

  test("reset() forgets the field id state of an abandoned write", () => {
    const w = createWriter("compact");
    w.structBegin();
    w.field(TType.I32, 7);
    w.structBegin();
    w.field(TType.BOOL, 3);
    w.reset();
    writeValue(w, struct([1, bool(true)]));
    expect(toHex(w.finish())).toBe("11 00");
  });

  test("grows past its first buffer without losing bytes", () => {
    const big = list(
      TType.I32,
      Array.from({ length: 5000 }, (_, i) => i32(i * 7919 - 20000)),
    );
    const bytes = encode(big);
    expect(readValue(createReader("compact", bytes), TType.LIST)).toEqual(big);
  });

  test("strings: the length varint grows when UTF-8 needs more bytes than UTF-16 units", () => {
    const utf8 = new TextEncoder();
    for (const s of [
      "é".repeat(50),
      "€".repeat(60),
      "é".repeat(100),
      "a".repeat(127),
      "a".repeat(128),
      "😀".repeat(40),
      "x".repeat(20000) + "é",
    ]) {
      const expected = utf8.encode(s);
      const bytes = encode(str(s));
      const r = createReader("compact", bytes);
      expect(r.string()).toBe(s);
      expect(toHex(bytes.subarray(bytes.length - expected.length))).toBe(toHex(expected));
      // The prefix is exactly the unsigned varint of the UTF-8 length.
      const prefix = bytes.subarray(0, bytes.length - expected.length);
      const w = createWriter("compact");
      w.listBegin(TType.BYTE, expected.length); // every length here is ≥ 15: F3 + varint size
      expect(toHex(prefix)).toBe(toHex(w.bytes().subarray(1)));
    }
  });

  test("strings under 128 units: a non-ASCII character anywhere, on both sides of 128 bytes", () => {
    // A one-byte prefix is written after the bytes; past 127 bytes they move up by one.
    const utf8 = new TextEncoder();
    for (const length of [1, 3, 4, 5, 8, 42, 63, 64, 65, 126, 127]) {
      for (let at = 0; at < length; at++) {
        for (const wide of ["é", "€", "\ud800"]) {
          const s = "a".repeat(at) + wide + "b".repeat(length - at - 1);
          const expected = utf8.encode(s);
          const bytes = encode(str(s));
          const w = createWriter("compact");
          w.binary(expected);
          expect(toHex(bytes), `length ${length}, at ${at}`).toBe(toHex(w.bytes()));
        }
      }
    }
  });

  test.each([
    ["i8", (w: ReturnType<typeof createWriter>) => w.i8(128), /cannot write 128 as i8/],
    ["i8", (w: ReturnType<typeof createWriter>) => w.i8(-129), /cannot write -129 as i8/],
    ["i16", (w: ReturnType<typeof createWriter>) => w.i16(32768), /cannot write 32768 as i16/],
    [
      "i32",
      (w: ReturnType<typeof createWriter>) => w.i32(2 ** 31),
      /cannot write 2147483648 as i32/,
    ],
    ["i32", (w: ReturnType<typeof createWriter>) => w.i32(1.5), /cannot write 1.5 as i32/],
    ["i32", (w: ReturnType<typeof createWriter>) => w.i32(Number.NaN), /cannot write NaN as i32/],
    [
      "i64",
      (w: ReturnType<typeof createWriter>) => w.i64(2n ** 63n),
      /cannot write 9223372036854775808n as i64/,
    ],
    ["i64", (w: ReturnType<typeof createWriter>) => w.i64(-(2n ** 63n) - 1n), /as i64/],
    [
      "i64",
      (w: ReturnType<typeof createWriter>) => w.i64(5 as unknown as bigint),
      /cannot write 5 as i64: expected a bigint/,
    ],
    [
      "double",
      (w: ReturnType<typeof createWriter>) => w.double("1" as unknown as number),
      /as double/,
    ],
    [
      "string",
      (w: ReturnType<typeof createWriter>) => w.string(undefined as unknown as string),
      /as string/,
    ],
    [
      "binary",
      (w: ReturnType<typeof createWriter>) => w.binary([1] as unknown as Uint8Array),
      /as binary/,
    ],
    ["bool", (w: ReturnType<typeof createWriter>) => w.bool(1 as unknown as boolean), /as bool/],
    [
      "uuid",
      (w: ReturnType<typeof createWriter>) => w.uuid("00112233-4455-6677-8899-aabbccddeefg"),
      /as uuid/,
    ],
    [
      "uuid",
      (w: ReturnType<typeof createWriter>) => w.uuid("00112233445566778899aabbccddeeff"),
      /as uuid/,
    ],
    [
      "seqid",
      (w: ReturnType<typeof createWriter>) => w.messageBegin("a", MessageType.CALL, 2 ** 31),
      /as seqid/,
    ],
    [
      "message type",
      (w: ReturnType<typeof createWriter>) => w.messageBegin("a", 5 as MessageType, 1),
      /as message type/,
    ],
    ["field type", (w: ReturnType<typeof createWriter>) => w.field(TType.VOID, 1), /as field type/],
    ["size", (w: ReturnType<typeof createWriter>) => w.listBegin(TType.I32, -1), /as size/],
  ])("rejects a bad %s with an EncodeError naming the value", (_, write, message) => {
    const w = createWriter("compact");
    expect(() => write(w)).toThrow(EncodeError);
    expect(() => write(w)).toThrow(message);
  });

  test("uuid text is read back lower-case; upper-case input is accepted", () => {
    const bytes = encode(uuid(UUID.toUpperCase()));
    expect(toHex(bytes)).toBe(UUID_HEX);
    expect(createReader("compact", bytes).uuid()).toBe(UUID);
  });
});
