// What the peer clients' fixed call script (py/client.py, node/client.cjs) must print against a
// correct server, per server implementation: the one place those expectations are written.
import { expect } from "vitest";
import type { ClientRun, PeerKind, RpcFlags } from "./apache.js";
import { canonical, type Json, type Schema, structType, withDefaults } from "./json-mapping.js";

/** Which server answered, or which client asked: an Apache library or idlc. */
export type ServerKind = PeerKind | "idlc";
export type ClientKind = PeerKind | "idlc";

/** Headers the tests send over THeader. */
export const TEST_HEADERS: Readonly<Record<string, string>> = {
  "x-request-id": "interop-1",
  "x-unicode": "grüße ✓",
};

/** The Everything value the scripts echo (JSON mapping), with edge values in. */
export const SAMPLE_EVERYTHING: Json = {
  flag: true,
  oneByte: -128,
  tiny: 127,
  small: -32768,
  medium: 2147483647,
  large: "-9223372036854775808",
  real: -2.5,
  text: "héllo 🌍",
  data: "00ff10",
  color: 2,
  sign: -5,
  point: { x: 1, y: -1 },
  branch: {
    label: "in",
    at: { x: 0, y: 0 },
    path: [{ x: 1, y: 2 }],
    child: { label: "leaf", path: [] },
  },
  shape: { name: "circle" },
  ints: [0, -1, 2147483647],
  bools: [true, false, true],
  longs: ["9223372036854775807", "0", "-1"],
  names: ["a", "é", ""],
  // keys 0–9 only: npm thrift's TBinaryProtocol writes map<i64,…> string keys as hex
  byId: [
    ["1", "one"],
    ["7", "seven"],
  ],
  routes: [
    [
      "home",
      [
        { x: 1, y: 2 },
        { x: 3, y: 4 },
      ],
    ],
  ],
  deep: [[["k", [1, 2, 3]]], []],
  weights: [
    [1, 0.5],
    [3, "Infinity"],
  ],
  blobs: ["", "01", "ffff"],
  maybe: "present",
  must: 7,
  withDefault: 42,
  greeting: "hi",
  primes: [2, 3, 5],
  far: "4294967296",
  problem: { dividend: 9, why: "nested exception" },
  veryFar: 300,
  last: false,
  matrix: [["a", "b"], [], ["c"]],
  grid: [[1, [[2, true]]]],
  truths: [false, true],
  reals: [0, 1.5, "NaN", "-Infinity"],
  shapes: [{ point: { x: 5, y: 6 } }, { blob: "abcd" }, { ids: [1, 2] }, { flag: false }],
  maybeSign: 0,
};

/** Checks a client script run against what a correct `server` answers. */
export function expectScript(
  run: ClientRun,
  options: {
    server: ServerKind;
    client: ClientKind;
    flags: RpcFlags;
    schema: Schema;
    echo?: Json;
    headers?: Readonly<Record<string, string>>;
  },
): void {
  const { server, client, flags, schema } = options;
  const context = `${client} client → ${server} server ${JSON.stringify(flags)}\n${run.output}`;
  const result = (call: string): unknown => {
    const line = run.calls.get(call);
    expect(line, `${call}: no output line; ${context}`).toBeDefined();
    expect(line, `${call}; ${context}`).toHaveProperty("result");
    return (line as { result: Json }).result;
  };
  const error = (call: string): { type: string; code?: number; message?: string; value?: Json } => {
    const line = run.calls.get(call);
    expect(line, `${call}: expected an error; ${context}`).toHaveProperty("error");
    return (line as { error: { type: string; code?: number; message?: string; value?: Json } })
      .error;
  };

  expect(run.done, `script did not finish; ${context}`).toBe(true);
  expect(result("ping")).toBeNull();
  expect(result("add(1,2)")).toBe(3);
  expect(result("add(2147483647,1)")).toBe(-2147483648);
  expect(result("divide(7,2)")).toBe(3);
  expect(result("divide(-7,2)")).toBe(-3);
  expect(error("divide(1,0)")).toEqual({
    type: "DivideByZero",
    value: { dividend: 1, why: "division by zero" },
  });
  expect(result("lookup(5)")).toBe("5");
  expect(result("lookup(9007199254740993)")).toBe("9007199254740993");
  expect(error("lookup(-1)")).toEqual({
    type: "NotFound",
    value: { message: "no such key", key: "-1" },
  });
  if (options.echo !== undefined) {
    const everything = structType(schema, "Everything");
    // what the server decoded, re-encoded, and the client decoded: Apache fills IDL defaults
    expect(canonical(schema, everything, result("echo") as Json), `echo; ${context}`).toEqual(
      canonical(schema, everything, withDefaults(schema, everything, options.echo)),
    );
  }
  expect(result("fire")).toBeNull();
  expect(result("lastFired")).toBe(`fired-by-${client}`);
  expect(result("slow(20,7)")).toBe(7);

  const fail = error("fail");
  expect(fail.type).toBe("TApplicationException");
  const nope = error("nope");
  expect(nope.type).toBe("TApplicationException");
  // Apache clients show the server's message as sent; idlc's ApplicationError may add context
  const sent = (message: string): unknown =>
    client === "idlc" ? expect.stringContaining(message) : message;
  switch (server) {
    case "python":
      // INTERNAL_ERROR, UNKNOWN_METHOD
      expect(fail, context).toMatchObject({ code: 6, message: sent("Internal error") });
      expect(nope, context).toMatchObject({ code: 1, message: sent("Unknown function nope") });
      break;
    case "node":
      // npm thrift sends UNKNOWN with the error's message and never writes the type field
      expect(fail, context).toMatchObject({ code: 0, message: sent("deliberate failure") });
      expect(nope, context).toMatchObject({ code: 0, message: sent("Unknown function nope") });
      break;
    case "idlc":
      expect(fail.code).toBe(6); // INTERNAL_ERROR, message not specified (no stack trace)
      expect(fail.message ?? "").not.toContain("deliberate failure\n    at");
      expect(nope.code).toBe(1);
      break;
  }

  const headers = options.headers ?? {};
  if (flags.transport === "header") {
    expect(result("echoHeaders"), `headers seen by the server; ${context}`).toMatchObject(headers);
    // only the Apache clients print the reply's headers
    if (server !== "idlc" && client !== "idlc")
      expect(result("replyHeaders"), `reply headers; ${context}`).toEqual({
        "x-served-by": server,
      });
  } else {
    expect(result("echoHeaders")).toEqual({});
  }
  if (flags.multiplexed) {
    expect(result("greet")).toBe(`hello, ${client}`);
    expect(result("twice")).toBe("-9223372036854775808");
  } else {
    expect(run.calls.has("greet")).toBe(false);
  }
}
