// `idlc fmt`: one canonical layout, from the tokens of a file that parses. Tokens and comments are
// printed in their original order with only the whitespace between them decided here, so the
// meaning cannot change (and formatIdl checks that it did not): one header or definition per
// line, members one per line indented two spaces, one space between words, none inside brackets
// or before `,` `;` `:` `)`, comments where they were (a trailing comment stays on its line), at
// most one blank line kept where there were blank lines. A const value or argument list written
// across lines keeps its line breaks, indented.
import { SourceFile } from "../source.js";
import type { Diagnostic } from "../diagnostics.js";
import { parseSource } from "../syntax/parse.js";
import { lexSource } from "../syntax/tokens.js";
import { Role, tokenRoles } from "./layout.js";
import { commentAt, commentsIn, lineBreaks, type Comment } from "./trivia.js";

/** Formatted text, or the errors that stopped formatting (a file is formatted only when it parses). */
export type FormatResult =
  | { readonly kind: "formatted"; readonly text: string }
  | { readonly kind: "errors"; readonly diagnostics: readonly Diagnostic[] };

/** One thing to print: a token (by index) or a comment; `breaks` counts line breaks before it. */
type Item =
  | { readonly kind: "token"; readonly index: number; readonly text: string; breaks: number }
  | { readonly kind: "comment"; readonly comment: Comment; readonly text: string; breaks: number };

const OPENERS = new Set(["(", "[", "<", "{"]);
const CLOSERS = new Set([")", "]", ">", "}"]);
const NO_SPACE_BEFORE = new Set([",", ";", ")", "]", ">", ":", "&"]);
const CONTAINER_KEYWORDS = new Set(["list", "set", "map"]);
const INDENT = 2;

/** Formats one IDL file in idlc's canonical style. Never throws on bad input. */
export function formatIdl(path: string, text: string): FormatResult {
  const file = new SourceFile(path, text.startsWith("\ufeff") ? text.slice(1) : text);
  const parsed = parseSource(file);
  const errors = parsed.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) return { kind: "errors", diagnostics: errors };
  const items = itemsOf(file);
  const roles = tokenRoles(parsed.document, lexSource(file).tokens);
  const formatted = print(items, roles);
  // Only whitespace may change: the same tokens and comments, in order, or it is an idlc bug.
  if (fingerprint(itemsOf(new SourceFile(path, formatted))) !== fingerprint(items))
    throw new Error(`formatting "${path}" would change its tokens or comments`);
  return { kind: "formatted", text: formatted };
}

/** Tokens and comments without any whitespace, the part of a file formatting must keep. */
function fingerprint(items: readonly Item[]): string {
  return items.map((i) => (i.kind === "token" ? i.text : i.text.replace(/\s+/g, ""))).join("\0");
}

/** Tokens and comments of a file in source order, each with the line breaks before it. */
function itemsOf(file: SourceFile): Item[] {
  const text = file.text;
  const lexed = lexSource(file);
  const solid: Item[] = [];
  const tokens = lexed.tokens;
  for (let i = 0; i < tokens.length; i++)
    solid.push({ kind: "token", index: i, text: tokens.image(i), breaks: 0 });
  for (const d of lexed.docComments) {
    const comment = commentAt(text, d.startOffset, d.startOffset + d.image.length, false);
    solid.push({ kind: "comment", comment, text: d.image, breaks: 0 });
  }
  solid.sort((a, b) => startOf(a, tokens) - startOf(b, tokens));
  const items: Item[] = [];
  let end = 0;
  const add = (item: Item, start: number, stop: number): void => {
    item.breaks = lineBreaks(text, end, start);
    items.push(item);
    end = stop;
  };
  for (const item of solid) {
    const start = startOf(item, tokens);
    for (const c of commentsIn(text, end, start))
      add({ kind: "comment", comment: c, text: c.text, breaks: 0 }, c.start, c.end);
    add(item, start, item.kind === "token" ? tokens.end(item.index) : item.comment.end);
  }
  for (const c of commentsIn(text, end, text.length))
    add({ kind: "comment", comment: c, text: c.text, breaks: 0 }, c.start, c.end);
  return items;
}

function startOf(item: Item, tokens: { start(i: number): number }): number {
  return item.kind === "token" ? tokens.start(item.index) : item.comment.start;
}

interface Context {
  readonly body: boolean;
  /** Indentation of the line the opener is on. */
  readonly indent: number;
}

function print(items: readonly Item[], roles: Uint8Array): string {
  let out = "";
  let lineIndent = 0;
  const stack: Context[] = [];
  const role = (item: Item | undefined, r: number): boolean =>
    item?.kind === "token" && (roles[item.index]! & r) !== 0;

  for (let k = 0; k < items.length; k++) {
    const cur = items[k]!;
    const prev = items[k - 1];
    const top = stack[stack.length - 1];
    const closes = cur.kind === "token" && CLOSERS.has(cur.text) && top !== undefined;
    const gap = prev === undefined ? "none" : gapBefore(prev, cur, top, role);
    if (gap === "line" || gap === "blank") {
      const inner = top === undefined ? 0 : top.indent + INDENT;
      const continuation =
        cur.kind === "token" &&
        !closes &&
        !role(cur, Role.MEMBER_START | Role.DEFINITION_START) &&
        (top === undefined || top.body);
      lineIndent = closes ? top.indent : continuation ? inner + INDENT : inner;
      out = out.trimEnd() + (gap === "blank" ? "\n\n" : "\n") + " ".repeat(lineIndent);
    } else if (gap === "space") {
      out += " ";
    }
    out +=
      cur.kind === "comment" && gap !== "space" && gap !== "none"
        ? reindent(cur.comment, lineIndent)
        : cur.text;
    if (cur.kind === "token") {
      if (closes) stack.pop();
      else if (OPENERS.has(cur.text))
        stack.push({ body: role(cur, Role.BODY_OPEN), indent: lineIndent });
    }
  }
  out = out.trimEnd();
  return out === "" ? "" : `${out}\n`;
}

type Gap = "none" | "space" | "line" | "blank";

function gapBefore(
  prev: Item,
  cur: Item,
  top: Context | undefined,
  role: (item: Item | undefined, r: number) => boolean,
): Gap {
  const afterOpener = prev.kind === "token" && OPENERS.has(prev.text);
  const line = (): Gap => (cur.breaks >= 2 && !afterOpener ? "blank" : "line");
  if (prev.kind === "comment" && prev.comment.line) return line();
  if (cur.kind === "comment") return cur.breaks === 0 ? "space" : line();
  if (role(cur, Role.BODY_CLOSE)) return role(prev, Role.BODY_OPEN) ? "none" : "line";
  if (role(cur, Role.DEFINITION_START | Role.MEMBER_START)) return line();
  if (role(prev, Role.BODY_OPEN)) return "line";
  if (top !== undefined && !top.body && cur.breaks > 0) return "line";
  if (prev.kind === "comment") return "space";
  if (NO_SPACE_BEFORE.has(cur.text)) return "none";
  if (prev.text === "(" || prev.text === "[" || prev.text === "<") return "none";
  // A const map is written `{ "a": 1 }`, as prettier writes objects; an empty one `{}`.
  if (prev.text === "{" && !role(prev, Role.BODY_OPEN)) return cur.text === "}" ? "none" : "space";
  if (cur.text === "<" && CONTAINER_KEYWORDS.has(prev.text)) return "none";
  if (cur.text === "(" && role(prev, Role.METHOD_NAME)) return "none";
  return "space";
}

/**
 * A comment that starts its own line, moved to `indent`: its later lines move with it when each
 * is indented at least as far as the comment started (the usual ` * ` block), else stay as written.
 */
function reindent(comment: Comment, indent: number): string {
  const lines = comment.text.split(/\r\n|\n|\r/);
  if (lines.length === 1) return comment.text;
  const column = comment.column;
  const rest = lines.slice(1);
  const movable = rest.every((l) => l.trim() === "" || /^[ \t]*/.exec(l)![0].length >= column);
  if (!movable) return lines.join("\n");
  const pad = " ".repeat(indent);
  return [lines[0]!, ...rest.map((l) => (l.trim() === "" ? "" : pad + l.slice(column)))].join("\n");
}
