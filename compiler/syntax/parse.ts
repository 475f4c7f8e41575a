// The syntax stage's entry point: text → tokens → CST → AST, with every problem as a
// diagnostic. Also where "one mistake, one message" is enforced for syntax errors, and where
// nesting is limited before the (recursive) parser sees it.
import type { IRecognitionException, IToken } from "chevrotain";
import { error, type Diagnostic } from "../diagnostics.js";
import { spanOf, type SourceFile, type Span } from "../source.js";
import type { Document } from "./ast.js";
import { buildDocument, createDocumentBuilder } from "./build-ast.js";
import { parseTokens } from "./grammar.js";
import type { TokenVector } from "./scanner.js";
import {
  Const,
  CppInclude,
  Enum,
  Exception,
  Include,
  LAngle,
  LBracket,
  LCurly,
  LegacyHeader,
  LParen,
  Namespace,
  RAngle,
  RBracket,
  RCurly,
  RParen,
  Senum,
  Service,
  Struct,
  Typedef,
  Union,
  lexSource,
} from "./tokens.js";

/**
 * Brackets of any kind (`<` `[` `{` `(`) may nest at most this deep. Real IDL nests a handful of
 * levels; the limit keeps the recursive parser, and every later stage, far from stack overflow.
 */
export const MAX_NESTING_DEPTH = 100;

/** The result of parsing one file: its syntax tree (partial if the file has errors) and diagnostics. */
export interface ParseResult {
  readonly document: Document;
  readonly diagnostics: Diagnostic[];
}

/** How {@link parseSource} works inside; the result is the same either way (tested). */
export interface ParseOptions {
  /**
   * Build the AST item by item while the parser runs (the default; far less garbage collection
   * on big files), or from the whole tree afterwards (always so for a file that says `slist`).
   */
  readonly buildWhileParsing?: boolean;
}

/** Parses one IDL file. Never throws: any problem, even an idlc bug, becomes a diagnostic. */
export function parseSource(file: SourceFile, options: ParseOptions = {}): ParseResult {
  try {
    return parseOrThrow(file, options.buildWhileParsing ?? true);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return {
      document: emptyDocument(file),
      diagnostics: [
        error(
          spanOf(file, 0, 0),
          "internal-error",
          `idlc: internal error: ${detail.split("\n")[0]}`,
        ),
      ],
    };
  }
}

function emptyDocument(file: SourceFile): Document {
  const span = spanOf(file, 0, file.text.length);
  return {
    file: span.file,
    start: span.start,
    end: span.end,
    kind: "document",
    doc: undefined,
    headers: [],
    definitions: [],
  };
}

function parseOrThrow(file: SourceFile, buildWhileParsing: boolean): ParseResult {
  const lexed = lexSource(file);
  const diagnostics = [...lexed.diagnostics];
  const holes = [...lexed.holes];
  const tokens = limitNesting(file, lexed.tokens, diagnostics, holes);
  // Built item by item, each item's tree is garbage while young, unless the file says `slist`:
  // whether that is an error depends on the names of later definitions.
  const builder =
    buildWhileParsing && !file.text.includes("slist")
      ? createDocumentBuilder(file, lexed.docComments)
      : undefined;
  const { cst, errors } = parseTokens(tokens, builder && ((item) => builder.add(item)));
  for (const d of syntaxErrors(file, tokens, errors, holes, diagnostics)) diagnostics.push(d);
  // Parsing cut short (too many errors) leaves no tree, whatever was built on the way.
  const built =
    builder !== undefined && cst !== undefined
      ? builder.finish()
      : buildDocument(file, cst, lexed.docComments);
  for (const d of built.diagnostics) diagnostics.push(d); // may be many: no spread
  diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { document: built.document, diagnostics };
}

// ---- nesting limit ---------------------------------------------------------------------------

// What each token type is to the nesting limit, by `tokenTypeIdx` (a table: this runs per token).
const OPENER = 1;
const CLOSER = 2;
const TOP_LEVEL_START = 4;
const nestingRoles = new Uint8Array(256);
for (const type of [LAngle, LBracket, LCurly, LParen]) nestingRoles[type.tokenTypeIdx!] = OPENER;
for (const type of [RAngle, RBracket, RCurly, RParen]) nestingRoles[type.tokenTypeIdx!] = CLOSER;
for (const type of [
  Include,
  CppInclude,
  Namespace,
  LegacyHeader,
  Const,
  Typedef,
  Enum,
  Senum,
  Struct,
  Union,
  Exception,
  Service,
]) {
  nestingRoles[type.tokenTypeIdx!] = TOP_LEVEL_START;
}

/**
 * Finds brackets nested deeper than {@link MAX_NESTING_DEPTH} before parsing, reports the first
 * one, and drops the whole header or definition around it (from the keyword that started it at
 * depth 0 to the next such keyword once the brackets close again), so the parser never recurses
 * that deep and the rest of the file still parses. Linear in the number of tokens.
 */
function limitNesting(
  file: SourceFile,
  tokens: TokenVector,
  diagnostics: Diagnostic[],
  holes: { start: number; end: number }[],
): TokenVector {
  let depth = 0;
  let itemStart = 0;
  const dropped: { from: number; to: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const role = nestingRoles[tokens.typeIdx(i)]!;
    if (role === 0) continue;
    if (depth === 0 && role === TOP_LEVEL_START) itemStart = i;
    if (role === CLOSER) depth = Math.max(0, depth - 1);
    if (role !== OPENER || ++depth <= MAX_NESTING_DEPTH) continue;
    const start = tokens.start(i);
    diagnostics.push(
      error(
        spanOf(file, start, start + 1),
        "nesting-too-deep",
        `brackets are nested too deeply (more than ${MAX_NESTING_DEPTH} levels)`,
      ),
    );
    // Skip to the next header or definition that starts after the brackets have closed.
    let j = i + 1;
    for (; j < tokens.length; j++) {
      const next = nestingRoles[tokens.typeIdx(j)]!;
      if (depth === 0 && next === TOP_LEVEL_START) break;
      if (next === CLOSER) depth = Math.max(0, depth - 1);
      else if (next === OPENER) depth++;
    }
    dropped.push({ from: itemStart, to: j });
    const end = j < tokens.length ? tokens.start(j) : file.text.length;
    holes.push({ start: tokens.start(itemStart), end });
    depth = 0;
    itemStart = j;
    i = j - 1;
  }
  if (dropped.length === 0) return tokens;
  holes.sort((a, b) => a.start - b.start);
  return tokens.without(dropped);
}

// ---- syntax errors -----------------------------------------------------------------------------

/**
 * Turns parser errors into diagnostics, one per mistake. Recovery guesses what was meant, and
 * a wrong guess shows up as a second error close behind the first; only the first is reliable.
 * So an error is dropped as a consequence when it is on the line of an earlier error (lexer or
 * parser), within two tokens of the previous one, or right after text the lexer threw away.
 */
function syntaxErrors(
  file: SourceFile,
  tokens: TokenVector,
  errors: readonly IRecognitionException[],
  holes: readonly { start: number; end: number }[],
  earlier: readonly Diagnostic[],
): Diagnostic[] {
  const linesWithErrors = new Set<number>();
  for (const d of earlier) linesWithErrors.add(file.position(d.span.start).line);
  const out: Diagnostic[] = [];
  let previousIndex = -Infinity;
  for (const e of errors) {
    const span = errorSpan(file, tokens, e.token);
    const line = file.position(span.start).line;
    const offset = isReal(e.token) ? e.token.startOffset : Infinity; // end of file: after all
    const index = tokens.indexAt(offset);
    const consequence =
      linesWithErrors.has(line) ||
      index - previousIndex <= 2 || // e.g. `1: void v` then `}`: the parser's guess went wrong
      followsHole(tokens, holes, offset);
    linesWithErrors.add(line);
    previousIndex = index;
    if (consequence) continue;
    out.push(error(span, "syntax-error", e.message));
  }
  return out;
}

function isReal(t: IToken | undefined): t is IToken {
  return t !== undefined && Number.isFinite(t.startOffset) && t.isInsertedInRecovery !== true;
}

/** The offending token's span; the end of the file is shown just after the last token. */
function errorSpan(file: SourceFile, tokens: TokenVector, t: IToken | undefined): Span {
  if (isReal(t)) return spanOf(file, t.startOffset, t.startOffset + t.image.length);
  const end = tokens.length > 0 ? tokens.end(tokens.length - 1) : file.text.length;
  return spanOf(file, end, end);
}

/** Whether a hole lies between the token before `offset` and `offset`. */
function followsHole(
  tokens: TokenVector,
  holes: readonly { start: number; end: number }[],
  offset: number,
): boolean {
  const before = tokens.indexAt(offset) - 1;
  const from = before >= 0 ? tokens.end(before) : 0;
  const hole = lastBefore(holes, offset, (h) => h.start);
  return hole !== undefined && hole.start >= from;
}

/** The last element whose key is below `offset`, by binary search over a sorted array. */
function lastBefore<T>(
  items: readonly T[],
  offset: number,
  key: (item: T) => number,
): T | undefined {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid]!) < offset) lo = mid + 1;
    else hi = mid;
  }
  return items[lo - 1];
}
