// Lays emitted text out with prettier, with the repository's fixed configuration, so generated
// files pass `prettier --check`. A module is formatted one top-level chunk at a time: prettier
// keeps one blank line between statements, so formatting chunks separately and joining them with
// a blank line gives the same text as formatting the whole module, and unchanged chunks (in
// `--watch`, or repeated shapes in a huge IDL) come from a cache instead of prettier.
import { createHash } from "node:crypto";
import { format } from "prettier";

/** The prettier options; must match the repository's `.prettierrc.json`. */
export const PRETTIER_OPTIONS = { parser: "typescript", printWidth: 100 } as const;

/** Formatted chunks by the hash of their unformatted text; bounded, cleared when full. */
const cache = new Map<string, string>();
const MAX_CACHED_CHUNKS = 100_000;

/** Formats one chunk of top-level statements; the result ends in exactly one newline. */
export async function formatChunk(text: string): Promise<string> {
  const key = createHash("sha1").update(text).digest("base64");
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const formatted = await format(text, PRETTIER_OPTIONS);
  if (cache.size >= MAX_CACHED_CHUNKS) cache.clear();
  cache.set(key, formatted);
  return formatted;
}

/** Formats the chunks of a module and joins them with one blank line. */
export async function formatModule(chunks: readonly string[]): Promise<string> {
  const formatted: string[] = [];
  for (const chunk of chunks) {
    const text = await formatChunk(chunk);
    if (text !== "") formatted.push(text);
  }
  return formatted.join("\n");
}

/** Forgets every cached chunk (tests and benchmarks use it to measure cold formatting). */
export function clearFormatCache(): void {
  cache.clear();
}
