// Literals the emitter writes are spelled as prettier spells them (prettier is the oracle), so a
// line that holds one needs no formatting.
import fc from "fast-check";
import { format } from "prettier";
import { expect, test } from "vitest";
import { PRETTIER_OPTIONS } from "../../compiler/emit/format.js";
import { numberLiteral, stringLiteral } from "../../compiler/emit/spelling.js";

async function expectKept(literal: string): Promise<void> {
  const line = `x = ${literal};\n`;
  expect(await format(line, PRETTIER_OPTIONS)).toBe(line);
}

test("strings: quotes, escapes and line separators as prettier prints them", async () => {
  for (const s of ['say "hi"', "it's", `"'"`, `a"b"c'd`, "tab\tnew\nline\\", "\u2028\u2029", ""])
    await expectKept(stringLiteral(s));
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.string({ unit: "grapheme-ascii" }), fc.string({ unit: "binary" })),
      async (s) => {
        const literal = stringLiteral(s);
        await expectKept(literal);
        expect(new Function(`return ${literal};`)()).toBe(s); // the same string back
      },
    ),
    { numRuns: 200 },
  );
});

test("numbers: exponents, fractions and the special values as prettier prints them", async () => {
  for (const n of [
    0,
    -0,
    1.5,
    0.001,
    1e21,
    1.5e-7,
    123456789012345680000,
    NaN,
    Infinity,
    -Infinity,
  ])
    await expectKept(numberLiteral(n));
  await fc.assert(
    fc.asyncProperty(fc.double(), async (n) => {
      const literal = numberLiteral(n);
      await expectKept(literal);
      expect(Object.is(Number(literal), n) || Number.isNaN(n)).toBe(true);
    }),
    { numRuns: 200 },
  );
});
