// The fast formatter (compiler/emit/format.ts: word skeletons, folded lists) must print exactly
// what prettier prints for every chunk: on every golden, on idl/commerce.idl, on the generated
// large IDL, and on random IDLs whose names and docs are picked to break it (keywords, names
// prettier treats specially, names long enough to force line breaks, quotes and escapes in docs).
// Each is checked with the default fold limits and with folding forced onto every list.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { format } from "prettier";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { checkFiles } from "../../compiler/compile.js";
import { emitChunks } from "../../compiler/emit/file.js";
import {
  fill,
  isKept,
  skeletonOf,
  skeletonText,
  templateOf,
} from "../../compiler/emit/format-cache.js";
import {
  DEFAULT_FOLD_LIMITS,
  PRETTIER_OPTIONS,
  clearFormatCache,
  formatChunk,
  formatModule,
  formatStats,
  type FoldLimits,
} from "../../compiler/emit/format.js";
import { layoutLines, layoutStats } from "../../compiler/emit/format-lines.js";
import { memoryFiles } from "./check-support.js";
import { generateLargeIdl } from "./large-idl.js";
import { randomIdl } from "./random-idl.js";

/** Default limits, and folding of every list of one item or more / three items or more. */
const LIMITS: readonly FoldLimits[] = [
  DEFAULT_FOLD_LIMITS,
  { minChars: 0, minItems: 1 },
  { minChars: 0, minItems: 3 },
];

/** The unformatted chunks of every module a compile of `paths` emits. */
function chunksOf(paths: string[], readFile?: (path: string) => Uint8Array | undefined): string[] {
  const { allPrograms, diagnostics } = checkFiles(paths, readFile ? { readFile } : {});
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return allPrograms.flatMap((p) => emitChunks(p));
}

async function expectPrettierOutput(chunks: readonly string[]): Promise<void> {
  clearFormatCache();
  for (const chunk of chunks) {
    const expected = await format(chunk, PRETTIER_OPTIONS);
    for (const limits of LIMITS) expect(await formatChunk(chunk, limits)).toBe(expected);
  }
}

describe("skeletons", () => {
  test("words become placeholders of the same length and first letter, everywhere", () => {
    const s = skeletonOf('/** Money. */\nconst Money = { units: "Money units" }; // units\n')!;
    expect(s.words).toEqual(["Money", "units"]);
    expect(s.replaced).toBe(6);
    const [money, units] = [...s.placeholders.keys()];
    expect(money).toMatch(/^M[0-9A-Za-z]{4}$/);
    expect(units).toMatch(/^u[0-9A-Za-z]{4}$/);
    expect(skeletonText(s)).toBe(
      `/** ${money}. */\nconst ${money} = { ${units}: "${money} ${units}" }; // ${units}\n`,
    );
  });

  test("keywords, names prettier looks at, one-letter and $/_-only words stay", () => {
    const text =
      'it("x", async () => { require(a); describe.only(b); type T = __; let _$ = then; })';
    expect(skeletonText(skeletonOf(text)!)).toBe(text);
  });

  test("chunks that differ only in names share a skeleton", () => {
    const a = skeletonOf("export interface Order {\nid: OrderId;\n}\n")!;
    const b = skeletonOf("export interface Offer {\nid: OfferId;\n}\n")!;
    expect(skeletonText(a)).toBe(skeletonText(b));
    expect(b.words).toEqual(["Offer", "id", "OfferId"]);
    expect(skeletonText(skeletonOf("export interface Order {\nid: Order;\n}\n")!)).not.toBe(
      skeletonText(a),
    );
    expect(skeletonText(skeletonOf("export interface Asset {\nid: AssetId;\n}\n")!)).not.toBe(
      skeletonText(a),
    );
  });

  test("a word that spells its own placeholder is still put back", async () => {
    clearFormatCache();
    for (const text of ["const S5 = S9;\n", "const S0 = S1;\n", "const S1 = S0;\n"])
      expect(await formatChunk(text)).toBe(text);
  });

  test("placeholders never spell a kept word", () => {
    const words = Array.from(
      { length: 62 },
      (_, i) => `i${"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[i]}`,
    );
    const s = skeletonOf(words.filter((w) => !isKept(w)).join(" "));
    // The two-letter names starting with i, but for the kept ones (in, is, it): exactly as many as
    // there are placeholders once those three spellings are skipped.
    expect(s).toBeDefined();
    for (const p of s!.placeholders.keys()) expect(isKept(p)).toBe(false);
  });

  test("a prettier-ignore comment keeps its meaning", async () => {
    const text = "// prettier-ignore\nconst   Money  =  units;\nconst   Asset  =  count;\n";
    expect(skeletonText(skeletonOf(text)!)).toMatch(
      /^\/\/ prettier-ignore\nconst {3}M\w{4} {2}= {2}u\w{4};/,
    );
    expect(await formatChunk(text)).toBe(await format(text, PRETTIER_OPTIONS));
  });

  test("syntax the skeleton does not follow gets none", () => {
    expect(skeletonOf("const a = `x${b}`;")).toBeUndefined();
    expect(skeletonOf("const a = /ab+/.test(b);")).toBeUndefined();
    expect(skeletonOf("const a = b / c;")).toBeUndefined();
    expect(skeletonOf('const a = "\\d";')).toBeUndefined(); // prettier drops the backslash
    expect(skeletonOf('const a = "\\n\\u2028\\"";')).toBeDefined();
    expect(skeletonOf("/** a `b` 'c' \\d */ const x = 1;")).toBeDefined();
  });

  test("a template takes the words back, and refuses output it cannot explain", () => {
    const s = skeletonOf("const Money = units;")!;
    const t = templateOf(skeletonText(s).replace(" = ", " =\n  "), s.placeholders, s.replaced)!;
    expect(fill(t, ["Money", "units"])).toBe("const Money =\n  units;");
    expect(fill(t, ["Asset", "count"])).toBe("const Asset =\n  count;");
    expect(templateOf(`${skeletonText(s)} extra`, s.placeholders, s.replaced)).toBeUndefined();
    expect(templateOf("const x;", s.placeholders, s.replaced)).toBeUndefined();
  });
});

describe("kept words cover what TypeScript and prettier treat specially", () => {
  test("every TypeScript keyword", () => {
    for (let kind = ts.SyntaxKind.FirstKeyword; kind <= ts.SyntaxKind.LastKeyword; kind++) {
      const word = ts.tokenToString(kind)!;
      expect(isKept(word), word).toBe(true);
    }
  });

  test("every name prettier's printer compares an identifier or string with", () => {
    const path = createRequire(import.meta.url).resolve("prettier/plugins/estree");
    const source = readFileSync(path, "utf8");
    const names = new Set<string>();
    for (const m of source.matchAll(/(?:name|value)\s*[!=]==?\s*"([\w$]+)"/g)) names.add(m[1]!);
    // Lists of names: test calls (`it.only`, …), Angular test wrappers, and the like.
    for (const m of source.matchAll(
      /\[((?:"[\w$.]+",?)+)\]\.includes\(|=\[("it",(?:"[\w$.]+",?)+)\]/g,
    ))
      for (const item of (m[1] ?? m[2]!).split(","))
        for (const word of item.slice(1, -1).split(".")) names.add(word);
    expect(names.size).toBeGreaterThan(30); // the patterns still find prettier's lists
    for (const name of names) expect(isKept(name), name).toBe(true);
  });
});

describe("the fast formatter prints what prettier prints", () => {
  const goldens = readdirSync("test/compiler/golden").filter((f) => f.endsWith(".idl"));

  test.each(goldens)("golden %s", async (file) => {
    await expectPrettierOutput(chunksOf([`test/compiler/golden/${file}`]));
  });

  test("idl/commerce.idl", async () => {
    await expectPrettierOutput(chunksOf(["idl/commerce.idl"]));
  });

  test("the generated large IDL, scaled down: skeletons are shared, lists folded", async () => {
    const chunks = chunksOf(
      ["large.thrift"],
      memoryFiles({ "large.thrift": generateLargeIdl(60, 40) }),
    );
    const service = chunks.find((c) => c.includes("export interface BigClient {"))!;
    clearFormatCache();
    const before = { ...formatStats };
    const fast = await formatModule(chunks);
    const calls = formatStats.prettierCalls - before.prettierCalls;
    const chars = formatStats.prettierChars - before.prettierChars;
    // 60 structs of a handful of name widths, the header, 3 small definitions and the service.
    expect(calls).toBeLessThan(20);
    expect(chars).toBeLessThan(chunks.join("").length / 3);
    expect(fast).toBe(await format(chunks.join("\n"), PRETTIER_OPTIONS));
    // Folding the service with the default limits (lists of 16+ items) matches prettier too.
    expect(await formatChunk(service, { minChars: 0, minItems: 16 })).toBe(
      await format(service, PRETTIER_OPTIONS),
    );
  });

  test("random IDLs", async () => {
    await fc.assert(
      fc.asyncProperty(randomIdl, async (text) => {
        await expectPrettierOutput(chunksOf(["main.thrift"], memoryFiles({ "main.thrift": text })));
      }),
      { numRuns: 20 },
    );
  }, 120_000);
});

describe("line layout: prettier's output without prettier reading the lines that fit", () => {
  /** Prettier on a unit, as format.ts gives it; records what it was asked. */
  function prettierUnits(asked: string[]) {
    return async (text: string, printWidth: number) => {
      asked.push(text);
      try {
        return await format(text, { ...PRETTIER_OPTIONS, printWidth });
      } catch {
        return undefined;
      }
    };
  }

  /** Lays `lines` out; expects prettier's output, and returns the units prettier was asked for. */
  async function expectLaidOut(lines: string[]): Promise<string[]> {
    const text = lines.join("\n") + "\n";
    const asked: string[] = [];
    const laidOut = await layoutLines(text, prettierUnits(asked));
    expect(laidOut, layoutStats.lastRefusal).toBe(await format(text, PRETTIER_OPTIONS));
    return asked;
  }

  async function expectRefused(lines: string[], why: string): Promise<void> {
    const text = lines.join("\n") + "\n";
    expect(await layoutLines(text, prettierUnits([]))).toBeUndefined();
    expect(layoutStats.lastRefusal).toContain(why);
    expect(await formatChunk(text)).toBe(await format(text, PRETTIER_OPTIONS)); // the fallback
  }

  test("blocks, switch cases, else lines, blank lines and JSDoc are indented as prettier does", async () => {
    const asked = await expectLaidOut([
      "/**",
      " * A doc.",
      " *",
      " */",
      "export function f(t: number): number {",
      "",
      "let n = 0;",
      "",
      "",
      "switch (t) {",
      "case 1:",
      "if (t > 0) n = 1;",
      "else n = 2;",
      "break;",
      "default:",
      "n = 3;",
      "}",
      "",
      "// the result",
      "return n;",
      "}",
    ]);
    expect(asked).toEqual([]);
  });

  test("only the lines too wide for their indentation go to prettier, inside a wrapper", async () => {
    const long = `if (n1 > 0 && (r.keyType !== TType.STRING || r.valueType !== TType.STRING)) throw elementTypeMismatch(r, "attributes");`;
    const asked = await expectLaidOut([
      "export const X = defineStruct<X>({",
      'name: "X",',
      "read(r) {",
      "for (;;) {",
      long,
      "}",
      "},",
      "});",
    ]);
    expect(asked).toEqual([`function _() {\n${long}\n}\n`]);
  });

  test("a long opener is formatted with a stub body, and its body indented as prettier does", async () => {
    const asked = await expectLaidOut([
      "export class NotFoundAnywhereAtAll extends ThriftException {",
      "static readonly #codec: StructCodec<NotFoundAnywhereAtAll, ConstructorParameters<typeof NotFoundAnywhereAtAll>[0]> = defineStruct({",
      'name: "NotFoundAnywhereAtAll",',
      "});",
      "}",
    ]);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain("_,\n});");
  });

  test("arrays stay broken only when an element is an expanded object", async () => {
    await expectLaidOut([
      "export const d = {",
      "methods: [",
      "...base,",
      "{",
      'name: "m",',
      "},",
      "],",
      "};",
    ]);
    await expectRefused(["export const d = {", "methods: [", "...base,", "],", "};"], "array");
  });

  test("what prettier would rewrite goes to prettier, even when it fits", async () => {
    for (const line of [
      `export const a = "say \\"hi\\"";`, // quotes: prettier picks single ones
      "export const b = 1.50;", // number forms
      "export const c = 0xFF;",
      'export const d = "中文字中文字";', // wide characters count twice
      "export const e = [{ a: 1, b: 2 }, { a: 3, b: 4 }];", // a matrix of objects breaks
    ]) {
      const asked = await expectLaidOut([line]);
      expect(asked, line).toHaveLength(1);
    }
    expect(await expectLaidOut(['export const f = [{ key: "k", value: "v" }];'])).toEqual([]);
  });

  test("shapes it does not follow are refused, and formatted whole", async () => {
    await expectRefused(["export interface Empty {", "}"], "empty body");
    await expectRefused(["export type U =", '| { kind: "a" }', '| { kind: "b" };'], "continues");
    await expectRefused(["const a = f(", "b,", ");"], "does not follow");
    await expectRefused(["/*", "  not JSDoc", "*/", "const a = 1;"], "verbatim");
    await expectRefused(["// prettier-ignore", "const   a = 1;"], "prettier-ignore");
    await expectRefused(["switch (a) {", "case 1: {", "b();", "}", "}"], "unknown body");
    await expectRefused(["switch (a) {", "default:", "// none", "}"], "comment in a switch");
  });

  test("commerce.idl: prettier reads under a sixth of the text, and nothing is refused", async () => {
    const chunks = chunksOf(["idl/commerce.idl"]);
    clearFormatCache();
    const before = { ...formatStats, ...layoutStats };
    const text = await formatModule(chunks);
    expect(layoutStats.refused - before.refused).toBe(0);
    expect(formatStats.prettierChars - before.prettierChars).toBeLessThan(text.length / 6);
    expect(text).toBe(readFileSync("generated/commerce.ts", "utf8"));
  });
});
