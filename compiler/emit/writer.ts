// The emitters' code writer. An emitter states the structure of what it writes: lines (each
// already in prettier's spelling, spelling.ts), statements that may be too long for their line
// (layout.ts units), blocks with their head, body and tail, switch cases, blank lines. The writer
// knows the indentation and so the width left at every line: a line that fits is written as it
// is, a unit that does not is laid out by layout.ts. What neither covers (a plain line too long
// for its place, a unit layout.ts declines) goes to prettier (format.ts), inside a wrapper of the
// body it sits in; a block head it cannot lay out sends the whole chunk to prettier.
import type * as PrettierDoc from "prettier/doc";
import { formatAlone, formatText, type WrappedBody } from "./format.js";
import {
  PRINT_WIDTH,
  breaksAnyway,
  flatOpener,
  flatUnit,
  hugsItsBody,
  printUnit,
  type Unit,
} from "./layout.js";
import { surelyFits } from "./spelling.js";

/** What a block's body holds, which tells prettier's wrapper for a statement of it. */
export type BodyKind = WrappedBody | "elements";

/**
 * A piece of emitted code: a line (a string, which may start with doc comment lines and end in a
 * newline; `""` is a blank line), a unit (layout.ts), a block, a case, a statement over several
 * lines, or text only prettier lays out (its chunk goes to prettier whole).
 */
export type Code = string | Unit | Block | Case | Lines | PrettierOnly;

/**
 * A head line (`… {`), the body at one more level, and the tail (`}`, `},`, `});`), or a block
 * whose head closes this one (`} catch (e) {`).
 */
export interface Block {
  readonly kind: "block";
  readonly head: string | Unit;
  readonly body: readonly Code[];
  readonly tail: string | Block;
  readonly inside: BodyKind;
}

/** `case x:` (or `default:`) and its statements, one level deeper. */
export interface Case {
  readonly kind: "case";
  readonly label: string;
  readonly body: readonly Code[];
}

/** One statement over several lines (`if (…) a;` `else b;`). */
export interface Lines {
  readonly kind: "lines";
  readonly lines: readonly string[];
}

/** Text of a shape the writer does not lay out (doc comments inside a union type). */
export interface PrettierOnly {
  readonly kind: "prettier";
  readonly text: string;
}

/** Text only prettier lays out: the chunk holding it goes to prettier whole. */
export function prettierOnly(text: string): PrettierOnly {
  return { kind: "prettier", text };
}

/** A block; `inside` is what its body holds (statements unless said otherwise). */
export function block(
  head: string | Unit,
  body: readonly Code[],
  tail: string | Block,
  inside: BodyKind = "statements",
): Block {
  return { kind: "block", head, body, tail, inside };
}

/** A `case` of a switch. */
export function caseOf(label: string, body: readonly Code[]): Case {
  return { kind: "case", label, body };
}

/** One statement written over several lines. */
export function lines(...text: string[]): Lines {
  return { kind: "lines", lines: text };
}

/** A blank line (prettier keeps one between statements, none after an opener or before a closer). */
export const blank = "";

/** A single statement as a loop or `if` body: braces only around several (as one would write). */
export function body(head: string, statements: readonly Code[]): Code[] {
  const only = statements[0];
  return statements.length === 1 && typeof only === "string"
    ? [`${head} ${only}`]
    : [block(`${head} {`, statements, "}")];
}

type DocModule = typeof PrettierDoc;

let docModule: DocModule | undefined;

/** Loads prettier's doc printer once, before a module is written. */
export async function loadDocPrinter(): Promise<void> {
  docModule ??= await import("prettier/doc");
}

/** Thrown when the chunk must go to prettier whole. */
const WHOLE = new Error("the chunk goes to prettier whole");

/** Writes one top-level chunk laid out as prettier does; the text ends in one newline. */
export async function writeChunk(codes: readonly Code[]): Promise<string> {
  const writer = new ChunkWriter();
  try {
    writer.body(codes, 0, undefined);
  } catch (caught) {
    if (caught !== WHOLE) throw caught;
    return formatText(rawText(codes));
  }
  const { out } = writer;
  if (out.length === 0) return "";
  if (writer.pending) {
    for (let k = 0; k < out.length; k++) {
      const part = out[k]!;
      if (typeof part === "string") continue;
      const formatted = await part;
      if (formatted === undefined) return formatText(rawText(codes));
      out[k] = formatted.join("\n");
    }
  }
  return out.join("\n") + "\n";
}

/** The chunk's lines without indentation (what prettier reads when the chunk goes to it). */
export function rawText(codes: readonly Code[]): string {
  const out: string[] = [];
  const walk = (list: readonly Code[]) => {
    for (const c of list) {
      if (typeof c === "string") out.push(c.endsWith("\n") ? c.slice(0, -1) : c);
      else if (c.kind === "block") {
        out.push(typeof c.head === "string" ? c.head : flatOpener(c.head));
        walk(c.body);
        if (typeof c.tail === "string") out.push(c.tail);
        else walk([c.tail]);
      } else if (c.kind === "case") {
        out.push(c.label);
        walk(c.body);
      } else if (c.kind === "lines") out.push(...c.lines);
      else if (c.kind === "prettier") out.push(c.text);
      else out.push(flatUnit(c));
    }
  };
  walk(codes);
  return out.join("\n") + "\n";
}

/** Indentation strings by width. */
const PADS: string[] = [];

function pad(indent: number): string {
  return (PADS[indent] ??= " ".repeat(indent));
}

/** The lines of one chunk, and the statements prettier is formatting alone (awaited at the end). */
class ChunkWriter {
  readonly out: (string | Promise<string[] | undefined>)[] = [];
  pending = false;
  /** A blank line was written and is kept unless a closer follows. */
  private blankPending = false;
  /** Nothing was written yet in the current body (a blank line there is dropped). */
  private first = true;

  body(codes: readonly Code[], indent: number, inside: BodyKind | undefined): void {
    this.first = true;
    this.blankPending = false;
    for (const c of codes) {
      if (typeof c === "string") {
        this.text(c, indent, inside);
        continue;
      }
      if (c.kind === "block" && typeof c.head === "string" && c.head.includes("\n")) {
        const at = c.head.lastIndexOf("\n");
        this.text(c.head.slice(0, at + 1), indent, inside);
        this.next();
        this.block({ ...c, head: c.head.slice(at + 1) }, indent, inside);
        continue;
      }
      this.next();
      switch (c.kind) {
        case "prettier":
          throw WHOLE;
        case "block":
          this.block(c, indent, inside);
          break;
        case "case":
          if (inside !== "cases") throw WHOLE;
          this.out.push(pad(indent) + c.label);
          this.body(c.body, indent + 2, "cases");
          break;
        case "lines":
          if (c.lines.every((l) => surelyFits(l, PRINT_WIDTH - indent)))
            for (const l of c.lines) this.out.push(pad(indent) + l);
          else this.alone(c.lines.join("\n"), indent, inside);
          break;
        default:
          this.unit(c, indent, inside);
      }
    }
    this.first = false;
    this.blankPending = false; // prettier drops blank lines before a closing bracket
  }

  /** Before a line: the blank line pending, unless it would open a body. */
  private next(): void {
    if (this.blankPending && !this.first) this.out.push("");
    this.blankPending = false;
    this.first = false;
  }

  /** A string: doc comment lines, blank lines and one line of code. */
  private text(c: string, indent: number, inside: BodyKind | undefined): void {
    if (c === "") {
      this.blankPending = true;
      return;
    }
    if (!c.includes("\n")) {
      this.next();
      this.line(c, indent, inside);
      return;
    }
    const pieces = c.split("\n");
    if (c.endsWith("\n")) pieces.pop();
    for (const text of pieces) {
      if (text === "") {
        this.blankPending = true;
        continue;
      }
      this.next();
      this.line(text, indent, inside);
    }
  }

  private line(text: string, indent: number, inside: BodyKind | undefined): void {
    if (text.startsWith(" *")) {
      this.out.push(pad(indent) + text); // a doc comment's inner and last lines
    } else if (text.startsWith("/*") || text.startsWith("//")) {
      if (inside === "cases" && text.startsWith("//")) throw WHOLE; // placed by what follows
      if (text.includes("prettier-ignore")) throw WHOLE;
      this.out.push(pad(indent) + text);
    } else if (
      surelyFits(text, PRINT_WIDTH - indent) &&
      !text.includes("[[") &&
      !text.includes("[{")
    ) {
      this.out.push(pad(indent) + text);
    } else {
      this.alone(text, indent, inside);
    }
  }

  private unit(unit: Unit, indent: number, inside: BodyKind | undefined): void {
    const flat = flatUnit(unit);
    const width = PRINT_WIDTH - indent;
    if (surelyFits(flat, width) && !breaksAnyway(unit, flat)) {
      this.out.push(pad(indent) + flat);
      return;
    }
    const printed = printUnit(docModule!, unit, width);
    if (printed === undefined) this.alone(flat, indent, inside);
    else this.indented(printed, indent);
  }

  private block(b: Block, indent: number, inside: BodyKind | undefined): void {
    const head = typeof b.head === "string" ? b.head : flatOpener(b.head);
    const width = PRINT_WIDTH - indent;
    if (b.body.every((c) => c === "")) {
      // prettier joins an empty body: `interface X {}`
      const joined = head + (typeof b.tail === "string" ? b.tail : "");
      if (typeof b.tail !== "string" || typeof b.head !== "string" || !surelyFits(joined, width))
        throw WHOLE;
      this.out.push(pad(indent) + joined);
      return;
    }
    if (inside === "elements" && b.inside !== "object") throw WHOLE;
    let bodyIndent = indent + 2;
    let tailIndent = indent;
    if (
      surelyFits(head, width) &&
      (typeof b.head === "string" || hugsItsBody(b.head, head) || !breaksAnyway(b.head, head))
    ) {
      this.out.push(pad(indent) + head);
    } else {
      if (typeof b.head === "string") throw WHOLE;
      const printed = printUnit(docModule!, b.head, width);
      const stubAt = printed === undefined ? -1 : printed.length - 2;
      const stub = printed?.[stubAt]?.trim();
      if (printed === undefined || (stub !== "_," && stub !== "_;")) throw WHOLE;
      this.indented(printed.slice(0, stubAt), indent);
      bodyIndent = indent + indentOf(printed[stubAt]!);
      tailIndent = indent + indentOf(printed[stubAt + 1]!);
    }
    if (b.inside === "elements" && !b.body.some((c) => typeof c !== "string" && c.kind === "block"))
      throw WHOLE; // an array without an expanded object: prettier may join it
    this.body(b.body, bodyIndent, b.inside);
    if (typeof b.tail !== "string") this.block(b.tail, tailIndent, inside);
    else if (!surelyFits(b.tail, PRINT_WIDTH - tailIndent)) throw WHOLE;
    else this.out.push(pad(tailIndent) + b.tail);
  }

  private indented(printed: readonly string[], indent: number): void {
    for (const l of printed) this.out.push(l === "" ? "" : pad(indent) + l);
  }

  /** A statement prettier formats alone, in the wrapper of the body it sits in. */
  private alone(text: string, indent: number, inside: BodyKind | undefined): void {
    if (inside === "elements") throw WHOLE; // alone in an array, prettier would join it
    this.out.push(formatAlone(text, indent, inside));
    this.pending = true;
  }
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
