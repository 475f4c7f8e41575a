// Word skeletons: the key of the formatting cache. Generated chunks repeat a few code shapes with
// different names, and prettier lays a chunk out from its syntax and the widths of its tokens —
// not from what its identifiers say. So every word (identifier, or word inside a string or
// comment) is replaced by a placeholder of the same length and first character, except the words
// prettier does look at (KEEP_WORDS); chunks that differ only in names share one skeleton, which
// prettier formats once. The formatted skeleton becomes a template whose holes take the words back.
//
// Why the layout is unchanged: a placeholder has the same width (ASCII, same length), the same
// first character (prettier's member chains treat a capitalised or `$`/`_`-only head specially),
// is never a keyword or a name prettier compares against (those are kept as written), and the
// mapping is one-to-one per chunk, so equal words stay equal. Prettier adds and removes no words
// and reorders none, so the n-th word of its output is the n-th word of its input; the template
// check below (every placeholder known, same number of holes as replaced words) catches a break
// of that rule. test/compiler/format.test.ts compares the result with plain prettier.
import { hash as digest } from "node:crypto";

/**
 * Words kept as written: TypeScript's keywords (they change the parse) and every name prettier's
 * estree printer compares an identifier with (test calls, `require`, embedded-language tags,
 * `prettier-ignore`, …). A test re-derives both lists from typescript and prettier.
 */
const KEEP_WORDS: ReadonlySet<string> = new Set(
  [
    // TypeScript keywords, reserved and contextual (ts.tokenToString of every keyword kind)
    "abstract accessor any as assert asserts async await bigint boolean break case catch class",
    "const constructor continue debugger declare default defer delete do else enum export extends",
    "false finally for from function get global if implements import in infer instanceof",
    "interface intrinsic is keyof let module namespace never new null number object of out",
    "override package private protected public readonly require return satisfies set static",
    "string super switch symbol this throw true try type typeof undefined unique unknown using var",
    "void while with yield",
    // Identifiers prettier's printer treats specially
    "Boolean Component afterAll afterEach arguments beforeAll beforeEach component css define",
    "describe each eval experimental exports extend fakeAsync fbt fdescribe fit fixme ftest gql",
    "graphql hook html inject it jsx markdown md only parallel serial skip step style styled",
    "styles template test then track waitForAsync xdescribe xit xtest",
    // Comment directives and pragmas
    "prettier ignore format noformat noprettier use strict",
  ]
    .join(" ")
    .split(" "),
);

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Escapes, numbers and words in formatted text (which holds no escape outside strings and comments). */
const WORDS = /\\[\s\S]|\d[\w$]*|[A-Za-z_$][\w$]*/g;

/** Whether a word is kept as written: it cannot be replaced without changing the layout. */
export function isKept(word: string): boolean {
  if (word.length < 2 || KEEP_WORDS.has(word)) return true;
  const c = word.charCodeAt(0);
  return (c === 36 || c === 95) && /^[$_]+$/.test(word); // `$` or `_` only: see the file comment
}

/** A chunk with its words replaced by placeholders. */
export interface Skeleton {
  /**
   * The text prettier formats, as UTF-16LE bytes (as long as the chunk: placeholders keep the
   * lengths); hashed as such for the cache, made a string only on a miss (`skeletonText`).
   */
  readonly bytes: Buffer;
  /** The replaced words, distinct, in order of first occurrence: hole k of a template takes words[k]. */
  readonly words: readonly string[];
  /** Placeholder → index into `words`. */
  readonly placeholders: ReadonlyMap<string, number>;
  /** How many word occurrences were replaced. */
  readonly replaced: number;
}

/** The text of a skeleton. */
export function skeletonText(skeleton: Skeleton): string {
  return skeleton.bytes.toString("utf16le");
}

/** A key that is equal for equal skeletons only (a SHA-1 of the text). */
export function skeletonKey(skeleton: Skeleton): string {
  return digest("sha1", skeleton.bytes, "base64");
}

// Character classes of the scanner, by UTF-16 code unit below 128.
const WORD_START = 1;
const WORD_PART = 2;
const classes = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_$]/.test(ch)) classes[c] = WORD_START | WORD_PART;
  else if (/[0-9]/.test(ch)) classes[c] = WORD_PART;
}
const isPart = (c: number) => c < 128 && (classes[c]! & WORD_PART) !== 0;

/**
 * The skeleton of a chunk, or undefined when it holds what the skeleton does not handle: a
 * template literal, a regular expression or division, an escape outside a string, an escape
 * prettier may drop (`"\d"` → `"d"`, which would join two words), more words of one first
 * character and length than there are placeholders.
 */
export function skeletonOf(text: string): Skeleton | undefined {
  const bytes = Buffer.from(text, "utf16le");
  const slots = new Map<string, string | null>(); // word → its placeholder, null when kept
  const words: string[] = [];
  const placeholders = new Map<string, number>();
  const used = new Map<string, number>(); // placeholders taken per first character and length
  let replaced = 0;
  let quote = 0; // the quote of the string literal being scanned, or 0
  let commentEnd = -1; // the end of the comment being scanned, or -1
  const n = text.length;
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (c < 128 && classes[c] === (WORD_START | WORD_PART)) {
      let j = i + 1;
      while (j < n && isPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      let placeholder = slots.get(word);
      if (placeholder === undefined) {
        // A placeholder may spell its word (`S0` for `S0`): it is a hole of the template all the same.
        const fresh = isKept(word) ? null : placeholderFor(word, used);
        if (fresh === undefined) return undefined;
        placeholder = fresh;
        slots.set(word, fresh);
        if (fresh !== null) {
          placeholders.set(fresh, words.length);
          words.push(word);
        }
      }
      if (placeholder !== null) {
        // The first character stays; the others are ASCII, one byte each in UTF-16LE.
        for (let m = 1; m < placeholder.length; m++) bytes[2 * (i + m)] = placeholder.charCodeAt(m);
        replaced++;
      }
      i = j;
    } else if (c >= 48 && c <= 57) {
      i++; // a number, kept with the word characters that follow it (1e5, 10n, 0xff)
      while (i < n && isPart(text.charCodeAt(i))) i++;
    } else if (commentEnd >= 0) {
      if (i >= commentEnd) commentEnd = -1;
      else i += c === 92 ? 2 : 1; // an escape in a comment is one token, as in templateOf
    } else if (quote !== 0) {
      if (c === 92) {
        const next = text.charCodeAt(i + 1);
        // Prettier keeps these escapes; it drops the backslash of others, like \d.
        if (isPart(next) && !/[bfnrtuvx0-7]/.test(text[i + 1]!)) return undefined;
        i += 2;
      } else {
        if (c === quote || c === 10) quote = 0;
        i++;
      }
    } else if (c === 34 || c === 39 /* " ' */) {
      quote = c;
      i++;
    } else if (c === 47 /* / */) {
      const next = text.charCodeAt(i + 1);
      if (next === 47) commentEnd = lineEndOf(text, i);
      else if (next === 42 /* * */) {
        const end = text.indexOf("*/", i + 2);
        if (end < 0) return undefined;
        commentEnd = end + 2;
      } else return undefined;
      i += 2;
    } else if (c === 96 || c === 92) {
      return undefined;
    } else i++;
  }
  return { bytes, words, placeholders, replaced };
}

function lineEndOf(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end < 0 ? text.length : end;
}

/** The next free placeholder for a word; undefined when its group has run out. */
function placeholderFor(word: string, used: Map<string, number>): string | undefined {
  const group = `${word[0]}${word.length}`;
  let k = used.get(group) ?? 0;
  let placeholder: string | undefined;
  do placeholder = encode(word[0]!, word.length, k++);
  while (placeholder !== undefined && isKept(placeholder));
  used.set(group, k);
  return placeholder;
}

/** The n-th placeholder of a group: the first character, then n in base 62 over the rest. */
function encode(first: string, length: number, n: number): string | undefined {
  let rest = "";
  for (let i = 1; i < length; i++, n = Math.floor(n / 62)) rest = ALPHABET[n % 62] + rest;
  return n === 0 ? first + rest : undefined;
}

/** Formatted text with holes: segments[0], a word, segments[1], …; hole i takes words[holes[i]]. */
export interface Template {
  readonly segments: readonly string[];
  readonly holes: readonly number[];
}

/**
 * The template of formatted text whose replaceable words are the keys of `slots` (placeholders,
 * or a representative's own words); undefined unless every such word is known and there are
 * exactly `expected` of them, as in the input.
 */
export function templateOf(
  formatted: string,
  slots: ReadonlyMap<string, number>,
  expected: number,
): Template | undefined {
  const segments: string[] = [];
  const holes: number[] = [];
  let from = 0;
  for (const match of formatted.matchAll(WORDS)) {
    const word = match[0];
    const c = word.charCodeAt(0);
    if (c === 92 || (c >= 48 && c <= 57) || isKept(word)) continue;
    const slot = slots.get(word);
    if (slot === undefined) return undefined;
    segments.push(formatted.slice(from, match.index));
    holes.push(slot);
    from = match.index + word.length;
  }
  segments.push(formatted.slice(from));
  return holes.length === expected ? { segments, holes } : undefined;
}

/** A template with no holes. */
export function verbatim(text: string): Template {
  return { segments: [text], holes: [] };
}

/** The text of a template with its holes filled from `words`. */
export function fill({ segments, holes }: Template, words: readonly string[]): string {
  // One flat string from an array: `+=` would build a rope of a thousand nodes per chunk.
  const parts: string[] = new Array<string>(segments.length + holes.length);
  parts[0] = segments[0]!;
  for (let i = 0; i < holes.length; i++) {
    parts[2 * i + 1] = words[holes[i]!]!;
    parts[2 * i + 2] = segments[i + 1]!;
  }
  return parts.join("");
}

/** Word → index into `words`, to make a template of formatted text that holds the words themselves. */
export function slotsOfWords(words: readonly string[]): Map<string, number> {
  return new Map(words.map((w, i) => [w, i]));
}
