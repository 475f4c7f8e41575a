// "Did you mean": the closest of a set of names to a misspelt one. Shared by the checker (the
// user's own names, base types) and the parser's messages (keywords), so both judge alike.

/** The type words of Thrift IDL, suggested for an unknown type (`strng`, `i46`, `lsit`). */
export const TYPE_KEYWORDS: readonly string[] = [
  "bool",
  "byte",
  "i8",
  "i16",
  "i32",
  "i64",
  "double",
  "string",
  "binary",
  "uuid",
  "list",
  "set",
  "map",
];

/** The words that start a header or definition, suggested for a stray word at the top level. */
export const DEFINITION_KEYWORDS: readonly string[] = [
  "include",
  "cpp_include",
  "namespace",
  "const",
  "typedef",
  "enum",
  "struct",
  "union",
  "exception",
  "service",
];

/**
 * The closest name (at most 2 edits, and fewer than half the name's length, so a short name is
 * not "corrected" into an unrelated one), or undefined. A swap of two neighbours is one edit.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(2, Math.floor(name.length / 2));
  const lower = name.toLowerCase();
  const letters = sortedLetters(lower);
  let best: string | undefined;
  let bestDistance = limit + 1;
  let bestIsAnagram = false;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - name.length) > bestDistance) continue;
    const d = editDistance(lower, candidate.toLowerCase(), bestDistance + 1);
    if (d > bestDistance || d > limit) continue;
    // On a tie, the candidate with the same letters wins: `i46` is `i64` swapped, not `i16`.
    const anagram = sortedLetters(candidate.toLowerCase()) === letters;
    if (d < bestDistance || (anagram && !bestIsAnagram)) {
      best = candidate;
      bestDistance = d;
      bestIsAnagram = anagram;
    }
  }
  return best;
}

function sortedLetters(word: string): string {
  return [...word].sort().join("");
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment: `i46` → `i64` is 1),
 * giving up (returning `cap`) once every path is at least `cap`.
 */
function editDistance(a: string, b: string, cap: number): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= cap) return cap;
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}
