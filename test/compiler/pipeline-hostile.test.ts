// Hostile input through the whole pipeline (load → parse → check): each run ends with a clear
// error or a result, in bounded time (the test timeouts), never a hang, overflow or stack trace.
import { describe, expect, test } from "vitest";
import { checkFiles } from "../../compiler/compile.js";
import { describeDiagnostic, memoryFiles } from "./check-support.js";
import { generateLargeIdl } from "./large-idl.js";

const codes = (files: Record<string, string | Uint8Array>, entry = "main.thrift") =>
  checkFiles([entry], { readFile: memoryFiles(files) }).diagnostics.map((d) => d.code);

describe("hostile input through the pipeline", () => {
  test("a 2 MB IDL (20,000 structs, a 2,000-method service) checks clean", () => {
    const text = generateLargeIdl();
    expect(text.length).toBeGreaterThan(2_000_000);
    const result = checkFiles(["large.thrift"], {
      readFile: memoryFiles({ "large.thrift": text }),
    });
    expect(result.diagnostics.map(describeDiagnostic)).toEqual([]);
    const program = result.programs[0]!;
    expect(program.definitions).toHaveLength(20_000 + 5);
    const service = program.definitions.at(-1)!;
    expect(service.kind === "service" && service.methods.length).toBe(2_000);
  }, 60_000);

  test("binary garbage is reported, not thrown", () => {
    let seed = 42;
    const bytes = Uint8Array.from({ length: 100_000 }, () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    });
    expect(codes({ "main.thrift": bytes })).toEqual(["invalid-utf8"]);
  });

  test("ASCII garbage gives errors, capped at 100", () => {
    let seed = 7;
    const alphabet = "struct{}<>()[]:;,=*&\"'/#\n 0123456789abcXYZ.-+";
    const text = Array.from({ length: 200_000 }, () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return alphabet[seed % alphabet.length];
    }).join("");
    const result = checkFiles(["main.thrift"], { readFile: memoryFiles({ "main.thrift": text }) });
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(100);
  }, 60_000);

  test("20,000 levels of nesting are an error, not a stack overflow", () => {
    const deep = `const ${"list<".repeat(20_000)}i32${">".repeat(20_000)} X = []\n`;
    const result = codes({ "main.thrift": deep });
    expect(result.length).toBeGreaterThan(0);
    const values = `const list<i32> X = ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`;
    expect(codes({ "main.thrift": values }).length).toBeGreaterThan(0);
  }, 60_000);

  test("a 200-file include cycle is one error", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`f${i}.thrift`] = `include "f${(i + 1) % 200}.thrift"\n`;
    expect(codes(files, "f0.thrift")).toEqual(["include-cycle"]);
  });

  test("an unterminated comment and an unterminated string end with an error", () => {
    expect(codes({ "main.thrift": "struct A {}\n/* never closed\nstruct B {}\n" })).not.toEqual([]);
    expect(codes({ "main.thrift": 'const string S = "never closed\n' })).not.toEqual([]);
  });
});
