// Reading Chevrotain's tree defensively. After error recovery any child may be missing, and
// tokens inserted by recovery have no offsets: only real tokens give spans. Shared by the AST
// builder's parts (build-values.ts, build-ast.ts).
import type { CstElement, CstNode, IToken } from "chevrotain";
import { error, type Diagnostic } from "../diagnostics.js";
import { spanOf, type SourceFile, type Span } from "../source.js";
import type * as ast from "./ast.js";

/** Whether a tree element is a token (otherwise it is a node). */
export function isToken(element: CstElement): element is IToken {
  return (element as IToken).image !== undefined;
}

/** A token that was really in the input (recovery inserts tokens without offsets). */
export function isRealToken(element: CstElement | undefined): element is IToken {
  return (
    element !== undefined &&
    isToken(element) &&
    element.isInsertedInRecovery !== true &&
    Number.isFinite(element.startOffset)
  );
}

// The helpers take a child list (`token(node.children.Identifier)`) rather than a node and a key:
// a named property read is much faster than a computed one over megabytes of tree.

/** The first element of a child list when it is a real token. */
export function token(elements: readonly CstElement[] | undefined): IToken | undefined {
  const element = elements?.[0];
  return isRealToken(element) ? element : undefined;
}

/** The first element of a child list when it is a node. */
export function child(elements: readonly CstElement[] | undefined): CstNode | undefined {
  const element = elements?.[0];
  return element !== undefined && !isToken(element) ? element : undefined;
}

const NO_NODES: readonly CstNode[] = [];

/**
 * The nodes of a child list. A list of a rule's label holds nodes only, and is returned as it
 * is: a copy for every field of a large file was garbage the parse had to collect.
 */
export function childNodes(elements: readonly CstElement[] | undefined): readonly CstNode[] {
  if (elements === undefined) return NO_NODES;
  if (!elements.some(isToken)) return elements as readonly CstNode[];
  return elements.filter((element): element is CstNode => !isToken(element));
}

/** The first offset of a node, from its location or its first real token. */
export function startOf(node: CstNode): number | undefined {
  const start = node.location?.startOffset;
  return start !== undefined && Number.isFinite(start) ? start : undefined;
}

/** The child key of `,`/`;` separators (a const's or typedef's own is left out of its span). */
export const SEPARATOR = "Separator";

/** Spans, names and diagnostics for one file's tree: what every builder part needs. */
export class CstReader {
  readonly diagnostics: Diagnostic[] = [];
  protected readonly file: SourceFile;

  constructor(file: SourceFile) {
    this.file = file;
  }

  protected tokenSpan(t: IToken): Span {
    return spanOf(this.file, t.startOffset, t.startOffset + t.image.length);
  }

  /** A node's span: from its first to its last real token. */
  protected span(node: CstNode): Span | undefined {
    const location = node.location;
    if (
      location !== undefined &&
      Number.isFinite(location.startOffset) &&
      Number.isFinite(location.endOffset)
    ) {
      return spanOf(this.file, location.startOffset, location.endOffset! + 1);
    }
    return this.spanOfChildren(node, undefined);
  }

  /** The span of a const or typedef, whose own trailing separator is not part of it. */
  protected definitionSpan(node: CstNode): Span | undefined {
    return node.children[SEPARATOR] === undefined
      ? this.span(node)
      : this.spanOfChildren(node, SEPARATOR);
  }

  /** A span computed from a node's children (real tokens and located nodes), minus one key. */
  protected spanOfChildren(node: CstNode, skip: string | undefined): Span | undefined {
    let start = Infinity;
    let end = -Infinity;
    for (const key in node.children) {
      if (key === skip) continue;
      for (const element of node.children[key]!) {
        if (isToken(element)) {
          if (!isRealToken(element)) continue;
          start = Math.min(start, element.startOffset);
          end = Math.max(end, element.startOffset + element.image.length);
        } else {
          const loc = element.location;
          if (loc === undefined || !Number.isFinite(loc.startOffset)) continue;
          if (!Number.isFinite(loc.endOffset)) continue;
          start = Math.min(start, loc.startOffset);
          end = Math.max(end, loc.endOffset! + 1);
        }
      }
    }
    return start === Infinity ? undefined : spanOf(this.file, start, end);
  }

  // Nodes spell out `file`, `start` and `end` from a span rather than spreading it: on Node 20,
  // `{ ...span, kind }` in the builders made `idlc check` of a 2 MB file 2.6 times slower.

  /** An identifier node, where its token was written. */
  protected identifier(t: IToken): ast.Identifier {
    const start = t.startOffset;
    return {
      kind: "identifier",
      text: t.image,
      file: this.file,
      start,
      end: start + t.image.length,
    };
  }

  protected report(span: Span, code: string, message: string): void {
    this.diagnostics.push(error(span, code, message));
  }
}
