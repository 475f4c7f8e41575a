// `idlc decode`: captures built with the generated commerce codecs and the runtime's own framing,
// read back by wire type and by the IDL, over every transport and protocol; hex input; and
// hostile bytes (truncated, mutated, lying sizes) that must give an error with an offset, never
// an exception or a hang.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { CliIo } from "../../../compiler/cli-io.js";
import { main } from "../../../compiler/cli-main.js";
import { checkFiles } from "../../../compiler/compile.js";
import { decodeCapture, type DecodedLine } from "../../../compiler/decode/decode.js";
import { parseHex } from "../../../compiler/decode/hex.js";
import { OutOfStock, PlaceOrderRequest } from "../../../generated/commerce.js";
import { createWriter } from "../../../runtime/protocol/index.js";
import type { ProtocolWriter } from "../../../runtime/protocol/protocol.js";
import { MessageType, TType, type ProtocolName } from "../../../runtime/protocol/ttype.js";
import { writeUnframed } from "../../../runtime/transport/buffered.js";
import type { TransportName } from "../../../runtime/transport/transports.js";
import { writeFrame } from "../../../runtime/transport/framed.js";
import { writeHeaderFrame } from "../../../runtime/transport/header.js";
import { OutBuffer } from "../../../runtime/transport/out-buffer.js";

const programs = checkFiles(["idl/commerce.idl"]).allPrograms;

const REQUEST = PlaceOrderRequest.create({
  requestId: "r-1",
  userId: 7n,
  lines: [{ productId: 9007199254740993n, quantity: 2, attributes: new Map([["size", "M"]]) }],
  payment: { kind: "giftCardCode", value: "GIFT-1" },
  tags: new Set(["gift"]),
});

function message(
  protocol: ProtocolName,
  name: string,
  type: number,
  seqid: number,
  body: (w: ProtocolWriter) => void,
) {
  const w = createWriter(protocol);
  w.messageBegin(name, type as 1, seqid);
  w.structBegin();
  body(w);
  w.structEnd();
  return w.finish();
}

function capture(
  transport: TransportName,
  protocol: ProtocolName,
  payloads: readonly Uint8Array[],
): Uint8Array {
  const out = new OutBuffer();
  payloads.forEach((p, i) => {
    if (transport === "framed") writeFrame(out, p);
    else if (transport === "buffered") writeUnframed(out, p);
    else writeHeaderFrame(out, p, protocol, i + 1, 0, [["traceparent", "00-abc-def-01"]]);
  });
  return out.take()!.slice();
}

function callAndReply(protocol: ProtocolName): Uint8Array[] {
  return [
    message(protocol, "OrderService:placeOrder", MessageType.CALL, 1, (w) => {
      w.field(TType.STRUCT, 1);
      PlaceOrderRequest.write(w, REQUEST);
    }),
    message(protocol, "OrderService:placeOrder", MessageType.REPLY, 1, (w) => {
      w.field(TType.STRUCT, 2);
      OutOfStock.write(
        w,
        OutOfStock.create({ message: "gone", productId: 9n, requested: 2, available: 0 }),
      );
    }),
    message(protocol, "nosuch", MessageType.EXCEPTION, 2, (w) => {
      w.field(TType.STRING, 1);
      w.string("unknown method nosuch");
      w.field(TType.I32, 2);
      w.i32(1);
    }),
  ];
}

describe("idlc decode", () => {
  for (const transport of ["framed", "buffered", "header"] as const)
    for (const protocol of ["compact", "binary"] as const)
      test(`${transport} ${protocol}: detected, typed by the IDL`, () => {
        const lines = decodeCapture(capture(transport, protocol, callAndReply(protocol)), {
          transport: "auto",
          protocol: "auto",
          programs,
        });
        expect(lines.map((l) => [l.transport, l.protocol, l.type, l.name, l.seqid])).toEqual([
          [transport, protocol, "call", "OrderService:placeOrder", 1],
          [transport, protocol, "reply", "OrderService:placeOrder", 1],
          [transport, protocol, "exception", "nosuch", 2],
        ]);
        expect(lines[0]!.fields).toEqual({
          request: {
            requestId: "r-1",
            userId: "7",
            lines: [{ productId: "9007199254740993", quantity: 2, attributes: { size: "M" } }],
            payment: { giftCardCode: "GIFT-1" },
            tags: ["gift"],
          },
        });
        expect(lines[0]!.service).toBe("OrderService");
        expect(lines[1]).toMatchObject({
          exception: "OutOfStock",
          fields: { outOfStock: { message: "gone", productId: "9", requested: 2, available: 0 } },
        });
        expect(lines[2]!.fields).toEqual({
          message: "unknown method nosuch",
          type: "UNKNOWN_METHOD",
        });
        if (transport === "header")
          expect(lines[0]!.headers).toEqual({ traceparent: "00-abc-def-01" });
        expect(lines.every((l) => l.error === undefined)).toBe(true);
      });

  test("without the IDL: fields by id and wire type; offsets of each message", () => {
    const payloads = callAndReply("compact");
    const lines = decodeCapture(capture("framed", "compact", payloads), {
      transport: "auto",
      protocol: "auto",
    });
    expect(lines.map((l) => l.offset)).toEqual([
      0,
      4 + payloads[0]!.length,
      8 + payloads[0]!.length + payloads[1]!.length,
    ]);
    const request = (lines[0]!.fields as { id: number; type: string; value: DecodedLine[] }[])[0]!;
    expect(request).toMatchObject({ id: 1, type: "struct" });
    expect(request.value[0]).toEqual({ id: 1, type: "string", value: "r-1" });
    expect(request.value[1]).toEqual({ id: 2, type: "i64", value: "7" });
  });

  test("enums by name, binary as base64, unknown fields kept by id", () => {
    const idl = checkFiles(["t.thrift"], {
      readFile: () =>
        new TextEncoder().encode(
          "enum Color { RED = 1, BLUE = 2 }\nservice S { void f(1: Color c, 2: binary b, 3: map<string, i32> m) }\n",
        ),
    }).allPrograms;
    const payload = message("compact", "f", MessageType.CALL, 5, (w) => {
      w.field(TType.I32, 1);
      w.i32(2);
      w.field(TType.STRING, 2);
      w.binary(new Uint8Array([0xff, 0x00, 0x10]));
      w.field(TType.MAP, 3);
      w.mapBegin(TType.STRING, TType.I32, 0); // compact writes no types for an empty map
      w.field(TType.I64, 9);
      w.i64(-1n);
    });
    const [line] = decodeCapture(capture("framed", "compact", [payload]), {
      transport: "framed",
      protocol: "compact",
      programs: idl,
    });
    expect(line!.fields).toEqual({
      c: "BLUE",
      b: "/wAQ",
      m: {},
      "#9": { type: "i64", note: "unknown field", value: "-1" },
    });
  });

  test("truncated input: the messages before it, then an error with the offset", () => {
    const bytes = capture("framed", "compact", callAndReply("compact"));
    const cut = bytes.subarray(0, bytes.length - 3);
    const lines = decodeCapture(cut, { transport: "auto", protocol: "auto" });
    expect(lines).toHaveLength(3);
    expect(lines[2]!.error).toMatch(
      /^truncated: the \d+ bytes from byte \d+ are not a whole frame$/,
    );
    // A frame whose payload lies about a string's size: an error inside the message, with its byte.
    const lying = capture("framed", "binary", [
      message("binary", "f", MessageType.CALL, 1, (w) => {
        w.field(TType.STRING, 1);
        w.string("abc");
      }),
    ]);
    lying[4 + 4 + 4 + 1 + 4 + 3 + 3] = 0x7f; // the string length's top byte
    const [bad] = decodeCapture(lying, { transport: "framed", protocol: "binary" });
    expect(bad!.error).toMatch(/at byte \d+/);
    expect(bad!.errorOffset).toBeGreaterThan(4);
  });

  test("garbage: cannot tell the transport, said at byte 0", () => {
    expect(
      decodeCapture(new TextEncoder().encode("GET / HTTP/1.1\r\n"), {
        transport: "auto",
        protocol: "auto",
      }),
    ).toEqual([
      { offset: 0, error: expect.stringMatching(/^cannot tell the transport: first bytes/) },
    ]);
    expect(
      decodeCapture(new Uint8Array([0x80]), { transport: "auto", protocol: "auto" })[0]!.error,
    ).toMatch(/too short/);
  });

  test("hostile bytes: mutated and cut captures never throw; every error has an offset", () => {
    const seeds = (["framed", "buffered", "header"] as const).flatMap((t) =>
      (["compact", "binary"] as const).map((p) => capture(t, p, callAndReply(p))),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        fc.constantFrom("auto", "framed", "buffered", "header") as fc.Arbitrary<
          "auto" | TransportName
        >,
        fc.boolean(),
        (seed, edits, cut, transport, typed) => {
          const bytes = seed.slice(0, seed.length - (cut % 16));
          for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
          const lines = decodeCapture(bytes, {
            transport,
            protocol: "auto",
            ...(typed ? { programs } : {}),
          });
          for (const l of lines) {
            expect(typeof l.offset).toBe("number");
            if (l.error !== undefined)
              expect(String(l.error)).toMatch(/byte|too short|cannot tell/);
          }
          expect(JSON.stringify(lines).length).toBeLessThan(64 * bytes.length + 4096); // output bounded by input
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("idlc decode (CLI)", () => {
  function io(files: Record<string, Uint8Array>) {
    const out: string[] = [];
    const err: string[] = [];
    const cli: CliIo = {
      stdout: (t) => void out.push(t),
      stderr: (t) => void err.push(t),
      readFile: (p) => files[p],
      writeFile: () => {},
      makeDir: () => {},
      kindOf: () => "directory" as const,
      watch: () => ({ close() {} }),
      interrupt: new AbortController().signal,
      version: () => "0",
    };
    return { cli, stdout: () => out.join(""), stderr: () => err.join("") };
  }
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

  test("--hex and --idl: one JSON line per message, exit 0", async () => {
    const bytes = capture("framed", "compact", callAndReply("compact").slice(0, 1));
    const m = io({});
    m.cli.readFile = (p) =>
      p === "cap.hex" ? new TextEncoder().encode(`${hex(bytes)}\n`) : readFromDisk(p);
    expect(await main(["decode", "--idl", "idl/commerce.idl", "--hex", "cap.hex"], m.cli)).toBe(0);
    const lines = m
      .stdout()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as DecodedLine);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      transport: "framed",
      protocol: "compact",
      type: "call",
      method: "placeOrder",
    });
  });

  test("errors: exit 1 with the offset on stderr; bad hex names the character; bad flags exit 2", async () => {
    const m = io({ "x.bin": new Uint8Array([0, 0, 0, 9, 0x82, 0x21, 1]) });
    expect(await main(["decode", "x.bin"], m.cli)).toBe(1);
    expect(m.stderr()).toMatch(/^idlc: decode: message at byte 0: truncated/);
    const h = io({ "x.hex": new TextEncoder().encode("00 0g") });
    expect(await main(["decode", "--hex", "x.hex"], h.cli)).toBe(1);
    expect(h.stderr()).toBe('idlc: --hex: "g" is not a hex digit (at character 4)\n');
    for (const argv of [
      ["decode", "--protocol", "json"],
      ["decode", "--transport"],
      ["decode", "a", "b"],
      ["decode", "--frob"],
    ]) {
      const b = io({});
      expect(await main(argv, b.cli), argv.join(" ")).toBe(2);
    }
  });

  test("parseHex: separators, 0x prefixes, odd digits", () => {
    expect(parseHex("0x01,0x02:ff\n0A")).toEqual({ bytes: new Uint8Array([1, 2, 255, 10]) });
    expect(parseHex("abc")).toEqual({ error: "a hex byte needs two digits", offset: 2 });
  });
});

function readFromDisk(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
