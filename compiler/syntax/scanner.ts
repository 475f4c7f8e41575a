// The lexer's inner loop, by hand: the token patterns of tokens.ts, matched exactly as Chevrotain's
// lexer matches them (first pattern in order wins; a keyword loses to a longer identifier), but
// one character class test at a time instead of a regular expression or two per token. Chevrotain's
// own lexer, built from the same token types, is the reference it is tested against
// (test/compiler/scanner.test.ts). On the 2.2 MB benchmark IDL it runs in half the instructions.
// Tokens are kept as numbers in typed arrays (TokenVector) and become objects only when the
// parser reads them, so they die young instead of being copied by every scavenge of the parse.
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
  /** Tokens for the parser, kept as numbers; token objects are made on demand. */
  readonly tokens: TokenVector;
  /** Doc comments (the "comments" group). */
  readonly comments: IToken[];
  /** Unterminated comments and runs of unexpected characters (the "errors" group). */
  readonly errors: IToken[];
}

/**
 * A token as Chevrotain's lexer makes it, but smaller. The end offset (inclusive) and the type
 * are worked out when asked for.
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
    return tokenTypes[this.tokenTypeIdx]!;
  }
}

/** Every token type the scanner knows, by `tokenTypeIdx`. */
const tokenTypes: TokenType[] = [];
/** The `tokenTypeIdx` of identifiers. */
let identifierIdx = -1;
/** The image every token of a type has, if there is one (`struct`, `{`), by `tokenTypeIdx`. */
const fixedImages: (string | undefined)[] = [];

/**
 * A file's parser tokens as offsets and type numbers in typed arrays. Half a million token
 * objects that live until parsing ends cost the garbage collector more than making each one
 * when the parser reaches it (and dropping it with the tree of its definition): the parser reads
 * them through {@link TokenVector.at}.
 */
export class TokenVector {
  /** The number of tokens. */
  readonly length: number;
  private readonly text: string;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly types: Uint8Array;
  /** Each identifier's image, made once. */
  private readonly names = new Map<string, string>();

  constructor(text: string, starts: Int32Array, ends: Int32Array, types: Uint8Array) {
    this.text = text;
    this.length = starts.length;
    this.starts = starts;
    this.ends = ends;
    this.types = types;
  }

  /** The `tokenTypeIdx` of token `i`. */
  typeIdx(i: number): number {
    return this.types[i]!;
  }

  /** The token type of token `i`. */
  type(i: number): TokenType {
    return tokenTypes[this.types[i]!]!;
  }

  /** The first offset of token `i`. */
  start(i: number): number {
    return this.starts[i]!;
  }

  /** The offset just past token `i`. */
  end(i: number): number {
    return this.ends[i]!;
  }

  /** The text of token `i`. */
  image(i: number): string {
    return fixedImages[this.types[i]!] ?? this.text.slice(this.starts[i]!, this.ends[i]!);
  }

  /** A new token object for token `i`. */
  at(i: number): IToken {
    const type = this.types[i]!;
    const start = this.starts[i]!;
    const fixed = fixedImages[type];
    if (fixed !== undefined) return new Token(fixed, start, type);
    let image = this.text.slice(start, this.ends[i]!);
    if (type === identifierIdx) {
      // One string per distinct name: a name used ten thousand times is kept (by the AST and
      // the checked model) once, not ten thousand times.
      const known = this.names.get(image);
      if (known === undefined) this.names.set(image, image);
      else image = known;
    }
    return new Token(image, start, type);
  }

  /** Every token as an object (for tests and small files). */
  toArray(): IToken[] {
    const out: IToken[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.at(i));
    return out;
  }

  /** Index of the first token starting at or after `offset` (the length if none). */
  indexAt(offset: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The tokens without the index ranges `[from, to)` (ascending, disjoint). */
  without(ranges: readonly { from: number; to: number }[]): TokenVector {
    let count = this.length;
    for (const { from, to } of ranges) count -= to - from;
    const starts = new Int32Array(count);
    const ends = new Int32Array(count);
    const types = new Uint8Array(count);
    let n = 0;
    let next = 0;
    const copy = (from: number, to: number): void => {
      starts.set(this.starts.subarray(from, to), n);
      ends.set(this.ends.subarray(from, to), n);
      types.set(this.types.subarray(from, to), n);
      n += to - from;
    };
    for (const { from, to } of ranges) {
      copy(next, from);
      next = to;
    }
    copy(next, this.length);
    return new TokenVector(this.text, starts, ends, types);
  }
}

/** Collects tokens into growing typed arrays. */
class TokenVectorBuilder {
  private starts: Int32Array;
  private ends: Int32Array;
  private types: Uint8Array;
  private count = 0;

  constructor(capacity: number) {
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.types = new Uint8Array(capacity);
  }

  push(typeIdx: number, start: number, end: number): void {
    const n = this.count;
    if (n === this.starts.length) {
      const grow = <T extends Int32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
        const bigger = make(old.length * 2);
        bigger.set(old);
        return bigger;
      };
      this.starts = grow(this.starts, (k) => new Int32Array(k));
      this.ends = grow(this.ends, (k) => new Int32Array(k));
      this.types = grow(this.types, (k) => new Uint8Array(k));
    }
    this.starts[n] = start;
    this.ends[n] = end;
    this.types[n] = typeIdx;
    this.count = n + 1;
  }

  finish(text: string): TokenVector {
    const n = this.count;
    return new TokenVector(
      text,
      this.starts.subarray(0, n),
      this.ends.subarray(0, n),
      this.types.subarray(0, n),
    );
  }
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
  // By character code: the keywords that start with it (most names need no comparison at all),
  // and the symbol it is, if any.
  const keywordsByFirst: { word: string; typeIdx: number }[][] = [];
  for (const [word, type] of types.keywords) {
    (keywordsByFirst[word.charCodeAt(0)] ??= []).push({ word, typeIdx: type.tokenTypeIdx! });
  }
  const symbols: (TokenType | undefined)[] = [];
  for (const [char, type] of types.symbols) symbols[char.charCodeAt(0)] = type;
  for (const type of [
    ...Object.values(types).filter((v): v is TokenType => !(v instanceof Map)),
    ...types.keywords.values(),
    ...types.symbols.values(),
  ]) {
    if (type.tokenTypeIdx! > 255) throw new Error("token type numbers must fit in a byte");
    tokenTypes[type.tokenTypeIdx!] = type;
  }
  // A keyword type with one word (not `true|false`), and each symbol, has one image.
  const wordsByType = new Map<TokenType, string[]>();
  for (const [word, type] of types.keywords) {
    wordsByType.set(type, [...(wordsByType.get(type) ?? []), word]);
  }
  for (const [type, typeWords] of wordsByType) {
    if (typeWords.length === 1) fixedImages[type.tokenTypeIdx!] = typeWords[0];
  }
  for (const [char, type] of types.symbols) fixedImages[type.tokenTypeIdx!] = char;

  identifierIdx = types.identifier.tokenTypeIdx!;

  return function scan(text: string): Scanned {
    // About one token per five characters in typical IDL; the arrays grow if need be.
    const tokens = new TokenVectorBuilder(64 + (text.length >> 2));
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
        let typeIdx = identifierIdx;
        const candidates = keywordsByFirst[c];
        if (candidates !== undefined) {
          for (const { word, typeIdx: keywordIdx } of candidates) {
            if (word.length === i - start && text.startsWith(word, start)) {
              typeIdx = keywordIdx;
              break;
            }
          }
        }
        tokens.push(typeIdx, start, i);
        continue;
      }

      const symbol = symbols[c];
      if (symbol !== undefined) {
        tokens.push(symbol.tokenTypeIdx!, start, ++i);
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
        const type = closed ? types.stringLiteral : types.unterminatedString;
        tokens.push(type.tokenTypeIdx!, start, i);
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
          tokens.push(type.tokenTypeIdx!, start, end);
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
    return { tokens: tokens.finish(text), comments, errors };
  };
}
