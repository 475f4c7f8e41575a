// generated/ is checked in; it must be exactly what the compiler writes today. When this fails,
// run `npm run idlc -- compile idl/commerce.idl -o generated`, read the diff, and commit it.
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, test } from "vitest";
import { compile } from "../compiler/compile.js";

const root = resolve(import.meta.dirname, "..");

test("generated/ matches what idlc compiles from idl/commerce.idl", async () => {
  const previous = process.cwd();
  process.chdir(root); // paths in the generated header are as typed, relative to the repo
  let result;
  try {
    result = await compile(["idl/commerce.idl"]);
  } finally {
    process.chdir(previous);
  }
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const expected = new Map(result.outputs.map((o) => [o.path, o.text]));
  const onDisk = readdirSync(join(root, "generated")).filter((f) => f.endsWith(".ts"));
  expect(onDisk.sort()).toEqual([...expected.keys()].sort());
  for (const [path, text] of expected) {
    const actual = readFileSync(join(root, "generated", path), "utf8");
    expect(actual === text, `generated/${path} is stale: recompile idl/commerce.idl`).toBe(true);
  }
});
