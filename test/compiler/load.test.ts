// The loader: include resolution order, each file once, cycles, missing files, program names,
// and decoding (UTF-8 only, BOM skipped).
import { describe, expect, test } from "vitest";
import { checkFiles } from "../../compiler/compile.js";
import { firstInvalidUtf8, loadFiles, programName } from "../../compiler/load.js";
import { describeDiagnostic, idl, memoryFiles } from "./check-support.js";

function load(
  files: Record<string, string | Uint8Array>,
  entries: string[],
  includeDirs: string[] = [],
) {
  const reads: string[] = [];
  const read = memoryFiles(files);
  const result = loadFiles(entries, {
    readFile: (path) => {
      reads.push(path);
      return read(path);
    },
    includeDirs,
  });
  return { ...result, reads };
}

function check(
  files: Record<string, string | Uint8Array>,
  entries: string[],
  includeDirs: string[] = [],
) {
  return checkFiles(entries, { readFile: memoryFiles(files), includeDirs }).diagnostics.map(
    describeDiagnostic,
  );
}

describe("include resolution", () => {
  test("the including file's directory comes first, then each -I directory in order", () => {
    const files = {
      "idl/main.thrift": idl('include "base.thrift"', 'include "shared.thrift"'),
      "idl/base.thrift": idl("struct Near {}"),
      "inc1/base.thrift": idl("struct Far {}"),
      "inc2/shared.thrift": idl("struct Second {}"),
      "inc3/shared.thrift": idl("struct Third {}"),
    };
    const { files: loaded, diagnostics } = load(
      files,
      ["idl/main.thrift"],
      ["inc1", "inc2", "inc3"],
    );
    expect(diagnostics).toEqual([]);
    expect(loaded.map((f) => f.path)).toEqual([
      "idl/base.thrift",
      "inc2/shared.thrift",
      "idl/main.thrift",
    ]);
  });

  test("an include found only through -I fails without it", () => {
    const files = {
      "main.thrift": idl('include "lib.thrift"', "struct A { 1: lib.L l }"),
      "vendor/lib.thrift": idl("struct L {}"),
    };
    expect(check(files, ["main.thrift"], ["vendor"])).toEqual([]);
    expect(check(files, ["main.thrift"])).toEqual([
      'error include-not-found 1:9 "\\"lib.thrift\\""',
    ]);
  });

  test("an absolute include path is used as is", () => {
    const files = {
      "/abs/lib.thrift": idl("struct L {}"),
      "main.thrift": idl('include "/abs/lib.thrift"', "struct A { 1: lib.L l }"),
    };
    expect(check(files, ["main.thrift"], ["elsewhere"])).toEqual([]);
  });

  test("each file is read and parsed once (diamond includes, repeated entries)", () => {
    const files = {
      "a.thrift": idl('include "b.thrift"', 'include "c.thrift"'),
      "b.thrift": idl('include "d.thrift"'),
      "c.thrift": idl('include "d.thrift"', 'include "d.thrift"'),
      "d.thrift": idl("struct D {}"),
    };
    const result = load(files, ["a.thrift", "c.thrift", "./a.thrift"]);
    expect(result.reads.sort()).toEqual(["a.thrift", "b.thrift", "c.thrift", "d.thrift"]);
    expect(result.files.map((f) => f.path)).toEqual([
      "d.thrift",
      "b.thrift",
      "c.thrift",
      "a.thrift",
    ]);
    expect(result.entries.map((f) => f.path)).toEqual(["a.thrift", "c.thrift"]);
    expect(result.diagnostics).toEqual([]);
  });

  test("a missing include is an error at its path (Apache only warns); its names stay quiet", () => {
    const result = checkFiles(["main.thrift"], {
      readFile: memoryFiles({
        "main.thrift": idl(
          'include "gone.thrift"',
          "struct A { 1: gone.T t }",
          "const gone.T X = gone.Y",
        ),
      }),
    });
    expect(result.diagnostics.map(describeDiagnostic)).toEqual([
      'error include-not-found 1:9 "\\"gone.thrift\\""',
    ]);
    expect(result.diagnostics[0]!.message).toBe(
      'cannot find include "gone.thrift" (looked for "gone.thrift"; Apache only warns, idlc rejects it)',
    );
  });

  test("an unreadable entry file is an error", () => {
    expect(check({}, ["nope.thrift"])).toEqual(['error file-not-found nope.thrift:1:1 ""']);
  });
});

describe("include cycles", () => {
  test("a cycle is one error naming the whole cycle", () => {
    const files = {
      "a.thrift": idl('include "b.thrift"', "struct A { 1: b.B b }"),
      "b.thrift": idl('include "c.thrift"', "struct B { 1: c.C c }"),
      "c.thrift": idl('include "a.thrift"', "struct C { 1: a.A a }"),
    };
    const result = checkFiles(["a.thrift"], { readFile: memoryFiles(files) });
    expect(result.diagnostics.map(describeDiagnostic)).toEqual([
      'error include-cycle c.thrift:1:9 "\\"a.thrift\\""',
    ]);
    expect(result.diagnostics[0]!.message).toBe(
      'include cycle: "a.thrift" → "b.thrift" → "c.thrift" → "a.thrift" (Apache 0.17 crashes on it)',
    );
  });

  test("a file including itself", () => {
    expect(check({ "a.thrift": idl('include "a.thrift"') }, ["a.thrift"])).toEqual([
      'error include-cycle a.thrift:1:9 "\\"a.thrift\\""',
    ]);
  });
});

describe("program names", () => {
  test("the name is the file name without directory and last extension", () => {
    expect(programName("shared/base.thrift")).toBe("base");
    expect(programName("a.b.thrift")).toBe("a.b");
    expect(programName("dir/commerce.idl")).toBe("commerce");
    expect(programName("noext")).toBe("noext");
  });

  test("dotted program names work as prefixes", () => {
    const files = {
      "main.thrift": idl('include "a.b.thrift"', "struct M { 1: a.b.T t }", "const i32 X = a.b.C"),
      "a.b.thrift": idl("struct T {}", "const i32 C = 1"),
    };
    expect(check(files, ["main.thrift"])).toEqual([]);
  });

  test("two includes with one program name in one file are an error (Apache merges them)", () => {
    const files = {
      "main.thrift": idl('include "x/t.thrift"', 'include "y/t.thrift"'),
      "x/t.thrift": idl("struct A {}"),
      "y/t.thrift": idl("struct B {}"),
    };
    const result = checkFiles(["main.thrift"], { readFile: memoryFiles(files) });
    expect(result.diagnostics.map(describeDiagnostic)).toEqual([
      'error duplicate-include-name 2:9 "\\"y/t.thrift\\""',
    ]);
    expect(result.diagnostics[0]!.related?.[0]?.message).toBe("first included here");
  });

  test("two programs with one name anywhere in a run would write one module", () => {
    const files = {
      "main.thrift": idl('include "x/t.thrift"', 'include "other.thrift"'),
      "other.thrift": idl('include "y/t.thrift"'),
      "x/t.thrift": idl("struct A {}"),
      "y/t.thrift": idl("struct B {}"),
    };
    expect(check(files, ["main.thrift"])).toEqual([
      'error duplicate-program-name other.thrift:1:9 "\\"y/t.thrift\\""',
    ]);
  });
});

describe("decoding", () => {
  test("a file that is not UTF-8 is one error at 1:1 with the offset", () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("struct A {}\n// "), 0xff, 0x0a]);
    const result = checkFiles(["bad.thrift"], { readFile: memoryFiles({ "bad.thrift": bytes }) });
    expect(result.diagnostics.map(describeDiagnostic)).toEqual([
      'error invalid-utf8 bad.thrift:1:1 ""',
    ]);
    expect(result.diagnostics[0]!.message).toBe(
      "file is not valid UTF-8 (first bad byte at offset 15)",
    );
  });

  test("a byte-order mark is skipped", () => {
    const text = new TextEncoder().encode("struct A { 1: Nope n }\n");
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...text]);
    expect(check({ "bom.thrift": bytes }, ["bom.thrift"])).toEqual([
      'error unknown-type bom.thrift:1:15 "Nope"',
    ]);
  });

  test("firstInvalidUtf8 finds overlong forms, surrogates and truncation", () => {
    const at = (...bytes: number[]) => firstInvalidUtf8(new Uint8Array(bytes));
    expect(at(0x41, 0xc3, 0xa4)).toBe(3); // valid: "Aä"
    expect(at(0x41, 0xc0, 0x80)).toBe(1); // overlong NUL
    expect(at(0xed, 0xa0, 0x80)).toBe(0); // UTF-16 surrogate
    expect(at(0x41, 0xe2, 0x82)).toBe(1); // truncated
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0); // above U+10FFFF
  });
});
