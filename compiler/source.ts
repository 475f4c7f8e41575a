/** A source file as the compiler sees it: the path as typed by the user and its decoded text. */
export class SourceFile {
  /**
   * Offsets (UTF-16 units) where each line starts; line 1 starts at offset 0. Found on first use:
   * only a diagnostic needs lines, and a clean 2 MB file would spend 15 ms finding them.
   */
  private starts: number[] | undefined;

  /** The path as the user typed it (or as an include resolved it), never made absolute. */
  readonly path: string;
  /** The file's text, BOM removed. */
  readonly text: string;

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
  }

  private get lineStarts(): number[] {
    return (this.starts ??= findLineStarts(this.text));
  }

  /** Line and column (both from 1, columns in UTF-16 units) of an offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  /** Offset of the first character of a line (from 1). */
  lineStart(line: number): number {
    return this.lineStarts[line - 1] ?? this.text.length;
  }

  /** Offset just past the last character of a line, excluding its line break. */
  lineEnd(line: number): number {
    const next = this.lineStarts[line];
    if (next === undefined) return this.text.length;
    let end = next;
    const before = this.text.charCodeAt(end - 1);
    if (before === 10) end--;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    else if (before === 13) end = next - 1;
    return end;
  }

  /** The text of a line (from 1) without its line break. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** Number of lines in the file. */
  get lineCount(): number {
    return this.lineStarts.length;
  }
}

/** Where each line of a text starts. */
function findLineStarts(text: string): number[] {
  const starts = [0];
  // Lines split on \r\n, \n or \r, as tsc and editors count them. Without a \r (most files),
  // the native search for \n finds the same starts several times faster than the loop below.
  if (!text.includes("\r")) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** A range of a source file: `start` inclusive, `end` exclusive, in UTF-16 offsets. */
export interface Span {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
}

/** Makes a span; `end` is clamped so that it is never before `start`. */
export function spanOf(file: SourceFile, start: number, end: number): Span {
  // `| 0` keeps both offsets small integers in V8: a result of Math.min/max or a field that
  // once held a boxed number makes every span's fields boxed numbers (an object more each).
  return { file, start: start | 0, end: (end > start ? end : start) | 0 };
}
