// Generated code passes a user's default checks: typescript-eslint's stock `recommended` config
// (not the repository's own, which is stricter in places and looser in none) and `tsc --strict`
// with `noUnusedLocals` and `noUnusedParameters`, on generated/commerce.ts and every golden.
import { readFileSync, readdirSync } from "node:fs";
import js from "@eslint/js";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import ts from "typescript";
import { expect, test } from "vitest";

const files = [
  "generated/commerce.ts",
  ...readdirSync("test/compiler/golden")
    .filter((f) => f.endsWith(".ts"))
    .map((f) => `test/compiler/golden/${f}`),
];

test("typescript-eslint's recommended config reports nothing", async () => {
  const eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: [js.configs.recommended, ...tseslint.configs.recommended],
  });
  const results = await eslint.lintFiles(files);
  const problems = results.flatMap((r) =>
    r.messages.map((m) => `${r.filePath}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`),
  );
  expect(problems).toEqual([]);
}, 120_000);

test("tsc --strict with noUnusedLocals and noUnusedParameters reports nothing", () => {
  const config = ts.getParsedCommandLineOfConfigFile(
    "tsconfig.json",
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  )!;
  const options = {
    ...config.options,
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noEmit: true,
  };
  const program = ts.createProgram(files, options);
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start!).line + 1}`
      : "";
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
  });
  expect(diagnostics).toEqual([]);
}, 120_000);

test("doc comments stay within 100 columns", () => {
  const long = files.flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .map((line, k) => ({ line, at: `${file}:${k + 1}` }))
      .filter(({ line }) => /^\s*(\/\*\*|\*)/.test(line) && line.length > 100)
      .map(({ at }) => at),
  );
  expect(long).toEqual([]);
});
