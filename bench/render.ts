// Renders results as tables: aligned text for the terminal, Markdown for the README. Both come
// from the same sections, so the README shows exactly what the terminal showed.
import type { BenchResults, Ratio } from "./results.js";
import type { Figure } from "./runner/stats.js";

/** A titled table. */
export interface Section {
  readonly title: string;
  readonly note?: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** 3 significant digits, with k/M for large numbers: 321 k, 1.23 M, 14.2. */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)} M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)} k`;
  if (abs >= 100) return String(Math.round(value));
  return value.toPrecision(3);
}

/** A figure as "median (min–max)", or just the median for a single run. */
export function formatFigure(f: Figure | undefined, format = formatNumber, suffix = ""): string {
  if (f === undefined) return "—";
  const median = `${format(f.median)}${suffix}`;
  const present = f.values.filter((v) => v !== null).length;
  if (present < 2) return median;
  return `${median} (${format(f.min)}–${format(f.max)})`;
}

const formatRatio = (f: Figure | undefined): string => formatFigure(f, (v) => v.toFixed(2), "×");

function findRatio(
  ratios: readonly Ratio[],
  figure: string,
  system: string,
  reference: string,
  scenario?: string,
): Figure | undefined {
  return ratios.find(
    (r) =>
      r.figure === figure &&
      r.system === system &&
      r.reference === reference &&
      r.scenario === scenario,
  )?.ratio;
}

/** The header lines: when, where, how. */
export function describeRun(r: BenchResults): string[] {
  const day = r.date.slice(0, 10);
  return [
    `${day} · ${r.machine.cpu} (${r.machine.cores} cores, ${r.machine.memoryGiB} GiB) · ${r.machine.os} · Node ${r.node}`,
    `${r.runs} run${r.runs === 1 ? "" : "s"}${r.quick ? " (--quick)" : ""}${r.only ? ` · --only ${r.only.join(",")}` : ""} · ` +
      `RPC server and client ${r.pinned ? "pinned to cores 0 and 1" : "NOT pinned (taskset unavailable)"} · ` +
      `figures: median (min–max) over runs; ratios taken within each run, then summarized`,
  ];
}

/** The result tables, in order. */
export function sections(r: BenchResults): Section[] {
  const out: Section[] = [];
  if (r.codec.length > 0) {
    out.push({
      title: "Codec: one Order (5 line items), encode and decode per second, one core",
      headers: [
        "system",
        "bytes",
        "encode/s",
        "× protobufjs",
        "decode/s",
        "× protobufjs",
        "heap/encode",
        "heap/decode",
      ],
      rows: r.codec.map((c) => [
        c.system,
        String(c.bytes),
        formatFigure(c.encodeOps),
        c.system === "protobufjs"
          ? "1"
          : formatRatio(findRatio(r.ratios, "encode ops/s", c.system, "protobufjs")),
        formatFigure(c.decodeOps),
        c.system === "protobufjs"
          ? "1"
          : formatRatio(findRatio(r.ratios, "decode ops/s", c.system, "protobufjs")),
        formatFigure(c.encodeAllocBytes, (v) => String(Math.round(v)), " B"),
        formatFigure(c.decodeAllocBytes, (v) => String(Math.round(v)), " B"),
      ]),
    });
    const idlc = r.codec.filter((c) => c.system.startsWith("idlc-"));
    const peers = r.codec.filter((c) => !c.system.startsWith("idlc-"));
    if (idlc.length > 0 && peers.length > 0) {
      out.push({
        title: "Codec: idlc ÷ each peer (same run)",
        headers: ["idlc", ...peers.map((p) => p.system)],
        rows: idlc.flatMap((c) =>
          (["encode", "decode"] as const).map((op) => [
            `${c.system} ${op}`,
            ...peers.map((p) =>
              formatRatio(findRatio(r.ratios, `${op} ops/s`, c.system, p.system)),
            ),
          ]),
        ),
      });
    }
  }
  if (r.rpc.length > 0) {
    out.push({
      title: "RPC placeOrder: server and client in separate processes, closed loop",
      headers: [
        "system",
        "scenario",
        "calls/s",
        "× floor",
        "p50 µs",
        "p99 µs",
        "p99 × floor",
        "client CPU µs/call",
        "server CPU µs/call",
      ],
      rows: r.rpc.flatMap((s) =>
        s.scenarios.map((sc) => [
          s.system,
          sc.name,
          formatFigure(sc.callsPerSec),
          s.system === "echo-batched"
            ? "1"
            : formatRatio(findRatio(r.ratios, "calls/s", s.system, "echo-batched", sc.name)),
          formatFigure(sc.p50Us),
          formatFigure(sc.p99Us),
          s.system === "echo-batched"
            ? "1"
            : formatRatio(findRatio(r.ratios, "p99", s.system, "echo-batched", sc.name)),
          formatFigure(sc.clientCpuUs),
          formatFigure(sc.serverCpuUs),
        ]),
      ),
    });
    const idlc = r.rpc.find((s) => s.system === "idlc");
    const peers = r.rpc.filter(
      (s) => s.system === "raw-tcp" || s.system === "thrift" || s.system === "grpc-js",
    );
    if (idlc && peers.length > 0) {
      out.push({
        title: "RPC: idlc calls/s ÷ the per-frame echo and each peer (same run)",
        headers: ["scenario", ...peers.map((p) => p.system)],
        rows: idlc.scenarios.map((sc) => [
          sc.name,
          ...peers.map((p) =>
            formatRatio(findRatio(r.ratios, "calls/s", "idlc", p.system, sc.name)),
          ),
        ]),
      });
    }
  }
  out.push({
    title: "Targets (issue 18), on the median",
    headers: ["target", "wanted", "measured", "met"],
    rows: r.targets.map((t) => [
      t.name,
      `${t.comparison === ">=" ? "≥" : "≤"} ${t.threshold}${t.unit === "×" ? "×" : ` ${t.unit}`}`,
      t.unit === "×"
        ? formatRatio(t.measured)
        : formatFigure(t.measured, formatNumber, ` ${t.unit}`),
      t.met === null ? "not measured" : t.met ? "yes" : "NO",
    ]),
  });
  out.push({
    title: "Noise indicators (each run, fresh process)",
    headers: ["fixed CPU loop", "memory copy", `load average (${r.machine.cores} cores)`],
    rows: [
      [
        formatFigure(r.noise.cpuLoopMs, formatNumber, " ms"),
        formatFigure(r.noise.memCopyGBps, formatNumber, " GB/s"),
        formatFigure(r.noise.loadAvg1, (v) => v.toFixed(2)),
      ],
    ],
  });
  if (r.skipped.length > 0 || r.errors.length > 0) {
    out.push({
      title: "Not measured",
      headers: ["system", "run", "why"],
      rows: [
        ...r.skipped.map((s) => [s.system, "all", oneLine(s.reason)]),
        ...r.errors.map((e) => [e.system, String(e.run), oneLine(e.message)]),
      ],
    });
  }
  return out;
}

function oneLine(text: string): string {
  const first = text.split("\n").find((l) => l.trim() !== "") ?? text;
  return first.length > 160 ? `${first.slice(0, 157)}…` : first;
}

/** Aligned plain-text tables for the terminal. */
export function renderTerminal(r: BenchResults): string {
  const lines = [...describeRun(r), ""];
  for (const section of sections(r)) {
    lines.push(section.title);
    const all = [section.headers, ...section.rows];
    const widths = section.headers.map((_, i) =>
      Math.max(...all.map((row) => (row[i] ?? "").length)),
    );
    const line = (row: readonly string[]): string =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join("  ");
    lines.push(line(section.headers), widths.map((w) => "-".repeat(w)).join("  "));
    for (const row of section.rows) lines.push(line(row));
    lines.push("");
  }
  return lines.join("\n");
}

/** Markdown for the README's benchmark section. */
export function renderMarkdown(r: BenchResults): string {
  const escape = (cell: string): string => cell.replace(/\|/g, "\\|");
  const lines = describeRun(r).map((l) => `${l}  `);
  lines.push("");
  for (const section of sections(r)) {
    lines.push(`**${section.title}**`, "");
    lines.push(`| ${section.headers.map(escape).join(" | ")} |`);
    lines.push(`| ${section.headers.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
    for (const row of section.rows) lines.push(`| ${row.map(escape).join(" | ")} |`);
    lines.push("");
  }
  return lines.join("\n");
}
