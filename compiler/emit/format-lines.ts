// Line layout: most of a generated chunk is already what prettier prints, except for the
// indentation. The emitter writes one statement, member, opener (`… {`) or closer (`}`, `},`,
// `});`) per line, without indentation, in prettier's spelling (double quotes, semicolons,
// trailing commas, no redundant parentheses). So a chunk is laid out here by indenting each line
// from its brackets, and only the units prettier would change go to prettier: a line too wide for
// its indentation, or one whose spelling prettier normalizes (escapes, number forms, non-ASCII
// widths). Such a unit is formatted alone, inside a tiny wrapper of its kind (a function body, a
// class, an interface, an object) at the width its indentation leaves, and indented back.
//
// Anything outside that shape (a line that opens `(` or `[` without closing it, a block comment
// that is not JSDoc-like, template literals, `prettier-ignore`, unbalanced closers, a unit that
// prettier cannot parse alone) makes `layoutLines` give up, and the caller formats the chunk
// whole. test/compiler/format.test.ts compares the result with plain prettier on every golden,
// on commerce.idl and on random IDLs; the emitter must keep its lines in prettier's spelling.

/**
 * Formats a unit of TypeScript (top-level statements) at a print width; undefined on failure.
 * `body` names the wrapper the unit sits in (see WRAPPERS), undefined at the top level.
 */
export type FormatUnit = (
  text: string,
  printWidth: number,
  body?: WrappedBody,
) => Promise<string | undefined>;

/** The bodies a unit is wrapped in to be formatted alone. */
export type WrappedBody = Exclude<Body, "elements">;

/** What a bracket opened on an opener line contains, which picks the unit's wrapper. */
type Body = "statements" | "cases" | "class" | "members" | "object" | "elements";

interface Frame {
  readonly body: Body;
  /** The brackets the opener left open, e.g. `({`; its closer line must start with `})`. */
  readonly open: string;
  /** Indentation of the body's lines and of the closer line. */
  readonly bodyIndent: number;
  readonly closerIndent: number;
  /** In a switch: a `case …:` label was seen, so statements sit one level deeper. */
  inCase: boolean;
  /** In an array: an element is an expanded object, which keeps prettier from joining the lines. */
  expanded: boolean;
}

/** How each kind of body is wrapped to be formatted alone: the lines before and after, and the indent they add. */
export const WRAPPERS: Record<
  WrappedBody,
  { readonly head: string; readonly tail: string; readonly indent: number }
> = {
  statements: { head: "function _() {", tail: "}", indent: 2 },
  cases: { head: "switch (_) {\ncase 0:", tail: "}", indent: 4 },
  class: { head: "class _ {", tail: "}", indent: 2 },
  members: { head: "interface _ {", tail: "}", indent: 2 },
  object: { head: "_ = {", tail: "};", indent: 2 },
};

/** The one-line body an opener unit is given so prettier keeps it open, by the body it opens. */
const STUBS: Record<WrappedBody, string> = {
  statements: "_;",
  cases: "case 0:",
  class: "_;",
  members: "_: 0;",
  object: "_,",
};

const PRINT_WIDTH = 100;

/** How often the layout was refused, and why the last time (for tests and benchmarks). */
export const layoutStats = { laidOut: 0, refused: 0, lastRefusal: "" };

function refuse(why: string, line: number): undefined {
  layoutStats.refused++;
  layoutStats.lastRefusal = line < 0 ? why : `${why} (line ${line + 1})`;
  return undefined;
}

/** A chunk's lines laid out as prettier would, or undefined when the chunk is not of that shape. */
export async function layoutLines(text: string, format: FormatUnit): Promise<string | undefined> {
  if (text.includes("prettier-ignore") || text.includes("\r"))
    return refuse("prettier-ignore or CR", -1);
  const lines = text.split("\n");
  // Lines, and statements being formatted: they do not change the layout of what follows, so
  // they are awaited at the end (and the formatter may batch them); openers are awaited at once.
  const out: (string | Promise<string[] | undefined>)[] = [];
  const stack: Frame[] = [];
  let blankPending = false;
  let afterOpener = true;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === "") {
      blankPending = !afterOpener;
      continue;
    }
    const top = stack[stack.length - 1];
    if (line.startsWith("/*")) {
      const end = commentEnd(lines, n);
      if (end === undefined) return refuse("a block comment prettier keeps verbatim", n);
      if (blankPending) out.push("");
      const indent = " ".repeat(lineIndent(top, line));
      out.push(indent + line);
      for (let k = n + 1; k <= end; k++) out.push(`${indent} ${lines[k]!.trim()}`);
      n = end;
      blankPending = false;
      afterOpener = false;
      continue;
    }
    if (line.startsWith("//")) {
      // In a switch, prettier places a comment by what follows it: leave that to prettier.
      if (top?.body === "cases") return refuse("a comment in a switch", n);
      if (blankPending) out.push("");
      out.push(" ".repeat(lineIndent(top, line)) + line);
      blankPending = false;
      afterOpener = false;
      continue;
    }
    const closers = leadingClosers(line);
    if (closers.length > 0) {
      if (afterOpener) return refuse("an empty body prettier joins", n);
      if (top?.body === "elements" && !top.expanded) return refuse("an array prettier may join", n);
      if (top === undefined || !closers.startsWith(mirror(top.open)))
        return refuse("a closer without its opener", n);
      stack.pop();
      blankPending = false; // prettier drops blank lines before a closing bracket
    }
    const frame = stack[stack.length - 1];
    const scan = scanLine(line, closers.length);
    if (scan === undefined) return refuse("a line this layout does not follow", n);
    if (closers.length === 0 && frame?.body === "cases" && isCaseLabel(line)) {
      if (blankPending) out.push("");
      out.push(" ".repeat(frame.bodyIndent) + line);
      frame.inCase = true;
      blankPending = false;
      afterOpener = true;
      continue;
    }
    if (blankPending) out.push("");
    blankPending = false;
    const indent = closers.length > 0 ? top!.closerIndent : lineIndent(frame, line);
    if (scan.opens === "") {
      // A statement or member, possibly continued by `else …` lines (one statement for prettier).
      if (closers.length === 0 && !/[;,:]$/.test(line))
        return refuse("a line that continues on the next", n);
      if (closers.length > 0 && line !== closers && !/^[)}\]]+[;,]?$/.test(line)) {
        if (scan.plain && fits(indent, line)) out.push(" ".repeat(indent) + line);
        else return refuse("a long closer with a statement", n); // a long `} else …;`: rare, leave it to prettier whole
      } else {
        let unit = line;
        let plain = scan.plain;
        while (closers.length === 0 && lines[n + 1]?.trim().startsWith("else ")) {
          const next = lines[++n]!.trim();
          const nextScan = scanLine(next, 0);
          if (nextScan === undefined || nextScan.opens !== "")
            return refuse("an else that opens a block", n);
          plain &&= nextScan.plain && fits(indent, next);
          unit += "\n" + next;
        }
        if (plain && fits(indent, line)) {
          for (const l of unit.split("\n")) out.push(" ".repeat(indent) + l);
        } else {
          out.push(formatAlone(unit, frame, indent, format));
        }
      }
      afterOpener = false;
      continue;
    }
    // An opener: its body gets its own frame.
    const body = bodyOf(line, scan.opens, frame);
    if (body === undefined) return refuse("an opener of an unknown body", n);
    if (frame?.body === "elements" && body === "object") frame.expanded = true;
    if (scan.plain && fits(indent, line)) {
      out.push(" ".repeat(indent) + line);
      stack.push(openFrame(body, scan.opens, indent + 2, indent));
    } else if (body === "elements") {
      return refuse("a long array opener", n);
    } else {
      const closer = closerOf(lines, n, scan.opens);
      if (closer === undefined) return refuse("an opener without its closer", n);
      const unit = `${line}\n${STUBS[body]}\n${closer}`;
      const formatted = await formatAlone(unit, frame, indent, format);
      if (formatted === undefined || formatted.length < 3)
        return refuse("a unit prettier cannot format alone", n);
      const stubAt = formatted.length - 2;
      if (formatted[stubAt]!.trim() !== STUBS[body]) return refuse("an opener prettier closed", n);
      out.push(...formatted.slice(0, stubAt));
      const bodyIndent = indentOf(formatted[stubAt]!);
      stack.push(openFrame(body, scan.opens, bodyIndent, indentOf(formatted[stubAt + 1]!)));
    }
    afterOpener = true;
  }
  if (stack.length > 0) return refuse("an unclosed opener", -1);
  const laidOut: string[] = [];
  for (const part of out) {
    const lines = typeof part === "string" ? [part] : await part;
    if (lines === undefined) return refuse("a statement prettier cannot format alone", -1);
    laidOut.push(...lines);
  }
  layoutStats.laidOut++;
  return laidOut.join("\n") + "\n";
}

function openFrame(body: Body, open: string, bodyIndent: number, closerIndent: number): Frame {
  return { body, open, bodyIndent, closerIndent, inCase: false, expanded: false };
}

/** The indentation of a line in a frame (the top level when there is none). */
function lineIndent(frame: Frame | undefined, line: string): number {
  if (frame === undefined) return 0;
  const inCase = frame.body === "cases" && frame.inCase && !isCaseLabel(line);
  return frame.bodyIndent + (inCase ? 2 : 0);
}

/** `case x:` or `default:`: in a switch, the statements after it sit one level deeper. */
function isCaseLabel(line: string): boolean {
  return /^(case\b.*|default):$/.test(line);
}

/** Whether a line (ASCII: one column per character) fits prettier's width at this indentation. */
function fits(indent: number, line: string): boolean {
  return indent + line.length <= PRINT_WIDTH;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** The line index where a block comment starting at line `n` ends; undefined unless JSDoc-like. */
function commentEnd(lines: readonly string[], n: number): number | undefined {
  const first = lines[n]!.trim();
  if (first.endsWith("*/")) return first.indexOf("*/", 2) === first.length - 2 ? n : undefined;
  for (let k = n + 1; k < lines.length; k++) {
    const l = lines[k]!.trim();
    if (!l.startsWith("*")) return undefined; // prettier keeps such a comment verbatim
    const close = l.indexOf("*/");
    if (close >= 0) return close === l.length - 2 ? k : undefined;
  }
  return undefined;
}

/** The closer line matching the opener at line `n`, reduced to its brackets and `,` or `;`. */
function closerOf(lines: readonly string[], n: number, opens: string): string | undefined {
  let depth = 1;
  for (let k = n + 1; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (line === "" || line.startsWith("/*") || line.startsWith("*") || line.startsWith("//"))
      continue;
    const closers = leadingClosers(line);
    if (closers.length > 0 && --depth === 0) {
      if (!closers.startsWith(mirror(opens))) return undefined;
      return /^[)}\]]+[;,]?$/.test(line) ? line : closers;
    }
    const scan = scanLine(line, closers.length);
    if (scan === undefined) return undefined;
    if (scan.opens !== "") depth++;
  }
  return undefined;
}

/** The run of closing brackets a line starts with. */
function leadingClosers(line: string): string {
  let k = 0;
  while (k < line.length && (line[k] === "}" || line[k] === ")" || line[k] === "]")) k++;
  return line.slice(0, k);
}

/** The closing brackets of an opening run, innermost first: `({` → `})`. */
function mirror(open: string): string {
  let closers = "";
  for (let k = open.length - 1; k >= 0; k--)
    closers += open[k] === "{" ? "}" : open[k] === "(" ? ")" : "]";
  return closers;
}

/**
 * The brackets a line leaves open after its leading closers (they must end the line), and whether
 * its spelling is one prettier keeps (no escapes, no number forms prettier rewrites, ASCII only).
 * Undefined when the line closes more than it opened or holds a comment after code.
 */
function scanLine(line: string, from: number): { opens: string; plain: boolean } | undefined {
  const open: string[] = [];
  const matrix: number[] = []; // per open bracket: commas seen if it is `[[`/`[{`, else -1
  let plain = true;
  let lastOpenEnd = -1;
  for (let k = from; k < line.length; k++) {
    const c = line[k]!;
    if (c === '"' || c === "'") {
      const end = line.indexOf(c, k + 1);
      if (end < 0) return undefined;
      const body = line.slice(k + 1, end);
      // prettier may change the quotes or escapes, and counts wide characters twice
      if (c === "'" || body.includes("\\") || /[^\x20-\x7e]/.test(body)) plain = false;
      k = end;
      continue;
    }
    if (c === "`" || (c === "/" && (line[k + 1] === "/" || line[k + 1] === "*"))) return undefined;
    if (c === "{" || c === "(" || c === "[") {
      // An array of 2+ arrays or objects: prettier may break it even when it fits (below).
      matrix.push(c === "[" && (line[k + 1] === "[" || line[k + 1] === "{") ? 0 : -1);
      open.push(c);
      lastOpenEnd = k;
    } else if (c === "}" || c === ")" || c === "]") {
      const o = open.pop();
      if (o === undefined || mirror(o) !== c) return undefined;
      if (matrix.pop()! > 0) plain = false;
    } else if (c === ",") {
      if (matrix.length > 0 && matrix[matrix.length - 1]! >= 0) matrix[matrix.length - 1]!++;
    } else if (c >= "0" && c <= "9" && !/[\w$]/.test(line[k - 1] ?? " ")) {
      const number = /^[\d.]+[\w.]*/.exec(line.slice(k))![0];
      if (!/^\d+n?$/.test(number)) plain = false;
      k += number.length - 1;
    } else if (c.charCodeAt(0) > 0x7e || c === "\t") plain = false;
  }
  if (open.length > 0 && lastOpenEnd !== line.length - 1) return undefined;
  const opens = open.join("");
  // `(` left open, or `[` with more: prettier may join the lines
  if (opens !== "" && opens !== "[" && !opens.endsWith("{")) return undefined;
  return { opens, plain };
}

/** What the bracket an opener line leaves open contains. */
function bodyOf(line: string, opens: string, frame: Frame | undefined): Body | undefined {
  if (frame?.body === "cases" && /^(case|default)\b/.test(line)) return undefined; // `case 1: {`
  if (opens === "[") return line.endsWith(": [") || line.endsWith("= [") ? "elements" : undefined;
  if (frame?.body === "elements") return line === "{" ? "object" : undefined;
  if (opens.length > 1) return opens.endsWith("({") || opens.endsWith("[{") ? "object" : undefined;
  if (/^(export )?(declare )?interface\b/.test(line)) return "members";
  if (/^(export )?(declare )?type\b/.test(line) && line.endsWith("= {")) return "members";
  if (frame?.body === "members" && line.endsWith(": {")) return "members";
  if (/^(export )?(default )?(abstract )?class\b/.test(line)) return "class";
  if (line.startsWith("switch (")) return "cases";
  if (line.endsWith("= {") || line.endsWith(": {") || line.endsWith("return {")) return "object";
  if (/(\)|\belse|\btry|\bfinally|=>)( *:[^{}]*)? \{$/.test(line)) return "statements";
  return undefined;
}

/**
 * Formats a unit alone, inside the wrapper of the body it sits in, at the width its indentation
 * leaves, and returns its lines indented as in the chunk. Undefined when prettier refuses it.
 */
async function formatAlone(
  unit: string,
  frame: Frame | undefined,
  indent: number,
  format: FormatUnit,
): Promise<string[] | undefined> {
  if (frame?.body === "elements") return undefined; // alone in an array, prettier would join it
  const wrapper = frame === undefined ? undefined : WRAPPERS[frame.body];
  const added = wrapper?.indent ?? 0;
  const width = PRINT_WIDTH - indent + added;
  if (width < 20) return undefined;
  const text = wrapper === undefined ? unit : `${wrapper.head}\n${unit}\n${wrapper.tail}`;
  const formatted = await format(text + "\n", width, frame?.body);
  if (formatted === undefined) return undefined;
  let lines = formatted.replace(/\n$/, "").split("\n");
  if (wrapper !== undefined) {
    const head = wrapper.head.split("\n");
    const kept = lines.slice(0, head.length).every((l, k) => l.trim() === head[k]);
    if (!kept || lines[lines.length - 1] !== wrapper.tail) return undefined;
    lines = lines.slice(head.length, -1);
  }
  const pad = " ".repeat(indent);
  const result: string[] = [];
  for (const l of lines) {
    if (l === "") result.push("");
    else if (!l.startsWith(" ".repeat(added))) return undefined;
    else result.push(pad + l.slice(added));
  }
  return result;
}
