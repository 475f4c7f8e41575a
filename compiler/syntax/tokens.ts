// Token types and the lexer (spec thrift-idl.md §1, `thriftl.ll`). Error conditions are tokens
// too (unterminated comment, unexpected characters), so the lexer itself never fails and each
// mistake becomes exactly one diagnostic; literal checks (escapes, int64 range) run afterwards.
// The token patterns below define the lexer; scanner.ts runs them by hand, faster, and tests
// hold it to Chevrotain's lexer built from them.
import { createToken, Lexer, type IToken, type TokenType } from "chevrotain";
import { error, type Diagnostic } from "../diagnostics.js";
import { spanOf, type SourceFile } from "../source.js";
import { findBadEscapes, integerTooBig } from "./literals.js";
import { createScanner, type TokenVector } from "./scanner.js";

// ---- categories: abstract token types the grammar consumes -------------------------------

/** Anything that may name a field: an identifier or (0.18+) a keyword other than `cpp_type`/`xsd_*`. */
export const FieldName = createToken({ name: "FieldName", pattern: Lexer.NA, label: "a name" });
/** `IntConstant` in `thrifty.yy`: decimal, hex, and `true`/`false` (1 and 0). */
export const IntConstant = createToken({
  name: "IntConstant",
  pattern: Lexer.NA,
  label: "an integer",
});
/** A string literal in either quote style (`tok_literal`). */
export const Literal = createToken({ name: "Literal", pattern: Lexer.NA, label: "a string" });
/** The base type keywords (`bool` … `uuid`). */
export const BaseTypeKeyword = createToken({
  name: "BaseTypeKeyword",
  pattern: Lexer.NA,
  label: "a type",
});
/** `,` or `;`: the optional separator after fields, values, annotations and list items. */
export const Separator = createToken({ name: "Separator", pattern: Lexer.NA, label: '","' });

// ---- trivia --------------------------------------------------------------------------------

const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
const LineComment = createToken({
  name: "LineComment",
  pattern: /\/\/[^\n\r]*|#[^\n\r]*/,
  group: Lexer.SKIPPED,
});
// `/**/`, `/***/`: plain empty comments, not doc comments (`sillycomm` in thriftl.ll).
const EmptyComment = createToken({
  name: "EmptyComment",
  pattern: /\/\*\*+\//,
  group: Lexer.SKIPPED,
});
// The comment regexes are "unrolled" (no lazy quantifier) so huge comments cost no backtracking.
/** A `/** … *\/` comment; kept in the "comments" group so the AST builder can attach it. */
export const DocComment = createToken({
  name: "DocComment",
  pattern: /\/\*\*[^*]*\*+(?:[^/*][^*]*\*+)*\//,
  group: "comments",
  line_breaks: true,
});
const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[^*]*\*+(?:[^/*][^*]*\*+)*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
/** `/*` without `*\/`: runs to the end of the file (Apache loops forever on it). */
export const UnterminatedComment = createToken({
  name: "UnterminatedComment",
  pattern: /\/\*[\s\S]*/,
  group: "errors",
  line_breaks: true,
});

// ---- literals ------------------------------------------------------------------------------

/** A complete string literal; escapes are checked and decoded later (literals.ts). */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*"|'[^'\\\r\n]*(?:\\[^\r\n][^'\\\r\n]*)*'/,
  categories: [Literal],
  label: "a string",
});
/** A string literal cut off by the end of its line: reported, then parsed as if closed. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*\\?|'[^'\\\r\n]*(?:\\[^\r\n][^'\\\r\n]*)*\\?/,
  categories: [Literal],
  label: "a string",
});

/** `[a-zA-Z_](\.[a-zA-Z_0-9]|[a-zA-Z_0-9])*`: dots allowed inside, never doubled or trailing. */
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[a-zA-Z_](?:\.?[a-zA-Z_0-9])*/,
  categories: [FieldName],
  label: "a name",
});

// A double needs a fraction or an exponent and at least one digit; Apache also accepts a lone
// `+`/`-` (as 0.0), which we reject. `e10` is an identifier: the pattern starts with a digit,
// sign or dot, and identifiers are tried first anyway.
export const DoubleConstant = createToken({
  name: "DoubleConstant",
  pattern: /[+-]?(?:[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)/,
  label: "a number",
});
/** `0x` with a lower-case `x` only: `0X1F` is `0` followed by the name `X1F`, as in Apache. */
export const HexInteger = createToken({
  name: "HexInteger",
  pattern: /[+-]?0x[0-9A-Fa-f]+/,
  categories: [IntConstant],
  label: "an integer",
});
/** Always decimal: a leading zero is not octal (`010` is ten). */
export const DecimalInteger = createToken({
  name: "DecimalInteger",
  pattern: /[+-]?[0-9]+/,
  categories: [IntConstant],
  label: "an integer",
});

// ---- keywords --------------------------------------------------------------------------------

/** A keyword token, named in PascalCase (`cpp_include` → `CppInclude`) apart from the rules. */
function keyword(word: string, categories: TokenType[] = [FieldName]): TokenType {
  return createToken({
    name: word.replace(/(?:^|_)([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories,
    label: `"${word}"`,
  });
}

/** `true` and `false` are the integers 1 and 0, not separate values (spec §1.7). */
export const BoolLiteral = createToken({
  name: "BoolLiteral",
  pattern: /true|false/,
  longer_alt: Identifier,
  categories: [IntConstant],
  label: "an integer",
});

export const Namespace = keyword("namespace");
export const CppInclude = keyword("cpp_include");
export const CppType = keyword("cpp_type", []);
export const Include = keyword("include");
export const XsdAll = keyword("xsd_all", []);
export const XsdOptional = keyword("xsd_optional", []);
export const XsdNillable = keyword("xsd_nillable", []);
export const XsdAttrs = keyword("xsd_attrs", []);
export const Void = keyword("void");
export const Bool = keyword("bool", [FieldName, BaseTypeKeyword]);
export const Byte = keyword("byte", [FieldName, BaseTypeKeyword]);
export const I8 = keyword("i8", [FieldName, BaseTypeKeyword]);
export const I16 = keyword("i16", [FieldName, BaseTypeKeyword]);
export const I32 = keyword("i32", [FieldName, BaseTypeKeyword]);
export const I64 = keyword("i64", [FieldName, BaseTypeKeyword]);
export const Double = keyword("double", [FieldName, BaseTypeKeyword]);
export const StringKeyword = keyword("string", [FieldName, BaseTypeKeyword]);
export const Binary = keyword("binary", [FieldName, BaseTypeKeyword]);
export const Uuid = keyword("uuid", [FieldName, BaseTypeKeyword]);
export const MapKeyword = keyword("map");
export const ListKeyword = keyword("list");
export const SetKeyword = keyword("set");
export const Oneway = keyword("oneway");
export const Async = keyword("async");
export const Typedef = keyword("typedef");
export const Struct = keyword("struct");
export const Union = keyword("union");
export const Exception = keyword("exception");
export const Extends = keyword("extends");
export const Throws = keyword("throws");
export const Service = keyword("service");
export const Enum = keyword("enum");
export const Const = keyword("const");
export const Required = keyword("required");
export const Optional = keyword("optional");

// Removed forms: plain identifiers at HEAD (so still usable as names), but recognised where a
// definition or header starts so the error can say what to write instead (0.17's messages).
/** `senum` (removed in 0.17): an identifier that may also start a legacy definition. */
export const Senum = createToken({
  name: "Senum",
  pattern: /senum/,
  longer_alt: Identifier,
  categories: [Identifier],
  label: '"senum"',
});
/** The pre-`namespace` header keywords (`java_package`, `cpp_namespace`, …), removed in 0.18. */
export const LegacyHeader = createToken({
  name: "LegacyHeader",
  pattern:
    /cpp_namespace|csharp_namespace|delphi_namespace|java_package|perl_package|php_namespace|py_module|ruby_namespace|smalltalk_category|smalltalk_prefix|xsd_namespace/,
  longer_alt: Identifier,
  categories: [Identifier],
  label: "a legacy namespace declaration",
});

// ---- symbols ---------------------------------------------------------------------------------

function symbol(name: string, char: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: char, categories, label: `"${char}"` });
}

export const Colon = symbol("Colon", ":");
export const Semicolon = symbol("Semicolon", ";", [Separator]);
export const Comma = symbol("Comma", ",", [Separator]);
export const LCurly = symbol("LCurly", "{");
export const RCurly = symbol("RCurly", "}");
export const LParen = symbol("LParen", "(");
export const RParen = symbol("RParen", ")");
export const Equals = symbol("Equals", "=");
export const LAngle = symbol("LAngle", "<");
export const RAngle = symbol("RAngle", ">");
export const LBracket = symbol("LBracket", "[");
export const RBracket = symbol("RBracket", "]");
export const Star = symbol("Star", "*");
export const Ampersand = symbol("Ampersand", "&");

/**
 * Characters no token can start with (form feed, `@`, `$`, non-ASCII, NUL, U+FFFD…), taken as
 * one run so binary garbage gives one message per run, plus the single characters that start a
 * token only in some contexts (`/` `.` `+` `-`). Last in the lexer, so it only sees leftovers.
 */
export const UnexpectedCharacters = createToken({
  name: "UnexpectedCharacters",
  pattern: /[\x00-\x08\x0b\x0c\x0e-\x1f!$%?@\\^`|~\x7f-\uffff]+|[+\-./]/,
  group: "errors",
  line_breaks: true,
});

const keywords = [
  Namespace,
  CppInclude,
  CppType,
  Include,
  XsdAll,
  XsdOptional,
  XsdNillable,
  XsdAttrs,
  Void,
  Bool,
  Byte,
  I8,
  I16,
  I32,
  I64,
  Double,
  StringKeyword,
  Binary,
  Uuid,
  MapKeyword,
  ListKeyword,
  SetKeyword,
  Oneway,
  Async,
  Typedef,
  Struct,
  Union,
  Exception,
  Extends,
  Throws,
  Service,
  Enum,
  Const,
  Required,
  Optional,
  BoolLiteral,
  Senum,
  LegacyHeader,
];

/** Every token type, in lexer order (first match wins, keywords before `Identifier`). */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  EmptyComment,
  DocComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  UnterminatedString,
  ...keywords,
  Identifier,
  DoubleConstant,
  HexInteger,
  DecimalInteger,
  Colon,
  Semicolon,
  Comma,
  LCurly,
  RCurly,
  LParen,
  RParen,
  Equals,
  LAngle,
  RAngle,
  LBracket,
  RBracket,
  Star,
  Ampersand,
  UnexpectedCharacters,
  // Categories last: they match nothing themselves but the parser must know them.
  FieldName,
  IntConstant,
  Literal,
  BaseTypeKeyword,
  Separator,
];

/**
 * Chevrotain's lexer, making tokens that carry `endOffset` (inclusive, as Chevrotain's own full
 * tokens and the scanner's do): the parser's node locations need it, and "onlyOffset" tracking
 * leaves it out.
 */
class IdlLexer extends Lexer {
  createOffsetOnlyToken(
    image: string,
    startOffset: number,
    tokenTypeIdx: number,
    tokenType: TokenType,
  ): IToken {
    return {
      image,
      startOffset,
      endOffset: startOffset + image.length - 1,
      tokenTypeIdx,
      tokenType,
    };
  }
}

let referenceLexer: IdlLexer | undefined;

/**
 * Splits text into tokens with Chevrotain's lexer, built from {@link allTokens} on first use: the
 * definition of what {@link lexSource}'s hand-written scanner must do (tests compare the two).
 */
export function tokenizeWithChevrotain(text: string): {
  tokens: IToken[];
  comments: IToken[];
  errors: IToken[];
} {
  referenceLexer ??= new IdlLexer(allTokens, {
    positionTracking: "onlyOffset",
    ensureOptimizations: true,
  });
  const result = referenceLexer.tokenize(text);
  if (result.errors.length > 0) throw new Error("a character no token pattern matches");
  return {
    tokens: result.tokens,
    comments: result.groups["comments"] ?? [],
    errors: result.groups["errors"] ?? [],
  };
}

/** Splits text into tokens (scanner.ts), exactly as {@link tokenizeWithChevrotain} would. */
export const scanTokens = createScanner({
  docComment: DocComment,
  unterminatedComment: UnterminatedComment,
  stringLiteral: StringLiteral,
  unterminatedString: UnterminatedString,
  keywords: new Map(
    keywords.flatMap((t) => (t.PATTERN as RegExp).source.split("|").map((word) => [word, t])),
  ),
  identifier: Identifier,
  doubleConstant: DoubleConstant,
  hexInteger: HexInteger,
  decimalInteger: DecimalInteger,
  symbols: new Map(
    [Colon, Semicolon, Comma, LCurly, RCurly, LParen, RParen, Equals]
      .concat([LAngle, RAngle, LBracket, RBracket, Star, Ampersand])
      .map((t) => [t.PATTERN as string, t]),
  ),
  unexpectedCharacters: UnexpectedCharacters,
});

/** The lexer's output for one file: parser tokens, doc comments, and what went wrong. */
export interface LexResult {
  /** Tokens for the parser; `at(i)` makes one with `endOffset` (inclusive). */
  readonly tokens: TokenVector;
  /** `/** … *\/` comments in source order. */
  readonly docComments: IToken[];
  readonly diagnostics: Diagnostic[];
  /**
   * Text ranges `[start, end)` the lexer threw away (bad characters, an unterminated comment).
   * A parser error right after one is a consequence of it, not a new mistake.
   */
  readonly holes: { start: number; end: number }[];
}

/** At most this many lexer errors are reported per file (more are counted, not kept). */
const MAX_LEXER_ERRORS = 101;

function quoteChars(text: string): string {
  const shown = text.length > 16 ? `${text.slice(0, 16)}…` : text;
  return JSON.stringify(shown);
}

/** Why a lone `.`, `+` or `-` is no token, for the common cases (`1.`, a stray sign). */
function hint(text: string, offset: number): string {
  const c = text[offset];
  if (c === "." && /[0-9]/.test(text[offset - 1] ?? "")) {
    return " (a double needs digits after its dot, e.g. 1.0)";
  }
  if (c === "+" || c === "-") return " (a sign must be followed by a number)";
  return "";
}

/** Splits a file into tokens; never throws and never fails: bad input becomes diagnostics. */
export function lexSource(file: SourceFile): LexResult {
  const result = scanTokens(file.text);
  const diagnostics: Diagnostic[] = [];
  const holes: { start: number; end: number }[] = [];
  // Each pass below is in source order, so capping each keeps the first errors of the file.
  let kept = 0;
  const report = (d: Diagnostic): void => {
    if (kept++ < MAX_LEXER_ERRORS) diagnostics.push(d);
  };

  // Error tokens, adjacent ones merged (e.g. `@.` is one run and one message).
  const errorTokens = result.errors;
  for (let i = 0; i < errorTokens.length; i++) {
    const first = errorTokens[i]!;
    const start = first.startOffset;
    if (first.tokenType === UnterminatedComment) {
      holes.push({ start, end: file.text.length });
      report(
        error(
          spanOf(file, start, start + 2),
          "unterminated-comment",
          'comment is not closed: "/*" has no matching "*/" before the end of the file',
        ),
      );
      continue;
    }
    let end = start + first.image.length;
    while (i + 1 < errorTokens.length) {
      const next = errorTokens[i + 1]!;
      if (next.startOffset !== end || next.tokenType !== UnexpectedCharacters) break;
      end += next.image.length;
      i++;
    }
    holes.push({ start, end });
    const text = file.text.slice(start, end);
    const single = text.length === 1 || (text.length === 2 && text.codePointAt(0)! > 0xffff);
    report(
      error(
        spanOf(file, start, end),
        "unexpected-character",
        single
          ? `unexpected character ${quoteChars(text)}${hint(file.text, start)}`
          : `unexpected characters ${quoteChars(text)}`,
      ),
    );
  }
  const tokens = result.tokens;
  kept = 0;
  const stringIdx = StringLiteral.tokenTypeIdx!;
  const unterminatedIdx = UnterminatedString.tokenTypeIdx!;
  const decimalIdx = DecimalInteger.tokenTypeIdx!;
  const hexIdx = HexInteger.tokenTypeIdx!;
  for (let i = 0; i < tokens.length; i++) {
    const type = tokens.typeIdx(i);
    const start = tokens.start(i);
    if (type === stringIdx || type === unterminatedIdx) {
      const image = tokens.image(i);
      for (const bad of findBadEscapes(image)) {
        const char = image[bad + 1]!;
        const shown = /[\x20-\x7e]/.test(char) ? char : JSON.stringify(char).slice(1, -1);
        report(
          error(
            spanOf(file, start + bad, start + bad + 2),
            "bad-escape",
            `bad escape "\\${shown}" in string; only \\n \\r \\t \\" \\' \\\\ are allowed`,
          ),
        );
      }
      if (type === unterminatedIdx) {
        const atEnd = start + image.length >= file.text.length;
        report(
          error(
            spanOf(file, start, start + 1),
            "unterminated-string",
            atEnd
              ? `string is not closed: missing ${image[0]} before the end of the file`
              : `string is not closed: missing ${image[0]} before the end of the line (strings cannot span lines)`,
          ),
        );
      }
    } else if (
      (type === decimalIdx || type === hexIdx) &&
      tokens.end(i) - start > 17 && // shorter ones always fit: int64 has 19 decimal digits
      integerTooBig(tokens.image(i))
    ) {
      const image = tokens.image(i);
      report(
        error(
          spanOf(file, start, start + image.length),
          "integer-too-big",
          `integer ${image} does not fit in 64 bits (i64 is -9223372036854775808 to 9223372036854775807)`,
        ),
      );
    }
  }
  // The two passes interleave in the text; report in source order.
  diagnostics.sort((a, b) => a.span.start - b.span.start);
  holes.sort((a, b) => a.start - b.start);
  return {
    tokens,
    docComments: result.comments,
    diagnostics: diagnostics.slice(0, MAX_LEXER_ERRORS),
    holes,
  };
}
