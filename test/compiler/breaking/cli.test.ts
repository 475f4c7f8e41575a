// `idlc breaking` through the CLI: text and JSON output, exit statuses, `--against` a real
// (temporary) git repository, and inputs that do not parse.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { CliIo } from "../../../compiler/cli-io.js";
import { main } from "../../../compiler/cli-main.js";
import { idl } from "../check-support.js";

const dir = mkdtempSync(join(tmpdir(), "idlc-breaking-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function diskIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readFile: (p) => {
      try {
        return readFileSync(p);
      } catch {
        return undefined;
      }
    },
    writeFile: (p, t) => writeFileSync(p, t),
    makeDir: () => {},
    kindOf: () => "directory" as const,
    watch: () => ({ close() {} }),
    interrupt: new AbortController().signal,
    version: () => "0",
  };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const V1 = idl("struct Money {", "  1: required string currency", "  2: optional i64 units", "}");
const V2 = idl(
  "struct Money {",
  "  1: required string currency",
  "  2: optional string units",
  "}",
);

describe("idlc breaking (CLI)", () => {
  test("text: file:line:col, the message, the code; exit 1", async () => {
    const m = diskIo();
    const [a, b] = [write("v1.thrift", V1), write("v2.thrift", V2)];
    expect(await main(["breaking", a, b], m.io)).toBe(1);
    expect(m.stdout()).toContain(
      `${b}:3:22: error: field 2 "units" of struct "Money" changed type from i64 to string: a reader of the other version skips it, so the value is silently lost [wire field-type-changed]`,
    );
    expect(m.stdout()).toMatch(/1 breaking change \(1 wire, 0 TypeScript API\)\n$/);
  });

  test("json: one object per change with its category", async () => {
    const m = diskIo();
    const [a, b] = [write("v1.thrift", V1), write("v2.thrift", V2)];
    expect(await main(["breaking", a, b, "--format", "json"], m.io)).toBe(1);
    const lines = m
      .stdout()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      expect.objectContaining({
        file: b,
        line: 3,
        column: 22,
        severity: "error",
        code: "field-type-changed",
        category: "wire",
        version: "new",
      }),
    ]);
  });

  test("compatible: exit 0, a warning does not fail", async () => {
    const m = diskIo();
    const a = write("c1.thrift", idl("struct T {", "  1: i32 a = 1", "}"));
    const b = write("c2.thrift", idl("struct T {", "  1: i32 a = 2", "  2: optional i32 b", "}"));
    expect(await main(["breaking", a, b], m.io)).toBe(0);
    expect(m.stdout()).toContain("[wire default-changed]");
    expect(m.stdout()).toMatch(/no breaking changes, 1 warning\n$/);
  });

  test("bad command lines exit 2", async () => {
    for (const argv of [
      ["breaking", "only-one.thrift"],
      ["breaking", "a", "b", "--format", "xml"],
      ["breaking", "a", "b", "--frobnicate"],
      ["breaking", "--against"],
    ]) {
      const m = diskIo();
      expect(await main(argv, m.io), argv.join(" ")).toBe(2);
      expect(m.stderr()).toMatch(/^idlc: .+\n\nUsage:/);
    }
  });

  test("a new version that does not parse: its errors, exit 1, no comparison", async () => {
    const m = diskIo();
    const a = write("h1.thrift", V1);
    const b = write(
      "h2.thrift",
      "struct Money {\n  1: required string currency\n  2: optional i64\n",
    );
    expect(await main(["breaking", a, b], m.io)).toBe(1);
    expect(m.stderr()).toContain(`${b}:3:`);
    expect(m.stderr()).toContain("error");
    expect(m.stdout()).toBe("");
    const missing = diskIo();
    expect(await main(["breaking", a, join(dir, "nope.thrift")], missing.io)).toBe(1);
    expect(missing.stderr()).toContain("nope.thrift");
  });

  test("hostile bytes (NULs, invalid UTF-8, deep nesting) are diagnosed, never thrown", async () => {
    const a = write("x1.thrift", V1);
    for (const text of [
      "\u0000\u0001\uffff",
      "struct A { 1: " + "list<".repeat(5000) + "i32" + ">".repeat(5000) + " x }",
    ]) {
      const m = diskIo();
      const b = write("x2.thrift", text);
      expect(await main(["breaking", a, b], m.io)).toBe(1);
      expect(m.stderr()).toContain("error");
    }
  });

  test("--against compares with the committed version of the same files, includes too", async () => {
    const repo = mkdtempSync(join(dir, "repo-"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", repo, ...args], { stdio: "pipe" }).toString();
    git("init", "-q");
    git("config", "user.email", "t@example.com");
    git("config", "user.name", "t");
    const sub = join(repo, "idl");
    execFileSync("mkdir", ["-p", sub]);
    const main_ = join(sub, "orders.thrift");
    const base = join(sub, "base.thrift");
    writeFileSync(base, idl("enum Status {", "  OPEN = 1,", "  PAID = 2", "}"));
    writeFileSync(
      main_,
      idl('include "base.thrift"', "service Orders {", "  base.Status get(1: i64 id)", "}"),
    );
    git("add", ".");
    git("commit", "-q", "-m", "v1");
    writeFileSync(base, idl("enum Status {", "  OPEN = 1", "}"));
    const m = diskIo();
    expect(await main(["breaking", main_, "--against", "HEAD", "--format", "json"], m.io)).toBe(1);
    const found = m
      .stdout()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { code: string; file: string; line: number; version: string });
    expect(found.map((f) => `${f.code} ${f.file}:${f.line} ${f.version}`)).toEqual([
      `enum-value-removed ${base}:3 old`,
    ]);
    // Committed: nothing changed against HEAD.
    git("commit", "-q", "-am", "v2");
    const clean = diskIo();
    expect(await main(["breaking", main_, "--against", "HEAD"], clean.io)).toBe(0);
    expect(clean.stdout()).toBe("no breaking changes\n");
    const bad = diskIo();
    expect(await main(["breaking", main_, "--against", "no-such-ref"], bad.io)).toBe(2);
    expect(bad.stderr()).toContain('"no-such-ref" is not a commit');
  });
});
