// The compiler's public API, `idlc/compiler`, imported by its package name as a user would
// (the "idlc-source" condition maps it to compiler/index.ts here, dist/compiler/index.js when
// installed): files in memory in, plain-data diagnostics and modules out.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { check, compile, createCompileCache, type CompilerDiagnostic } from "idlc/compiler";
import { compile as compileInternal } from "../../compiler/compile.js";
import { idl, memoryFiles } from "./check-support.js";

const MONEY = idl(
  "struct Money {",
  "  1: required string currency",
  "  2: required i64 units",
  "}",
);
const SHOP = idl('include "money.thrift"', "struct Item {", "  1: money.Money price", "}");

describe("check", () => {
  test("in memory: ok, and every file read, includes too", () => {
    const result = check(["shop.thrift"], {
      files: { "shop.thrift": SHOP, "money.thrift": MONEY },
    });
    expect(result).toEqual({
      ok: true,
      diagnostics: [],
      summary: "",
      omittedErrors: false,
      files: ["money.thrift", "shop.thrift"],
      inputs: ["shop.thrift", "money.thrift"],
    });
  });

  test("a diagnostic is plain data with the printed text", () => {
    const result = check(["bad.thrift"], {
      files: { "bad.thrift": idl("struct S {", "  1: Mony m", "}") },
    });
    expect(result.ok).toBe(false);
    expect(result.summary).toBe("1 error");
    expect(result.diagnostics).toEqual<CompilerDiagnostic[]>([
      {
        severity: "error",
        code: "unknown-type",
        message: 'unknown type "Mony"',
        file: "bad.thrift",
        line: 2,
        column: 6,
        endLine: 2,
        endColumn: 10,
        text: [
          'bad.thrift:2:6: error: unknown type "Mony"',
          " 2 |   1: Mony m",
          "   |      ^^^^",
        ].join("\n"),
      },
    ]);
  });

  test("warnings do not make it fail", () => {
    const result = check(["w.thrift"], { files: { "w.thrift": "struct S { i32 a }" } });
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["implicit-field-id"]);
    expect(result.summary).toBe("1 warning");
  });

  test("a missing file is a diagnostic, not an exception", () => {
    const result = check(["nope.thrift"], { files: {} });
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]!.message).toBe('cannot read "nope.thrift": no such file');
    expect(result.files).toEqual([]);
  });

  test("readFile and includeDirs reach files not in memory; without files, the disk", () => {
    const reads: string[] = [];
    const readFile = (path: string) => {
      reads.push(path);
      return path === "lib/money.thrift" ? MONEY : undefined;
    };
    const viaReader = check(["shop.thrift"], {
      files: { "shop.thrift": SHOP },
      readFile,
      includeDirs: ["lib"],
    });
    expect(viaReader.ok).toBe(true);
    expect(reads).toEqual(["money.thrift", "lib/money.thrift"]);

    const dir = mkdtempSync(join(tmpdir(), "idlc-api-"));
    try {
      writeFileSync(join(dir, "money.thrift"), MONEY);
      expect(check([join(dir, "money.thrift")]).ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("readFile may say why a file cannot be read", () => {
  const result = check(["locked.thrift"], { readFile: () => ({ reason: "permission denied" }) });
  expect(result.diagnostics.map((d) => d.message)).toEqual([
    'cannot read "locked.thrift": permission denied',
  ]);
});

describe("compile", () => {
  test("with a cache: the same modules again, and a changed file emitted anew", async () => {
    const cache = createCompileCache();
    const files = { "money.thrift": MONEY };
    const first = await compile(["money.thrift"], { files, cache });
    const again = await compile(["money.thrift"], { files, cache });
    expect(again.modules).toEqual(first.modules);
    const changed = await compile(["money.thrift"], {
      files: { "money.thrift": MONEY.replace("units", "cents") },
      cache,
    });
    expect(changed.modules[0]!.text).toContain("cents");
  });

  test("one module per IDL file, the same text the CLI writes", async () => {
    const files = { "shop.thrift": SHOP, "money.thrift": MONEY };
    const result = await compile(["shop.thrift"], { files });
    expect(result.ok).toBe(true);
    const expected = await compileInternal(["shop.thrift"], { readFile: memoryFiles(files) });
    expect(result.modules).toEqual(expected.outputs.map(({ path, text }) => ({ path, text })));
    expect(result.modules.map((m) => m.path)).toEqual(["shop.ts", "money.ts"]);
    expect(result.modules[0]!.text).toContain("export interface Item");
  });

  test("errors: no modules", async () => {
    const result = await compile(["bad.thrift"], {
      files: { "bad.thrift": "struct S { 1: Nope n }" },
    });
    expect(result).toMatchObject({ ok: false, modules: [], summary: "1 error" });
  });
});
