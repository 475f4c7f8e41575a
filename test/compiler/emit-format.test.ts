// The proof that the emitter's layout is prettier's: for every golden, idl/commerce.idl, the
// generated large IDL (scaled down) and random IDLs, each emitted module is exactly what prettier
// prints for it (prettier is the oracle: formatting the output changes nothing), and exactly what
// prettier prints for the emitter's unformatted text (the bytes idlc has always produced).
// The full 2.2 MB large IDL is too slow for prettier here; it is compared with an earlier build's
// output by hand (see the report of issue 15).
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { format } from "prettier";
import { describe, expect, test } from "vitest";
import { checkFiles } from "../../compiler/compile.js";
import { emitChunks, emitProgram } from "../../compiler/emit/file.js";
import { PRETTIER_OPTIONS, formatStats } from "../../compiler/emit/format.js";
import { memoryFiles } from "./check-support.js";
import { generateLargeIdl } from "./large-idl.js";
import { randomIdl } from "./random-idl.js";

/** Emits every module a check of `paths` gives, and compares each with prettier's output. */
async function expectPrettierLayout(
  paths: string[],
  readFile?: (path: string) => Uint8Array | undefined,
): Promise<string[]> {
  const { allPrograms, diagnostics } = checkFiles(paths, readFile ? { readFile } : {});
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const texts: string[] = [];
  for (const program of allPrograms) {
    const { text } = await emitProgram(program);
    expect(text).toBe(await format(text, PRETTIER_OPTIONS));
    expect(text).toBe(await format(emitChunks(program).join("\n"), PRETTIER_OPTIONS));
    texts.push(text);
  }
  return texts;
}

describe("emitted modules are laid out exactly as prettier lays them out", () => {
  const goldens = readdirSync("test/compiler/golden").filter((f) => f.endsWith(".idl"));

  test.each(goldens)("golden %s", async (file) => {
    const [text] = await expectPrettierLayout([`test/compiler/golden/${file}`]);
    expect(text).toBe(
      readFileSync(`test/compiler/golden/${file.replace(/\.idl$/, ".ts")}`, "utf8"),
    );
  });

  test("idl/commerce.idl", async () => {
    const [text] = await expectPrettierLayout(["idl/commerce.idl"]);
    expect(text).toBe(readFileSync("generated/commerce.ts", "utf8"));
  });

  test("the generated large IDL, scaled down", async () => {
    await expectPrettierLayout(
      ["large.thrift"],
      memoryFiles({ "large.thrift": generateLargeIdl(60, 40) }),
    );
  });

  test("commerce and the large IDL are laid out without prettier", async () => {
    const before = formatStats.prettierCalls;
    const large = memoryFiles({ "large.thrift": generateLargeIdl(60, 40) });
    for (const [path, readFile] of [
      ["idl/commerce.idl", undefined],
      ["large.thrift", large],
    ] as const) {
      const { allPrograms } = checkFiles([path], readFile ? { readFile } : {});
      for (const program of allPrograms) await emitProgram(program);
    }
    expect(formatStats.prettierCalls - before).toBe(0);
  });

  test("random IDLs", async () => {
    await fc.assert(
      fc.asyncProperty(randomIdl, async (text) => {
        await expectPrettierLayout(["main.thrift"], memoryFiles({ "main.thrift": text }));
      }),
      { numRuns: 40 },
    );
  }, 240_000);
});
