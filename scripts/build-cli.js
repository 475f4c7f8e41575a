// Bundles the idlc command with esbuild. The bin, `dist/compiler/cli.cjs` (compiler/cli-bin.ts),
// starts `dist/compiler/idlc.cjs`: compiler/cli.ts and everything it imports, Chevrotain included,
// in one CommonJS module, from V8's code cache `idlc.cjs.cache`, written here by one run of idlc
// over idl/commerce.idl. One file loads several times faster than the ~250 modules of tsc's
// output plus Chevrotain's lodash-es, tree shaking drops the parts of Chevrotain idlc never calls,
// and the cache spares compiling the functions idlc runs at every start. Prettier stays an
// external package, required on first use by `idlc compile` only. The runtime (`idlc/runtime`) is
// still built by tsc (tsconfig.build.json). The compiler API (`idlc/compiler`) is a second bundle,
// an ES module, `dist/compiler/index.js`, with its one declaration file (compiler/index.ts
// declares every type it exports, so nothing else is needed).
//
//   node scripts/build-cli.js [bin]     (npm run build runs it after tsc; the default bin is
//                                        dist/compiler/cli.cjs; idlc.cjs and its cache go beside it)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Where the bin goes (package.json `bin`). */
export const CLI_BUNDLE = join(ROOT, "dist", "compiler", "cli.cjs");

/**
 * Writes the bin to `outfile`, and beside it the bundled program and its code cache (idlc.cjs,
 * idlc.cjs.cache). `IDLC_BUNDLED` tells the syntax stage that it runs as shipped:
 * Chevrotain's grammar checks, which only guard against a mistake in idlc's own grammar
 * (and run from source, in every test), are skipped there to save their cost at every start.
 */
export async function buildCli(outfile = CLI_BUNDLE) {
  const program = join(dirname(outfile), "idlc.cjs");
  await build({
    ...COMMON,
    entryPoints: [join(ROOT, "compiler", "cli.ts")],
    outfile: program,
    format: "cjs",
    // `import("prettier")` becomes a lazy `require`: a vm.Script has no module loader of its own.
    supported: { "dynamic-import": false },
    // Less source to read and hash at every start (about 10 ms); names stay, for stack traces.
    minifyWhitespace: true,
    // The one `import.meta` in the compiler (cli-node-io.ts finds package.json from it).
    define: { ...COMMON.define, "import.meta.url": "__idlcModuleUrl" },
    // Strict first: esbuild's own "use strict" would come after the banner, and not count.
    banner: {
      js: '"use strict";\nvar __idlcModuleUrl = require("node:url").pathToFileURL(__filename).href;',
    },
  });
  // cli-bin.ts wraps the module in a function, where cli.ts's `#!` line would be a syntax error.
  writeFileSync(program, readFileSync(program, "utf8").replace(/^#!.*\n/, ""));
  await build({
    ...COMMON,
    entryPoints: [join(ROOT, "compiler", "cli-bin.ts")],
    outfile,
    // CommonJS, as the program: an ES module bin costs Node's module loader at every start.
    format: "cjs",
  });
  writeCodeCache(outfile, `${program}.cache`);
}

/**
 * Runs the bin once, compiling idl/commerce.idl (which checks it first), to write the code cache
 * of every function that run compiled. It runs with no V8 flags, as users run idlc: V8 accepts a
 * cache only under the flags it was made with.
 */
function writeCodeCache(bin, cacheFile) {
  const out = mkdtempSync(join(tmpdir(), "idlc-code-cache-"));
  try {
    const run = spawnSync(
      process.execPath,
      [bin, "compile", join(ROOT, "idl", "commerce.idl"), "-o", out],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, NODE_OPTIONS: "", IDLC_WRITE_CODE_CACHE: cacheFile },
        timeout: 60_000,
      },
    );
    if (run.status !== 0) throw new Error(`the bin failed writing its code cache:\n${run.stderr}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Writes `dist/compiler/index.js` and `index.d.ts`, the `idlc/compiler` export. */
export async function buildCompilerApi(outDir = dirname(CLI_BUNDLE)) {
  const entry = join(ROOT, "compiler", "index.ts");
  await bundle(entry, join(outDir, "index.js"));
  const { default: ts } = await import("typescript");
  const options = {
    ...ts.parseJsonConfigFileContent({ extends: "./tsconfig.json" }, ts.sys, ROOT).options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
  };
  const program = ts.createProgram([entry], options);
  let written = false;
  program.emit(program.getSourceFile(entry), (_name, text) => {
    writeFileSync(join(outDir, "index.d.ts"), text);
    written = true;
  });
  if (!written) throw new Error("no declarations emitted for compiler/index.ts");
}

/** What every bundle shares. */
const COMMON = {
  bundle: true,
  platform: "node",
  target: "node20",
  external: ["prettier", "prettier/*"],
  conditions: ["idlc-source"],
  define: { "process.env.IDLC_BUNDLED": '"1"' },
  legalComments: "eof",
  logLevel: "warning",
};

async function bundle(entry, outfile) {
  await build({ ...COMMON, entryPoints: [entry], outfile, format: "esm" });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outfile = process.argv[2] === undefined ? CLI_BUNDLE : resolve(process.argv[2]);
  // What tsc used to emit for the compiler (one module per file) must not linger beside it.
  if (outfile === CLI_BUNDLE) rmSync(dirname(CLI_BUNDLE), { recursive: true, force: true });
  await buildCli(outfile);
  if (outfile === CLI_BUNDLE) await buildCompilerApi();
}
