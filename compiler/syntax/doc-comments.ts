// Doc comments (spec thrift-idl.md §1.2): which node a `/** … */` documents, and its text
// cleaned up the way Apache's `clean_up_doctext` (main.cc) does it.
import type { IToken } from "chevrotain";
import type { SourceFile } from "../source.js";
import type { DocComment } from "./ast.js";

/**
 * The text of a doc comment token as Apache keeps it: CRs removed, the first line's leading
 * blanks removed, a common ` * ` column removed, then the common indentation, trailing blanks,
 * a leading empty line and a trailing blank line. Lines are joined with `\n` (Apache also ends
 * the text with one; we do not). Undefined when nothing is left.
 */
export function cleanDocText(image: string): string | undefined {
  // One line (most doc comments in big files): all the steps below come down to trimming it.
  if (!image.includes("\n")) {
    const line = image
      .slice(3, -2)
      .replace(/\r/g, "")
      .replace(/^[ \t]+|[ \t]+$/g, "");
    return line === "" ? undefined : line;
  }
  return cleanDocTextByLines(image);
}

/** {@link cleanDocText} step by step, for any comment (exported to test the one-line path). */
export function cleanDocTextByLines(image: string): string | undefined {
  // thriftl.ll keeps the text after "/**" and turns the closing "*/" into a blank.
  const text = `${image.slice(3, -2)} `.replace(/\r/g, "");
  const lines = text.split("\n");
  // "If the last line is only whitespace, drop it."
  if (/^[ \t]*$/.test(lines[lines.length - 1]!)) lines.pop();
  if (lines.length === 0) return undefined;

  const leading = (line: string): number => {
    const m = /[^ \t]/.exec(line);
    return m ? m.index : -1;
  };
  lines[0] = lines[0]!.replace(/^[ \t]+/, "");

  // If every non-blank line after the first has the same indentation followed by "*", drop both.
  let havePrefix = true;
  let prefix = -1;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const pos = leading(line);
    if (pos === -1) {
      lines[i] = ""; // a blank line: truncate it
    } else if (prefix === -1) {
      if (line[pos] !== "*") {
        havePrefix = false;
        break;
      }
      prefix = pos;
    } else if (pos !== prefix || line[pos] !== "*") {
      havePrefix = false;
      break;
    }
  }
  if (havePrefix && prefix !== -1) {
    for (let i = 1; i < lines.length; i++) lines[i] = lines[i]!.slice(prefix + 1);
  }

  // Then the smallest indentation of the non-blank lines after the first.
  let indent = -1;
  for (let i = 1; i < lines.length; i++) {
    const pos = leading(lines[i]!);
    if (pos !== -1 && (indent === -1 || pos < indent)) indent = pos;
  }
  if (indent > 0) for (let i = 1; i < lines.length; i++) lines[i] = lines[i]!.slice(indent);

  for (let i = 0; i < lines.length; i++) lines[i] = lines[i]!.replace(/[ \t]+$/, "");
  if (lines[0] === "") lines.shift();
  const result = lines.join("\n").replace(/\n+$/, "");
  return result === "" ? undefined : result;
}

/**
 * Hands each doc comment to the node it documents, as Apache's parser does: a node (definition,
 * field, enum value, function) takes the most recent doc comment before its first token that no
 * earlier node took; a header throws the pending one away. Nodes must ask in source order, which
 * keeps this linear in the number of comments.
 */
export class DocAttacher {
  private readonly docs: readonly IToken[];
  private readonly file: SourceFile;
  private next = 0;
  private pending: IToken | undefined;

  constructor(file: SourceFile, docs: readonly IToken[]) {
    this.file = file;
    this.docs = docs;
  }

  private advance(offset: number): void {
    while (this.next < this.docs.length && this.docs[this.next]!.startOffset < offset) {
      this.pending = this.docs[this.next++];
    }
  }

  /** The doc comment of the node whose first token starts at `offset`, if any. */
  take(offset: number): DocComment | undefined {
    this.advance(offset);
    const token = this.pending;
    this.pending = undefined;
    return token && this.docComment(token);
  }

  /** A header starts at `offset`: the pending doc comment documents nothing. */
  header(offset: number): void {
    this.advance(offset);
    this.pending = undefined;
  }

  /**
   * The program's doc (spec §1.2): the file's first doc comment when a header follows it, that
   * is, when it comes before the first header and no definition does. Apache's own rule also
   * keeps it in a few accidents of its lexer's lookahead (a file of only a doc comment, or a
   * first definition followed by a documented one); we do not copy those.
   */
  programDoc(
    firstHeader: number | undefined,
    firstDefinition: number | undefined,
  ): DocComment | undefined {
    const first = this.docs[0];
    if (first === undefined || firstHeader === undefined || first.startOffset > firstHeader) {
      return undefined;
    }
    if (firstDefinition !== undefined && firstDefinition < firstHeader) return undefined;
    return this.docComment(first);
  }

  private docComment(token: IToken): DocComment | undefined {
    const text = cleanDocText(token.image);
    if (text === undefined) return undefined;
    const start = token.startOffset;
    return { text, file: this.file, start, end: start + token.image.length };
  }
}
