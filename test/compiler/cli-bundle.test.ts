// The shipped bin (scripts/build-cli.js): a small CommonJS module that runs the compiler, one
// esbuild bundle (Chevrotain inside, Prettier outside and required only by `compile`), from V8's
// code cache. Built here into node_modules/.cache (so `prettier` resolves as it does for the real
// bin), then run as a user would run it.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Script } from "node:vm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const repo = join(import.meta.dirname, "..", "..");
const cache = join(repo, "node_modules", ".cache");
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, "idlc-bundle-"));
const bin = join(dir, "compiler", "cli.cjs");
const program = join(dir, "compiler", "idlc.cjs");

function run(args: string[], binPath = bin) {
  return spawnSync(process.execPath, [binPath, ...args], {
    cwd: repo,
    encoding: "utf8",
    timeout: 30_000,
  });
}

describe("the bundled bin", () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, [join(repo, "scripts", "build-cli.js"), bin], {
      cwd: repo,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(build.stderr).toBe("");
    expect(build.status).toBe(0);
  }, 70_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("imports only Node built-ins statically, and prettier only on demand", () => {
    const binText = readFileSync(bin, "utf8");
    expect(binText.startsWith("#!/usr/bin/env node\n")).toBe(true);
    // CommonJS: no ES module loader at start-up, and nothing but Node's built-ins.
    expect(binText).not.toMatch(/^import |^export /m);
    const statics = [...binText.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(statics.length).toBeGreaterThan(0);
    expect(statics.filter((s) => !s!.startsWith("node:"))).toEqual([]);
    const text = readFileSync(program, "utf8");
    const required = [...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
    // lodash (inside Chevrotain) asks for "util" only where a CommonJS module is its caller.
    const packages = required.filter((r) => !r.startsWith("node:") && r !== "util");
    expect(packages.sort()).toEqual(["prettier", "prettier/doc"]);
    // On demand: each in a promise callback, run on the first text that needs it.
    for (const name of packages)
      expect(text).toContain(`Promise.resolve().then(()=>__toESM(require("${name}")`);
  });

  test("starts from a code cache this Node accepts", () => {
    // The same wrapper compiler/cli-bin.ts compiles the bundle in; V8 rejects a cache made for
    // another source, another V8 version or other V8 flags.
    const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(program, "utf8")}\n})`;
    const script = new Script(source, {
      filename: program,
      cachedData: readFileSync(`${program}.cache`).subarray(32), // after its SHA-256
    });
    expect(script.cachedDataRejected).toBe(false);
  });

  test("runs the same without its code cache, or with a damaged one", () => {
    const copy = join(dir, "copy");
    cpSync(join(dir, "compiler"), copy, { recursive: true });
    const copyBin = join(copy, "cli.cjs");
    const cache = join(copy, "idlc.cjs.cache");
    const original = readFileSync(cache);
    const damaged = Buffer.from(original);
    damaged.fill(0x5a, 64, 4096);
    // Damaged bytes would crash V8 (it does not check them): the bin must see it first.
    for (const contents of [damaged, original.subarray(0, 100), Buffer.alloc(0), undefined]) {
      if (contents === undefined) rmSync(cache);
      else writeFileSync(cache, contents);
      const r = run(["check", "idl/commerce.idl"], copyBin);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("checked 1 file: no errors\n");
      expect(r.status).toBe(0);
    }
  });

  test("checks and compiles idl/commerce.idl like the source does", () => {
    const check = run(["check", "idl/commerce.idl"]);
    expect(check.stderr).toBe("");
    expect(check.stdout).toBe("checked 1 file: no errors\n");
    expect(check.status).toBe(0);
    const out = join(dir, "out");
    const compile = run(["compile", "idl/commerce.idl", "-o", out]);
    expect(compile.stderr).toBe("");
    expect(compile.status).toBe(0);
    expect(readFileSync(join(out, "commerce.ts"), "utf8")).toBe(
      readFileSync(join(repo, "generated", "commerce.ts"), "utf8"),
    );
  });

  test("runs the tool commands: breaking, fmt --check, decode", () => {
    const same = run(["breaking", "idl/commerce.idl", "idl/commerce.idl"]);
    expect(same.stdout).toBe("no breaking changes\n");
    expect(same.status).toBe(0);
    expect(run(["fmt", "--check", "idl/commerce.idl"]).status).toBe(0);
    const decoded = spawnSync(process.execPath, [bin, "decode", "--hex"], {
      cwd: repo,
      encoding: "utf8",
      input: "80 01 00 01 00 00 00 04 70 69 6e 67 00 00 00 07 00", // binary CALL "ping", seqid 7
      timeout: 30_000,
    });
    expect(decoded.stderr).toBe("");
    expect(JSON.parse(decoded.stdout)).toEqual({
      offset: 0,
      transport: "buffered",
      protocol: "binary",
      type: "call",
      name: "ping",
      seqid: 7,
      fields: [],
    });
  });

  test("reports errors with exit status 1", () => {
    const r = run(["check", "test/compiler/bad/unknown-type.idl"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error: unknown type");
  });
});
