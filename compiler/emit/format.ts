// Lays emitted text out with prettier, with the repository's fixed configuration, so generated
// files pass `prettier --check`. Prettier formats TypeScript at about 0.15 MB/s, and a 2 MB IDL
// makes ~90 MB of it, so the output must be prettier's without prettier reading all of it:
//   0. A chunk is laid out line by line (format-lines.ts): the emitter writes its lines as prettier
//      spells them, so only indentation is added, and only the lines too long for their
//      indentation are formatted (one statement at a time, through the cache of step 2): those of
//      the emitter's usual shapes by print-unit.ts, which builds prettier's document for them and
//      prints it with prettier's doc printer (`prettier/doc`, a small module), the others by
//      prettier. A chunk of a shape the line layout does not follow falls through to the steps below.
//   1. A module is formatted one top-level chunk at a time: prettier keeps one blank line between
//      statements, so formatting chunks apart and joining them with a blank line gives the same
//      text as formatting the whole module (test/compiler/emit.test.ts checks it).
//   2. A chunk is formatted as its word skeleton (format-cache.ts): names replaced by placeholders
//      of the same width, so the 20,000 structs of a generated IDL share a handful of skeletons;
//      prettier formats each skeleton once and the names are put back into the result.
//   3. A huge chunk (a service with thousands of methods) has its long lists folded to one item
//      per shape before that (format-fold.ts), and the formatted list is rebuilt item by item.
// The output is byte for byte what prettier gives for the chunk: test/compiler/format.test.ts
// compares both on every golden, on commerce.idl and on random IDLs. Prettier is imported on the
// first text that must go to it (a unit print-unit.ts declines, a chunk the line layout refuses),
// not with the emitter: commerce.idl and the generated large IDL never load it, so a cold
// `idlc compile` skips its start-up cost.
import { hash as digest } from "node:crypto";
import type * as Prettier from "prettier";
import {
  fill,
  skeletonKey,
  skeletonOf,
  skeletonText,
  templateOf,
  verbatim,
} from "./format-cache.js";
import type { Skeleton, Template } from "./format-cache.js";
import { formatFolded } from "./format-fold.js";
import { layoutLines } from "./format-lines.js";
import type { WrappedBody } from "./format-lines.js";
import { printWrappedUnit } from "./print-unit.js";

/** The prettier options; must match the repository's `.prettierrc.json`. */
export const PRETTIER_OPTIONS = { parser: "typescript", printWidth: 100 } as const;

/** When a chunk's long lists are folded: chunk length in UTF-16 units, and items in a list. */
export interface FoldLimits {
  readonly minChars: number;
  readonly minItems: number;
}

/** Lists of 16 items or more in chunks of 16 KiB or more (smaller ones gain nothing). */
export const DEFAULT_FOLD_LIMITS: FoldLimits = { minChars: 16_384, minItems: 16 };

/** Formatted skeletons by the hash of the skeleton; bounded, cleared when full. */
const cache = new Map<string, Template>();
const MAX_CACHED_CHUNKS = 100_000;

/** How much prettier did: calls, and UTF-16 units formatted (for tests and benchmarks). */
export const formatStats = { prettierCalls: 0, prettierChars: 0 };

let prettier: Promise<typeof Prettier> | undefined;

async function prettierFormat(text: string, printWidth: number): Promise<string> {
  prettier ??= import("prettier");
  formatStats.prettierCalls++;
  formatStats.prettierChars += text.length;
  return (await prettier).format(text, { ...PRETTIER_OPTIONS, printWidth });
}

/** Formats one chunk of top-level statements; the result ends in exactly one newline. */
export async function formatChunk(
  text: string,
  limits: FoldLimits = DEFAULT_FOLD_LIMITS,
): Promise<string> {
  const laidOut = await layoutLines(text, formatUnit);
  if (laidOut !== undefined) return laidOut;
  if (text.length >= limits.minChars) {
    const folded = await formatFolded(text, limits.minItems, formatShape);
    if (folded !== undefined) return folded;
  }
  return formatShape(text);
}

/**
 * Formats one unit of a line layout at a width; undefined when prettier cannot parse it alone.
 * A unit missing from the cache is printed by print-unit.ts when it is of the emitter's usual
 * shapes (its skeleton is: placeholders keep every width it looks at), else it waits for the
 * next batch (see `UnitBatch`) to go to prettier.
 */
async function formatUnit(
  text: string,
  printWidth: number,
  body?: WrappedBody,
): Promise<string | undefined> {
  const skeleton = skeletonOf(text);
  const key = cacheKey(text, skeleton, printWidth);
  const words = skeleton?.words ?? [];
  let template = cache.get(key);
  if (template !== undefined) return fill(template, words);
  // Chunks are laid out concurrently: units of one shape wait for the first one's print.
  let printed = printing.get(key);
  if (printed === undefined) {
    printed = printTemplate(text, skeleton, printWidth, body, key);
    printing.set(key, printed);
    const done = () => void printing.delete(key);
    void printed.then(done, done);
  }
  template = await printed;
  if (template !== undefined) return fill(template, words);
  return batch.add(text, words, printWidth, key, skeleton);
}

/** Templates being printed by print-unit.ts, by cache key. */
const printing = new Map<string, Promise<Template | undefined>>();

/** The template of a unit printed by print-unit.ts, remembered; undefined when it declines. */
async function printTemplate(
  text: string,
  skeleton: Skeleton | undefined,
  printWidth: number,
  body: WrappedBody | undefined,
  key: string,
): Promise<Template | undefined> {
  const shape = skeleton === undefined ? text : skeletonText(skeleton);
  const printed = await printWrappedUnit(shape, printWidth, body);
  if (printed === undefined) return undefined;
  const template =
    skeleton === undefined
      ? verbatim(printed)
      : templateOf(printed, skeleton.placeholders, skeleton.replaced);
  if (template !== undefined) remember(key, template);
  return template;
}

/** The cache key of a text at a width: its skeleton's hash, or its own when it has none. */
function cacheKey(text: string, skeleton: Skeleton | undefined, printWidth: number): string {
  return skeleton === undefined
    ? `t${printWidth}:${digest("sha1", text, "base64")}`
    : `s${printWidth}:${skeletonKey(skeleton)}`;
}

async function formatUnitAlone(text: string, printWidth: number): Promise<string | undefined> {
  try {
    return await formatShape(text, printWidth);
  } catch {
    return undefined;
  }
}

/**
 * Units that missed the cache, collected until the event loop turns, then formatted with one
 * prettier call per width instead of one each: a prettier call costs milliseconds before it reads
 * a character. Chunks are laid out concurrently (formatModule), so a batch gathers the units of
 * every chunk. Units are separated by a comment line, which prettier keeps on its own line before
 * the statement that follows without changing that statement's layout; when splitting at those
 * lines does not give one part per unit, each unit is formatted alone.
 */
class UnitBatch {
  private readonly byWidth = new Map<number, Map<string, BatchEntry>>();
  private scheduled = false;

  add(
    text: string,
    words: readonly string[],
    printWidth: number,
    key: string,
    skeleton: Skeleton | undefined,
  ) {
    let entries = this.byWidth.get(printWidth);
    if (entries === undefined) this.byWidth.set(printWidth, (entries = new Map()));
    let entry = entries.get(key);
    if (entry === undefined) entries.set(key, (entry = { key, skeleton, waiters: [] }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    return new Promise<string | undefined>((resolve) =>
      entry.waiters.push({ text, words, resolve }),
    );
  }

  private async flush(): Promise<void> {
    const batches = [...this.byWidth];
    this.byWidth.clear();
    this.scheduled = false;
    for (const [printWidth, entries] of batches)
      await this.format([...entries.values()], printWidth);
  }

  private async format(entries: readonly BatchEntry[], printWidth: number): Promise<void> {
    const texts = entries.map((e) =>
      e.skeleton === undefined ? e.waiters[0]!.text : skeletonText(e.skeleton),
    );
    let parts: string[] | undefined;
    try {
      parts = (await prettierFormat(texts.join(SEPARATOR), printWidth)).split(SEPARATOR);
    } catch {
      parts = undefined; // one unit prettier cannot parse: each alone finds which
    }
    for (const [k, entry] of entries.entries()) {
      const part = parts?.length === entries.length ? parts[k]! : undefined;
      const template =
        part === undefined
          ? undefined
          : entry.skeleton === undefined
            ? verbatim(part)
            : templateOf(part, entry.skeleton.placeholders, entry.skeleton.replaced);
      if (template !== undefined) remember(entry.key, template);
      for (const { text, words, resolve } of entry.waiters) {
        if (template === undefined) resolve(formatUnitAlone(text, printWidth));
        else resolve(fill(template, words));
      }
    }
  }
}

interface BatchEntry {
  readonly key: string;
  readonly skeleton: Skeleton | undefined;
  readonly waiters: {
    text: string;
    words: readonly string[];
    resolve: (formatted: Promise<string | undefined> | string) => void;
  }[];
}

const batch = new UnitBatch();

/** The line between the units of a batch (units end with a newline). */
const SEPARATOR = "//@idlc-unit\n";

/** Formats a chunk through its skeleton, from the cache when another chunk had the same one. */
async function formatShape(
  text: string,
  printWidth: number = PRETTIER_OPTIONS.printWidth,
): Promise<string> {
  const skeleton = skeletonOf(text);
  if (skeleton === undefined) return formatExactly(text, printWidth);
  const key = cacheKey(text, skeleton, printWidth);
  let template = cache.get(key);
  if (template === undefined) {
    let formatted: string;
    try {
      formatted = await prettierFormat(skeletonText(skeleton), printWidth);
    } catch {
      return formatExactly(text, printWidth); // the same error, about the real text
    }
    template = templateOf(formatted, skeleton.placeholders, skeleton.replaced);
    if (template === undefined) return formatExactly(text, printWidth);
    remember(key, template);
  }
  return fill(template, skeleton.words);
}

/** Formats a chunk as it is (one with syntax the skeleton does not handle), cached by its text. */
async function formatExactly(text: string, printWidth: number): Promise<string> {
  const key = cacheKey(text, undefined, printWidth);
  const cached = cache.get(key);
  if (cached !== undefined) return fill(cached, []);
  const formatted = await prettierFormat(text, printWidth);
  remember(key, verbatim(formatted));
  return formatted;
}

function remember(key: string, template: Template): void {
  if (cache.size >= MAX_CACHED_CHUNKS) cache.clear();
  cache.set(key, template);
}

/** Formats the chunks of a module and joins them with one blank line. */
export async function formatModule(chunks: readonly string[]): Promise<string> {
  // All at once, so that the units of every chunk share prettier calls (UnitBatch).
  const formatted = await Promise.all(chunks.map((chunk) => formatChunk(chunk)));
  return formatted.filter((text) => text !== "").join("\n");
}

/** Forgets every cached chunk (tests and benchmarks use it to measure cold formatting). */
export function clearFormatCache(): void {
  cache.clear();
}
