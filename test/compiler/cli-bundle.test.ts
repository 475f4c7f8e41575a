// The shipped bin is one esbuild bundle (scripts/build-cli.js): Chevrotain inside, Prettier outside
// and imported only by `compile`. Built here into node_modules/.cache (so `prettier` resolves as
// it does for the real bin), then run as a user would run it.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const repo = join(import.meta.dirname, "..", "..");
const cache = join(repo, "node_modules", ".cache");
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, "idlc-bundle-"));
const bundle = join(dir, "compiler", "cli.js");

function run(args: string[]) {
  return spawnSync(process.execPath, [bundle, ...args], {
    cwd: repo,
    encoding: "utf8",
    timeout: 30_000,
  });
}

describe("the bundled bin", () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, [join(repo, "scripts", "build-cli.js"), bundle], {
      cwd: repo,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(build.stderr).toBe("");
    expect(build.status).toBe(0);
  }, 70_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("imports only Node built-ins statically, and prettier only on demand", () => {
    const text = readFileSync(bundle, "utf8");
    expect(text.startsWith("#!/usr/bin/env node\n")).toBe(true);
    const statics = [...text.matchAll(/^import .*? from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(statics.length).toBeGreaterThan(0);
    expect(statics.filter((s) => !s!.startsWith("node:"))).toEqual([]);
    const dynamics = new Set([...text.matchAll(/\bimport\("([^"]+)"\)/g)].map((m) => m[1]));
    expect([...dynamics].sort()).toEqual(["prettier", "prettier/doc"]);
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
    const decoded = spawnSync(process.execPath, [bundle, "decode", "--hex"], {
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
