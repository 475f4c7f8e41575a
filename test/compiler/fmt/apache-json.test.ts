// `idlc fmt` never changes meaning: Apache's own compiler (`thrift --gen json`) gives the same
// model for every file of the corpus, and for random documents, before and after formatting.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, expect, test } from "vitest";
import { formatIdl } from "../../../compiler/fmt/format.js";
import { describeWithTool, requireTool } from "../../support/tools.js";
import { generateLargeIdl } from "../large-idl.js";
import { ROOT, corpusFiles, randomDocument } from "./corpus.js";

const work = mkdtempSync(join(tmpdir(), "idlc-fmt-apache-"));

/** Apache's JSON model of `file` and of everything it includes, by output file name; undefined if it rejects it. */
function apacheModel(file: string, out: string): Record<string, string> | undefined {
  mkdirSync(out, { recursive: true });
  const run = spawnSync(requireTool("thrift").path!, ["-r", "--gen", "json", "-out", out, file], {
    encoding: "utf8",
    timeout: 20_000,
  });
  if (run.status !== 0) return undefined;
  return Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), "utf8")]));
}

function formatted(text: string, path: string): string {
  const r = formatIdl(path, text);
  if (r.kind !== "formatted") throw new Error(`${path} does not parse`);
  return r.text;
}

describeWithTool("thrift", "idlc fmt keeps Apache's model (thrift --gen json)", () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const files = corpusFiles();
  // Formatted copies of every corpus file, at the same relative paths (includes still resolve).
  const copyRoot = join(work, "formatted");
  for (const f of files) {
    const text = readFileSync(join(ROOT, f), "utf8");
    const r = formatIdl(f, text);
    mkdirSync(dirname(join(copyRoot, f)), { recursive: true });
    writeFileSync(join(copyRoot, f), r.kind === "formatted" ? r.text : text);
  }

  test("the corpus is large", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  test.each(files)("%s", (f) => {
    const before = apacheModel(join(ROOT, f), join(work, "before", f));
    if (before === undefined) return; // Apache rejects it (uuid, keyword names): not its meaning to keep
    const after = apacheModel(join(copyRoot, f), join(work, "after", f));
    expect(after).toEqual(before);
  });

  test("a generated 2,000-struct IDL, squeezed onto few lines first", () => {
    const dir = join(work, "large");
    mkdirSync(join(dir, "f"), { recursive: true });
    // The generator's own layout is already canonical: join it into long lines to give fmt work.
    const text = generateLargeIdl(2_000, 200).replace(/\n(?![ \t]*\/\*\*)/g, " ");
    writeFileSync(join(dir, "large.thrift"), text);
    const once = formatted(text, "large.thrift");
    expect(once).not.toBe(text);
    expect(formatted(once, "large.thrift")).toBe(once);
    writeFileSync(join(dir, "f", "large.thrift"), once);
    const before = apacheModel(join(dir, "large.thrift"), join(dir, "before"));
    expect(before).toBeDefined();
    expect(apacheModel(join(dir, "f", "large.thrift"), join(dir, "after"))).toEqual(before);
  });

  test("random documents with comments and odd whitespace", () => {
    let compared = 0;
    fc.assert(
      fc.property(randomDocument, (text) => {
        const dir = join(work, "random", String(compared++));
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "a.thrift"), text);
        const once = formatted(text, "a.thrift");
        expect(formatted(once, "a.thrift")).toBe(once);
        mkdirSync(join(dir, "f"));
        writeFileSync(join(dir, "f", "a.thrift"), once);
        const before = apacheModel(join(dir, "a.thrift"), join(dir, "before"));
        expect(before, text).toBeDefined();
        expect(apacheModel(join(dir, "f", "a.thrift"), join(dir, "after"))).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });
});
