// What each token is to the layout, read off the syntax tree: where a header, a definition or a
// body member starts (a line break goes before it), which braces open and close a definition's
// body (its members go one per line, indented), and which names are method names (no space
// before their argument list). Everything else is laid out from the tokens alone.
import type { Document, FieldNode } from "../syntax/ast.js";
import type { TokenVector } from "../syntax/scanner.js";

/** Roles of tokens, by token index. */
export const Role = {
  DEFINITION_START: 1,
  MEMBER_START: 2,
  BODY_OPEN: 4,
  BODY_CLOSE: 8,
  METHOD_NAME: 16,
} as const;

/** The layout roles of every token of a parsed file (a bit set per token). */
export function tokenRoles(document: Document, tokens: TokenVector): Uint8Array {
  const roles = new Uint8Array(tokens.length);
  /** The first token at or after `offset` (binary search on token starts). */
  const tokenAt = (offset: number): number => {
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tokens.start(mid) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const mark = (offset: number, role: number): void => {
    const i = tokenAt(offset);
    if (i < tokens.length) roles[i]! |= role;
  };
  /** Marks the `{` after the name and its matching `}`. */
  const body = (afterOffset: number): void => {
    let i = tokenAt(afterOffset);
    while (i < tokens.length && tokens.image(i) !== "{") i++;
    if (i >= tokens.length) return;
    roles[i]! |= Role.BODY_OPEN;
    for (let depth = 0; i < tokens.length; i++) {
      const image = tokens.image(i);
      if (image === "{") depth++;
      else if (image === "}" && --depth === 0) {
        roles[i]! |= Role.BODY_CLOSE;
        return;
      }
    }
  };
  const members = (list: readonly { readonly start: number }[]): void => {
    for (const m of list) mark(m.start, Role.MEMBER_START);
  };

  for (const h of document.headers) mark(h.start, Role.DEFINITION_START);
  for (const d of document.definitions) {
    mark(d.start, Role.DEFINITION_START);
    switch (d.kind) {
      case "struct":
      case "union":
      case "exception":
        body(d.name.end);
        members(d.fields satisfies readonly FieldNode[]);
        break;
      case "enum":
        body(d.name.end);
        members(d.values);
        break;
      case "service":
        body((d.extends ?? d.name).end);
        members(d.functions);
        for (const f of d.functions) mark(f.name.start, Role.METHOD_NAME);
        break;
      case "const":
      case "typedef":
        break;
    }
  }
  return roles;
}
