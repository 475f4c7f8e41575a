// The IDL files `idlc fmt` is tested on: every fixture and golden of the compiler tests that
// parses, the commerce contract, and the interop IDLs; plus a generator of random documents in
// the subset Apache 0.17 accepts, with comments and odd whitespace between the tokens.
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";

/** The repository root. */
export const ROOT = join(import.meta.dirname, "..", "..", "..");

/** Repo-relative paths of the corpus (`/bad/` cases, which do not parse, left out). */
export function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== "bad" && e.name !== ".work" && e.name !== "node_modules") walk(path);
      } else if (/\.(idl|thrift)$/.test(e.name)) out.push(path);
    }
  };
  for (const dir of ["test/compiler", "idl", "test/interop"]) walk(dir);
  return out.map((p) => relative(ROOT, join(ROOT, p))).sort();
}

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,6}$/).map((n) => `N${n}`); // a prefix no keyword or reserved word has
const gap = fc.constantFrom(
  " ",
  "  ",
  "\t",
  "\n",
  "\n\n\n",
  " /* c */ ",
  "\n// line\n",
  "\n# hash\n",
  "\n/* multi\n   line */\n",
);
const maybeGap = fc.oneof(
  { weight: 3, arbitrary: fc.constant(" ") },
  { weight: 1, arbitrary: gap },
);
const doc = fc.option(
  fc.constantFrom("/** One line doc. */\n", "/**\n * A doc\n *   indented\n */\n"),
  { freq: 3 },
);
const baseType = fc.constantFrom("bool", "i8", "i16", "i32", "i64", "double", "string", "binary");
const type = fc.oneof(
  { weight: 3, arbitrary: baseType },
  baseType.map((t) => `list<${t}>`),
  fc.tuple(baseType, baseType).map(([k, v]) => `map<${k},${v}>`),
  baseType.map((t) => `set < ${t} >`),
);
const requiredness = fc.constantFrom("", "required ", "optional ");
const separator = fc.constantFrom("", ",", ";");

/** A random document: a few structs, an enum and a service, with gaps and comments anywhere. */
export const randomDocument: fc.Arbitrary<string> = fc
  .record({
    // "T" prefixes keep struct names apart from the fixed ones below (NE, NS, NFail).
    structs: fc.uniqueArray(
      name.map((n) => `T${n}`),
      { minLength: 1, maxLength: 3 },
    ),
    fields: fc.array(fc.tuple(doc, requiredness, type, name, separator, maybeGap), {
      minLength: 0,
      maxLength: 5,
    }),
    enumValues: fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
    methods: fc.uniqueArray(name, { minLength: 0, maxLength: 3 }),
    gaps: fc.array(maybeGap, { minLength: 12, maxLength: 12 }),
    docs: fc.array(doc, { minLength: 4, maxLength: 4 }),
    intDefault: fc.integer({ min: -1000, max: 1000 }),
  })
  .map(({ structs, fields, enumValues, methods, gaps, docs, intDefault }) => {
    const g = (i: number) => gaps[i % gaps.length]!;
    const seenFields = new Set<string>();
    const body = fields
      .filter(([, , , n]) => !seenFields.has(n) && seenFields.add(n))
      .map(([d, r, t, n, s, w], i) => `${d ?? ""}${i + 1}:${w}${r}${t}${w}${n}${s}`)
      .join(g(0));
    const out: string[] = [`${docs[0] ?? ""}namespace${g(1)}js${g(2)}shop`];
    out.push(`const${g(3)}i32 LIMIT =${g(4)}${intDefault}`);
    out.push(`const map<string,i32> TABLE = {${g(5)}"a": 1,${g(6)}"b" : 2 }`);
    for (const s of structs) out.push(`${docs[1] ?? ""}struct ${s}${g(7)}{${g(8)}${body}${g(9)}}`);
    out.push(
      `${docs[2] ?? ""}enum NE {${enumValues.map((v, i) => `${v}${i % 2 ? ` = ${i * 3}` : ""}`).join(`,${g(10)}`)}}`,
    );
    out.push(`exception NFail { 1: string why }`);
    out.push(
      `${docs[3] ?? ""}service NS {${methods.map((m) => `${g(11)}${structs[0]} ${m}(1: i32 a,${g(2)}2: ${structs[0]} b) throws (1: NFail f)`).join(",")}}`,
    );
    return out.join(g(3)) + "\n";
  });
