// Generates every system's code for bench/schema/ into bench/peers/generated/ (gitignored):
// npm thrift's from Debian's `thrift --gen js:node,es6`, protobufjs static code (pbjs + pbts),
// protobuf-es (protoc + protoc-gen-es), and idlc's own (compiler/compile.ts). Each part is
// redone only when its inputs or tool version changed (a hash in `<part>/.stamp`).
// Usage: tsx --conditions=idlc-source bench/peers/generate.ts [--force]
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Where generated peer code goes. */
export const GENERATED_DIR = join(ROOT, "bench", "peers", "generated");
/** The benchmark's schemas. */
export const THRIFT_SCHEMA = join(ROOT, "bench", "schema", "order.thrift");
export const PROTO_SCHEMA = join(ROOT, "bench", "schema", "order.proto");

/** The generated parts, one directory each under GENERATED_DIR. */
export const PARTS = ["thrift", "protobufjs", "protobuf-es", "idlc"] as const;
/** One generated part. */
export type Part = (typeof PARTS)[number];

/** The outcome of generating one part: ready, or why not. */
export type PartStatus = { ok: true; fresh: boolean } | { ok: false; reason: string };

const BIN = join(ROOT, "node_modules", ".bin");
const SELF = fileURLToPath(import.meta.url);

/** Where a part's generated files live. */
export function partDir(part: Part): string {
  return join(GENERATED_DIR, part);
}

/** Runs a tool; returns its stdout or throws with its stderr. */
function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stderr}${result.stdout}`.trim();
    throw new Error(`${basename(command)} ${args.join(" ")} exited ${result.status}: ${output}`);
  }
  return `${result.stdout}${result.stderr}`;
}

/** Finds an executable on PATH. */
function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const candidate = join(dir, command);
    if (dir !== "" && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The installed version of an npm package (read from node_modules, since not all export package.json). */
export function packageVersion(name: string): string {
  const json = readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8");
  return (JSON.parse(json) as { version: string }).version;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

/** A hash over the inputs of a part: files' contents and tool versions. */
function hashOf(files: readonly string[], versions: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(relative(ROOT, file)).update(readFileSync(file));
  for (const v of versions) hash.update(v);
  return hash.digest("hex");
}

/** A CommonJS marker, since the repository's package.json says "type": "module". */
function markCommonJs(dir: string): void {
  writeFileSync(join(dir, "package.json"), '{ "type": "commonjs" }\n');
}

interface Generator {
  /** Why the part cannot be generated here, if it cannot. */
  unavailable(): string | undefined;
  /** The hash of everything the output depends on. */
  inputsHash(): string;
  /** Writes the part into `dir` (empty). */
  generate(dir: string): Promise<void>;
}

const GENERATORS: Record<Part, Generator> = {
  thrift: {
    unavailable: () =>
      which("thrift") ? undefined : "thrift not on PATH (apt-get install thrift-compiler)",
    inputsHash: () => hashOf([THRIFT_SCHEMA, SELF], [run("thrift", ["--version"])]),
    async generate(dir) {
      // js:node,es6: the plain js:node output calls an API npm thrift 0.24 no longer has.
      run("thrift", ["--gen", "js:node,es6", "-out", dir, THRIFT_SCHEMA]);
      markCommonJs(dir);
    },
  },
  protobufjs: {
    unavailable: () => (existsSync(join(BIN, "pbjs")) ? undefined : "protobufjs-cli not installed"),
    inputsHash: () =>
      hashOf(
        [PROTO_SCHEMA, SELF],
        [packageVersion("protobufjs-cli"), packageVersion("protobufjs")],
      ),
    async generate(dir) {
      const out = join(dir, "order.js");
      run(join(BIN, "pbjs"), ["-t", "static-module", "-w", "commonjs", "-o", out, PROTO_SCHEMA]);
      run(join(BIN, "pbts"), ["-o", join(dir, "order.d.ts"), out]);
      markCommonJs(dir);
    },
  },
  "protobuf-es": {
    unavailable: () =>
      which("protoc") === undefined
        ? "protoc not on PATH (apt-get install protobuf-compiler)"
        : existsSync(join(BIN, "protoc-gen-es"))
          ? undefined
          : "@bufbuild/protoc-gen-es not installed",
    inputsHash: () =>
      hashOf(
        [PROTO_SCHEMA, SELF],
        [run("protoc", ["--version"]), packageVersion("@bufbuild/protoc-gen-es")],
      ),
    async generate(dir) {
      run("protoc", [
        `--plugin=protoc-gen-es=${join(BIN, "protoc-gen-es")}`,
        `--es_out=${dir}`,
        "--es_opt=target=js+dts,import_extension=js",
        `-I${dirname(PROTO_SCHEMA)}`,
        basename(PROTO_SCHEMA),
      ]);
    },
  },
  idlc: {
    unavailable: () =>
      existsSync(join(ROOT, "compiler", "compile.ts"))
        ? undefined
        : "compiler/compile.ts does not exist yet",
    inputsHash: () => hashOf([THRIFT_SCHEMA, SELF, ...listFiles(join(ROOT, "compiler"))], []),
    async generate(dir) {
      await generateIdlc(dir);
    },
  },
};

/** The shape of compiler/compile.ts this script relies on. */
interface CompileModule {
  compile(
    paths: readonly string[],
    options: { readFile(path: string): Uint8Array | undefined; includeDirs: readonly string[] },
  ): Promise<{
    outputs: readonly { path: string; text: string }[];
    diagnostics: readonly { severity: string }[];
  }>;
}

interface DiagnosticsModule {
  formatDiagnostic(d: unknown): string;
}

/** Compiles order.thrift with idlc; the module's file name goes to `manifest.json`. */
async function generateIdlc(dir: string): Promise<void> {
  const compiler = (await import(
    pathToFileURL(join(ROOT, "compiler", "compile.ts")).href
  )) as CompileModule;
  const input = relative(ROOT, THRIFT_SCHEMA);
  const { outputs, diagnostics } = await compiler.compile([input], {
    readFile: (path) => {
      try {
        return readFileSync(isAbsolute(path) ? path : join(ROOT, path));
      } catch {
        return undefined;
      }
    },
    includeDirs: [],
  });
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    const { formatDiagnostic } = (await import(
      pathToFileURL(join(ROOT, "compiler", "diagnostics.ts")).href
    )) as DiagnosticsModule;
    throw new Error(`idlc compile failed:\n${errors.map(formatDiagnostic).join("\n")}`);
  }
  if (outputs.length === 0) throw new Error("idlc compile produced no output");
  const modules: string[] = [];
  for (const output of outputs) {
    const name = basename(output.path);
    writeFileSync(join(dir, name), output.text);
    modules.push(name);
  }
  const main = modules.find((m) => m.startsWith("order")) ?? modules[0];
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify({ module: main, modules })}\n`);
}

/** Generates one part unless its stamp says it is up to date. */
export async function ensurePart(part: Part, force = false): Promise<PartStatus> {
  const generator = GENERATORS[part];
  const missing = generator.unavailable();
  if (missing !== undefined) return { ok: false, reason: missing };
  const dir = partDir(part);
  const stampPath = join(dir, ".stamp");
  try {
    const hash = generator.inputsHash();
    if (!force && existsSync(stampPath) && readFileSync(stampPath, "utf8") === hash) {
      return { ok: true, fresh: false };
    }
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await generator.generate(dir);
    writeFileSync(stampPath, hash);
    return { ok: true, fresh: true };
  } catch (error) {
    rmSync(stampPath, { force: true });
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Generates every part that is missing or stale; never throws, reports per part. */
export async function ensurePeers(
  options: { force?: boolean } = {},
): Promise<Record<Part, PartStatus>> {
  const status = {} as Record<Part, PartStatus>;
  for (const part of PARTS) status[part] = await ensurePart(part, options.force ?? false);
  return status;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const status = await ensurePeers({ force: process.argv.includes("--force") });
  let failed = false;
  for (const [part, s] of Object.entries(status)) {
    if (s.ok) console.log(`${part}: ${s.fresh ? "generated" : "up to date"}`);
    else {
      failed = true;
      console.log(`${part}: not generated: ${s.reason}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}
