// The lexer (compiler/syntax/tokens.ts) against spec thrift-idl.md §1: one test group per
// token class, then every lexical error with its code and position.
import { tokenMatcher } from "chevrotain";
import { describe, expect, test } from "vitest";
import { SourceFile } from "../../compiler/source.js";
import { integerValue, stringValue } from "../../compiler/syntax/literals.js";
import {
  FieldName,
  Identifier,
  IntConstant,
  Literal,
  lexSource,
} from "../../compiler/syntax/tokens.js";

function lex(text: string) {
  const file = new SourceFile("t.thrift", text);
  const result = lexSource(file);
  const tokens = result.tokens.toArray();
  return {
    ...result,
    tokens,
    file,
    /** `Type:image` per token, the compact form the tests compare. */
    kinds: tokens.map((t) => `${t.tokenType.name}:${t.image}`),
    errors: result.diagnostics.map((d) => {
      const { line, column } = file.position(d.span.start);
      return `${d.code}@${line}:${column}`;
    }),
  };
}

describe("whitespace and comments", () => {
  test("space, tab, CR and LF separate tokens and are dropped", () => {
    expect(lex(" struct\tA\r\n{\r}\n").kinds).toEqual([
      "Struct:struct",
      "Identifier:A",
      "LCurly:{",
      "RCurly:}",
    ]);
  });

  test("line comments run to the end of the line, in both styles", () => {
    const { kinds, errors } = lex("a // b c\nd # e f\r\ng");
    expect(kinds).toEqual(["Identifier:a", "Identifier:d", "Identifier:g"]);
    expect(errors).toEqual([]);
  });

  test("block comments do not nest: the first */ ends them", () => {
    // Apache: `c */` after `/* a /* b */` is a syntax error; here `*` is a token and `/` is not.
    const { kinds, errors } = lex("/* a /* b */ c */");
    expect(kinds).toEqual(["Identifier:c", "Star:*"]);
    expect(errors).toEqual(["unexpected-character@1:17"]);
  });

  test("doc comments go to their own group, with their text intact", () => {
    const { kinds, docComments } = lex("/** Doc. */ struct /* not doc */ A");
    expect(kinds).toEqual(["Struct:struct", "Identifier:A"]);
    expect(docComments.map((t) => t.image)).toEqual(["/** Doc. */"]);
  });

  test("/**/ and /***/ are plain empty comments, not doc comments", () => {
    const { kinds, docComments, errors } = lex("/**/ a /***/ b /****/ c");
    expect(kinds).toEqual(["Identifier:a", "Identifier:b", "Identifier:c"]);
    expect(docComments).toEqual([]);
    expect(errors).toEqual([]);
  });

  test("a doc comment may span lines and contain stars and slashes", () => {
    const { docComments } = lex("/**\n * a * b / c\n * **/ x");
    expect(docComments.map((t) => t.image)).toEqual(["/**\n * a * b / c\n * **/"]);
  });
});

describe("identifiers and keywords", () => {
  test("identifiers: letters, digits, underscores and single inner dots", () => {
    expect(lex("a _b c1 base.Money a.b.c a.1b _").kinds).toEqual([
      "Identifier:a",
      "Identifier:_b",
      "Identifier:c1",
      "Identifier:base.Money",
      "Identifier:a.b.c",
      "Identifier:a.1b",
      "Identifier:_",
    ]);
  });

  test("a doubled or trailing dot is not part of an identifier", () => {
    const doubled = lex("a..b");
    expect(doubled.kinds).toEqual(["Identifier:a", "Identifier:b"]);
    expect(doubled.errors).toEqual(["unexpected-character@1:2"]);
    expect(doubled.diagnostics[0]!.message).toBe('unexpected characters ".."');
    const trailing = lex("a. b");
    expect(trailing.kinds).toEqual(["Identifier:a", "Identifier:b"]);
    expect(trailing.errors).toEqual(["unexpected-character@1:2"]);
  });

  test("every keyword is its own token", () => {
    const words =
      "namespace cpp_include cpp_type include xsd_all xsd_optional xsd_nillable xsd_attrs void " +
      "bool byte i8 i16 i32 i64 double string binary uuid map list set oneway async typedef " +
      "struct union exception extends throws service enum const required optional";
    const { tokens } = lex(words);
    expect(tokens.map((t) => t.image).join(" ")).toBe(words);
    for (const t of tokens) expect(t.tokenType.name).not.toBe("Identifier");
  });

  test("a keyword followed by name characters or a dot is an identifier", () => {
    expect(lex("structure include_dirs struct.x i32x string_ enum1").kinds).toEqual([
      "Identifier:structure",
      "Identifier:include_dirs",
      "Identifier:struct.x",
      "Identifier:i32x",
      "Identifier:string_",
      "Identifier:enum1",
    ]);
  });

  test("keywords except cpp_type and xsd_* can be field names; true/false cannot", () => {
    const { tokens } = lex("string list void include required async cpp_type xsd_all true");
    const names = tokens.map((t) => [t.image, tokenMatcher(t, FieldName)]);
    expect(names).toEqual([
      ["string", true],
      ["list", true],
      ["void", true],
      ["include", true],
      ["required", true],
      ["async", true],
      ["cpp_type", false],
      ["xsd_all", false],
      ["true", false],
    ]);
  });

  test("removed keywords (senum, slist, java_package…) are still identifiers", () => {
    for (const t of lex("senum slist java_package cpp_namespace py_module").tokens) {
      expect(tokenMatcher(t, Identifier)).toBe(true);
    }
  });

  test("reserved words of other languages are ordinary identifiers", () => {
    expect(lex("from class def yield").kinds.every((k) => k.startsWith("Identifier:"))).toBe(true);
  });
});

describe("numbers", () => {
  test("decimal integers: signs allowed, a leading zero is not octal", () => {
    const { tokens, kinds } = lex("0 010 -5 +7 123");
    expect(kinds).toEqual([
      "DecimalInteger:0",
      "DecimalInteger:010",
      "DecimalInteger:-5",
      "DecimalInteger:+7",
      "DecimalInteger:123",
    ]);
    expect(tokens.map((t) => integerValue(t.image))).toEqual([0n, 10n, -5n, 7n, 123n]);
  });

  test("short decimals (looked up, not parsed) have the value BigInt gives them", () => {
    for (const image of ["0", "00", "007", "9", "42", "999", "1000", "0999", "-1", "+5"]) {
      expect([image, integerValue(image)]).toEqual([image, BigInt(image)]);
    }
    for (let n = 0; n < 1000; n++) expect(integerValue(String(n))).toBe(BigInt(n));
  });

  test("hex integers take a lower-case x only; the sign applies after", () => {
    const { tokens, kinds } = lex("0x1F -0x10 +0xff 0X1F");
    expect(kinds).toEqual([
      "HexInteger:0x1F",
      "HexInteger:-0x10",
      "HexInteger:+0xff",
      "DecimalInteger:0",
      "Identifier:X1F",
    ]);
    expect(tokens.slice(0, 3).map((t) => integerValue(t.image))).toEqual([31n, -16n, 255n]);
  });

  test("true and false are the integers 1 and 0", () => {
    const { tokens } = lex("true false trueish");
    expect(tokenMatcher(tokens[0]!, IntConstant)).toBe(true);
    expect(tokenMatcher(tokens[1]!, IntConstant)).toBe(true);
    expect(tokens.slice(0, 2).map((t) => integerValue(t.image))).toEqual([1n, 0n]);
    expect(tokens[2]!.tokenType.name).toBe("Identifier");
  });

  test("doubles need a fraction or an exponent", () => {
    expect(lex("1.5 .5 -.5 1e3 +1E+2 1.5e-3 0e5").kinds).toEqual([
      "DoubleConstant:1.5",
      "DoubleConstant:.5",
      "DoubleConstant:-.5",
      "DoubleConstant:1e3",
      "DoubleConstant:+1E+2",
      "DoubleConstant:1.5e-3",
      "DoubleConstant:0e5",
    ]);
  });

  test("e10 is an identifier, 1e3x a double then an identifier", () => {
    expect(lex("e10 1e3x E5").kinds).toEqual([
      "Identifier:e10",
      "DoubleConstant:1e3",
      "Identifier:x",
      "Identifier:E5",
    ]);
  });

  test("1. is an integer and a stray dot", () => {
    const { kinds, errors, diagnostics } = lex("1.");
    expect(kinds).toEqual(["DecimalInteger:1"]);
    expect(errors).toEqual(["unexpected-character@1:2"]);
    expect(diagnostics[0]!.message).toContain("digits after its dot");
  });

  test("a double needs a digit: +e5 is a sign and a name (Apache reads it as 0.0)", () => {
    const { kinds, errors } = lex("+e5");
    expect(kinds).toEqual(["Identifier:e5"]);
    expect(errors).toEqual(["unexpected-character@1:1"]);
  });

  test("a lone sign is rejected (Apache reads it as 0.0)", () => {
    for (const text of ["+", "-", "x = - ;"]) {
      const { errors, diagnostics } = lex(text);
      expect(errors).toHaveLength(1);
      expect(diagnostics[0]!.code).toBe("unexpected-character");
      expect(diagnostics[0]!.message).toContain("sign must be followed by a number");
    }
  });

  test("int64 limits: the extremes fit, one more is too big", () => {
    expect(lex("9223372036854775807 -9223372036854775808 0x7fffffffffffffff").errors).toEqual([]);
    expect(lex("9223372036854775808").errors).toEqual(["integer-too-big@1:1"]);
    expect(lex("x -9223372036854775809").errors).toEqual(["integer-too-big@1:3"]);
    // Hex digits are read as a signed int64 before the sign: Apache rejects both.
    expect(lex("0x8000000000000000").errors).toEqual(["integer-too-big@1:1"]);
    expect(lex("-0x8000000000000000").errors).toEqual(["integer-too-big@1:1"]);
    expect(lex("0x8000000000000000").diagnostics[0]!.message).toBe(
      "integer 0x8000000000000000 does not fit in 64 bits (i64 is -9223372036854775808 to 9223372036854775807)",
    );
  });

  test("a huge literal is reported, not converted digit by digit", () => {
    const { errors, tokens } = lex("9".repeat(100_000));
    expect(errors).toEqual(["integer-too-big@1:1"]);
    expect(integerValue(tokens[0]!.image) >= 2n ** 63n).toBe(true);
  });
});

describe("string literals", () => {
  test("both quote styles; the other quote needs no escape", () => {
    const { tokens, errors } = lex(`"it's" 'say "hi"' ""`);
    expect(errors).toEqual([]);
    expect(tokens.every((t) => tokenMatcher(t, Literal))).toBe(true);
    expect(tokens.map((t) => stringValue(t.image))).toEqual(["it's", 'say "hi"', ""]);
  });

  test("exactly six escapes are decoded", () => {
    const { tokens, errors } = lex(String.raw`"a\nb\rc\td\"e\'f\\g"`);
    expect(errors).toEqual([]);
    expect(stringValue(tokens[0]!.image)).toBe("a\nb\rc\td\"e'f\\g");
  });

  test("any other escape is bad-escape, pointing at the backslash", () => {
    const { errors, diagnostics, tokens } = lex(String.raw`x = "a\u0041" '\0' "\x41"`);
    expect(errors).toEqual(["bad-escape@1:7", "bad-escape@1:16", "bad-escape@1:21"]);
    expect(diagnostics[0]!.message).toBe(
      String.raw`bad escape "\u" in string; only \n \r \t \" \' \\ are allowed`,
    );
    // The literal is still a literal, so the parser sees no second mistake.
    expect(tokens.filter((t) => tokenMatcher(t, Literal))).toHaveLength(3);
  });

  test("non-ASCII text and U+FFFD pass through strings unchanged", () => {
    const { tokens, errors } = lex('"Grüße \uFFFD 日本"');
    expect(errors).toEqual([]);
    expect(stringValue(tokens[0]!.image)).toBe("Grüße \uFFFD 日本");
  });

  test("a raw newline ends the string with an error; the next line lexes normally", () => {
    const { errors, kinds, diagnostics } = lex('const string S = "abc\nstruct B {}');
    expect(errors).toEqual(["unterminated-string@1:18"]);
    expect(diagnostics[0]!.message).toContain("before the end of the line");
    expect(kinds.slice(-4)).toEqual(["Struct:struct", "Identifier:B", "LCurly:{", "RCurly:}"]);
  });

  test("a string open at the end of the file is an error, not a hang", () => {
    for (const text of ['"abc', "'abc", '"abc\\"', '"abc\\']) {
      const { errors, diagnostics } = lex(text);
      expect(errors).toEqual(["unterminated-string@1:1"]);
      expect(diagnostics[0]!.message).toContain("before the end of the file");
    }
  });
});

describe("symbols", () => {
  test("single-character tokens", () => {
    expect(lex(": ; , { } ( ) = < > [ ] * &").kinds).toEqual([
      "Colon::",
      "Semicolon:;",
      "Comma:,",
      "LCurly:{",
      "RCurly:}",
      "LParen:(",
      "RParen:)",
      "Equals:=",
      "LAngle:<",
      "RAngle:>",
      "LBracket:[",
      "RBracket:]",
      "Star:*",
      "Ampersand:&",
    ]);
  });
});

describe("lexical errors", () => {
  test("unexpected characters are quoted and located (line and column from 1)", () => {
    const { errors, diagnostics } = lex("struct A {\n  1: i32 @x\f\n}");
    expect(errors).toEqual(["unexpected-character@2:10", "unexpected-character@2:12"]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'unexpected character "@"',
      'unexpected character "\\f"',
    ]);
  });

  test("non-ASCII outside strings and comments is an error; inside comments it is fine", () => {
    const { errors, diagnostics } = lex("// Grüße\nstruct FooÄbar {} /* 日本 */");
    expect(errors).toEqual(["unexpected-character@2:11"]);
    expect(diagnostics[0]!.message).toBe('unexpected character "Ä"');
  });

  test("a run of bad characters is one error", () => {
    const { errors, diagnostics } = lex("a @$%^ b \u0000\u0000\uFFFD c");
    expect(errors).toEqual(["unexpected-character@1:3", "unexpected-character@1:10"]);
    expect(diagnostics[0]!.message).toBe('unexpected characters "@$%^"');
    expect(diagnostics[1]!.message).toBe('unexpected characters "\\u0000\\u0000\uFFFD"');
  });

  test("an astral character is one character", () => {
    expect(lex("a 😀 b").diagnostics[0]!.message).toBe('unexpected character "😀"');
  });

  test("an unterminated block or doc comment is an error, not a hang", () => {
    for (const text of ["a /* b", "a /** b", "a /*", "a /**"]) {
      const { errors, kinds } = lex(text);
      expect(errors).toEqual(["unterminated-comment@1:3"]);
      expect(kinds).toEqual(["Identifier:a"]);
    }
  });

  test("lexer errors are reported in source order, and holes record dropped text", () => {
    const { errors, holes } = lex('"\\q" @ /* x');
    expect(errors).toEqual([
      "bad-escape@1:2",
      "unexpected-character@1:6",
      "unterminated-comment@1:8",
    ]);
    expect(holes).toEqual([
      { start: 5, end: 6 },
      { start: 7, end: 11 },
    ]);
  });

  test("CR-only and CRLF line ends count lines like editors do", () => {
    expect(lex("a\rb\r\n@").errors).toEqual(["unexpected-character@3:1"]);
  });

  test("at most 101 lexer errors are kept however bad the file", () => {
    const { diagnostics } = lex("@ a ".repeat(10_000));
    expect(diagnostics).toHaveLength(101);
  });
});

describe("token positions", () => {
  test("tokens carry start and inclusive end offsets", () => {
    const { tokens } = lex("  struct Abc");
    expect(tokens.map((t) => [t.startOffset, t.endOffset])).toEqual([
      [2, 7],
      [9, 11],
    ]);
  });
});
