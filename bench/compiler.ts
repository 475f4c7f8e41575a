// The compiler targets of issues 7 and 15, measured: on the generated 2 MB IDL (20,000 structs
// and a 2,000-method service), `idlc check` against Apache's `thrift --gen json` and `idlc compile`
// against `thrift --gen js:node,ts`, with peak memory; and a cold `idlc compile idl/commerce.idl`
// against a bare script that imports prettier and formats one line. Every command is a fresh
// process (so every idlc run is cold: nothing is cached between runs), the commands of a run are
// interleaved, and the table shows the median and range over the runs of times and of the ratios
// taken within each run. idlc runs as shipped: `node dist/compiler/cli.cjs`, the bin that
// `npm run build` makes, with the bundle and its code cache (rebuilt first, without the tsc half:
// the runtime is not measured); the code cache is part of what ships, not left by earlier runs.
//
//   npx tsx bench/compiler.ts [--runs N] [--quick] [--no-build] [--cli <path>]
//     --runs N    runs (default 3)          --quick     a 200 KB IDL, one run: a smoke test
//     --no-build  use dist/ as it is        --cli       another build of idlc's cli.cjs (before/after)
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { generateLargeIdl } from "../test/compiler/large-idl.js";
import { figure, ratioFigure, type Figure } from "./runner/stats.js";

const ROOT = resolve(import.meta.dirname, "..");
const DIST_CLI = join(ROOT, "dist", "compiler", "cli.cjs");
const TIME = "/usr/bin/time";
const BARE_PRETTIER =
  'import { format } from "prettier"; ' +
  'await format("const x = 1;\\n", { parser: "typescript", printWidth: 100 });';

/** One command's cost: wall and CPU (user + system) seconds, peak resident memory in MiB. */
interface Sample {
  readonly wallS: number;
  readonly cpuS: number | null;
  readonly rssMiB: number | null;
}

/** What one run measures. */
type Measured =
  "thrift-json" | "idlc-check" | "thrift-js" | "idlc-compile" | "bare-prettier" | "idlc-commerce";

interface Options {
  readonly runs: number;
  readonly quick: boolean;
  readonly build: boolean;
  readonly cli: string;
}

function parseArgs(argv: readonly string[]): Options {
  let runs = 3;
  let quick = false;
  let build = true;
  let cli = DIST_CLI;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") quick = true;
    else if (arg === "--no-build") build = false;
    else if (arg === "--cli") {
      cli = resolve(argv[++i] ?? "");
      build = false;
    } else if (arg === "--runs") {
      runs = Number(argv[++i]);
      if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");
    } else
      throw new Error(`unknown argument ${arg} (see the comment at the top of bench/compiler.ts)`);
  }
  return { runs: quick ? 1 : runs, quick, build, cli };
}

/** Runs a command to completion (it must succeed) and measures it. */
function measure(command: string, args: readonly string[], scratch: string): Sample {
  const timed = existsSync(TIME);
  const report = join(scratch, "time.txt");
  const started = performance.now();
  const result = timed
    ? spawnSync(TIME, ["-f", "%e %U %S %M", "-o", report, command, ...args], { cwd: ROOT })
    : spawnSync(command, args, { cwd: ROOT });
  const wallS = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    const output = `${result.stdout?.toString() ?? ""}${result.stderr?.toString() ?? ""}`;
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${output}`);
  }
  if (!timed) return { wallS, cpuS: null, rssMiB: null };
  const last = readFileSync(report, "utf8").trim().split("\n").at(-1)!;
  const [elapsed, user, system, maxKiB] = last.split(" ").map(Number) as [number, ...number[]];
  return { wallS: elapsed, cpuS: user! + system!, rssMiB: maxKiB! / 1024 };
}

function runOnce(cli: string, idl: string, scratch: string, run: number): Record<Measured, Sample> {
  const out = (name: string) => {
    const dir = join(scratch, `${name}-${run}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const idlc = (...args: string[]) => measure(process.execPath, [cli, ...args], scratch);
  return {
    "thrift-json": measure("thrift", ["--gen", "json", "-out", out("json"), idl], scratch),
    "idlc-check": idlc("check", idl),
    "thrift-js": measure("thrift", ["--gen", "js:node,ts", "-out", out("js"), idl], scratch),
    "idlc-compile": idlc("compile", idl, "-o", out("idlc")),
    "bare-prettier": measure(
      process.execPath,
      ["--input-type=module", "-e", BARE_PRETTIER],
      scratch,
    ),
    "idlc-commerce": idlc("compile", "idl/commerce.idl", "-o", out("commerce")),
  };
}

function build(): void {
  // The bin as shipped: the bundle and its code cache (scripts/build-cli.js). esbuild ignores
  // types, so a file mid-edit elsewhere does not stop the measurement.
  const result = spawnSync(process.execPath, [join(ROOT, "scripts", "build-cli.js")], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (result.status !== 0 || !existsSync(DIST_CLI)) {
    throw new Error(`the build did not produce ${DIST_CLI}`);
  }
}

function fmt(f: Figure | undefined, unit: string, digits = 2): string {
  if (f === undefined) return "n/a";
  const range = f.min === f.max ? "" : ` (${f.min.toFixed(digits)}–${f.max.toFixed(digits)})`;
  return `${f.median.toFixed(digits)}${unit}${range}`;
}

function main(): void {
  const { runs, quick, build: shouldBuild, cli } = parseArgs(process.argv.slice(2));
  if (shouldBuild) build();
  const scratch = mkdtempSync(join(tmpdir(), "idlc-bench-compiler-"));
  try {
    const idl = join(scratch, "large.thrift");
    writeFileSync(idl, quick ? generateLargeIdl(2_000, 200) : generateLargeIdl());
    const idlMb = statSync(idl).size / 1e6;
    const samples: Record<Measured, Sample>[] = [];
    for (let run = 0; run < runs; run++) {
      process.stderr.write(`run ${run + 1}/${runs}…\n`);
      samples.push(runOnce(cli, idl, scratch, run));
    }
    const output = statSync(join(scratch, "idlc-0", "large.ts")).size / 1e6;
    const of = (m: Measured, key: keyof Sample) => samples.map((s) => s[m][key]);
    const ratio = (a: Measured, b: Measured, key: "wallS" | "cpuS") =>
      ratioFigure(of(a, key), of(b, key));

    const rows: [string, Measured, string][] = [
      ["thrift --gen json", "thrift-json", ""],
      ["idlc check", "idlc-check", "thrift-json"],
      ["thrift --gen js:node,ts", "thrift-js", ""],
      ["idlc compile", "idlc-compile", "thrift-js"],
      ["bare prettier one-liner", "bare-prettier", ""],
      ["idlc compile commerce.idl", "idlc-commerce", "bare-prettier"],
    ];
    console.log(
      `\nidlc compiler: ${idlMb.toFixed(1)} MB IDL → ${output.toFixed(1)} MB of TypeScript; ` +
        `median (range) of ${runs} run${runs === 1 ? "" : "s"}, node ${process.version}, ` +
        `${relative(ROOT, cli)}\n`,
    );
    const header = ["", "wall", "cpu", "peak RSS", "wall ratio", "cpu ratio"];
    const table = rows.map(([label, m, base]) => [
      label,
      fmt(figure(of(m, "wallS")), " s"),
      fmt(figure(of(m, "cpuS")), " s"),
      fmt(figure(of(m, "rssMiB")), " MiB", 0),
      base ? fmt(ratio(m, base as Measured, "wallS"), "×") : "",
      base ? fmt(ratio(m, base as Measured, "cpuS"), "×") : "",
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
    for (const row of [header, ...table])
      console.log(
        row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "),
      );
    const checkRatio = ratio("idlc-check", "thrift-json", "wallS")?.median;
    const compileRatio = ratio("idlc-compile", "thrift-js", "wallS")?.median;
    const coldRatio = ratio("idlc-commerce", "bare-prettier", "wallS")?.median;
    const checkRss = figure(of("idlc-check", "rssMiB"))?.max;
    const verdict = (ok: boolean | undefined) => (ok === undefined ? "n/a" : ok ? "met" : "MISSED");
    console.log(
      `\ntargets (wall ratios): check ≤ 0.4× thrift json: ${verdict(checkRatio !== undefined ? checkRatio <= 0.4 : undefined)}; ` +
        `check peak ≤ 1 GiB: ${verdict(checkRss !== undefined ? checkRss <= 1024 : undefined)}; ` +
        `compile ≤ 1.5× thrift js:node,ts: ${verdict(compileRatio !== undefined ? compileRatio <= 1.5 : undefined)}; ` +
        `cold commerce ≤ 2× bare prettier: ${verdict(coldRatio !== undefined ? coldRatio <= 2 : undefined)}`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
