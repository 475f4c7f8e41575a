// `idlc fmt`: the canonical layout on examples, comments kept in place, idempotence on the corpus,
// and the command (--check, in place, files that do not parse, bad command lines).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { CliIo } from "../../../compiler/cli-io.js";
import { main } from "../../../compiler/cli-main.js";
import { formatIdl } from "../../../compiler/fmt/format.js";
import { SourceFile } from "../../../compiler/source.js";
import { lexSource } from "../../../compiler/syntax/tokens.js";
import { idl, memoryFiles } from "../check-support.js";
import { ROOT, corpusFiles } from "./corpus.js";

function fmt(text: string): string {
  const r = formatIdl("a.thrift", text);
  if (r.kind !== "formatted") throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.text;
}

describe("idlc fmt: layout", () => {
  test("one definition per line, members indented, canonical spacing", () => {
    expect(
      fmt(
        'namespace   js shop\ninclude  "base.thrift"\nstruct   Money{1:required string currency,2 : optional i64 units = 5 (x="y")\n      3: list<map<string,i32>> m}\n' +
          'const map<string,i32> M = {"a":1,"b" : 2}\nservice S extends base.B { void ping ( 1: i32 x ) throws (1: E e), oneway void f() }\nenum E { A = 1, B=2 }\nstruct Empty {\n}\n',
      ),
    ).toBe(
      idl(
        "namespace js shop",
        'include "base.thrift"',
        "struct Money {",
        "  1: required string currency,",
        '  2: optional i64 units = 5 (x = "y")',
        "  3: list<map<string, i32>> m",
        "}",
        'const map<string, i32> M = { "a": 1, "b": 2 }',
        "service S extends base.B {",
        "  void ping(1: i32 x) throws (1: E e),",
        "  oneway void f()",
        "}",
        "enum E {",
        "  A = 1,",
        "  B = 2",
        "}",
        "struct Empty {}",
      ),
    );
  });

  test("every comment stays where it was: trailing, own line, doc, inside a member", () => {
    const input = idl(
      "/** Program doc. */",
      "namespace js shop // trailing",
      "",
      "",
      "",
      "# hash",
      "struct A { // after the brace",
      "    /**",
      "     * Doc of a.",
      "     */",
      "        1: i32 /* inline */ a, // after a",
      "  2: required // why required",
      "     string b",
      "  // before the brace",
      "}",
      "// the end",
    );
    expect(fmt(input)).toBe(
      idl(
        "/** Program doc. */",
        "namespace js shop // trailing",
        "",
        "# hash",
        "struct A { // after the brace",
        "  /**",
        "   * Doc of a.",
        "   */",
        "  1: i32 /* inline */ a, // after a",
        "  2: required // why required",
        "    string b",
        "  // before the brace",
        "}",
        "// the end",
      ),
    );
  });

  test("a const list written across lines keeps its breaks, indented", () => {
    expect(fmt("const list<i32> L = [\n1,\n      2,\n  3\n]\n")).toBe(
      idl("const list<i32> L = [", "  1,", "  2,", "  3", "]"),
    );
  });

  test("CRLF, a BOM and trailing spaces: LF out, one newline at the end", () => {
    expect(fmt("\ufeffstruct A {   \r\n 1: i32 a   \r\n}\r\n\r\n\r\n")).toBe(
      idl("struct A {", "  1: i32 a", "}"),
    );
    expect(fmt("")).toBe("");
    expect(fmt("// only a comment")).toBe("// only a comment\n");
  });

  test("a file that does not parse is not formatted: its errors", () => {
    const r = formatIdl("a.thrift", "struct A { 1: i32 }");
    expect(r.kind).toBe("errors");
    for (const text of ["/* never closed", "struct A { 1: i32 a", "\u0000@@", "struct { }"])
      expect(formatIdl("a.thrift", text).kind).toBe("errors");
  });

  test("comments and whitespace inserted between any tokens of the corpus: still formatted, idempotent", () => {
    const texts = corpusFiles()
      .map((f) => readFileSync(join(ROOT, f), "utf8"))
      .filter((t) => formatIdl("a.thrift", t).kind === "formatted");
    const gap = fc.constantFrom(
      " ",
      "\n",
      "\n\n\n",
      "\t",
      " /* c */ ",
      "// x\n",
      "\n# h\n",
      "/*\n  * m\n */",
      "\r\n",
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...texts),
        fc.array(fc.tuple(fc.nat(), gap), { maxLength: 12 }),
        (text, inserts) => {
          const tokens = lexSource(new SourceFile("a.thrift", text)).tokens;
          const at = inserts
            .map(([i, g]) => [tokens.end(i % tokens.length), g] as const)
            .sort((a, b) => b[0] - a[0]);
          let mutated = text;
          for (const [offset, g] of at)
            mutated = mutated.slice(0, offset) + g + mutated.slice(offset);
          const once = fmt(mutated);
          expect(fmt(once)).toBe(once);
        },
      ),
      { numRuns: 150 },
    );
  });

  test.each(corpusFiles())("%s: formatting twice changes nothing", (f) => {
    const text = readFileSync(join(ROOT, f), "utf8");
    const once = fmt(text);
    expect(fmt(once)).toBe(once);
  });
});

function memoryIo(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const written = new Map<string, string>();
  const read = memoryFiles(files);
  const io: CliIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readFile: read,
    writeFile: (p, t) => void written.set(p, t),
    makeDir: () => {},
    kindOf: () => "directory" as const,
    watch: () => ({ close() {} }),
    interrupt: new AbortController().signal,
    version: () => "0",
  };
  return { io, written, stdout: () => out.join(""), stderr: () => err.join("") };
}

describe("idlc fmt (CLI)", () => {
  const UGLY = "struct A{1:i32 a}\n";
  const PRETTY = idl("struct A {", "  1: i32 a", "}");

  test("--check lists the files that would change and exits 1; writes nothing", async () => {
    const m = memoryIo({ "a.thrift": UGLY, "b.thrift": PRETTY });
    expect(await main(["fmt", "--check", "a.thrift", "b.thrift"], m.io)).toBe(1);
    expect(m.stdout()).toBe("a.thrift\n");
    expect(m.written.size).toBe(0);
    const clean = memoryIo({ "b.thrift": PRETTY });
    expect(await main(["fmt", "--check", "b.thrift"], clean.io)).toBe(0);
    expect(clean.stdout()).toBe("");
  });

  test("without --check, rewrites only the files that change", async () => {
    const m = memoryIo({ "a.thrift": UGLY, "b.thrift": PRETTY });
    expect(await main(["fmt", "a.thrift", "b.thrift"], m.io)).toBe(0);
    expect([...m.written]).toEqual([["a.thrift", PRETTY]]);
  });

  test("unreadable, non-UTF-8 or unparseable files: a message each, exit 1, others still formatted", async () => {
    const m = memoryIo({ "bad.thrift": "struct A { 1: i32 }\n", "a.thrift": UGLY });
    const bytes = memoryIo({});
    expect(await main(["fmt", "bad.thrift", "missing.thrift", "a.thrift"], m.io)).toBe(1);
    expect(m.stderr()).toContain("bad.thrift:1:");
    expect(m.stderr()).toContain(`idlc: cannot read "missing.thrift": no such file`);
    expect(m.written.get("a.thrift")).toBe(PRETTY);
    bytes.io.readFile = () => new Uint8Array([0x73, 0xff, 0xfe]);
    expect(await main(["fmt", "x.thrift"], bytes.io)).toBe(1);
    expect(bytes.stderr()).toContain("not valid UTF-8");
  });

  test("bad command lines exit 2", async () => {
    for (const argv of [["fmt"], ["fmt", "--width", "80", "a.thrift"]]) {
      const m = memoryIo({});
      expect(await main(argv, m.io)).toBe(2);
      expect(m.stderr()).toMatch(/^idlc: .+\n\nUsage:/);
    }
  });
});
