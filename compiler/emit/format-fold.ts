// Folding long lists: a service with 2,000 methods is one chunk of megabytes, and one shape, so the
// word skeleton alone does not save prettier from it. But its long lists — interface members, the
// `methods: [...]` descriptors, the client's methods — hold items of a few shapes, each on its own
// lines, and in a broken list prettier lays out each item by itself: the line breaks between
// items are forced, and what follows an item on its line is always its separator.
// So the chunk is formatted with one representative item per shape in each long list, and the
// formatted list is rebuilt from the representatives' output, item by item, in the original order.
//
// What is checked rather than assumed: the list is broken in the output (its bracket ends a line,
// each separator ends a line) and has exactly the representatives as items; anything else and the
// caller formats the chunk whole. A list breaks when its content is too wide, holds a forced line
// break or kept the source's line break after `{`; all of these hold for the full list as soon as
// they hold for the representatives, which include every item shape. test/compiler/format.test.ts
// compares the result with prettier's with folding forced onto every list of every test chunk.
import {
  fill,
  skeletonKey,
  skeletonOf,
  slotsOfWords,
  templateOf,
  verbatim,
} from "./format-cache.js";
import type { Skeleton, Template } from "./format-cache.js";

/** An `{`/`[` pair and the `,`/`;` directly inside it, by position in the text. */
interface Bracket {
  /** Index among the text's `{`/`[` brackets, which prettier neither adds nor removes. */
  readonly ordinal: number;
  readonly open: number;
  close: number;
  readonly separators: number[];
}

/** A list of the chunk worth folding: its items' texts, each ending in its separator. */
interface List {
  readonly bracket: Bracket;
  readonly separator: "," | ";";
  readonly items: readonly string[];
}

/**
 * The brackets of TypeScript text, in order of their opening; undefined when the text holds a
 * template literal or a regular expression (the scanner does not follow them).
 */
function scanBrackets(text: string): Bracket[] | undefined {
  const brackets: Bracket[] = [];
  const open: (Bracket | undefined)[] = []; // undefined for a parenthesis
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "/") {
      const next = text[i + 1];
      if (next === "/") i = lineEnd(text, i) - 1;
      else if (next === "*") {
        i = text.indexOf("*/", i + 2) + 1;
        if (i === 0) return undefined;
      } else return undefined;
    } else if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === "\\") i++;
    } else if (c === "`") return undefined;
    else if (c === "{" || c === "[") {
      const bracket = { ordinal: brackets.length, open: i, close: -1, separators: [] };
      brackets.push(bracket);
      open.push(bracket);
    } else if (c === "(") open.push(undefined);
    else if (c === "}" || c === "]" || c === ")") {
      const bracket = open.pop();
      if (bracket) bracket.close = i;
    } else if (c === "," || c === ";") open[open.length - 1]?.separators.push(i);
  }
  return brackets;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end < 0 ? text.length : end;
}

const INTERFACE_HEAD = /^(?:export )?interface [\w$]+(?: extends [\w$.]+(?:, [\w$.]+)*)? $/;

/**
 * The list in `bracket` when it can be folded: at least `minItems` items, one separator kind
 * (`;` only in an interface body), each item starting on its own line, no blank line between.
 */
function listOf(text: string, bracket: Bracket, minItems: number): List | undefined {
  const { open, close, separators } = bracket;
  if (separators.length < minItems || close < 0) return undefined;
  const separator = text[separators[0]!] as "," | ";";
  if (separators.some((s) => text[s] !== separator)) return undefined;
  if (separator === ";") {
    if (text[open] !== "{") return undefined;
    const head = text.slice(text.lastIndexOf("\n", open) + 1, open);
    if (!INTERFACE_HEAD.test(head)) return undefined;
  }
  const items: string[] = [];
  let start = open + 2;
  for (const s of separators) {
    if (text[start - 1] !== "\n" || text[start] === "\n" || start >= s) return undefined;
    items.push(text.slice(start, s + 1));
    start = s + 2;
  }
  if (text.slice(separators[separators.length - 1]! + 1, close) !== "\n") return undefined;
  return { bracket, separator, items };
}

/**
 * The foldable lists of a chunk, longest first, none inside another (a list inside an item is
 * formatted with its item), returned in text order.
 */
function listsOf(text: string, minItems: number): List[] {
  const candidates: List[] = [];
  for (const bracket of scanBrackets(text) ?? []) {
    const list = listOf(text, bracket, minItems);
    if (list !== undefined) candidates.push(list);
  }
  candidates.sort((a, b) => b.items.length - a.items.length || a.bracket.open - b.bracket.open);
  const chosen: List[] = [];
  const overlaps = (a: Bracket, b: Bracket) => a.open < b.close && b.open < a.close;
  for (const list of candidates)
    if (!chosen.some((c) => overlaps(c.bracket, list.bracket))) chosen.push(list);
  return chosen.sort((a, b) => a.bracket.open - b.bracket.open);
}

/** The items of a list grouped by skeleton; each group is formatted through its first item. */
interface Group {
  readonly representative: number;
  readonly skeleton: Skeleton | undefined;
  template?: Template | undefined;
}

interface FoldedList {
  readonly list: List;
  readonly groups: Group[];
  /** The group of each item, and each item's skeleton (its words fill the group's template). */
  readonly itemGroups: Group[];
  readonly itemSkeletons: (Skeleton | undefined)[];
}

function foldList(list: List): FoldedList {
  const byShape = new Map<string, Group>();
  const groups: Group[] = [];
  const itemGroups: Group[] = [];
  const itemSkeletons: (Skeleton | undefined)[] = [];
  list.items.forEach((item, i) => {
    const skeleton = skeletonOf(item);
    const key = skeleton === undefined ? `t${item}` : `s${skeletonKey(skeleton)}`;
    let group = byShape.get(key);
    if (group === undefined) {
      group = { representative: i, skeleton };
      byShape.set(key, group);
      groups.push(group);
    }
    itemGroups.push(group);
    itemSkeletons.push(skeleton);
  });
  return { list, groups, itemGroups, itemSkeletons };
}

/**
 * Formats a chunk by folding its long lists (at least `minItems` items); undefined when it has
 * none, or when the output does not have the expected shape (the caller formats it whole).
 */
export async function formatFolded(
  text: string,
  minItems: number,
  format: (text: string) => Promise<string>,
): Promise<string | undefined> {
  const lists = listsOf(text, minItems).map(foldList);
  if (lists.length === 0) return undefined;

  // The chunk with only the representatives in each list.
  let context = "";
  let from = 0;
  const opens: number[] = [];
  for (const { list, groups } of lists) {
    context += text.slice(from, list.bracket.open + 1);
    opens.push(context.length - 1);
    context += `\n${groups.map((g) => list.items[g.representative]).join("\n")}\n`;
    from = list.bracket.close;
  }
  context += text.slice(from);

  const ordinals = new Map((scanBrackets(context) ?? []).map((b) => [b.open, b.ordinal]));
  const formatted = await format(context);
  const out = scanBrackets(formatted);
  if (out === undefined) return undefined;

  // Cut each list's items out of the output, then put every original item back in their place.
  let result = "";
  from = 0;
  for (const [i, { list, groups, itemGroups, itemSkeletons }] of lists.entries()) {
    const bracket = out[ordinals.get(opens[i]!) ?? -1];
    if (bracket === undefined) return undefined;
    const regions = regionsOf(formatted, bracket, list.separator, groups.length);
    if (regions === undefined) return undefined;
    for (const [k, group] of groups.entries()) {
      const skeleton = group.skeleton;
      group.template = skeleton
        ? templateOf(regions[k]!, slotsOfWords(skeleton.words), skeleton.replaced)
        : verbatim(regions[k]!);
      if (group.template === undefined) return undefined;
    }
    const items = itemGroups.map((g, item) => fill(g.template!, itemSkeletons[item]?.words ?? []));
    const last = bracket.separators[bracket.separators.length - 1]!;
    result += `${formatted.slice(from, bracket.open + 1)}\n${items.join("\n")}`;
    from = last + 1;
  }
  return result + formatted.slice(from);
}

/** The formatted items of a broken list (each with its separator), or undefined if it is not one. */
function regionsOf(
  formatted: string,
  bracket: Bracket,
  separator: "," | ";",
  count: number,
): string[] | undefined {
  const { open, close, separators } = bracket;
  if (separators.length !== count || formatted[open + 1] !== "\n") return undefined;
  const regions: string[] = [];
  let start = open + 2;
  for (const s of separators) {
    if (formatted[s] !== separator || formatted[s + 1] !== "\n") return undefined;
    regions.push(formatted.slice(start, s + 1));
    start = s + 2;
  }
  const tail = formatted.slice(separators[separators.length - 1]! + 1, close);
  return /^\n *$/.test(tail) ? regions : undefined;
}
