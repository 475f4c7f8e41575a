// print-unit.ts prints the emitter's long units as prettier 3.10 does, without prettier. Each
// shape the emitter writes is generated here with names and list lengths swept so that the unit
// lands on both sides of every break point, at widths from a deep indentation to the top level,
// and the printer's output must be prettier's, byte for byte (or the printer must decline).
import fc from "fast-check";
import { format } from "prettier";
import { describe, expect, test } from "vitest";
import { compile } from "../../compiler/compile.js";
import { clearFormatCache, formatStats, PRETTIER_OPTIONS } from "../../compiler/emit/format.js";
import type { WrappedBody } from "../../compiler/emit/format-lines.js";
import { printWrappedUnit } from "../../compiler/emit/print-unit.js";

const HEADS: Record<WrappedBody, string> = {
  statements: "function _() {",
  cases: "switch (_) {\ncase 0:",
  class: "class _ {",
  members: "interface _ {",
  object: "_ = {",
};

/** A unit as the line layout sends it: wrapped in its body's wrapper. */
function wrap(unit: string, body: WrappedBody | undefined): string {
  if (body === undefined) return unit + "\n";
  return `${HEADS[body]}\n${unit}\n${body === "object" ? "};" : "}"}\n`;
}

/** Prints a unit both ways; returns whether the printer took it (then it must match prettier). */
async function matchesPrettier(unit: string, body: WrappedBody | undefined, width: number) {
  const text = wrap(unit, body);
  const printed = await printWrappedUnit(text, width, body);
  if (printed === undefined) return false;
  expect(printed, `${text}at width ${width}`).toBe(
    await format(text, { ...PRETTIER_OPTIONS, printWidth: width }),
  );
  return true;
}

// Names of 1 to 24 characters, lower- or upper-case first (member chains look at the case).
const name = fc
  .tuple(fc.constantFrom(..."abcdmnoprstuvwABCDMPSTW"), fc.integer({ min: 0, max: 23 }))
  .map(([first, n]) => first + "x".repeat(n));
const typeName = fc
  .tuple(fc.constantFrom(..."ABCDMPSTW"), fc.integer({ min: 0, max: 23 }))
  .map(([first, n]) => first + "y".repeat(n));
const longName = fc
  .tuple(fc.constantFrom(..."abimrsv"), fc.integer({ min: 0, max: 40 }))
  .map(([first, n]) => first + "z".repeat(n));
const str = name.map((n) => `"${n}"`);
const simpleType = fc.oneof(
  typeName,
  fc.constantFrom("string", "number", "bigint", "void", "null", "undefined"),
);
const genericType = fc.oneof(
  simpleType,
  fc.tuple(typeName, simpleType).map(([t, a]) => `${t}<${a}>`),
  fc.tuple(typeName, simpleType, simpleType).map(([t, a, b]) => `${t}<${a}, ${b}>`),
  simpleType.map((t) => `${t}[]`),
);
const width = fc.integer({ min: 24, max: 100 });
const body = fc.constantFrom<WrappedBody>("statements", "cases");
const RUNS = { numRuns: 250 };

/** Runs a property over generated units and checks that the printer took most of them. */
async function sweep(units: fc.Arbitrary<[string, WrappedBody | undefined, number]>) {
  let taken = 0;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(units, async ([unit, b, w]) => {
      runs++;
      if (await matchesPrettier(unit, b, w)) taken++;
    }),
    RUNS,
  );
  expect(taken, "the printer declined most units of a shape it should print").toBeGreaterThan(
    runs * 0.9,
  );
}

describe("print-unit prints what prettier prints", () => {
  test("client calls: `return channel.call(…) as Promise<T>;`", async () => {
    const result = fc.oneof(
      genericType,
      fc.tuple(typeName, typeName, typeName).map(([m, a, b]) => `${m}<${a}, ${b}>`),
    );
    const unit = fc
      .tuple(name, name, str, name, str, fc.array(name, { maxLength: 5 }), name, typeName, result)
      .map(
        ([c, call, svc, m, method, args, o, p, t]) =>
          `return ${c}.${call}(${svc}, ${m}.get(${method})!, [${args.join(", ")}], ${o}) as ${p}<${t}>;`,
      );
    await sweep(fc.tuple(unit, body, width));
  });

  test("codecs: `export const X: S<X, W<X, …>> = defineStruct<…>({` openers", async () => {
    const strings = fc.array(str, { minLength: 1, maxLength: 4 }).map((s) => s.join(" | "));
    const unit = fc
      .tuple(typeName, typeName, typeName, name, strings, fc.boolean(), typeName, typeName)
      .map(([x, s, w, d, keys, complex, a, b]) => {
        const args = complex
          ? `${x}, ${w}<${x}, ${keys}>`
          : keys.length % 2
            ? `${a}, ${b}`
            : `${w}<${a}>`;
        return `export const ${x}: ${s}<${args}> = ${d}<${args}>({\n_,\n});`;
      });
    await sweep(fc.tuple(unit, fc.constant(undefined), width));
  });

  test("exception codecs: `static readonly #codec: S<N, C<typeof N>[0]> = define({`", async () => {
    const unit = fc
      .tuple(name, typeName, typeName, typeName, name)
      .map(
        ([c, s, n, ctor, d]) =>
          `static readonly #${c}: ${s}<${n}, ${ctor}<typeof ${n}>[0]> = ${d}({\n_,\n});`,
      );
    await sweep(fc.tuple(unit, fc.constant("class" as const), width));
  });

  test("read checks: `if (… && (… || …)) throw err(…);`", async () => {
    const comparison = fc
      .tuple(name, name, typeName, name)
      .map(([r, k, t, s]) => `${r}.${k} !== ${t}.${s}`);
    const test_ = fc.oneof(
      fc.tuple(name, comparison).map(([n, c]) => `${n} > 0 && ${c}`),
      fc.tuple(name, comparison, comparison).map(([n, a, b]) => `${n} > 0 && (${a} || ${b})`),
      name.map((v) => `${v} !== undefined`),
      name.map((v) => `${v} === undefined`),
    );
    const unit = fc
      .tuple(test_, name, fc.array(fc.oneof(name, str), { minLength: 1, maxLength: 4 }))
      .map(([t, e, args]) => `if (${t}) throw ${e}(${args.join(", ")});`);
    await sweep(fc.tuple(unit, body, width));
  });

  test("service interfaces: `name(a: A, b?: B): R | Promise<R>;`", async () => {
    const param = fc
      .tuple(name, fc.boolean(), genericType)
      .map(([n, optional, t]) => `${n}${optional ? "?" : ""}: ${t}`);
    const returns = fc.oneof(
      genericType,
      fc.tuple(genericType, typeName).map(([r, p]) => `${r} | ${p}<${r}>`),
      fc.tuple(genericType, genericType, genericType).map((types) => types.join(" | ")),
      fc.tuple(typeName, typeName, typeName).map(([p, m, a]) => `${p}<${m}<${a}, ${a}>>`),
    );
    const unit = fc
      .tuple(name, fc.array(param, { minLength: 1, maxLength: 5 }), returns)
      .map(([n, params, r]) => `${n}(${params.join(", ")}): ${r};`);
    await sweep(fc.tuple(unit, fc.constant("members" as const), width));
  });

  test("exception constructors: `constructor(init: { a: string; b?: T | undefined }) {`", async () => {
    const member = fc
      .tuple(name, fc.boolean(), genericType)
      .map(([n, optional, t]) => (optional ? `${n}?: ${t} | undefined` : `${n}: ${t}`));
    const unit = fc
      .tuple(name, fc.array(member, { minLength: 1, maxLength: 5 }))
      .map(([i, members]) => `constructor(${i}: { ${members.join("; ")} }) {\n_;\n}`);
    await sweep(fc.tuple(unit, fc.constant("class" as const), width));
  });

  test("objects: `return { a, b: i.b, c: i.c ?? new Set() };`", async () => {
    const property = fc.oneof(
      name,
      fc.tuple(name, longName).map(([k, i]) => `${k}: ${i}.${k}`),
      fc.tuple(name, longName, typeName).map(([k, i, s]) => `${k}: ${i}.${k} ?? new ${s}()`),
      fc
        .tuple(name, fc.constantFrom("20", "true", "null", "0n"))
        .map(([k, v]) => `${k}: ${k} ?? ${v}`),
      fc.tuple(name, str).map(([k, s]) => `${k}: ${s}`),
      fc.tuple(name, fc.constantFrom("20", "true", "undefined")).map(([k, v]) => `${k}: ${v}`),
      fc.tuple(name, longName).map(([k, f]) => `${k}: ${f}()`),
      fc.tuple(name, longName, typeName).map(([k, v, t]) => `${k}: new ${t}(${v})`),
      fc.tuple(name, longName, fc.oneof(longName, str)).map(([k, f, v]) => `${k}: ${f}(${v})`),
      fc.tuple(name, longName, longName).map(([k, a, b]) => `${k}: [${a}, ${b}]`),
    );
    const unit = fc
      .array(property, { minLength: 1, maxLength: 8 })
      .map((props) => `return { ${props.join(", ")} };`);
    await sweep(fc.tuple(unit, body, width));
  });

  test("imports, union type aliases, sets and maps, calls with several arguments", async () => {
    const imports = fc
      .tuple(fc.boolean(), fc.array(name, { minLength: 2, maxLength: 12 }), str)
      .map(([t, names, from]) => `import ${t ? "type " : ""}{ ${names.join(", ")} } from ${from};`);
    const variant = fc
      .tuple(name, str, name, genericType)
      .map(([k, tag, v, t]) => `{ ${k}: ${tag}; ${v}: ${t} }`);
    const alias = fc
      .tuple(typeName, fc.array(variant, { minLength: 2, maxLength: 5 }))
      .map(([t, variants]) => `export type ${t} = ${variants.join(" | ")};`);
    const set = fc
      .tuple(typeName, typeName, typeName, typeName, fc.array(str, { minLength: 1, maxLength: 8 }))
      .map(
        ([x, r, c, s, items]) => `export const ${x}: ${r}<${c}> = new ${s}([${items.join(", ")}]);`,
      );
    const entry = fc.tuple(typeName, name, str).map(([e, k, s]) => `[${e}.${k}, ${s}]`);
    const map = fc
      .tuple(
        typeName,
        typeName,
        typeName,
        typeName,
        fc.array(entry, { minLength: 1, maxLength: 6 }),
      )
      .map(
        ([x, r, k, m, entries]) =>
          `export const ${x}: ${r}<${k}, string> = new ${m}([${entries.join(", ")}]);`,
      );
    const cast = fc.tuple(name, typeName).map(([a, t]) => `${a}[0] as ${t}`);
    const call = fc
      .tuple(name, name, fc.array(cast, { minLength: 1, maxLength: 5 }), name)
      .map(([h, m, args, c]) => `return ${h}.${m}(${args.join(", ")}, ${c});`);
    await sweep(
      fc.oneof(
        fc.tuple(fc.oneof(imports, alias, set, map), fc.constant(undefined), width),
        fc.tuple(call, body, width),
      ),
    );
  });

  test("shapes it does not know are declined, to be formatted by prettier", async () => {
    for (const [unit, b] of [
      ["return a + b;", "statements"],
      ["return a ? b : c;", "statements"],
      ["if (a < b) throw e(a);", "statements"],
      ["return f(() => 1, a);", "statements"],
      ["const { a, b } = c;", "statements"],
      ["return a.b.c(d).e(f);", "statements"],
      ["return [1, 2, 3];", "statements"],
      ["return 'single';", "statements"],
      ["return 0x1f;", "statements"],
      ["return require(a, b);", "statements"],
      ['import { a } from "x";', undefined],
      ["export type T = string;", undefined],
      ["export let x: T = y;", undefined],
      ["protected static readonly x: T = y;", "class"],
      ["m(): R;", "members"],
      ["a: 1,", "object"],
    ] as const) {
      expect(await printWrappedUnit(wrap(unit, b), 100, b), unit).toBeUndefined();
    }
  });

  test("commerce.idl compiles without a single prettier call", async () => {
    clearFormatCache();
    const before = formatStats.prettierCalls;
    const { outputs, diagnostics } = await compile(["idl/commerce.idl"]);
    expect(diagnostics).toEqual([]);
    expect(outputs).toHaveLength(1);
    expect(formatStats.prettierCalls - before).toBe(0);
  });
});
