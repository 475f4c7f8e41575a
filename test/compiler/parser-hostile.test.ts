// Hostile input for the syntax stage: deep nesting, a 2 MB file, unterminated comments and
// strings, binary garbage. Each must end (the test timeout bounds it), never throw, never report
// an idlc bug, and say something useful. No wall-clock assertions: the timeout is the bound.
import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { SourceFile } from "../../compiler/source.js";
import { MAX_NESTING_DEPTH, parseSource } from "../../compiler/syntax/parse.js";

function parse(text: string) {
  const file = new SourceFile("hostile.thrift", text);
  const result = parseSource(file);
  const codes = result.diagnostics.map((d) => d.code);
  expect(codes).not.toContain("internal-error");
  return { ...result, file, codes };
}

const LEVELS = 20_000;

describe("20,000 levels of nesting: one nesting-too-deep error, no stack overflow", () => {
  const cases: Record<string, string> = {
    "container types": `struct S { 1: ${"list<".repeat(LEVELS)}i32${">".repeat(LEVELS)} x }`,
    "unclosed container types": `struct S { 1: ${"map<i32, ".repeat(LEVELS)}`,
    "const lists": `const list<i32> L = ${"[".repeat(LEVELS)}${"]".repeat(LEVELS)}`,
    "const maps": `const map<i32, i32> M = ${"{1: ".repeat(LEVELS)}2${"}".repeat(LEVELS)}`,
    parentheses: `struct S { 1: i32 x ${"(".repeat(LEVELS)} }`,
    "bare brackets": "[".repeat(LEVELS),
  };
  for (const [name, text] of Object.entries(cases)) {
    test(name, () => {
      const { codes, diagnostics, file } = parse(text);
      expect(codes).toEqual(["nesting-too-deep"]);
      expect(diagnostics[0]!.message).toBe(
        `brackets are nested too deeply (more than ${MAX_NESTING_DEPTH} levels)`,
      );
      // It points at the first bracket beyond the limit.
      const before = file.text.slice(0, diagnostics[0]!.span.start);
      const depth =
        (before.match(/[<[{(]/g)?.length ?? 0) - (before.match(/[>\]})]/g)?.length ?? 0);
      expect(depth).toBe(MAX_NESTING_DEPTH);
    });
  }

  test("an error deep inside nesting, then 300,000 stray tokens: one scan, not one per level", () => {
    const depth = MAX_NESTING_DEPTH - 1;
    for (const text of [
      `const list<i32> X = ${"[".repeat(depth)}${": ".repeat(300_000)}`,
      `struct S { 1: ${"list<".repeat(depth - 1)}${": ".repeat(300_000)}`,
      `const list<i32> X = ${"[".repeat(depth)}${": ]".repeat(depth)}${": ".repeat(300_000)}`,
    ]) {
      expect(parse(text).codes).toEqual(["syntax-error"]);
    }
  });

  test("definitions around the deep one are kept", () => {
    const deep = `const list<i32> L = ${"[".repeat(LEVELS)}${"]".repeat(LEVELS)}`;
    const { codes, document } = parse(`struct A {}\n${deep}\nstruct B {}`);
    expect(codes).toEqual(["nesting-too-deep"]);
    expect(document.definitions.map((d) => d.name.text)).toEqual(["A", "B"]);
  });
});

describe("a 2 MB file of 20,000 structs", () => {
  test("parses completely, with nothing to report", () => {
    const parts = ["namespace js big\n"];
    for (let i = 0; i < 20_000; i++) {
      parts.push(
        `/** S${i} */\nstruct S${i} {\n  1: required i64 id,\n  2: optional string name = "x",\n` +
          `  3: list<map<string, i32>> m (a = "b")\n}\n`,
      );
    }
    const text = parts.join("");
    expect(text.length).toBeGreaterThan(2_000_000);
    const { diagnostics, document } = parse(text);
    expect(diagnostics).toEqual([]);
    expect(document.definitions).toHaveLength(20_000);
    const last = document.definitions[19_999]!;
    expect(last).toMatchObject({
      kind: "struct",
      name: { text: "S19999" },
      doc: { text: "S19999" },
    });
    expect(text.slice(last.start, last.end)).toMatch(/^struct S19999 \{[^]*\}$/);
  });

  test("with an error in every struct: reported, capped, and still bounded", () => {
    const text = Array.from({ length: 20_000 }, (_, i) => `struct S${i} {\n  1 i32 x\n}\n`).join(
      "",
    );
    const { diagnostics } = parse(text);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.length).toBeLessThanOrEqual(200);
    expect(diagnostics[0]!.message).toBe('expected ":" after field id 1, found "i32"');
  });
});

describe("unterminated comments and strings: errors, not hangs", () => {
  test("a comment opened at the start of a 1 MB file", () => {
    const { codes, diagnostics, file } = parse(`/* ${"struct A { 1: i32 x }\n".repeat(40_000)}`);
    expect(codes).toEqual(["unterminated-comment"]);
    expect(file.position(diagnostics[0]!.span.start)).toEqual({ line: 1, column: 1 });
  });

  test("a doc comment opened at the end", () => {
    const { codes } = parse("struct A {}\n/** dangling");
    expect(codes).toEqual(["unterminated-comment"]);
  });

  test("a string opened before 2 MB without a quote or newline", () => {
    const { codes } = parse(`const string S = "${"x".repeat(2_000_000)}`);
    expect(codes).toEqual(["unterminated-string"]);
  });

  test("a 2 MB string literal and a 2 MB comment are fine when closed", () => {
    const { codes } = parse(
      `/* ${"*".repeat(2_000_000)} */ const string S = "${"y".repeat(2_000_000)}"`,
    );
    expect(codes).toEqual([]);
  });
});

describe("binary garbage", () => {
  test("2 MB of random bytes decoded as UTF-8", () => {
    const text = new TextDecoder().decode(randomBytes(2_000_000));
    const { diagnostics } = parse(text);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.length).toBeLessThanOrEqual(400);
  });

  test("a megabyte of NULs is one error", () => {
    const { codes } = parse("\u0000".repeat(1_000_000));
    expect(codes).toEqual(["unexpected-character"]);
  });

  test("U+FFFD and NULs inside a file are located", () => {
    const { codes, diagnostics, file } = parse("struct S {\n  1: i32 a\uFFFD\n  2: i32 b\u0000\n}");
    expect(codes).toEqual(["unexpected-character", "unexpected-character"]);
    expect(diagnostics.map((d) => file.position(d.span.start))).toEqual([
      { line: 2, column: 11 },
      { line: 3, column: 11 },
    ]);
  });

  test("a million stray tokens: one error each run, bounded", () => {
    expect(parse(")".repeat(1_000_000)).codes).toEqual(["syntax-error"]);
    expect(parse("x ".repeat(500_000)).codes).toEqual(["syntax-error"]);
    const lines = parse("}\n".repeat(200_000));
    expect(lines.codes.length).toBeGreaterThan(0);
    expect(lines.codes.length).toBeLessThanOrEqual(100);
  });

  test("100,000 misplaced headers: each reported, nothing overflows", () => {
    const { codes } = parse(`struct A {}\n${'include "x.thrift"\n'.repeat(100_000)}`);
    expect(codes).toHaveLength(100_000);
    expect(new Set(codes)).toEqual(new Set(["headers-after-definitions"]));
  });

  test("a 2 MB integer literal", () => {
    expect(parse(`const i64 X = ${"9".repeat(2_000_000)}`).codes).toEqual(["integer-too-big"]);
  });
});
