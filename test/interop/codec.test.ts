// idlc's codecs against Apache Thrift's, for every struct, union and exception of interop.thrift
// in both protocols: bytes idlc writes are read back equal by Python (python3-thrift 0.17) and by
// npm thrift 0.24; bytes they write are read equal by idlc; and idlc writes exactly Python's bytes
// (both write ascending field ids; npm writes declaration order, so it is compared by value).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { describeWithTools } from "../support/tools.js";
import {
  buildApache,
  startCodecPeer,
  type CodecPeer,
  type PeerKind,
  type ProtocolFlag,
} from "./apache.js";
import { arbitraryJson } from "./arbitrary-json.js";
import { codecOf, compileInterop, idlcShapes, type GeneratedModule } from "./idlc.js";
import {
  canonical,
  fromHex,
  fromJson,
  type Json,
  Schema,
  type StructShapes,
  structType,
  toHex,
  toJson,
  withDefaults,
} from "./json-mapping.js";
import { NPM_SAFE, npmSafe } from "./npm-limits.js";
import { SAMPLE_EVERYTHING } from "./script.js";

const PROTOCOLS: readonly ProtocolFlag[] = ["compact", "binary"];

/** Hand-picked values per type (JSON mapping); defaults always set, as Apache reads them back. */
const SAMPLES: Record<string, Json[]> = {
  Point: [{ x: 1, y: 2 }, {}, { x: -2147483648, y: 2147483647 }, { y: 0 }],
  Branch: [
    { label: "", path: [] },
    { label: "root", at: { x: 1 }, path: [{ x: 1, y: 1 }, {}], child: { label: "c", path: [] } },
  ],
  Shape: [
    { point: { x: 3, y: 4 } },
    { radius: 2.5 },
    { radius: "-0" },
    { radius: "NaN" },
    { name: "" },
    { blob: "00ff" },
    { ids: [] },
    { ids: Array.from({ length: 20 }, (_, i) => i - 10) },
    { flag: true },
    { flag: false },
  ],
  DivideByZero: [{ dividend: 1, why: "division by zero" }, {}, { why: "only why" }],
  NotFound: [{ message: "no such key" }, { message: "k", key: "-9223372036854775808" }],
  Everything: [
    SAMPLE_EVERYTHING,
    { must: 0, withDefault: 42, greeting: "hi", primes: [2, 3, 5] },
    { must: -1, withDefault: 0, greeting: "", primes: [], last: true, veryFar: -32768 },
  ],
};

describeWithTools(["thrift", "python3-thrift"], "interop: idlc codecs ⇄ Apache Thrift", () => {
  describe("every type, both protocols", () => {
    let schema: Schema;
    let module: GeneratedModule;
    let shapes: StructShapes;
    const peers = new Map<PeerKind, CodecPeer>();
    const peer = (kind: PeerKind): CodecPeer => peers.get(kind)!;

    beforeAll(async () => {
      const build = buildApache("codec");
      schema = Schema.load([build.models.interop]);
      module = await compileInterop("codec");
      shapes = await idlcShapes(module);
      peers.set("python", await startCodecPeer("python", build));
      peers.set("node", await startCodecPeer("node", build));
    }, 180_000);
    afterAll(async () => {
      for (const p of peers.values()) await p.close();
    });

    const idlcEncode = (type: string, protocol: ProtocolFlag, json: Json): string =>
      toHex(
        codecOf(module, type).encode(fromJson(schema, structType(schema, type), json, shapes), {
          protocol,
        }),
      );
    const idlcDecode = (type: string, protocol: ProtocolFlag, hex: string): Json =>
      toJson(
        schema,
        structType(schema, type),
        codecOf(module, type).decode(fromHex(hex), { protocol }),
        shapes,
      );
    /** The canonical value Apache's generated code reads from bytes carrying `json`. */
    const readBack = (type: string, json: Json): Json =>
      canonical(
        schema,
        structType(schema, type),
        withDefaults(schema, structType(schema, type), json),
      );
    const same = (type: string, json: Json): Json =>
      canonical(schema, structType(schema, type), json);
    const spaced = (hex: string): string => hex.replace(/(..)(?!$)/g, "$1 ");

    /** idlc ⇄ Python: equal bytes, and each reads the other's bytes as the value. */
    async function checkPython(type: string, protocol: ProtocolFlag, json: Json): Promise<void> {
      const label = `${type} ${protocol} ${JSON.stringify(json)}`;
      const ours = idlcEncode(type, protocol, json);
      const theirs = await peer("python").encode(type, protocol, json);
      expect(spaced(ours), `idlc bytes vs Python bytes for ${label}`).toBe(spaced(theirs));
      expect(
        same(type, await peer("python").decode(type, protocol, ours)),
        `Python reads idlc: ${label}`,
      ).toEqual(readBack(type, json));
      expect(same(type, idlcDecode(type, protocol, theirs)), `idlc reads Python: ${label}`).toEqual(
        readBack(type, json),
      );
    }

    /** idlc ⇄ npm thrift: each reads the other's bytes as the value (npm-safe values only). */
    async function checkNpm(type: string, protocol: ProtocolFlag, json: Json): Promise<void> {
      const label = `${type} ${protocol} ${JSON.stringify(json)}`;
      const ours = idlcEncode(type, protocol, json);
      expect(
        same(type, await peer("node").decode(type, protocol, ours)),
        `npm reads idlc: ${label}`,
      ).toEqual(readBack(type, json));
      const theirs = await peer("node").encode(type, protocol, json);
      expect(same(type, idlcDecode(type, protocol, theirs)), `idlc reads npm: ${label}`).toEqual(
        readBack(type, json),
      );
    }

    for (const [type, samples] of Object.entries(SAMPLES)) {
      for (const protocol of PROTOCOLS) {
        test(`${type} samples, ${protocol}: same bytes as Python, read both ways`, async () => {
          for (const json of samples) await checkPython(type, protocol, json);
        });
        test(`${type} samples, ${protocol}: read both ways with npm thrift`, async () => {
          for (const json of samples)
            await checkNpm(type, protocol, npmSafe(schema, structType(schema, type), json));
        });
      }
    }

    const RUNS: Record<string, number> = { Everything: 50, Branch: 30, Shape: 30 };
    for (const [type, numRuns] of Object.entries(RUNS)) {
      test(`${type} generated values: same bytes as Python, read both ways (fast-check)`, async () => {
        await fc.assert(
          fc.asyncProperty(
            arbitraryJson(schema, structType(schema, type)),
            fc.constantFrom(...PROTOCOLS),
            (json, protocol) => checkPython(type, protocol, json),
          ),
          { numRuns },
        );
      }, 60_000);
      test(`${type} generated values: read both ways with npm thrift (fast-check)`, async () => {
        await fc.assert(
          fc.asyncProperty(
            arbitraryJson(schema, structType(schema, type), NPM_SAFE),
            fc.constantFrom(...PROTOCOLS),
            (json, protocol) => checkNpm(type, protocol, json),
          ),
          { numRuns },
        );
      }, 60_000);
    }

    test("npm thrift's declaration-order bytes are read by idlc", async () => {
      const json: Json = {
        must: 1,
        far: "5",
        problem: { dividend: 1 },
        withDefault: 42,
        greeting: "hi",
        primes: [],
      };
      for (const protocol of PROTOCOLS) {
        const theirs = await peer("node").encode("Everything", protocol, json);
        expect(theirs).not.toBe(await peer("python").encode("Everything", protocol, json));
        expect(same("Everything", idlcDecode("Everything", protocol, theirs))).toEqual(
          readBack("Everything", json),
        );
      }
    });
  });
});
