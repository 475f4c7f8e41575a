// The hand-written scanner (compiler/syntax/scanner.ts) against its definition, Chevrotain's lexer
// built from the same token types: the same tokens (type, image, offsets), doc comments and error
// tokens, on real files, on every tricky prefix of a token, and on random text.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import type { IToken } from "chevrotain";
import { describe, expect, test } from "vitest";
import { scanTokens, tokenizeWithChevrotain } from "../../compiler/syntax/tokens.js";
import { generateLargeIdl } from "./large-idl.js";

const plain = (tokens: readonly IToken[]) =>
  tokens.map((t) => [t.tokenType.name, t.tokenTypeIdx, t.image, t.startOffset, t.endOffset]);

function expectSameAsChevrotain(text: string): void {
  const ours = scanTokens(text);
  const theirs = tokenizeWithChevrotain(text);
  expect(plain(ours.tokens.toArray())).toEqual(plain(theirs.tokens));
  expect(plain(ours.comments)).toEqual(plain(theirs.comments));
  expect(plain(ours.errors)).toEqual(plain(theirs.errors));
}

const here = import.meta.dirname;
const idlFiles = ["fixtures", "fixtures/shared", "fixtures/apache", "bad", "golden"]
  .flatMap((dir) =>
    readdirSync(join(here, dir))
      .filter((name) => /\.(idl|thrift)$/.test(name))
      .map((name) => join(here, dir, name)),
  )
  .concat(join(here, "..", "..", "idl", "commerce.idl"));

// Pieces that start, end or almost make a token, to be glued together at random.
const pieces = [
  ..."{ } ( ) < > [ ] : ; , = * & @ ! $ % ? ^ ` | ~ \\ + - . / # 0 1 9 e E x X a Z _".split(" "),
  ...["0x", "0x1f", "0xG", "1.", ".5", "1.5e", "1e+", "1e-3", "+.5", "-0x1F", "1.5.3", "007"],
  ...["/*", "*/", "/**", "/**/", "/***/", "/***x*/", "//", "/*/", "**", "\\\\"],
  ...['"', "'", '\\"', "\\'", '"a\\', "\\\n", "\n", "\r", "\r\n", "\t", " ", "\f", "\v", "\0"],
  ...["a.b", "a..b", "x.", ".x", "Kind.GAMMA", "é", "😀", "\ud800", "\uffff", "\u0085"],
  ..."include namespace struct structure string strings i8 i8x i16 true truex false senum".split(
    " ",
  ),
  ..."set setx java_package java_packages cpp_include cpp_type xsd_all slist list map".split(" "),
];

describe("the scanner lexes as Chevrotain's lexer does", () => {
  test("the fixtures exist", () => expect(idlFiles.length).toBeGreaterThan(20));

  test.each(idlFiles.map((path) => [path.slice(here.length + 1), path]))("%s", (_, path) => {
    expectSameAsChevrotain(readFileSync(path, "utf8"));
  });

  test("a generated big IDL", () => expectSameAsChevrotain(generateLargeIdl(300, 30)));

  test("every piece alone, and every pair", () => {
    for (const a of pieces) {
      expectSameAsChevrotain(a);
      for (const b of pieces) expectSameAsChevrotain(a + b);
    }
  });

  test("random sequences of pieces", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (p) =>
        expectSameAsChevrotain(p.join("")),
      ),
      { numRuns: 3000 },
    );
  });

  test("random text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 100 }), expectSameAsChevrotain), {
      numRuns: 1000,
    });
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."ax0x1.e+-/*\"'\\\n\r #_:{}"), maxLength: 60 }),
        expectSameAsChevrotain,
      ),
      { numRuns: 3000 },
    );
  });
});
