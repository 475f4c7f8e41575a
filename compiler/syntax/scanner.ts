// The lexer's inner loop, by hand: the token patterns of tokens.ts, matched exactly as Chevrotain's
// lexer matches them (first pattern in order wins; a keyword loses to a longer identifier), but
// one character class test at a time instead of a regular expression or two per token. Chevrotain's
// own lexer, built from the same token types, is the reference it is tested against
// (test/compiler/scanner.test.ts). On the 2.2 MB benchmark IDL it runs in half the instructions,
// and its tokens are a quarter smaller, which the garbage collector feels most.
import type { IToken, TokenType } from "chevrotain";

/** The token types the scanner makes, from tokens.ts (passed in: tokens.ts imports this file). */
export interface ScannerTokenTypes {
  readonly docComment: TokenType;
  readonly unterminatedComment: TokenType;
  readonly stringLiteral: TokenType;
  readonly unterminatedString: TokenType;
  /** Each keyword's text (`true`, `java_package`, …) and its token type. */
  readonly keywords: ReadonlyMap<string, TokenType>;
  readonly identifier: TokenType;
  readonly doubleConstant: TokenType;
  readonly hexInteger: TokenType;
  readonly decimalInteger: TokenType;
  /** The one-character symbols (`{`, `:`, …) and their token types. */
  readonly symbols: ReadonlyMap<string, TokenType>;
  readonly unexpectedCharacters: TokenType;
}

/** A file's tokens, as Chevrotain's `tokenize` groups them. */
export interface Scanned {
  /** Tokens for the parser. */
  readonly tokens: IToken[];
  /** Doc comments (the "comments" group). */
  readonly comments: IToken[];
  /** Unterminated comments and runs of unexpected characters (the "errors" group). */
  readonly errors: IToken[];
}

// Character classes, by UTF-16 code unit.
const WHITESPACE = 1; // [ \t\r\n]
const IDENTIFIER_START = 2; // [a-zA-Z_]
const DIGIT = 4; // [0-9]
const HEX_DIGIT = 8; // [0-9A-Fa-f]
const UNEXPECTED = 16; // [\x00-\x08\x0b\x0c\x0e-\x1f!$%?@\\^`|~\x7f-\uffff]: starts no token
const classes = new Uint8Array(128);
for (const c of " \t\r\n") classes[c.charCodeAt(0)]! |= WHITESPACE;
for (let c = 0; c < 128; c++) {
  const s = String.fromCharCode(c);
  if (/[a-zA-Z_]/.test(s)) classes[c]! |= IDENTIFIER_START;
  if (/[0-9]/.test(s)) classes[c]! |= DIGIT;
  if (/[0-9A-Fa-f]/.test(s)) classes[c]! |= HEX_DIGIT;
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f!$%?@\\^`|~\x7f]/.test(s)) classes[c]! |= UNEXPECTED;
}

function is(text: string, i: number, cls: number): boolean {
  const c = text.charCodeAt(i); // NaN past the end: no class
  return c < 128 && (classes[c]! & cls) !== 0;
}

function isUnexpected(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 ? (classes[c]! & UNEXPECTED) !== 0 : c >= 128; // NaN: false
}

/** Index just past an exponent `[eE][+-]?[0-9]+` at `i`, or -1. */
function exponentEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c !== 0x65 /* e */ && c !== 0x45 /* E */) return -1;
  let j = i + 1;
  const sign = text.charCodeAt(j);
  if (sign === 0x2b /* + */ || sign === 0x2d /* - */) j++;
  if (!is(text, j, DIGIT)) return -1;
  while (is(text, j, DIGIT)) j++;
  return j;
}

/**
 * Returns the scanner for these token types. Throws if the keywords could make it disagree with
 * Chevrotain: a keyword that is a prefix of another would win over it there, but not here.
 */
export function createScanner(types: ScannerTokenTypes): (text: string) => Scanned {
  const words = [...types.keywords.keys()];
  for (const a of words) {
    for (const b of words) {
      if (a !== b && b.startsWith(a)) throw new Error(`keyword "${a}" is a prefix of "${b}"`);
    }
  }
  // A keyword token's image is the keyword's own string, not a copy per token.
  const keywords = new Map([...types.keywords].map(([word, type]) => [word, { word, type }]));
  // By character code: whether a keyword starts with it (most names need no keyword lookup),
  // and the symbol it is, if any.
  const keywordStart = new Uint8Array(128);
  for (const word of words) keywordStart[word.charCodeAt(0)] = 1;
  const symbols: (TokenType | undefined)[] = [];
  for (const [char, type] of types.symbols) symbols[char.charCodeAt(0)] = type;
  const byIndex: TokenType[] = [];
  for (const type of [
    ...Object.values(types).filter((v): v is TokenType => !(v instanceof Map)),
    ...types.keywords.values(),
    ...types.symbols.values(),
  ]) {
    byIndex[type.tokenTypeIdx!] = type;
  }

  /**
   * A token as Chevrotain's lexer makes it, but smaller: half a million of them live until the
   * end of parsing on a big file, and every byte of them is copied by the garbage collector.
   * The end offset (inclusive) and the type are worked out when asked for.
   */
  class Token implements IToken {
    image: string;
    startOffset: number;
    tokenTypeIdx: number;
    constructor(image: string, startOffset: number, tokenTypeIdx: number) {
      this.image = image;
      this.startOffset = startOffset;
      this.tokenTypeIdx = tokenTypeIdx;
    }
    get endOffset(): number {
      return this.startOffset + this.image.length - 1;
    }
    get tokenType(): TokenType {
      return byIndex[this.tokenTypeIdx]!;
    }
  }

  return function scan(text: string): Scanned {
    const tokens: IToken[] = [];
    const comments: IToken[] = [];
    const errors: IToken[] = [];
    const length = text.length;
    const push = (out: IToken[], type: TokenType, start: number, end: number): void => {
      out.push(new Token(text.slice(start, end), start, type.tokenTypeIdx!));
    };

    let i = 0;
    while (i < length) {
      const c = text.charCodeAt(i);
      const start = i;

      if (c < 128 && (classes[c]! & WHITESPACE) !== 0) {
        i++;
        while (is(text, i, WHITESPACE)) i++;
        continue;
      }

      // Identifier: [a-zA-Z_](\.?[a-zA-Z_0-9])*; a keyword when it is exactly one.
      if (c < 128 && (classes[c]! & IDENTIFIER_START) !== 0) {
        i++;
        for (;;) {
          if (is(text, i, IDENTIFIER_START | DIGIT)) i++;
          else if (text.charCodeAt(i) === 0x2e /* . */ && is(text, i + 1, IDENTIFIER_START | DIGIT))
            i += 2;
          else break;
        }
        const image = text.slice(start, i);
        const keyword = keywordStart[c] === 1 ? keywords.get(image) : undefined;
        tokens.push(
          keyword === undefined
            ? new Token(image, start, types.identifier.tokenTypeIdx!)
            : new Token(keyword.word, start, keyword.type.tokenTypeIdx!),
        );
        continue;
      }

      const symbol = symbols[c];
      if (symbol !== undefined) {
        push(tokens, symbol, start, ++i);
        continue;
      }

      if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
        // "([^"\\\r\n]|\\[^\r\n])*" or, cut off by a line end or the end of the file,
        // the same without the closing quote (and with a trailing backslash, if any).
        i++;
        let closed = false;
        for (;;) {
          const d = text.charCodeAt(i);
          if (d === c) {
            i++;
            closed = true;
            break;
          }
          if (i >= length || d === 0x0a || d === 0x0d) break;
          if (d === 0x5c /* \ */) {
            const e = text.charCodeAt(i + 1);
            if (i + 1 < length && e !== 0x0a && e !== 0x0d) {
              i += 2; // an escape; literals.ts checks it
              continue;
            }
            i++; // a backslash last on its line belongs to the unterminated string
            break;
          }
          i++;
        }
        push(tokens, closed ? types.stringLiteral : types.unterminatedString, start, i);
        continue;
      }

      if (c === 0x2f /* / */ || c === 0x23 /* # */) {
        const next = text.charCodeAt(i + 1);
        if (c === 0x23 || next === 0x2f) {
          // A line comment, to the end of the line.
          i++;
          while (i < length) {
            const d = text.charCodeAt(i);
            if (d === 0x0a || d === 0x0d) break;
            i++;
          }
          continue;
        }
        if (next === 0x2a /* * */) {
          // `/**/`, `/***/`…: an empty comment.
          let j = i + 2;
          while (text.charCodeAt(j) === 0x2a) j++;
          if (j > i + 2 && text.charCodeAt(j) === 0x2f) {
            i = j + 1;
            continue;
          }
          const doc = text.charCodeAt(i + 2) === 0x2a;
          // The comment ends at the first `*/` whose star is not one of the opening `/*` (`/**`).
          const close = text.indexOf("*/", i + (doc ? 3 : 2));
          if (close === -1) {
            push(errors, types.unterminatedComment, start, length);
            i = length;
          } else {
            i = close + 2;
            if (doc) push(comments, types.docComment, start, i);
          }
          continue;
        }
      }

      // Numbers: a double ([0-9]*\.[0-9]+ exponent?, or [0-9]+ exponent), then 0x hex, then
      // decimal, each with an optional sign.
      if (c === 0x2b || c === 0x2d || c === 0x2e || (c < 128 && (classes[c]! & DIGIT) !== 0)) {
        let j = c === 0x2b || c === 0x2d ? i + 1 : i;
        const digits = j;
        while (is(text, j, DIGIT)) j++;
        let type: TokenType | undefined;
        let end = j;
        if (text.charCodeAt(j) === 0x2e && is(text, j + 1, DIGIT)) {
          end = j + 1;
          while (is(text, end, DIGIT)) end++;
          const e = exponentEnd(text, end);
          if (e !== -1) end = e;
          type = types.doubleConstant;
        } else if (j > digits && exponentEnd(text, j) !== -1) {
          end = exponentEnd(text, j);
          type = types.doubleConstant;
        } else if (
          text.charCodeAt(digits) === 0x30 /* 0 */ &&
          text.charCodeAt(digits + 1) === 0x78 /* x */ &&
          is(text, digits + 2, HEX_DIGIT)
        ) {
          end = digits + 2;
          while (is(text, end, HEX_DIGIT)) end++;
          type = types.hexInteger;
        } else if (j > digits) {
          type = types.decimalInteger;
        }
        if (type !== undefined) {
          push(tokens, type, start, end);
          i = end;
          continue;
        }
      }

      // What no token starts with: a run of such characters, or a lone `+ - . /`.
      if (isUnexpected(text, i)) {
        i++;
        while (isUnexpected(text, i)) i++;
      } else {
        i++; // + - . / (anything else has matched above)
      }
      push(errors, types.unexpectedCharacters, start, i);
    }
    return { tokens, comments, errors };
  };
}
