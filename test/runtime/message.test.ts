// The RPC envelope (rpc.md §1–6, §9): multiplexed names and TApplicationException bytes, checked
// against the spec's verified vectors from Apache peers.
import { describe, expect, test } from "vitest";
import { ApplicationErrorType, createReader, createWriter, MessageType } from "idlc/runtime";
import {
  applicationTypeName,
  isRequest,
  multiplexedName,
  readApplicationException,
  splitMessageName,
  writeApplicationException,
  writeExceptionMessage,
} from "../../runtime/message.js";
import { hex, toHex } from "./protocol/protocol-values.js";

describe("multiplexed names", () => {
  test("a client joins service and method with a colon", () => {
    expect(multiplexedName("Calc", "add")).toBe("Calc:add");
  });

  test("a server splits at the first colon, as Java and Python do", () => {
    expect(splitMessageName("Calc:add")).toEqual({ service: "Calc", method: "add" });
    expect(splitMessageName("a:b:c")).toEqual({ service: "a", method: "b:c" });
    expect(splitMessageName("add")).toEqual({ service: undefined, method: "add" });
    expect(splitMessageName(":add")).toEqual({ service: "", method: "add" });
  });

  test("only CALL and ONEWAY are requests", () => {
    expect([1, 2, 3, 4].map(isRequest)).toEqual([true, false, false, true]);
  });
});

describe("TApplicationException", () => {
  test("compact: both fields are written (message, then type)", () => {
    const w = createWriter("compact");
    writeApplicationException(w, "x", ApplicationErrorType.UNKNOWN_METHOD);
    expect(toHex(w.finish())).toBe("18 01 78 15 02 00");
  });

  test("binary: both fields are written (message, then type)", () => {
    const w = createWriter("binary");
    writeApplicationException(w, "x", ApplicationErrorType.UNKNOWN_METHOD);
    expect(toHex(w.finish())).toBe("0b 00 01 00 00 00 01 78 08 00 02 00 00 00 01 00");
  });

  test("the whole EXCEPTION message matches Python's INTERNAL_ERROR reply byte for byte", () => {
    // rpc.md §6.1: framed compact reply of a Python 0.17 server, seqid 2 (frame length removed).
    const w = createWriter("compact");
    writeExceptionMessage(w, "add", 2, "Internal error", ApplicationErrorType.INTERNAL_ERROR);
    expect(toHex(w.finish())).toBe(
      "82 61 02 03 61 64 64 18 0e 49 6e 74 65 72 6e 61 6c 20 65 72 72 6f 72 15 0c 00",
    );
  });

  test.each([
    ["compact", "18 01 78 00"],
    ["binary", "0b 00 01 00 00 00 01 78 00"],
  ] as const)(
    "%s: npm thrift's exception without a type reads as UNKNOWN (0)",
    (protocol, bytes) => {
      // rpc.md §6: npm thrift 0.24 never writes field 2 (verified vectors).
      const r = createReader(protocol, hex(bytes));
      expect(readApplicationException(r)).toEqual({ message: "x", type: 0 });
    },
  );

  test.each(["compact", "binary"] as const)("%s: unknown fields are skipped", (protocol) => {
    const w = createWriter(protocol);
    w.structBegin();
    w.field(8, 9); // i32 field 9: unknown
    w.i32(5);
    w.field(11, 1);
    w.string("why");
    w.field(11, 2); // type with the wrong wire type: skipped
    w.string("6");
    w.field(8, 2);
    w.i32(77); // a code outside Apache's list is kept
    w.structEnd();
    expect(readApplicationException(createReader(protocol, w.finish()))).toEqual({
      message: "why",
      type: 77,
    });
  });

  test.each(["compact", "binary"] as const)("%s: an EXCEPTION message round-trips", (protocol) => {
    const w = createWriter(protocol);
    writeExceptionMessage(w, "nope", 7, "unknown method", ApplicationErrorType.UNKNOWN_METHOD);
    const r = createReader(protocol, w.finish());
    expect(r.messageBegin()).toEqual({ name: "nope", type: MessageType.EXCEPTION, seqid: 7 });
    expect(readApplicationException(r)).toEqual({ message: "unknown method", type: 1 });
  });

  test("type names are Apache's", () => {
    expect(applicationTypeName(1)).toBe("UNKNOWN_METHOD");
    expect(applicationTypeName(6)).toBe("INTERNAL_ERROR");
    expect(applicationTypeName(10)).toBe("UNSUPPORTED_CLIENT_TYPE");
    expect(applicationTypeName(11)).toBe("LOADSHEDDING"); // fbthrift's
    expect(applicationTypeName(12)).toBe("TIMEOUT");
    expect(applicationTypeName(42)).toBe("type 42");
  });
});

describe("message names read in a row", () => {
  // A reader reuses the previous name's string when the bytes match (byte-reader.ts): names that
  // differ in one byte, names past the cached length and non-ASCII names must still read right.
  const names = [
    "Store:get",
    "Store:get",
    "Store:gex",
    "Store:get",
    "S".repeat(64),
    "S".repeat(63) + "T",
    "L".repeat(200),
    "L".repeat(199) + "M",
    "Läden:hol",
    "Läden:hol",
    "Läden:hom",
    "",
    "x",
  ];
  for (const protocol of ["compact", "binary"] as const) {
    test(`${protocol}: each name as written`, () => {
      const w = createWriter(protocol);
      const r = createReader(protocol, new Uint8Array(0));
      names.forEach((name, seqid) => {
        w.reset();
        w.messageBegin(name, MessageType.CALL, seqid);
        r.reset(w.finish());
        expect(r.messageBegin()).toEqual({ name, type: MessageType.CALL, seqid });
      });
    });
  }
});
