// SourceFile (compiler/source.ts): lines split on \r\n, \n or \r, positions from 1 in UTF-16
// units, against a plain reference split.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { SourceFile, spanOf } from "../../compiler/source.js";

/** Line start offsets by the definition: after each \r\n, \n, or lone \r. */
function referenceLineStarts(text: string): number[] {
  const starts = [0];
  const breaks = /\r\n|\n|\r/g;
  for (let m = breaks.exec(text); m !== null; m = breaks.exec(text)) {
    starts.push(m.index + m[0].length);
  }
  return starts;
}

function expectLinesAsReference(text: string): void {
  const file = new SourceFile("s.thrift", text);
  const starts = referenceLineStarts(text);
  expect(file.lineCount).toBe(starts.length);
  for (let offset = 0; offset <= text.length; offset++) {
    let line = starts.length;
    while (starts[line - 1]! > offset) line--;
    expect(file.position(offset)).toEqual({ line, column: offset - starts[line - 1]! + 1 });
  }
  for (let line = 1; line <= starts.length; line++) {
    expect(file.lineStart(line)).toBe(starts[line - 1]);
    expect(file.lineText(line)).toBe(
      text.slice(starts[line - 1], starts[line]).replace(/\r?\n$|\r$/, ""),
    );
  }
}

describe("lines and positions", () => {
  test("\\n, \\r\\n and lone \\r each end a line", () => {
    expectLinesAsReference("a\nb\r\nc\rd");
    expect(new SourceFile("s.thrift", "a\r\nb").position(3)).toEqual({ line: 2, column: 1 });
  });

  test("random text, with and without \\r, splits as the reference does", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "é", "\n", "\r", "\r\n", " "), { maxLength: 30 }),
        (parts) => expectLinesAsReference(parts.join("")),
      ),
      { numRuns: 500 },
    );
  });
});

describe("spans", () => {
  test("an end before the start is clamped to the start", () => {
    const file = new SourceFile("s.thrift", "abc");
    expect(spanOf(file, 2, 1)).toEqual({ file, start: 2, end: 2 });
    expect(spanOf(file, 1, 3)).toEqual({ file, start: 1, end: 3 });
  });
});
