// The comments the lexer skips: the text between two tokens holds only whitespace, `//` and `#`
// line comments and `/* … *\/` block comments (doc comments are tokens of their own group), so
// a small scan of each gap finds them, with how many line breaks came before each.

/** A comment found between tokens, or a doc comment. */
export interface Comment {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** `//` or `#`: runs to the end of its line, so a line break must follow it. */
  readonly line: boolean;
  /** Characters between the start of its line and the comment (its indentation, when alone). */
  readonly column: number;
}

/** Makes a comment record for `text[start, end)`. */
export function commentAt(text: string, start: number, end: number, line: boolean): Comment {
  let lineStart = start;
  while (lineStart > 0 && text[lineStart - 1] !== "\n" && text[lineStart - 1] !== "\r") lineStart--;
  const body = text.slice(start, end);
  return { start, end, text: line ? body.trimEnd() : body, line, column: start - lineStart };
}

/** Comments in `text[start, end)`, a gap between tokens known to hold only whitespace and comments. */
export function commentsIn(text: string, start: number, end: number): Comment[] {
  const out: Comment[] = [];
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const close = text.indexOf("*/", i + 2);
      const stop = close === -1 || close + 2 > end ? end : close + 2;
      out.push(commentAt(text, i, stop, false));
      i = stop;
    } else if (c === 0x23 /* # */ || (c === 0x2f && text.charCodeAt(i + 1) === 0x2f)) {
      let stop = i;
      while (stop < end && text[stop] !== "\n" && text[stop] !== "\r") stop++;
      out.push(commentAt(text, i, stop, true));
      i = stop;
    } else {
      i++;
    }
  }
  return out;
}

/** Line breaks (`\r\n`, `\n` or `\r`, each one) in `text[start, end)`. */
export function lineBreaks(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}
