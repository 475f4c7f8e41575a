// The benchmark's results as written to bench/results/*.json: per-run measurements summarized
// as median and range, ratios taken within each run (then summarized), and the targets.
import { cpus, release, totalmem, type as osType } from "node:os";
import type { CodecSystem } from "./codecs/codec.js";
import type { RpcSystem } from "./rpc/rpc.js";
import type { CodecRun, CodecSettings } from "./runner/codec.js";
import type { NoiseRun } from "./runner/noise.js";
import { SCENARIOS, type RpcSettings, type ScenarioRun } from "./runner/rpc.js";
import { figure, ratioFigure, type Figure } from "./runner/stats.js";

/** The JSON format's version; bump when a field changes meaning. */
export const RESULTS_VERSION = 1;

/** Where and on what the benchmark ran. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
}

/** One codec system's figures. */
export interface CodecResult {
  readonly system: CodecSystem;
  readonly description: string;
  /** Encoded size of the sample. */
  readonly bytes: number;
  readonly encodeOps?: Figure;
  readonly decodeOps?: Figure;
  /** Heap (and ArrayBuffer) bytes allocated per encode, output included. */
  readonly encodeAllocBytes?: Figure;
  readonly decodeAllocBytes?: Figure;
}

/** One RPC scenario's figures. */
export interface ScenarioResult {
  readonly name: string;
  readonly inFlight: number;
  readonly connections: number;
  readonly callsPerSec?: Figure;
  readonly p50Us?: Figure;
  readonly p99Us?: Figure;
  /** CPU time (user + system) per call, µs. */
  readonly clientCpuUs?: Figure;
  readonly serverCpuUs?: Figure;
}

/** One RPC system's figures. */
export interface RpcResult {
  readonly system: RpcSystem;
  readonly description: string;
  readonly scenarios: readonly ScenarioResult[];
}

/** A ratio of one system's figure to a reference system's, taken within each run. */
export interface Ratio {
  /** e.g. "encode ops/s", "calls/s", "p99". */
  readonly figure: string;
  readonly scenario?: string;
  readonly system: string;
  readonly reference: string;
  readonly ratio: Figure;
}

/** One of the targets and whether the median meets it. */
export interface Target {
  readonly name: string;
  readonly unit: "×" | "B" | "µs";
  readonly comparison: ">=" | "<=";
  readonly threshold: number;
  readonly measured?: Figure;
  /** null: not measured in this run (system skipped or failed). */
  readonly met: boolean | null;
}

/** Everything one `npm run bench` invocation produced. */
export interface BenchResults {
  readonly version: number;
  /** ISO timestamp of the start. */
  readonly date: string;
  readonly quick: boolean;
  readonly runs: number;
  /** The --only selection, or null for all systems. */
  readonly only: readonly string[] | null;
  readonly machine: Machine;
  readonly node: string;
  /** Whether RPC server and client were pinned to cores 0 and 1. */
  readonly pinned: boolean;
  readonly settings: { readonly codec: CodecSettings; readonly rpc: RpcSettings };
  /** Systems not measured, with the reason. */
  readonly skipped: readonly { readonly system: string; readonly reason: string }[];
  /** Failures during a run (the figure then lacks that run). */
  readonly errors: readonly {
    readonly system: string;
    readonly run: number;
    readonly message: string;
  }[];
  readonly noise: {
    readonly cpuLoopMs?: Figure;
    readonly memCopyGBps?: Figure;
    readonly loadAvg1?: Figure;
  };
  readonly codec: readonly CodecResult[];
  readonly rpc: readonly RpcResult[];
  readonly ratios: readonly Ratio[];
  readonly targets: readonly Target[];
}

/** What the runs measured, per system, indexed by run (null: that run failed). */
export interface RawResults {
  readonly date: string;
  readonly quick: boolean;
  readonly runs: number;
  readonly only: readonly string[] | null;
  readonly pinned: boolean;
  readonly settings: BenchResults["settings"];
  readonly skipped: BenchResults["skipped"];
  readonly errors: BenchResults["errors"];
  readonly noise: readonly (NoiseRun | null)[];
  readonly codec: ReadonlyMap<
    CodecSystem,
    { description: string; bytes: number; runs: (CodecRun | null)[] }
  >;
  readonly rpc: ReadonlyMap<
    RpcSystem,
    { description: string; runs: (ReadonlyMap<string, ScenarioRun> | null)[] }
  >;
}

/** The machine the benchmark runs on. */
export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
  };
}

/** The floor every RPC system is compared to: an echo that batches writes per event-loop turn. */
const FLOOR = "echo-batched";
/** The first floor (one write per frame), kept as a second reference so the history reads. */
const FRAME_FLOOR = "raw-tcp";
const CODEC_REFERENCE = "protobufjs";
const IDLC_CODECS: readonly CodecSystem[] = ["idlc-compact", "idlc-binary"];

type PerRun = (number | null)[];

/** Summarizes raw per-run measurements into the results file's shape. */
export function summarize(raw: RawResults): BenchResults {
  const codecPerRun = new Map<string, Record<keyof CodecRun, PerRun>>();
  const codec: CodecResult[] = [];
  for (const [system, { description, bytes, runs }] of raw.codec) {
    const pick = (key: keyof CodecRun): PerRun => runs.map((r) => (r ? r[key] : null));
    const perRun = {
      bytes: pick("bytes"),
      encodeOps: pick("encodeOps"),
      decodeOps: pick("decodeOps"),
      encodeAlloc: pick("encodeAlloc"),
      decodeAlloc: pick("decodeAlloc"),
    };
    codecPerRun.set(system, perRun);
    codec.push(
      withFigures(
        { system, description, bytes },
        {
          encodeOps: figure(perRun.encodeOps),
          decodeOps: figure(perRun.decodeOps),
          encodeAllocBytes: figure(perRun.encodeAlloc),
          decodeAllocBytes: figure(perRun.decodeAlloc),
        },
      ),
    );
  }

  const scenarioPerRun = new Map<string, Record<keyof ScenarioRun, PerRun>>();
  const key = (system: string, scenario: string): string => `${system}\u0000${scenario}`;
  const rpc: RpcResult[] = [];
  for (const [system, { description, runs }] of raw.rpc) {
    const scenarios = SCENARIOS.map((scenario): ScenarioResult => {
      const pick = (k: keyof ScenarioRun): PerRun =>
        runs.map((r) => r?.get(scenario.name)?.[k] ?? null);
      const perRun = {
        callsPerSec: pick("callsPerSec"),
        p50Us: pick("p50Us"),
        p99Us: pick("p99Us"),
        clientCpuUs: pick("clientCpuUs"),
        serverCpuUs: pick("serverCpuUs"),
      };
      scenarioPerRun.set(key(system, scenario.name), perRun);
      return withFigures(
        { name: scenario.name, inFlight: scenario.inFlight, connections: scenario.connections },
        {
          callsPerSec: figure(perRun.callsPerSec),
          p50Us: figure(perRun.p50Us),
          p99Us: figure(perRun.p99Us),
          clientCpuUs: figure(perRun.clientCpuUs),
          serverCpuUs: figure(perRun.serverCpuUs),
        },
      );
    });
    rpc.push({ system, description, scenarios });
  }

  const ratios: Ratio[] = [];
  const addRatio = (
    name: string,
    system: string,
    reference: string,
    a: PerRun | undefined,
    b: PerRun | undefined,
    scenario?: string,
  ): void => {
    if (a === undefined || b === undefined) return;
    const ratio = ratioFigure(a, b);
    if (ratio === undefined) return;
    ratios.push(
      scenario === undefined
        ? { figure: name, system, reference, ratio }
        : { figure: name, scenario, system, reference, ratio },
    );
  };
  for (const system of codecPerRun.keys()) {
    const references = IDLC_CODECS.includes(system as CodecSystem)
      ? [...codecPerRun.keys()].filter((s) => !IDLC_CODECS.includes(s as CodecSystem))
      : system === CODEC_REFERENCE
        ? []
        : [CODEC_REFERENCE];
    for (const reference of references) {
      for (const op of ["encodeOps", "decodeOps"] as const) {
        addRatio(
          op === "encodeOps" ? "encode ops/s" : "decode ops/s",
          system,
          reference,
          codecPerRun.get(system)?.[op],
          codecPerRun.get(reference)?.[op],
        );
      }
    }
  }
  for (const { system } of rpc) {
    if (system === FLOOR) continue;
    const references =
      system === "idlc"
        ? [FLOOR, FRAME_FLOOR, "thrift", "grpc-js"]
        : system === "idlc-hop-parent"
          ? [FLOOR, "idlc-hop"]
          : [FLOOR];
    for (const scenario of SCENARIOS) {
      const mine = scenarioPerRun.get(key(system, scenario.name));
      for (const reference of references) {
        const theirs = scenarioPerRun.get(key(reference, scenario.name));
        addRatio(
          "calls/s",
          system,
          reference,
          mine?.callsPerSec,
          theirs?.callsPerSec,
          scenario.name,
        );
        if (reference === FLOOR || reference === FRAME_FLOOR)
          addRatio("p99", system, reference, mine?.p99Us, theirs?.p99Us, scenario.name);
      }
    }
  }

  return {
    version: RESULTS_VERSION,
    date: raw.date,
    quick: raw.quick,
    runs: raw.runs,
    only: raw.only,
    machine: describeMachine(),
    node: process.version,
    pinned: raw.pinned,
    settings: raw.settings,
    skipped: raw.skipped,
    errors: raw.errors,
    noise: withFigures(
      {},
      {
        cpuLoopMs: figure(raw.noise.map((n) => n?.cpuLoopMs ?? null)),
        memCopyGBps: figure(raw.noise.map((n) => n?.memCopyGBps ?? null)),
        loadAvg1: figure(raw.noise.map((n) => n?.loadAvg1 ?? null)),
      },
    ),
    codec,
    rpc,
    ratios,
    targets: evaluateTargets(ratios, codecPerRun, scenarioPerRun, key),
  };
}

/** Copies `base` and the figures that exist (exactOptionalPropertyTypes: no undefined members). */
function withFigures<B extends object, F extends Record<string, Figure | undefined>>(
  base: B,
  figures: F,
): B & { [K in keyof F]?: Figure } {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [name, value] of Object.entries(figures)) if (value !== undefined) out[name] = value;
  return out as B & { [K in keyof F]?: Figure };
}

function evaluateTargets(
  ratios: readonly Ratio[],
  codecPerRun: ReadonlyMap<string, Record<keyof CodecRun, PerRun>>,
  scenarioPerRun: ReadonlyMap<string, Record<keyof ScenarioRun, PerRun>>,
  key: (system: string, scenario: string) => string,
): Target[] {
  const targets: Target[] = [];
  const add = (
    name: string,
    unit: Target["unit"],
    comparison: Target["comparison"],
    threshold: number,
    measured: Figure | undefined,
  ): void => {
    const met =
      measured === undefined
        ? null
        : comparison === ">="
          ? measured.median >= threshold
          : measured.median <= threshold;
    targets.push(
      measured
        ? { name, unit, comparison, threshold, measured, met }
        : { name, unit, comparison, threshold, met },
    );
  };
  const ratio = (figureName: string, system: string, reference: string, scenario?: string) =>
    ratios.find(
      (r) =>
        r.figure === figureName &&
        r.system === system &&
        r.reference === reference &&
        r.scenario === scenario,
    )?.ratio;
  // Issue 18's targets: codecs well ahead of protobufjs, RPC close to what Node itself can do.
  const codecWanted = { encode: 2.5, decode: 2.0 };
  for (const system of IDLC_CODECS) {
    const wanted = system === "idlc-compact" ? codecWanted : { encode: 1, decode: 1 };
    add(
      `${system} encode vs protobufjs`,
      "×",
      ">=",
      wanted.encode,
      ratio("encode ops/s", system, CODEC_REFERENCE),
    );
    add(
      `${system} decode vs protobufjs`,
      "×",
      ">=",
      wanted.decode,
      ratio("decode ops/s", system, CODEC_REFERENCE),
    );
    const runs = codecPerRun.get(system);
    const beyondOutput = runs?.encodeAlloc.map((a, i) => {
      const bytes = runs.bytes[i];
      return a === null || bytes === null || bytes === undefined ? null : a - bytes;
    });
    add(
      `${system} heap per encode beyond the output`,
      "B",
      "<=",
      1024,
      beyondOutput && figure(beyondOutput),
    );
    // Decoding allocates the values themselves (strings, bigints, Maps, objects), so there is
    // no "beyond" to budget: the measure is against what the reference allocates for the same
    // order, taken within each run.
    const reference = codecPerRun.get(CODEC_REFERENCE);
    add(
      `${system} heap per decode vs protobufjs`,
      "×",
      "<=",
      1,
      runs && reference && ratioFigure(runs.decodeAlloc, reference.decodeAlloc),
    );
  }
  const [one, sixtyFour, twoFiftySix] = SCENARIOS.map((s) => s.name) as [string, string, string];
  add(`idlc ${one} vs the floor`, "×", ">=", 0.9, ratio("calls/s", "idlc", FLOOR, one));
  add(`idlc ${sixtyFour} vs the floor`, "×", ">=", 0.5, ratio("calls/s", "idlc", FLOOR, sixtyFour));
  add(
    `idlc ${twoFiftySix} vs the floor`,
    "×",
    ">=",
    0.4,
    ratio("calls/s", "idlc", FLOOR, twoFiftySix),
  );
  add(
    `idlc p99 at ${sixtyFour} vs the floor's`,
    "×",
    "<=",
    3,
    ratio("p99", "idlc", FLOOR, sixtyFour),
  );
  add(
    `idlc-hop-parent ${sixtyFour} vs idlc-hop (cost of parent: context)`,
    "×",
    ">=",
    0.9,
    ratio("calls/s", "idlc-hop-parent", "idlc-hop", sixtyFour),
  );
  const idlc64 = scenarioPerRun.get(key("idlc", sixtyFour));
  add(
    `idlc client CPU per call (${sixtyFour})`,
    "µs",
    "<=",
    15,
    idlc64 && figure(idlc64.clientCpuUs),
  );
  add(
    `idlc server CPU per call (${sixtyFour})`,
    "µs",
    "<=",
    15,
    idlc64 && figure(idlc64.serverCpuUs),
  );
  return targets;
}
