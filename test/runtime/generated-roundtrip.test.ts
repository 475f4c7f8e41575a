// Tests that *use* generated modules (the goldens of test/compiler/golden): every type survives
// both protocols, required fields and union arity are enforced, unknown fields are skipped,
// mismatched types are skipped or rejected (strict), exceptions are throwable, and the
// name-clash module works.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  ApplicationError,
  ApplicationErrorType,
  EncodeError,
  ProtocolError,
  ThriftException,
  createReader,
  createWriter,
} from "idlc/runtime";
import type { ProtocolName } from "idlc/runtime";
import {
  Choice,
  Everything,
  Everywhere,
  Failure,
  Leaf,
  RecordMismatch,
  RecordV1,
  RecordV2,
  Mandatory,
  Status,
  Tree,
} from "../compiler/golden/everything.js";
import { Checkout, PaymentMethod } from "../compiler/golden/unions.js";
import { Clashing, NoFields, NotFound, OutOfStock } from "../compiler/golden/exceptions.js";
import { BaseTypes } from "../compiler/golden/base-types.js";
import { Containers } from "../compiler/golden/containers.js";
import { Lamp, Light } from "../compiler/golden/enums.js";
import * as clash from "../compiler/golden/name-clash.js";
import * as consts from "../compiler/golden/consts.js";
import { Price } from "../compiler/golden/includes.js";
import { Admin } from "../compiler/golden/services.js";
import { Currency } from "../compiler/golden/shared.js";
import * as arbitrary from "../support/arbitraries.js";

const PROTOCOLS: readonly ProtocolName[] = ["compact", "binary"];

// Exceptions are compared like plain values: same class, same message, same fields.
expect.addEqualityTesters([
  function thriftExceptions(a: unknown, b: unknown, testers) {
    if (!(a instanceof ThriftException) || !(b instanceof ThriftException)) return undefined;
    return (
      a.constructor === b.constructor &&
      a.message === b.message &&
      this.equals({ ...a }, { ...b }, testers)
    );
  },
]);

describe("round trips through both protocols", () => {
  const cases = [
    ["Everything", Everything, arbitrary.everything],
    ["Leaf", Leaf, arbitrary.leaf],
    ["Choice", Choice, arbitrary.choice],
    ["Failure", Failure, arbitrary.failure],
    ["Tree", Tree, arbitrary.tree],
    ["Mandatory", Mandatory, arbitrary.required],
    ["RecordV2", RecordV2, arbitrary.recordV2],
  ] as const;
  for (const [name, codec, arb] of cases) {
    test(`every ${name} value decodes to an equal value and re-encodes to the same bytes`, () => {
      fc.assert(
        fc.property(arb as fc.Arbitrary<never>, (value) => {
          for (const protocol of PROTOCOLS) {
            const c = codec as unknown as {
              encode(v: unknown, o: object): Uint8Array;
              decode(b: Uint8Array, o: object): unknown;
            };
            const bytes = c.encode(value, { protocol });
            const decoded = c.decode(bytes, { protocol });
            expect(decoded).toEqual(value);
            expect(c.encode(decoded, { protocol })).toEqual(bytes);
          }
        }),
        { numRuns: name === "Everything" ? 60 : 100 },
      );
    });
  }

  test("edge values survive: i64 extremes, -0, NaN, 64 KB unicode, >14 elements, far field ids", () => {
    const big = "😀ü".repeat(22_000);
    const value = Everything.create({
      large: -(2n ** 63n),
      veryFar: 2n ** 63n - 1n,
      real: -0,
      medium: -(2 ** 31),
      text: big,
      flags: Array.from({ length: 20 }, (_, i) => i % 3 === 0),
      longs: Array.from({ length: 16 }, (_, i) => BigInt(i) * 2n ** 40n),
      longSet: new Set([1n, -1n, 2n ** 62n]),
      deepMap: new Map([["a", new Map([["b", [Number.NaN, -0, Infinity]]])]]),
      status: 12345,
      statuses: [Status.PAID, -77, Status.CANCELLED],
      negative: "negative id",
      farField: "",
    });
    for (const protocol of PROTOCOLS) {
      const decoded = Everything.decode(Everything.encode(value, { protocol }), { protocol });
      expect(decoded).toEqual(value);
      expect(Object.is(decoded.real, -0)).toBe(true);
      expect(decoded.deepMap!.get("a")!.get("b")![0]).toBeNaN();
      expect(decoded.status).toBe(12345);
    }
  });

  test("bool fields and bool lists (compact folds field values into headers)", () => {
    for (const flag of [true, false]) {
      const value = Everything.create({ flag, flags: [true, false, true] });
      for (const protocol of PROTOCOLS)
        expect(Everything.decode(Everything.encode(value, { protocol }), { protocol })).toEqual(
          value,
        );
    }
  });

  test("every golden codec round-trips a representative value", () => {
    const base = BaseTypes.create({
      flag: true,
      tiny: -128,
      small: 32767,
      medium: -5,
      large: 2n ** 60n,
      real: 1.5,
      text: "t",
      data: new Uint8Array([0, 255]),
      id: "00112233-4455-6677-8899-aabbccddeeff",
    });
    expect(base.withDefault).toBe(42);
    expect(base.bigDefault).toBe(9007199254740993n);
    expect(base.greeting).toBe('hi "there"');
    const containers = Containers.create({
      requiredPoints: [{ x: 1, y: 2 }],
      labels: new Map([[{ x: 0, y: 0 }, "origin"]]),
      setKeys: new Map([[new Set([1n]), [{ x: 3, y: 4 }]]]),
      setOfLists: new Set([[1n, 2n]]),
    });
    expect(containers.defaultList).toEqual([1, 2, 3]);
    const lamp = Lamp.create({ light: Light.GREEN, mapping: new Map([[Light.RED, -2]]) });
    const price = Price.create({ amount: { units: 5n, currency: Currency.EUR } });
    expect(price.display).toBe(Currency.USD);
    const checkout = Checkout.create({
      method: { kind: "card", value: { number: "4111" } },
      alternatives: [
        { kind: "free", value: false },
        { kind: "points", value: [1n] },
      ],
    });
    const values = [
      [BaseTypes, base],
      [Containers, containers],
      [Lamp, lamp],
      [Price, price],
      [Checkout, checkout],
    ] as const;
    for (const [codec, value] of values)
      for (const protocol of PROTOCOLS) {
        const c = codec as unknown as {
          encode(v: unknown, o: object): Uint8Array;
          decode(b: Uint8Array, o: object): unknown;
        };
        expect(c.decode(c.encode(value, { protocol }), { protocol })).toEqual(value);
      }
  });
});

describe("wire details", () => {
  test("fields are written in ascending id order, as Apache's Java and Python do", () => {
    // RecordV2 ids 1..9 in order; Everything's id -1 comes first.
    const bytes = Everything.encode(Everything.create({ negative: "n", flag: true }), {
      protocol: "binary",
    });
    // binary: field header = type (1 byte) + id (i16 big-endian); -1 is 0xffff.
    expect([...bytes.slice(0, 3)]).toEqual([11, 0xff, 0xff]);
  });

  test("compact bytes of a small struct match the spec's encoding", () => {
    // Leaf{n: 1, s: "a"}: field 1 i32 (delta 1, type 5) zigzag(1)=2; field 2 binary "a"; stop.
    expect([...Leaf.encode({ n: 1, s: "a" })]).toEqual([0x15, 0x02, 0x18, 0x01, 0x61, 0x00]);
  });

  test("create fills defaults and leaves other fields undefined, in a fixed shape", () => {
    const a = Leaf.create({ n: 1 });
    const b = Leaf.decode(Leaf.encode({ n: 2, s: "x" }));
    expect(Object.keys(a)).toEqual(Object.keys(b));
  });
});

describe("required fields", () => {
  test("decoding bytes without a required field names the struct and field", () => {
    const bytes = RecordV1.encode({ c: "only c" }); // Mandatory's id 3 is "leaves" of another type
    expect(() => Mandatory.decode(bytes)).toThrow(ProtocolError);
    expect(() => Mandatory.decode(new Uint8Array([0]))).toThrow(
      /Mandatory: missing required field "a"/,
    );
  });

  test("encoding a value without a required field names the field path", () => {
    const value = {
      a: 1,
      leaf: { n: 1 },
      leaves: [{ n: 1 }, { n: 2 }, { s: "no n" }],
    } as unknown as Mandatory;
    expect(() => Mandatory.encode(value)).toThrow(EncodeError);
    try {
      Mandatory.encode(value);
    } catch (e) {
      expect((e as EncodeError).message).toBe("Mandatory.leaves[2].n: missing required field");
      expect((e as EncodeError).path).toEqual(["leaves", 2, "n"]);
    }
    expect(() => Mandatory.encode({ a: 1 } as unknown as Mandatory)).toThrow(
      "Mandatory.leaf: missing required field",
    );
  });

  test("a value out of its integer range is rejected with the field path", () => {
    expect(() => Leaf.encode({ n: 2 ** 31 })).toThrow(/^Leaf\.n: /);
    expect(() => Everything.encode({ tiny: 200 } as Everything)).toThrow(/^Everything\.tiny: /);
    expect(() => Everything.encode({ nestedLists: [[1], [2, 1.5]] } as Everything)).toThrow(
      /^Everything\.nestedLists\[1\]: /,
    );
  });
});

describe("unions", () => {
  const leafField = Leaf.encode({ n: 1 });
  function structWith(...fields: [type: number, id: number, write: (w: Writer) => void][]) {
    const w = createWriter("compact");
    w.structBegin();
    for (const [type, id, write] of fields) {
      w.field(type, id);
      write(w);
    }
    w.structEnd();
    return w.finish();
  }
  type Writer = ReturnType<typeof createWriter>;

  test("a switch on kind narrows the value", () => {
    const describe = (c: Choice): string => {
      switch (c.kind) {
        case "leaf":
          return `leaf ${c.value.n}`;
        case "text":
          return c.value;
        case "number":
          return String(c.value + 1n);
        case "flags":
          return String(c.value.length);
        case "byName":
          return String(c.value.size);
      }
    };
    expect(describe({ kind: "number", value: 41n })).toBe("42");
    expect(leafField.length).toBeGreaterThan(0);
  });

  test("decoding rejects a union with no member or two members", () => {
    expect(() => Choice.decode(new Uint8Array([0]))).toThrow(/union Choice has no member set/);
    const two = structWith([11, 2, (w) => w.string("a")], [10, 3, (w) => w.i64(1n)]);
    expect(() => Choice.decode(two)).toThrow(/union Choice has more than one member set/);
  });

  test("an unknown member alone counts as none; next to a known one it is skipped", () => {
    const unknownOnly = structWith([8, 99, (w) => w.i32(1)]);
    expect(() => Choice.decode(unknownOnly)).toThrow(ProtocolError);
    const withKnown = structWith([8, 99, (w) => w.i32(1)], [11, 2, (w) => w.string("x")]);
    expect(Choice.decode(withKnown)).toEqual({ kind: "text", value: "x" });
  });

  test("encoding rejects a kind that is not a member, or a missing value", () => {
    expect(() => PaymentMethod.encode({ kind: "cash", value: 1 } as never)).toThrow(EncodeError);
    expect(() => PaymentMethod.encode({ kind: "voucher" } as never)).toThrow(/no value/);
    expect(() =>
      Checkout.encode({ method: { kind: "card", value: {} } } as unknown as Checkout),
    ).toThrow("Checkout.method.card.number: missing required field");
  });
});

describe("unknown and mismatched fields", () => {
  test("a reader skips fields it does not know (a newer peer's struct)", () => {
    fc.assert(
      fc.property(arbitrary.recordV2, (v2) => {
        for (const protocol of PROTOCOLS) {
          const v1 = RecordV1.decode(RecordV2.encode(v2, { protocol }), { protocol });
          expect(v1).toEqual({ a: v2.a, c: v2.c });
        }
      }),
    );
  });

  test("a known field with another wire type is skipped, or rejected with strict", () => {
    for (const protocol of PROTOCOLS) {
      const bytes = RecordMismatch.encode({ a: "not an i32", c: "kept" }, { protocol });
      expect(RecordV1.decode(bytes, { protocol })).toEqual({ a: undefined, c: "kept" });
      expect(() => RecordV1.decode(bytes, { protocol, strict: true })).toThrow(ProtocolError);
      expect(() => RecordV1.decode(bytes, { protocol, strict: true })).toThrow(/"a"/);
    }
  });

  test("a container whose element type differs from the IDL is rejected", () => {
    const w = createWriter("compact");
    w.structBegin();
    w.field(15, 15); // longs: list<i64>, sent as list<string>
    w.listBegin(11, 1);
    w.string("x");
    w.structEnd();
    expect(() => Everything.decode(w.finish())).toThrow(/longs/);
  });
});

describe("exceptions", () => {
  test("are throwable, instanceof works, name and message are real", () => {
    const e = new NotFound({ message: "no such order", id: 7n });
    expect(e).toBeInstanceOf(NotFound);
    expect(e).toBeInstanceOf(ThriftException);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("NotFound");
    expect(e.message).toBe("no such order");
    expect(String(e)).toBe("NotFound: no such order");
    expect(() => {
      throw e;
    }).toThrow(NotFound);
    expect(typeof e.stack).toBe("string");
  });

  test("encode and decode like structs, and fill defaults", () => {
    const e = new OutOfStock({ sku: "A-1", message: "gone" });
    expect(e.available).toBe(0);
    for (const protocol of PROTOCOLS) {
      const back = OutOfStock.decode(OutOfStock.encode(e, { protocol }), { protocol });
      expect(back).toBeInstanceOf(OutOfStock);
      expect(back).toEqual(e);
      expect(back.message).toBe("gone");
    }
    expect(new NoFields().message).toBe("NoFields");
    expect(NoFields.decode(NoFields.encode(new NoFields()))).toBeInstanceOf(NoFields);
  });

  test("fields that clash with Error's members are escaped", () => {
    const e = new Clashing({ message$: 5, name$: "n", stack$: "s", cause$: "c" });
    expect(e.name).toBe("Clashing");
    expect(e.message).toBe("Clashing");
    const back = Clashing.decode(Clashing.encode(e));
    expect([back.message$, back.name$, back.stack$, back.cause$]).toEqual([5, "n", "s", "c"]);
  });
});

describe("service descriptors", () => {
  const echo = Everywhere.methods.get("echo")!;
  function roundTrip(write: (w: Writer) => void, read: (r: Reader) => unknown): unknown {
    const w = createWriter("compact");
    write(w);
    return read(createReader("compact", w.finish()));
  }
  type Writer = ReturnType<typeof createWriter>;
  type Reader = ReturnType<typeof createReader>;

  test("arguments, results and declared exceptions travel through the descriptors", () => {
    const value = Everything.create({ text: "hi", large: 5n });
    const args = roundTrip(
      (w) => echo.writeArgs(w, [value]),
      (r) => echo.readArgs(r),
    );
    expect(args).toEqual([value]);
    expect(
      roundTrip(
        (w) => echo.writeSuccess!(w, value),
        (r) => echo.readResult!(r),
      ),
    ).toEqual(value);
    const failure = new Failure({ message: "bad", code: 3 });
    const w = createWriter("compact");
    expect(echo.writeException!(w, failure)).toBe(true);
    expect(echo.writeException!(createWriter("compact"), new Error("other"))).toBe(false);
    expect(() => echo.readResult!(createReader("compact", w.finish()))).toThrow(Failure);
  });

  test("an empty result of a non-void method is MISSING_RESULT", () => {
    try {
      roundTrip(
        (w) => echo.writeSuccess!(w, undefined),
        (r) => echo.readResult!(r),
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApplicationError);
      expect((e as ApplicationError).type).toBe(ApplicationErrorType.MISSING_RESULT);
      expect((e as ApplicationError).message).toBe("echo failed: unknown result");
    }
  });

  test("invoke passes the arguments and the context to the handler", async () => {
    const seen: unknown[] = [];
    const handler = {
      echo: (v: Everything, context: unknown) => {
        seen.push(v, context);
        return v;
      },
      fire: () => undefined,
    };
    const context = { service: "Everywhere", method: "echo" } as never;
    expect(await echo.invoke(handler, [{ text: "x" }], context)).toEqual({ text: "x" });
    expect(seen).toEqual([{ text: "x" }, context]);
    expect(Everywhere.methods.get("fire")!.oneway).toBe(true);
  });

  test("a client sends calls under the service name with the method descriptor", async () => {
    const calls: unknown[][] = [];
    const client = Everywhere.client({
      call: async (service, method, args, options) => {
        calls.push([service, method.name, args, options]);
        return args[0] as never; // this fake channel echoes the first argument
      },
    });
    const v = Everything.create({ text: "y" });
    expect(await client.echo(v, { timeoutMs: 5 })).toBe(v);
    await client.fire({ kind: "text", value: "z" });
    expect(calls).toEqual([
      ["Everywhere", "echo", [v], { timeoutMs: 5 }],
      ["Everywhere", "fire", [{ kind: "text", value: "z" }], undefined],
    ]);
  });
});

describe("a derived service", () => {
  test("its client sends inherited methods under its own name, with the base's descriptors", async () => {
    const calls: unknown[][] = [];
    const client = Admin.client({
      call: async (service, method, args) => {
        calls.push([service, method.name, args]);
        return undefined as never;
      },
    });
    await client.ping(); // Base
    await client.get("a"); // Store
    await client.reset(true); // Admin's own
    expect(calls).toEqual([
      ["Admin", "ping", []],
      ["Admin", "get", ["a"]],
      ["Admin", "reset", [true]],
    ]);
    expect([...Admin.methods.keys()]).toEqual([
      "ping",
      "health",
      "get",
      "listItems",
      "put",
      "touch",
      "count",
      "ids",
      "reset",
    ]);
  });
});

describe("the name-clash module is compiled and used", () => {
  test("escaped type, field and method names work", async () => {
    const map: clash.Map$ = clash.Map$.create({
      constructor$: "c",
      toString$: 1,
      __proto__$: "p",
      prototype$: 2,
      class: "k",
      kind: "kind",
      value: "v",
      i8: -1,
      list: ["l"],
      r: "r",
      t: "t",
      Map: { list: [] },
    });
    for (const protocol of PROTOCOLS)
      expect(clash.Map$.decode(clash.Map$.encode(map, { protocol }), { protocol })).toEqual(map);
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    const set: clash.Set$ = { Promise: map, objects: [clash.Object$.constructor$, 99] };
    expect(clash.Set$.decode(clash.Set$.encode(set))).toEqual(set);
    const promise: clash.Promise$ = { kind: "then", value: "t" };
    expect(clash.Promise$.decode(clash.Promise$.encode(promise))).toEqual(promise);
    const error = new clash.Error$({ message: "m", name$: "n", constructor$: "c" });
    expect(error).toBeInstanceOf(Error);
    expect(clash.Error$.decode(clash.Error$.encode(error))).toEqual(error);
    expect(clash.NaN$).toBe(1);
    expect(clash.undefined$).toBe(2);
    expect(clash.prototype$).toBe(clash.Object$.toString$);
    expect(clash.defineStruct$.constructor$).toBe("c");
    expect(Object.getPrototypeOf(clash.defineStruct$)).toBe(Object.prototype);

    const client = clash.defineService$.client({ call: async (_s, m) => m.name as never });
    expect(await client.then$()).toBe("then");
    expect(await client.class("d")).toBe("class");
    expect(await client.constructor$(1, "a")).toBe("constructor");
    // A client is not thenable, so awaiting it yields the client itself.
    expect(await Promise.resolve(client)).toBe(client);
  });

  test("constants of every form have their values", () => {
    expect(consts.BIG).toBe(2n ** 63n - 1n);
    expect(consts.NEG).toBe(-(2n ** 63n));
    expect(Object.is(consts.NEGATIVE_ZERO, -0)).toBe(true);
    expect(consts.IDS).toEqual(new Set([1n, 2n, 3n]));
    expect(consts.LIMITS).toEqual(
      new Map([
        ["a", 1],
        ["b", 64],
      ]),
    );
    expect([...consts.BYTES]).toEqual([104, 105]);
    expect(consts.ID).toBe("00112233-4455-6677-8899-aabbccddeeff");
    expect(consts.ORIGIN).toEqual({ x: 0, y: 7 });
    expect(consts.CIRCLE).toEqual({ kind: "radius", value: 1.5 });
    expect(consts.OOPS).toBeInstanceOf(consts.Oops);
    expect(consts.OOPS.code).toBe(3);
    expect(consts.Point.decode(consts.Point.encode(consts.ORIGIN))).toEqual(consts.ORIGIN);
  });
});
