// Self-tests of the Apache side of the interop harness, runnable before idlc has codecs or a
// runtime: the peers reproduce the spec's byte vectors, round-trip values, read each other's
// bytes, and their RPC clients and servers talk to each other in every flag combination.
import fc from "fast-check";
import { afterAll, beforeAll, expect, test } from "vitest";
import { describeWithTools } from "../support/tools.js";
import {
  buildApache,
  runApacheClient,
  startApacheServer,
  startCodecPeer,
  type ApacheBuild,
  type CodecPeer,
  type PeerKind,
  type RpcFlags,
} from "./apache.js";
import { arbitraryJson } from "./arbitrary-json.js";
import { canonical, type Json, Schema, structType, withDefaults } from "./json-mapping.js";
import { NPM_SAFE, npmSafe } from "./npm-limits.js";
import { expectScript, SAMPLE_EVERYTHING, TEST_HEADERS } from "./script.js";

/** The spec's verified byte examples (compact-protocol.md §9, binary-protocol.md §7). */
const SPEC_VECTORS: { type: string; value: Json; compact: string; binary?: string }[] = [
  { type: "B1", value: { v: 150 }, compact: "15 ac 02 00", binary: "08 00 01 00 00 00 96 00" },
  { type: "B1", value: { v: -1 }, compact: "15 01 00", binary: "08 00 01 ff ff ff ff 00" },
  { type: "B1", value: { v: 0 }, compact: "15 00 00" },
  { type: "B1", value: { v: 2147483647 }, compact: "15 fe ff ff ff 0f 00" },
  {
    type: "B1",
    value: { v: -2147483648 },
    compact: "15 ff ff ff ff 0f 00",
    binary: "08 00 01 80 00 00 00 00",
  },
  {
    type: "B20",
    value: { a: 1, b: 2 },
    compact: "15 02 05 28 04 00",
    binary: "08 00 01 00 00 00 01 08 00 14 00 00 00 02 00",
  },
  { type: "B20", value: { b: 2 }, compact: "05 28 04 00" },
  {
    type: "BoolS",
    value: { t: true, f: false },
    compact: "11 12 00",
    binary: "02 00 01 01 02 00 02 00 00",
  },
  {
    type: "EmptyMap",
    value: { m: [] },
    compact: "1b 00 00",
    binary: "0d 00 01 0b 08 00 00 00 00 00",
  },
  {
    type: "L20",
    value: { l: Array.from({ length: 20 }, (_, i) => i) },
    compact: `19 f3 14 ${bytesHex(20)} 00`,
    binary: `0f 00 01 03 00 00 00 14 ${bytesHex(20)} 00`,
  },
  {
    type: "L20",
    value: { l: Array.from({ length: 14 }, (_, i) => i) },
    compact: `19 e3 ${bytesHex(14)} 00`,
  },
  {
    type: "L20",
    value: { l: Array.from({ length: 15 }, (_, i) => i) },
    compact: `19 f3 0f ${bytesHex(15)} 00`,
  },
  { type: "L20", value: { l: [] }, compact: "19 03 00", binary: "0f 00 01 03 00 00 00 00 00" },
  {
    type: "Nest",
    value: { x: { a: 1 }, y: 2 },
    compact: "1c 15 02 00 15 04 00",
    binary: "0c 00 01 08 00 01 00 00 00 01 00 08 00 02 00 00 00 02 00",
  },
  {
    type: "Dbl",
    value: { d: 1 },
    compact: "17 00 00 00 00 00 00 f0 3f 00",
    binary: "04 00 01 3f f0 00 00 00 00 00 00 00",
  },
  {
    type: "Dbl",
    value: { d: -2.5 },
    compact: "17 00 00 00 00 00 00 04 c0 00",
    binary: "04 00 01 c0 04 00 00 00 00 00 00 00",
  },
  {
    type: "Str",
    value: { s: "hi" },
    compact: "18 02 68 69 00",
    binary: "0b 00 01 00 00 00 02 68 69 00",
  },
  {
    type: "Str",
    value: { s: "é" },
    compact: "18 02 c3 a9 00",
    binary: "0b 00 01 00 00 00 02 c3 a9 00",
  },
  {
    type: "Str",
    value: { s: "", b: "00ff10" },
    compact: "18 00 18 03 00 ff 10 00",
    binary: "0b 00 01 00 00 00 00 0b 00 02 00 00 00 03 00 ff 10 00",
  },
  {
    type: "LBool",
    value: { l: [true, false] },
    compact: "19 21 01 02 00",
    binary: "0f 00 01 02 00 00 00 02 01 00 00",
  },
  {
    type: "MapI",
    value: { m: [[1, "a"]] },
    compact: "1b 01 58 02 01 61 00",
    binary: "0d 00 01 08 0b 00 00 00 01 00 00 00 01 00 00 00 01 61 00",
  },
  {
    type: "SetS",
    value: { s: ["x"] },
    compact: "1a 18 01 78 00",
    binary: "0e 00 01 0b 00 00 00 01 00 00 00 01 78 00",
  },
  {
    type: "I64s",
    value: { v: String(2n ** 40n) },
    compact: "16 80 80 80 80 80 40 00",
    binary: "0a 00 01 00 00 01 00 00 00 00 00 00",
  },
  { type: "I64s", value: { v: "-1" }, compact: "16 01 00" },
  {
    type: "I64s",
    value: { v: String(2n ** 63n - 1n) },
    compact: "16 fe ff ff ff ff ff ff ff ff 01 00",
  },
  {
    type: "I64s",
    value: { v: String(-(2n ** 63n)) },
    compact: "16 ff ff ff ff ff ff ff ff ff 01 00",
    binary: "0a 00 01 80 00 00 00 00 00 00 00 00",
  },
  { type: "EnumS", value: { c: 2 }, compact: "15 04 00", binary: "08 00 01 00 00 00 02 00" },
  { type: "Big", value: { x: 1 }, compact: "05 d8 04 02 00", binary: "08 01 2c 00 00 00 01 00" },
  {
    type: "Neg",
    value: { neg: 5, a: 1 },
    compact: "04 01 0a 25 02 00",
    binary: "06 ff ff 00 05 08 00 01 00 00 00 01 00",
  },
  { type: "N2", value: { a: 1, b: 2, c: 3 }, compact: "05 03 02 15 04 25 06 00" },
];

function bytesHex(n: number): string {
  return Array.from({ length: n }, (_, i) => i.toString(16).padStart(2, "0")).join(" ");
}

const compact = (spaced: string): string => spaced.replaceAll(" ", "");

describeWithTools(["thrift", "python3-thrift"], "interop harness: Apache peers", () => {
  let build: ApacheBuild;
  let schema: Schema;
  const peers = new Map<PeerKind, CodecPeer>();
  const peer = (kind: PeerKind): CodecPeer => peers.get(kind)!;
  const everything = (): ReturnType<typeof structType> => structType(schema, "Everything");

  beforeAll(async () => {
    build = buildApache("harness");
    schema = Schema.load([build.models.interop, build.models.fixture]);
    peers.set("python", await startCodecPeer("python", build));
    peers.set("node", await startCodecPeer("node", build));
  }, 120_000);
  afterAll(async () => {
    for (const p of peers.values()) await p.close();
  });

  for (const kind of ["python", "node"] as const) {
    test(`${kind} writes the spec's byte vectors and reads them back`, async () => {
      for (const vector of SPEC_VECTORS) {
        for (const protocol of ["compact", "binary"] as const) {
          const expected = protocol === "compact" ? vector.compact : vector.binary;
          if (expected === undefined) continue;
          const label = `${kind} ${protocol} ${vector.type} ${JSON.stringify(vector.value)}`;
          expect(await peer(kind).encode(vector.type, protocol, vector.value), label).toBe(
            compact(expected),
          );
          // npm's compact reader reads bool elements as false (npm-limits.ts, 3)
          if (kind === "node" && protocol === "compact" && vector.type === "LBool") continue;
          expect(await peer(kind).decode(vector.type, protocol, compact(expected)), label).toEqual(
            vector.value,
          );
        }
      }
    });

    test(`${kind} round-trips the sample Everything in both protocols`, async () => {
      const sample =
        kind === "node" ? npmSafe(schema, everything(), SAMPLE_EVERYTHING) : SAMPLE_EVERYTHING;
      for (const protocol of ["compact", "binary"] as const) {
        const hex = await peer(kind).encode("Everything", protocol, sample);
        const back = await peer(kind).decode("Everything", protocol, hex);
        expect(canonical(schema, everything(), back)).toEqual(
          canonical(schema, everything(), sample),
        );
      }
    });

    test(`${kind} rejects trailing bytes and unknown fields in the JSON`, async () => {
      await expect(peer(kind).decode("B1", "compact", "15ac020000")).rejects.toThrow(/trailing/);
      await expect(peer(kind).encode("B1", "compact", { nope: 1 })).rejects.toThrow(/nope/);
    });
  }

  test("Python writes fields in id order, npm thrift in declaration order; both read both", async () => {
    const value: Json = { must: 1, far: "5", problem: { dividend: 1 } }; // ids 25, 40, 30
    for (const protocol of ["compact", "binary"] as const) {
      const py = await peer("python").encode("Everything", protocol, value);
      const npm = await peer("node").encode("Everything", protocol, value);
      expect(py).not.toBe(npm);
      for (const hex of [py, npm]) {
        for (const reader of ["python", "node"] as const) {
          const read = await peer(reader).decode("Everything", protocol, hex);
          expect(canonical(schema, everything(), read)).toEqual(
            canonical(schema, everything(), withDefaults(schema, everything(), value)),
          );
        }
      }
    }
  });

  test("npm thrift limits the tests work around (documented in node/jsonmap.cjs)", async () => {
    // -0 is written as +0 (compact and binary)
    const zero = await peer("node").encode("Dbl", "binary", { d: "-0" });
    expect(zero).toBe(compact("04 00 01 00 00 00 00 00 00 00 00 00"));
    expect(await peer("python").encode("Dbl", "binary", { d: "-0" })).toBe(
      compact("04 00 01 80 00 00 00 00 00 00 00 00"),
    );
    // TBinaryProtocol writes a map<i64,…> key "10" as 0x10
    const byId = await peer("node").encode("Everything", "binary", {
      must: 1,
      byId: [["10", "x"]],
    });
    const read = await peer("python").decode("Everything", "binary", byId);
    expect((read as { byId: Json }).byId).toEqual([["16", "x"]]);
    // compact bool elements (01 = true) read back as false
    expect(await peer("node").decode("LBool", "compact", compact("19 31 01 02 01 00"))).toEqual({
      l: [false, false, false],
    });
    expect(await peer("python").decode("LBool", "compact", compact("19 31 01 02 01 00"))).toEqual({
      l: [true, false, true],
    });
  });

  test("Python and npm thrift read each other's bytes (fast-check, npm-safe values)", async () => {
    const values = arbitraryJson(schema, everything(), { ...NPM_SAFE, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(
        values,
        fc.constantFrom("compact", "binary" as const),
        async (value, protocol) => {
          const expected = canonical(
            schema,
            everything(),
            withDefaults(schema, everything(), value),
          );
          for (const [writer, reader] of [
            ["python", "node"],
            ["node", "python"],
          ] as const) {
            const hex = await peer(writer).encode("Everything", protocol, value);
            const read = await peer(reader).decode("Everything", protocol, hex);
            expect(
              canonical(schema, everything(), read),
              `${writer} → ${reader} ${protocol}`,
            ).toEqual(expected);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  // Same-library pairs in every flag combination, then the two libraries across each other.
  const matrix: { client: PeerKind; server: PeerKind; flags: RpcFlags }[] = [];
  for (const [client, server] of [
    ["python", "python"],
    ["node", "node"],
  ] as const)
    for (const transport of ["framed", "buffered", "header"] as const)
      for (const protocol of ["compact", "binary"] as const)
        for (const multiplexed of [false, true])
          matrix.push({ client, server, flags: { protocol, transport, multiplexed } });
  for (const [client, server] of [
    ["python", "node"],
    ["node", "python"],
  ] as const)
    for (const transport of ["framed", "buffered", "header"] as const)
      matrix.push({
        client,
        server,
        flags: {
          protocol: transport === "buffered" ? "binary" : "compact",
          transport,
          multiplexed: true,
        },
      });

  for (const { client, server, flags } of matrix) {
    const name = `${flags.protocol} ${flags.transport}${flags.multiplexed ? " multiplexed" : ""}`;
    test(`RPC: ${client} client → ${server} server, ${name}`, async () => {
      const echo =
        client === "node" || server === "node"
          ? npmSafe(schema, everything(), SAMPLE_EVERYTHING)
          : SAMPLE_EVERYTHING;
      const peerServer = await startApacheServer(server, build, flags);
      try {
        const run = await runApacheClient(client, build, {
          ...flags,
          port: peerServer.port,
          echo,
          headers: TEST_HEADERS,
        });
        expectScript(run, { server, client, flags, schema, echo, headers: TEST_HEADERS });
      } finally {
        await peerServer.stop();
      }
    }, 45_000);
  }
});
