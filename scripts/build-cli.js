// Bundles the idlc command: compiler/cli.ts and everything it imports, Chevrotain included, into
// one ES module, `dist/compiler/cli.js` (the package's bin). One file loads several times faster
// than the ~250 modules of tsc's output plus Chevrotain's lodash-es, and tree shaking drops the
// parts of Chevrotain idlc never calls. Prettier stays an external package, imported on first use
// by `idlc compile` only. The runtime (`idlc/runtime`) is still built by tsc (tsconfig.build.json).
// The compiler API (`idlc/compiler`) is a second bundle, `dist/compiler/index.js`, with its one
// declaration file (compiler/index.ts declares every type it exports, so nothing else is needed).
//
//   node scripts/build-cli.js [outfile]     (npm run build runs it after tsc)
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Where the bin goes (package.json `bin`). */
export const CLI_BUNDLE = join(ROOT, "dist", "compiler", "cli.js");

/**
 * Writes the bundle to `outfile`. `IDLC_BUNDLED` tells the syntax stage that it runs as shipped:
 * Chevrotain's grammar checks, which only guard against a mistake in idlc's own grammar
 * (and run from source, in every test), are skipped there to save their cost at every start.
 */
export async function buildCli(outfile = CLI_BUNDLE) {
  await bundle(join(ROOT, "compiler", "cli.ts"), outfile);
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

async function bundle(entry, outfile) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["prettier"],
    conditions: ["idlc-source"],
    define: { "process.env.IDLC_BUNDLED": '"1"' },
    legalComments: "eof",
    logLevel: "warning",
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outfile = process.argv[2] === undefined ? CLI_BUNDLE : resolve(process.argv[2]);
  // What tsc used to emit for the compiler (one module per file) must not linger beside it.
  if (outfile === CLI_BUNDLE) rmSync(dirname(CLI_BUNDLE), { recursive: true, force: true });
  await buildCli(outfile);
  if (outfile === CLI_BUNDLE) await buildCompilerApi();
}
