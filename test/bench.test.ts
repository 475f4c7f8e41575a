// Keeps the benchmark from rotting: every codec and RPC adapter passes its correctness check
// (no timing), the process runner produces every figure, and results summarize and render.
// Peers whose tool is absent (thrift, protoc) are skipped loudly locally and fail on CI.
import { rmSync, writeFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { checkCodec, type CodecSystem } from "../bench/codecs/codec.js";
import { CODEC_LOADERS } from "../bench/codecs/index.js";
import { ensurePart, type Part, type PartStatus } from "../bench/peers/generate.js";
import { benchSection, END_MARKER, replaceSection, START_MARKER } from "../bench/readme-table.js";
import { renderMarkdown, renderTerminal } from "../bench/render.js";
import { summarize, type RawResults } from "../bench/results.js";
import { RPC_LOADERS } from "../bench/rpc/index.js";
import { checkRpc, type RpcSystem } from "../bench/rpc/rpc.js";
import { runCodecs } from "../bench/runner/codec.js";
import { runRpcs, SCENARIOS } from "../bench/runner/rpc.js";
import { assertSampleOrder, canonicalOrder, i64String, ORDER } from "../bench/sample.js";
import { describeWithTool } from "./support/tools.js";

const generated = new Map<Part, Promise<PartStatus>>();

/** Generates a part's peer code once per test file; throws with the reason if it cannot. */
async function peer(part: Part): Promise<void> {
  let status = generated.get(part);
  if (status === undefined) {
    status = ensurePart(part);
    generated.set(part, status);
  }
  const result = await status;
  if (!result.ok) throw new Error(`${part} code not generated: ${result.reason}`);
}

/** Generates the parts; resolves once any one of them is ready (raw-tcp needs any Compact codec). */
async function anyPeer(parts: readonly Part[]): Promise<void> {
  const results = await Promise.allSettled(parts.map(peer));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed.length === parts.length)
    throw new Error(failed.map((f) => String(f.reason)).join("; "));
}

/** The generated code each system needs (any one of them for raw-tcp). */
const PEER_OF: Record<CodecSystem | RpcSystem, Part[]> = {
  "idlc-compact": ["idlc"],
  "idlc-binary": ["idlc"],
  "thrift-compact": ["thrift"],
  "thrift-binary": ["thrift"],
  protobufjs: ["protobufjs"],
  "protobuf-es": ["protobuf-es"],
  json: [],
  "raw-tcp": ["thrift", "idlc"],
  "echo-batched": ["thrift", "idlc"],
  idlc: ["idlc"],
  "idlc-hop": ["idlc"],
  "idlc-hop-parent": ["idlc"],
  thrift: ["thrift"],
  "grpc-js": ["protobufjs"],
};

function codecTest(system: CodecSystem): void {
  test(`${system}: decode(encode(sample)) is the sample`, async () => {
    for (const part of PEER_OF[system]) await peer(part);
    const { bytes } = checkCodec(await CODEC_LOADERS[system]());
    expect(bytes).toBeGreaterThan(400);
  }, 60_000);
}

function rpcTest(system: RpcSystem): void {
  test(`${system}: every reply to placeOrder is the expected receipt`, async () => {
    if (system === "raw-tcp" || system === "echo-batched") await anyPeer(PEER_OF[system]);
    else for (const part of PEER_OF[system]) await peer(part);
    await checkRpc(await RPC_LOADERS[system]());
  }, 60_000);
}

describe("bench sample", () => {
  test("i64 shapes of every system read back as the same decimal", () => {
    const big = "-1800000000123456789";
    expect(i64String(BigInt(big))).toBe(big);
    expect(i64String({ low: -1, high: -1, unsigned: false })).toBe("-1");
    expect(i64String({ toOctetString: () => "ffffffffffffffff" })).toBe("-1");
    expect(i64String({ toOctetString: () => "00000001000000ff" })).toBe(String(2 ** 32 + 255));
    expect(() => i64String(2 ** 60)).toThrow(/unsafe/);
  });

  test("the sample has the shape the issue asks for", () => {
    expect(ORDER.items).toHaveLength(5);
    for (const item of ORDER.items) expect(Object.keys(item.attributes)).toHaveLength(2);
    expect(ORDER.tags).toHaveLength(3);
    for (const id of [ORDER.id, ORDER.customerId, ORDER.createdAtMs, ORDER.items[0]!.productId]) {
      expect(BigInt(id)).toBeGreaterThan(2n ** 32n);
    }
  });

  test("a changed field fails the check", () => {
    const changed = structuredClone(ORDER) as { note: string };
    changed.note = "other";
    expect(() => assertSampleOrder(changed, "changed")).toThrow(/differs/);
    expect(() => canonicalOrder({ ...ORDER, items: "x" })).toThrow(/items/);
  });
});

describe("bench codec adapters", () => {
  codecTest("json");
  codecTest("protobufjs");
  codecTest("idlc-compact");
  codecTest("idlc-binary");
});

describeWithTool("thrift", "bench npm thrift adapters", () => {
  codecTest("thrift-compact");
  codecTest("thrift-binary");
  rpcTest("thrift");

  test("idlc and npm thrift read each other's bytes, both protocols", async () => {
    await peer("thrift");
    await peer("idlc");
    for (const [idlc, thrift] of [
      ["idlc-compact", "thrift-compact"],
      ["idlc-binary", "thrift-binary"],
    ] as const) {
      const a = await CODEC_LOADERS[idlc]();
      const b = await CODEC_LOADERS[thrift]();
      assertSampleOrder(a.decode(b.encode(b.sample)), `${idlc} decoding ${thrift}`);
      assertSampleOrder(b.decode(a.encode(a.sample)), `${thrift} decoding ${idlc}`);
    }
  }, 60_000);
});

describeWithTool("protoc", "bench protobuf-es adapter", () => {
  codecTest("protobuf-es");

  test("protobuf-es and protobufjs produce the same bytes", async () => {
    await peer("protobuf-es");
    await peer("protobufjs");
    const es = await CODEC_LOADERS["protobuf-es"]();
    const pbjs = await CODEC_LOADERS.protobufjs();
    expect(Buffer.from(es.encode(es.sample))).toEqual(Buffer.from(pbjs.encode(pbjs.sample)));
  }, 60_000);
});

describe("bench RPC adapters", () => {
  rpcTest("raw-tcp");
  rpcTest("echo-batched");
  rpcTest("idlc");
  rpcTest("idlc-hop");
  rpcTest("idlc-hop-parent");
  rpcTest("grpc-js");
});

describe("bench runner", () => {
  beforeAll(async () => {
    await anyPeer(PEER_OF["raw-tcp"]); // raw-tcp takes its payload from a Compact codec
  }, 60_000);

  test("codec child processes take turns and report speed and allocation", async () => {
    await peer("idlc");
    const settings = { warmupMs: 20, batchMs: 10, rounds: 2 };
    const runs = await runCodecs(["json", "idlc-compact"], settings);
    expect([...runs.keys()]).toEqual(["json", "idlc-compact"]);
    const json = runs.get("json")!;
    const idlc = runs.get("idlc-compact")!;
    if (json instanceof Error) throw json;
    if (idlc instanceof Error) throw idlc;
    expect([json.bytes, idlc.bytes]).toEqual([1105, 481]);
    for (const run of [json, idlc])
      for (const value of [run.encodeOps, run.decodeOps, run.encodeAlloc, run.decodeAlloc])
        expect(value).toBeGreaterThan(0);
    // JSON.stringify's output alone is larger than the sample's 1105 bytes.
    expect(json.encodeAlloc).toBeGreaterThan(1105);
  }, 60_000);

  test("a codec that fails is reported as its error, and the others still run", async () => {
    const runs = await runCodecs(["json", "no-such-codec" as "json"], {
      warmupMs: 20,
      batchMs: 10,
      rounds: 2,
    });
    expect(runs.get("json")).not.toBeInstanceOf(Error);
    expect(runs.get("no-such-codec" as "json")).toBeInstanceOf(Error);
  }, 60_000);

  test("RPC server and client processes report every scenario", async () => {
    const settings = { warmupMs: 50, warmupCalls: 100, measureMs: 200 };
    const results = (await runRpcs(["raw-tcp"], settings)).get("raw-tcp")!;
    expect([...results.keys()]).toEqual(SCENARIOS.map((s) => s.name));
    for (const result of results.values()) {
      if (result instanceof Error) throw result;
      expect(result.callsPerSec).toBeGreaterThan(0);
      expect(result.p99Us).toBeGreaterThanOrEqual(result.p50Us);
      expect(result.clientCpuUs).toBeGreaterThan(0);
      expect(result.serverCpuUs).toBeGreaterThan(0);
    }
  }, 60_000);

  test("RPC systems take turns, and each reports every scenario", async () => {
    const settings = { warmupMs: 50, warmupCalls: 100, measureMs: 200 };
    const all = await runRpcs(["raw-tcp", "echo-batched"], settings);
    expect([...all.keys()]).toEqual(["raw-tcp", "echo-batched"]);
    for (const results of all.values()) {
      expect([...results.keys()].sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
      for (const result of results.values()) {
        if (result instanceof Error) throw result;
        expect(result.callsPerSec).toBeGreaterThan(0);
      }
    }
  }, 60_000);
});

describe("bench results", () => {
  const scenario = (callsPerSec: number, p99Us: number) => ({
    callsPerSec,
    p50Us: p99Us / 2,
    p99Us,
    clientCpuUs: 10,
    serverCpuUs: 12,
  });
  const raw: RawResults = {
    date: "2030-01-02T03:04:05.000Z",
    quick: false,
    runs: 3,
    only: null,
    pinned: true,
    settings: {
      codec: { warmupMs: 1, batchMs: 1, rounds: 1 },
      rpc: { warmupMs: 1000, warmupCalls: 2000, measureMs: 3000 },
    },
    skipped: [{ system: "grpc-js", reason: "not installed" }],
    errors: [],
    noise: [
      { cpuLoopMs: 80, memCopyGBps: 10, loadAvg1: 0.5 },
      { cpuLoopMs: 90, memCopyGBps: 9, loadAvg1: 1.5 },
      null,
    ],
    codec: new Map([
      [
        "idlc-compact",
        {
          description: "idlc",
          bytes: 481,
          runs: [
            { bytes: 481, encodeOps: 400, decodeOps: 300, encodeAlloc: 1000, decodeAlloc: 3000 },
            { bytes: 481, encodeOps: 200, decodeOps: 300, encodeAlloc: 1000, decodeAlloc: 3000 },
            { bytes: 481, encodeOps: 330, decodeOps: 90, encodeAlloc: 1000, decodeAlloc: 3000 },
          ],
        },
      ],
      [
        "protobufjs",
        {
          description: "pbjs",
          bytes: 509,
          runs: [
            { bytes: 509, encodeOps: 200, decodeOps: 100, encodeAlloc: 5000, decodeAlloc: 7000 },
            { bytes: 509, encodeOps: 100, decodeOps: 100, encodeAlloc: 5000, decodeAlloc: 7000 },
            { bytes: 509, encodeOps: 300, decodeOps: 100, encodeAlloc: 5000, decodeAlloc: 7000 },
          ],
        },
      ],
    ]),
    rpc: new Map([
      [
        "echo-batched",
        {
          description: "floor",
          runs: [0, 1, 2].map(
            () => new Map(SCENARIOS.map((s) => [s.name, scenario(1000 * s.inFlight, 100)])),
          ),
        },
      ],
      [
        "raw-tcp",
        {
          description: "per-frame floor",
          runs: [0, 1, 2].map(
            () => new Map(SCENARIOS.map((s) => [s.name, scenario(500 * s.inFlight, 100)])),
          ),
        },
      ],
      [
        "idlc-hop",
        {
          description: "hop",
          runs: [0, 1, 2].map(
            () => new Map(SCENARIOS.map((s) => [s.name, scenario(300 * s.inFlight, 100)])),
          ),
        },
      ],
      [
        "idlc-hop-parent",
        {
          description: "hop with parent",
          runs: [0, 1, 2].map(
            () => new Map(SCENARIOS.map((s) => [s.name, scenario(280 * s.inFlight, 100)])),
          ),
        },
      ],
      [
        "idlc",
        {
          description: "idlc",
          runs: [
            new Map(SCENARIOS.map((s) => [s.name, scenario(600 * s.inFlight, 200)])),
            null,
            new Map(SCENARIOS.map((s) => [s.name, scenario(400 * s.inFlight, 400)])),
          ],
        },
      ],
    ]),
  };

  test("ratios are taken within each run, then summarized", () => {
    const results = summarize(raw);
    const encode = results.ratios.find(
      (r) => r.figure === "encode ops/s" && r.system === "idlc-compact",
    );
    // Per run: 400/200 = 2, 200/100 = 2, 330/300 = 1.1 → median 2, not the ratio of medians.
    expect(encode?.ratio).toMatchObject({ median: 2, min: 1.1, max: 2 });
    const calls = results.ratios.find(
      (r) => r.figure === "calls/s" && r.system === "idlc" && r.scenario === "64 in flight",
    );
    expect(calls?.ratio).toMatchObject({
      median: 0.5,
      min: 0.4,
      max: 0.6,
      values: [0.6, null, 0.4],
    });
    const perFrame = results.ratios.find(
      (r) =>
        r.figure === "calls/s" &&
        r.system === "idlc" &&
        r.reference === "raw-tcp" &&
        r.scenario === "64 in flight",
    );
    expect(perFrame?.ratio).toMatchObject({ median: 1, values: [1.2, null, 0.8] });
    expect(results.noise.cpuLoopMs).toMatchObject({ median: 85, min: 80, max: 90 });
    expect(results.noise.loadAvg1).toMatchObject({ median: 1, values: [0.5, 1.5, null] });
  });

  test("targets are judged on the median", () => {
    const targets = new Map(summarize(raw).targets.map((t) => [t.name, t]));
    expect(targets.get("idlc-compact encode vs protobufjs")?.met).toBe(false); // 2 < 2.5
    expect(targets.get("idlc-compact decode vs protobufjs")?.met).toBe(true); // 3, 3, 0.9 ≥ 2
    expect(targets.get("idlc-compact heap per encode beyond the output")?.measured?.median).toBe(
      519,
    );
    // 3000 B against protobufjs's 7000 B in each run.
    const decodeHeap = targets.get("idlc-compact heap per decode vs protobufjs");
    expect(decodeHeap?.measured?.median).toBeCloseTo(3 / 7);
    expect(decodeHeap?.met).toBe(true);
    expect(targets.get("idlc-binary heap per decode vs protobufjs")?.met).toBeNull();
    expect(targets.get("idlc 1 in flight vs the floor")?.met).toBe(false); // 0.5 < 0.9
    expect(targets.get("idlc 64 in flight vs the floor")?.met).toBe(true); // 0.5 ≥ 0.5
    const hop = targets.get("idlc-hop-parent 64 in flight vs idlc-hop (cost of parent: context)");
    expect(hop?.measured?.median).toBeCloseTo(280 / 300);
    expect(hop?.met).toBe(true);
    expect(targets.get("idlc p99 at 64 in flight vs the floor's")?.met).toBe(true); // 3 ≤ 3
    expect(targets.get("idlc-binary encode vs protobufjs")?.met).toBeNull();
  });

  test("terminal, Markdown and the README section show the figures", () => {
    const results = summarize(raw);
    const text = renderTerminal(results);
    expect(text).toContain("idlc-compact");
    expect(text).toContain("2.00× (1.10–2.00)");
    expect(text).toContain("grpc-js");
    const markdown = renderMarkdown(results);
    expect(markdown).toContain(
      "| idlc | 64 in flight | 32.0 k (25.6 k–38.4 k) | 0.50× (0.40–0.60) |",
    );
    expect(markdown).toContain("| grpc-js | all | not installed |");
    const readme = `# x\n\n${START_MARKER}\nold\n${END_MARKER}\n\nafter\n`;
    const dir = mkdtempSync(join(tmpdir(), "bench-readme-"));
    try {
      const path = join(dir, "latest.json");
      writeFileSync(path, JSON.stringify(results));
      const section = benchSection(JSON.parse(readFileSync(path, "utf8")), path);
      const updated = replaceSection(readme, section);
      expect(updated).not.toContain("old");
      expect(updated).toContain("2030-01-02 · ");
      expect(updated.endsWith(`${END_MARKER}\n\nafter\n`)).toBe(true);
      expect(replaceSection(updated, section)).toBe(updated);
      expect(() => replaceSection("# no markers\n", section)).toThrow(/markers/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
