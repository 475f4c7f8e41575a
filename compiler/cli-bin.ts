#!/usr/bin/env node
// The idlc bin as shipped (`dist/compiler/cli.cjs`): it starts the bundled compiler (`idlc.cjs`,
// cli.ts and all it imports, scripts/build-cli.js) from V8's code cache, `idlc.cjs.cache`, which
// the build writes. Node 20 compiles every function of a script the first time it runs, at every
// start; with the cache V8 reads the bytecode instead (a one-line `idlc check` went from 246 to
// 196 ms when this came in; bench/README.md).
// The bundle is a CommonJS module so that it can run as a vm.Script, the only way Node 20 takes
// cached data; it runs inside the same wrapper Node gives a CommonJS module. The bin is built as
// CommonJS too (scripts/build-cli.js): an ES module bin started Node's module loader and gave
// each built-in an ES module facade, about 10 ms of a 100 ms `idlc check`.
//
// A cache V8 cannot use (another Node or V8 version, other V8 flags) is rejected by V8 itself,
// and the bundle is compiled as usual: the cache changes only the start-up time, never the
// result. But V8 does not check the cache's bytes: damaged ones crash the process. So the file
// starts with the SHA-256 of the bundle and the cache together, and a cache that does not match
// it is not used (hashing both takes about 1 ms).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import process from "node:process";
import { Script } from "node:vm";

const bundle = join(__dirname, "idlc.cjs");
const cacheFile = `${bundle}.cache`;
const DIGEST_BYTES = 32;

function digest(source: Buffer, cache: Buffer): Buffer {
  return createHash("sha256").update(source).update(cache).digest();
}

/** The cached data for `source`, if the cache file is there and its digest matches. */
function readCache(source: Buffer): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(cacheFile);
  } catch {
    return undefined; // no cache (a build without one): compile as usual
  }
  const cache = file.subarray(DIGEST_BYTES);
  return digest(source, cache).equals(file.subarray(0, DIGEST_BYTES)) ? cache : undefined;
}

const source = readFileSync(bundle);
const script = new Script(
  `(function (exports, require, module, __filename, __dirname) {${source.toString("utf8")}\n})`,
  { filename: bundle, cachedData: readCache(source) },
);
// The build runs idlc once with this set, to write the cache of every function that run used.
const cacheOut = process.env.IDLC_WRITE_CODE_CACHE;
if (cacheOut) {
  process.once("exit", () => {
    const cache = script.createCachedData();
    writeFileSync(cacheOut, Buffer.concat([digest(source, cache), cache]));
  });
}

const program = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(
  program.exports,
  createRequire(bundle),
  program,
  bundle,
  dirname(bundle),
);
