// Hostile bytes: whatever the input, readers throw only ProtocolError (with a code and the byte
// offset), never RangeError/TypeError, never hang, never allocate for a size the input cannot
// back, and never recurse deeper than the limit, also while skipping.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ProtocolError, TType, createReader, createWriter } from "idlc/runtime";
import type { ProtocolErrorCode, ProtocolName, ProtocolReader } from "idlc/runtime";
import { values } from "./protocol-arbitraries.js";
import type { WireValue } from "./protocol-values.js";
import {
  bin,
  bool,
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
  uuid,
  writeValue,
} from "./protocol-values.js";

const PROTOCOLS: ProtocolName[] = ["compact", "binary"];

/** A value with every type in it, nested, a few >14-element containers and far-apart ids. */
const SAMPLE = struct(
  [1, i64(2n ** 40n + 7n)],
  [2, str("order-0001 ✓")],
  [3, list(TType.STRUCT, [struct([1, i32(3)], [2, bool(true)]), struct([3, double(-0.5)])])],
  [4, map(TType.STRING, TType.LIST, [[str("k"), list(TType.I16, [i16(-3), i16(300)])]])],
  [5, set(TType.BOOL, [bool(true), bool(false)])],
  [6, uuid("00112233-4455-6677-8899-aabbccddeeff")],
  [7, bin(hex("00 ff 80 7f"))],
  [
    30,
    list(
      TType.BYTE,
      Array.from({ length: 20 }, (_, i) => i8(i - 10)),
    ),
  ],
  [-4, map(TType.I64, TType.DOUBLE, [])],
  [31, bool(false)],
);

function encode(protocol: ProtocolName, value: WireValue, message = false): Uint8Array {
  const w = createWriter(protocol);
  if (message) w.messageBegin("placeOrder", 1, -7);
  writeValue(w, value);
  return w.finish();
}

/** Reads everything as a generic reader would; returns the error thrown, if any. */
function attempt(read: () => unknown): unknown {
  try {
    read();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** The error of `read`, asserted to be a ProtocolError. */
function protocolError(read: () => unknown): ProtocolError {
  const error = attempt(read);
  expect(error).toBeInstanceOf(ProtocolError);
  return error as ProtocolError;
}

function expectCode(code: ProtocolErrorCode, read: () => unknown): ProtocolError {
  const error = protocolError(read);
  expect(error.code, error.message).toBe(code);
  expect(error.message).toMatch(/\(at byte \d+\)$/);
  return error;
}

/** Reads a struct both ways a codec can meet it: field by field, and skipped whole. */
function readStructBothWays(protocol: ProtocolName, bytes: Uint8Array): unknown[] {
  const errors: unknown[] = [];
  errors.push(attempt(() => readValue(createReader(protocol, bytes), TType.STRUCT)));
  errors.push(attempt(() => createReader(protocol, bytes).skip(TType.STRUCT)));
  return errors;
}

describe.each(PROTOCOLS)("%s: truncated input", (protocol) => {
  test("every prefix of a valid struct is `truncated`, at an offset within the prefix", () => {
    const bytes = encode(protocol, SAMPLE);
    expect(readValue(createReader(protocol, bytes), TType.STRUCT)).toBeDefined();
    for (let cut = 0; cut < bytes.length; cut++) {
      const prefix = bytes.subarray(0, cut);
      for (const error of readStructBothWays(protocol, prefix)) {
        expect(error).toBeInstanceOf(ProtocolError);
        expect((error as ProtocolError).code).toBe("truncated");
        expect((error as ProtocolError).offset).toBeLessThanOrEqual(cut);
      }
    }
  });

  test("every prefix of a valid message is `truncated`", () => {
    const bytes = encode(protocol, SAMPLE, true);
    for (let cut = 0; cut < bytes.length; cut++) {
      const r = createReader(protocol, bytes.subarray(0, cut));
      expectCode("truncated", () => {
        r.messageBegin();
        readValue(r, TType.STRUCT);
      });
    }
  });

  test("every prefix of any random struct is `truncated`", () => {
    fc.assert(
      fc.property(values, (v) => {
        const bytes = encode(protocol, struct([1, v], [2, i32(1)]));
        fc.pre(bytes.length <= 1500); // keeps the run short: every prefix is read twice
        for (let cut = 0; cut < bytes.length; cut++)
          for (const error of readStructBothWays(protocol, bytes.subarray(0, cut)))
            expect((error as ProtocolError).code).toBe("truncated");
      }),
      { numRuns: 80 },
    );
  });
});

describe.each(PROTOCOLS)("%s: mutated and random input", (protocol) => {
  const valid = encode(protocol, SAMPLE);

  test("random byte changes, insertions and deletions throw nothing but ProtocolError", () => {
    const edit = fc.oneof(
      fc.record({
        kind: fc.constant("set" as const),
        at: fc.nat(),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({
        kind: fc.constant("insert" as const),
        at: fc.nat(),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), byte: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const bytes = Array.from(valid);
        for (const { kind, at, byte } of edits) {
          const i = at % (bytes.length + 1);
          if (kind === "set" && i < bytes.length) bytes[i] = byte;
          else if (kind === "insert") bytes.splice(i, 0, byte);
          else bytes.splice(i, 1);
        }
        for (const error of readStructBothWays(protocol, Uint8Array.from(bytes)))
          if (error !== undefined) expect(error).toBeInstanceOf(ProtocolError);
      }),
      { numRuns: 3000 },
    );
  });

  test("random bytes as a struct or a message throw nothing but ProtocolError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        for (const error of readStructBothWays(protocol, bytes))
          if (error !== undefined) expect(error).toBeInstanceOf(ProtocolError);
        const r = createReader(protocol, bytes);
        const error = attempt(() => {
          r.messageBegin();
          r.skip(TType.STRUCT);
        });
        if (error !== undefined) expect(error).toBeInstanceOf(ProtocolError);
      }),
      { numRuns: 3000 },
    );
  });

  test("every byte of a valid struct replaced by a telling value throws nothing but ProtocolError", () => {
    // Type ids and small sizes, and the bytes that end, extend or break varints and UTF-8.
    const replacements = [
      ...Array.from({ length: 33 }, (_, b) => b),
      0x40,
      0x7f,
      0x80,
      0x81,
      0xbf,
      0xc0,
      0xdf,
      0xe0,
      0xef,
      0xf0,
      0xf7,
      0xf8,
      0xfd,
      0xfe,
      0xff,
    ];
    for (let i = 0; i < valid.length; i++) {
      for (const b of replacements) {
        const bytes = valid.slice();
        bytes[i] = b;
        for (const error of readStructBothWays(protocol, bytes))
          if (error !== undefined) expect(error).toBeInstanceOf(ProtocolError);
      }
    }
  });
});

describe.each(PROTOCOLS)("%s: limits", (protocol) => {
  /** `depth` structs, each the field 1 of the one around it. */
  function nestedStructs(depth: number): Uint8Array {
    let v = struct();
    for (let i = 1; i < depth; i++) v = struct([1, v]);
    return encode(protocol, v);
  }
  /** `depth` lists, each the only element of the one around it. */
  function nestedLists(depth: number): Uint8Array {
    let v = list(TType.I32, []);
    for (let i = 1; i < depth; i++) v = list(TType.LIST, [v]);
    return encode(protocol, v);
  }

  test("64 nested structs are fine, 65 hit depth-limit, reading and skipping", () => {
    expect(readStructBothWays(protocol, nestedStructs(64))).toEqual([undefined, undefined]);
    for (const error of readStructBothWays(protocol, nestedStructs(65)))
      expect((error as ProtocolError).code).toBe("depth-limit");
  });

  test("containers count too: 64 nested lists are fine, 65 hit depth-limit", () => {
    expect(readValue(createReader(protocol, nestedLists(64)), TType.LIST)).toBeDefined();
    createReader(protocol, nestedLists(64)).skip(TType.LIST);
    expectCode("depth-limit", () => readValue(createReader(protocol, nestedLists(65)), TType.LIST));
    expectCode("depth-limit", () => createReader(protocol, nestedLists(65)).skip(TType.LIST));
  });

  test("a struct inside a list inside a map counts every level", () => {
    const v = map(TType.BYTE, TType.LIST, [[i8(1), list(TType.STRUCT, [struct([1, struct()])])]]);
    const bytes = encode(protocol, v);
    createReader(protocol, bytes, { limits: { maxDepth: 4 } }).skip(TType.MAP);
    expectCode("depth-limit", () =>
      createReader(protocol, bytes, { limits: { maxDepth: 3 } }).skip(TType.MAP),
    );
  });

  test("100,000 levels of nesting end in depth-limit, not a stack overflow", () => {
    const header = protocol === "compact" ? [0x1c] : [0x0c, 0x00, 0x01];
    const bytes = new Uint8Array(header.length * 100_000);
    for (let i = 0; i < bytes.length; i += header.length) bytes.set(header, i);
    const error = expectCode("depth-limit", () => createReader(protocol, bytes).skip(TType.STRUCT));
    expect(error.offset).toBe(header.length * 64);
  });

  test("maxStringBytes and maxContainerSize give size-limit", () => {
    const s = encode(protocol, str("abcdef"));
    expect(createReader(protocol, s, { limits: { maxStringBytes: 6 } }).string()).toBe("abcdef");
    expectCode("size-limit", () =>
      createReader(protocol, s, { limits: { maxStringBytes: 5 } }).string(),
    );
    expectCode("size-limit", () =>
      createReader(protocol, s, { limits: { maxStringBytes: 5 } }).skip(TType.STRING),
    );
    const l = encode(protocol, list(TType.I32, [i32(1), i32(2), i32(3)]));
    expect(createReader(protocol, l, { limits: { maxContainerSize: 3 } }).listBegin()).toBe(3);
    expectCode("size-limit", () =>
      createReader(protocol, l, { limits: { maxContainerSize: 2 } }).listBegin(),
    );
    const m = encode(
      protocol,
      map(TType.I32, TType.I32, [
        [i32(1), i32(2)],
        [i32(3), i32(4)],
      ]),
    );
    expectCode("size-limit", () =>
      createReader(protocol, m, { limits: { maxContainerSize: 1 } }).skip(TType.MAP),
    );
  });
});

describe("declared sizes beyond the bytes left are rejected before allocating", () => {
  // Limits raised to the maximum, so only the bytes-left check stands between a 5-byte header
  // and a 2 GiB allocation.
  const huge = { limits: { maxStringBytes: 2 ** 31, maxContainerSize: 2 ** 31 } };

  test.each([
    ["compact string", "compact", "ff ff ff ff 07 61 62", (r: ProtocolReader) => r.string()],
    ["compact binary", "compact", "ff ff ff ff 07 61 62", (r: ProtocolReader) => r.binary()],
    ["compact list", "compact", "f5 ff ff ff ff 07 02 04", (r: ProtocolReader) => r.listBegin()],
    [
      "compact set of doubles",
      "compact",
      "27 00 00 00 00 00 00 00 00",
      (r: ProtocolReader) => r.setBegin(),
    ],
    ["compact map", "compact", "ff ff ff ff 07 55 02 04", (r: ProtocolReader) => r.mapBegin()],
    [
      "compact map needs 2 bytes per entry",
      "compact",
      "02 33 01 02 03",
      (r: ProtocolReader) => r.mapBegin(),
    ],
    [
      "compact uuid list",
      "compact",
      "2d 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff",
      (r: ProtocolReader) => r.listBegin(),
    ],
    ["binary string", "binary", "7f ff ff ff 61 62", (r: ProtocolReader) => r.string()],
    ["binary binary", "binary", "7f ff ff ff 61 62", (r: ProtocolReader) => r.binary()],
    ["binary list", "binary", "08 7f ff ff ff 00 00 00 01", (r: ProtocolReader) => r.listBegin()],
    [
      "binary list of i64 needs 8 bytes each",
      "binary",
      "0a 00 00 00 02 00 00 00 00 00 00 00 01",
      (r: ProtocolReader) => r.listBegin(),
    ],
    [
      "binary map",
      "binary",
      "08 08 7f ff ff ff 00 00 00 01 00 00 00 02",
      (r: ProtocolReader) => r.mapBegin(),
    ],
    [
      "binary old message name",
      "binary",
      "7f ff ff ff 61",
      (r: ProtocolReader) => r.messageBegin(),
    ],
  ] as const)("%s", (_, protocol, bytes, read) => {
    const error = expectCode("truncated", () => read(createReader(protocol, hex(bytes), huge)));
    expect(error.offset).toBe(0);
  });
});

describe("negative sizes", () => {
  test.each([
    ["compact string", "compact", "80 80 80 80 08", (r: ProtocolReader) => r.string()],
    ["compact list", "compact", "f5 ff ff ff ff 0f", (r: ProtocolReader) => r.listBegin()],
    ["compact map", "compact", "80 80 80 80 08 55", (r: ProtocolReader) => r.mapBegin()],
    ["binary string", "binary", "ff ff ff ff", (r: ProtocolReader) => r.string()],
    ["binary binary", "binary", "80 00 00 00", (r: ProtocolReader) => r.binary()],
    ["binary list", "binary", "08 ff ff ff fe", (r: ProtocolReader) => r.listBegin()],
    ["binary set", "binary", "08 80 00 00 00", (r: ProtocolReader) => r.setBegin()],
    ["binary map", "binary", "08 08 ff ff ff ff", (r: ProtocolReader) => r.mapBegin()],
  ] as const)("%s is negative-size", (_, protocol, bytes, read) => {
    expectCode("negative-size", () => read(createReader(protocol, hex(bytes))));
  });
});

describe("compact: malformed varints and type ids", () => {
  test("an i32 varint of 5 bytes is fine, 6 is invalid-data", () => {
    expect(createReader("compact", hex("fe ff ff ff 0f")).i32()).toBe(2147483647);
    expectCode("invalid-data", () => createReader("compact", hex("80 80 80 80 80 01")).i32());
    expectCode("invalid-data", () =>
      createReader("compact", hex("80 80 80 80 80 01")).skip(TType.I32),
    );
    expectCode("invalid-data", () => createReader("compact", hex("80 80 80 80 80 01")).string());
    expectCode("invalid-data", () =>
      createReader("compact", hex("05 80 80 80 80 80 01 02 00")).skip(TType.STRUCT),
    );
    expectCode("invalid-data", () =>
      createReader("compact", hex("82 21 80 80 80 80 80 01 01 61")).messageBegin(),
    );
  });

  test("an i64 varint of 10 bytes is fine, 11 is invalid-data", () => {
    expect(createReader("compact", hex("ff ff ff ff ff ff ff ff ff 01")).i64()).toBe(-(2n ** 63n));
    const eleven = hex("80 80 80 80 80 80 80 80 80 80 01");
    expectCode("invalid-data", () => createReader("compact", eleven).i64());
    expectCode("invalid-data", () => createReader("compact", eleven).skip(TType.I64));
  });

  test("a varint cut short is truncated", () => {
    expectCode("truncated", () => createReader("compact", hex("80 80")).i32());
    expectCode("truncated", () => createReader("compact", hex("ff ff ff ff ff ff ff")).i64());
  });

  test.each([
    ["field header type 14", "1e 00", (r: ProtocolReader) => r.skip(TType.STRUCT)],
    ["field header type 15 (long form)", "0f 02 00", (r: ProtocolReader) => r.skip(TType.STRUCT)],
    ["list element type 14", "1e 00", (r: ProtocolReader) => r.listBegin()],
    ["set element type 15", "1f 00", (r: ProtocolReader) => r.setBegin()],
    ["list element type 0 with elements", "10 00", (r: ProtocolReader) => r.listBegin()],
    ["map key type 14", "01 e5 00 00", (r: ProtocolReader) => r.mapBegin()],
    ["map value type 0", "01 50 00 00", (r: ProtocolReader) => r.mapBegin()],
    ["skip of VOID", "00", (r: ProtocolReader) => r.skip(TType.VOID)],
  ] as const)("unknown compact type: %s is invalid-data", (_, bytes, read) => {
    expectCode("invalid-data", () => read(createReader("compact", hex(bytes))));
  });

  test("an empty list with element type 0 is accepted (nothing to read)", () => {
    expect(createReader("compact", hex("00")).listBegin()).toBe(0);
  });
});

describe("binary: unknown types", () => {
  test.each([
    ["field type 0x55 skipped", "55 00 01 00", (r: ProtocolReader) => r.skip(TType.STRUCT)],
    ["field type VOID skipped", "01 00 01 00", (r: ProtocolReader) => r.skip(TType.STRUCT)],
    ["list element type 0x55", "55 00 00 00 01 00", (r: ProtocolReader) => r.listBegin()],
    ["map value type 5", "08 05 00 00 00 01 00 00 00 00 00", (r: ProtocolReader) => r.mapBegin()],
  ] as const)("%s is invalid-data", (_, bytes, read) => {
    expectCode("invalid-data", () => read(createReader("binary", hex(bytes))));
  });
});

describe("message headers", () => {
  test.each([
    ["compact: protocol id 0x80", "compact", "80 21 01 01 61", "bad-version"],
    ["compact: protocol id 0x00", "compact", "00 21 01 01 61", "bad-version"],
    ["compact: version 2", "compact", "82 22 01 01 61", "bad-version"],
    ["compact: version 0", "compact", "82 20 01 01 61", "bad-version"],
    ["compact: message type 0", "compact", "82 01 01 01 61", "invalid-data"],
    ["compact: message type 5", "compact", "82 a1 01 01 61", "invalid-data"],
    ["binary: version 2", "binary", "80 02 00 01 00 00 00 01 61 00 00 00 01", "bad-version"],
    [
      "binary: negative word without version 1",
      "binary",
      "ff ff ff ff 00 00 00 01 61 00 00 00 01",
      "bad-version",
    ],
    [
      "binary: strict message type 0",
      "binary",
      "80 01 00 00 00 00 00 01 61 00 00 00 01",
      "invalid-data",
    ],
    [
      "binary: strict message type 9",
      "binary",
      "80 01 00 09 00 00 00 01 61 00 00 00 01",
      "invalid-data",
    ],
    ["binary: old message type 0", "binary", "00 00 00 01 61 00 00 00 00 01", "invalid-data"],
  ] as const)("%s → %s", (_, protocol, bytes, code) => {
    expectCode(code, () => createReader(protocol, hex(bytes)).messageBegin());
  });

  test("the error names the offending byte offset", () => {
    const error = expectCode("bad-version", () =>
      createReader("compact", hex("82 22 01 01 61")).messageBegin(),
    );
    expect(error.offset).toBe(1);
    expect(error.message).toBe("bad compact protocol version 2 (expected 1) (at byte 1)");
  });
});

describe("a reader is reusable after an error", () => {
  test.each(PROTOCOLS)("%s", (protocol) => {
    const r = createReader(protocol, new Uint8Array(0));
    const good = encode(protocol, SAMPLE);
    let deep = struct();
    for (let i = 0; i < 70; i++) deep = struct([1, deep]);
    r.reset(encode(protocol, deep));
    expectCode("depth-limit", () => r.skip(TType.STRUCT));
    r.reset(good.subarray(0, 10));
    expectCode("truncated", () => readValue(r, TType.STRUCT));
    r.reset(good);
    expect(readValue(r, TType.STRUCT, SAMPLE)).toEqual(
      protocol === "compact" ? withEmptyMapTypes(SAMPLE) : SAMPLE,
    );
  });
});

/** SAMPLE as compact reads it back: the empty map has no key/value types. */
function withEmptyMapTypes(v: WireValue): WireValue {
  if (v.type !== "struct") return v;
  return {
    ...v,
    fields: v.fields.map((f) =>
      f.value.type === "map" && f.value.entries.length === 0
        ? { id: f.id, value: { ...f.value, key: 0, value: 0 } }
        : f,
    ),
  };
}
