// prettier, for what the writer (writer.ts) does not lay out itself: a line too long for its place
// of a shape layout.ts does not build, or a chunk with a block head it cannot lay out. prettier is
// imported on the first such text, not with the emitter: most modules never load it, so a cold
// `idlc compile` skips its start-up cost. Output must match `.prettierrc.json`.
import type * as Prettier from "prettier";

/** The prettier options; must match the repository's `.prettierrc.json`. */
export const PRETTIER_OPTIONS = { parser: "typescript", printWidth: 100 } as const;

/** How much prettier did: calls, and UTF-16 units formatted (for tests and benchmarks). */
export const formatStats = { prettierCalls: 0, prettierChars: 0 };

let prettier: Promise<typeof Prettier> | undefined;

/** Formats TypeScript text with prettier at a print width. */
export async function formatText(
  text: string,
  printWidth: number = PRETTIER_OPTIONS.printWidth,
): Promise<string> {
  prettier ??= import("prettier");
  formatStats.prettierCalls++;
  formatStats.prettierChars += text.length;
  return (await prettier).format(text, { ...PRETTIER_OPTIONS, printWidth });
}

/** The bodies a statement is wrapped in to be formatted alone (writer.ts `BodyKind`). */
export type WrappedBody = "statements" | "cases" | "class" | "members" | "object";

/** How a statement of each kind of body is wrapped to be formatted alone. */
const WRAPPERS: Record<
  WrappedBody,
  { readonly head: string; readonly tail: string; readonly indent: number }
> = {
  statements: { head: "function _() {", tail: "}", indent: 2 },
  cases: { head: "switch (_) {\ncase 0:", tail: "}", indent: 4 },
  class: { head: "class _ {", tail: "}", indent: 2 },
  members: { head: "interface _ {", tail: "}", indent: 2 },
  object: { head: "_ = {", tail: "};", indent: 2 },
};

/**
 * The lines prettier prints for one statement `text` at `indent` in a body of kind `inside`
 * (top level when undefined): formatted inside its wrapper at the width its indentation leaves.
 * Undefined when prettier cannot format it alone.
 */
export async function formatAlone(
  text: string,
  indent: number,
  inside: WrappedBody | undefined,
): Promise<string[] | undefined> {
  const wrapper = inside === undefined ? undefined : WRAPPERS[inside];
  const added = wrapper?.indent ?? 0;
  const width = PRETTIER_OPTIONS.printWidth - indent + added;
  if (width < 20) return undefined;
  const source = wrapper === undefined ? text : `${wrapper.head}\n${text}\n${wrapper.tail}`;
  let formatted: string;
  try {
    formatted = await formatText(source + "\n", width);
  } catch {
    return undefined;
  }
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
