// Properties of the syntax stage (compiler/syntax/parse.ts), with fast-check:
// - any document printed from a random model parses without diagnostics, back to that model;
// - token soup, truncations and mutations of valid files never throw, never report an idlc bug,
//   and always report something when they are invalid by construction (unbalanced brackets).
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { SourceFile } from "../../compiler/source.js";
import type * as ast from "../../compiler/syntax/ast.js";
import { parseSource } from "../../compiler/syntax/parse.js";
import { lexSource } from "../../compiler/syntax/tokens.js";

// ---- a model of valid documents, printed as IDL -----------------------------------------------

const KEYWORDS = new Set(
  (
    "namespace cpp_include cpp_type include xsd_all xsd_optional xsd_nillable xsd_attrs void " +
    "bool byte i8 i16 i32 i64 double string binary uuid map list set oneway async typedef " +
    "struct union exception extends throws service enum const required optional true false " +
    "senum slist cpp_namespace csharp_namespace delphi_namespace java_package perl_package " +
    "php_namespace py_module ruby_namespace smalltalk_category smalltalk_prefix xsd_namespace"
  ).split(" "),
);
const FIELD_NAME_KEYWORDS = [
  "namespace",
  "include",
  "void",
  "string",
  "list",
  "map",
  "oneway",
  "async",
  "required",
  "optional",
  "struct",
  "service",
  "throws",
  "uuid",
];
const BASE_TYPES = [
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
];

const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/).filter((n) => !KEYWORDS.has(n));
const dottedName = fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("."));
const fieldName = fc.oneof({ weight: 4, arbitrary: name }, fc.constantFrom(...FIELD_NAME_KEYWORDS));
const separator = fc.constantFrom("", ",", ";");

interface Printed {
  /** IDL text. */
  readonly text: string;
  /** What parsing it must give back, in the canonical form `describe*` below produces. */
  readonly model: string;
}

function escape(value: string): string {
  return value.replace(
    /[\\"\n\r\t]/g,
    (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]!,
  );
}

const annotations: fc.Arbitrary<Printed> = fc
  .array(fc.tuple(dottedName, fc.option(fc.string({ maxLength: 6 })), separator), { maxLength: 3 })
  .map((entries) => ({
    text: `(${entries.map(([k, v, sep]) => `${k}${v === null ? "" : ` = "${escape(v)}"`}${sep}`).join(" ")})`,
    model: `(${entries.map(([k, v]) => `${k}=${JSON.stringify(v ?? "1")}`).join(",")})`,
  }));
const maybeAnnotations = fc.option(annotations, { freq: 3 });
// On a type, an empty annotation list `()` leaves no trace in the AST.
const withAnnotations = (p: Printed, a: Printed | null): Printed =>
  a === null
    ? p
    : { text: `${p.text} ${a.text}`, model: `${p.model}${a.model === "()" ? "" : a.model}` };

const { type } = fc.letrec<{ type: Printed }>((tie) => ({
  type: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc
      .tuple(fc.constantFrom(...BASE_TYPES), maybeAnnotations)
      .map(([b, a]) => withAnnotations({ text: b, model: b }, a)),
    dottedName.map((n) => ({ text: n, model: `@${n}` })),
    fc
      .tuple(fc.constantFrom("list", "set"), tie("type"), maybeAnnotations)
      .map(([k, e, a]) =>
        withAnnotations({ text: `${k}<${e.text}>`, model: `${k}<${e.model}>` }, a),
      ),
    fc
      .tuple(tie("type"), tie("type"), maybeAnnotations)
      .map(([k, v, a]) =>
        withAnnotations(
          { text: `map<${k.text}, ${v.text}>`, model: `map<${k.model},${v.model}>` },
          a,
        ),
      ),
  ),
}));

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const intConst: fc.Arbitrary<Printed> = fc.oneof(
  int64.map((v) => ({ text: String(v), model: `${v}` })),
  fc
    .bigInt({ min: 0n, max: 2n ** 63n - 1n })
    .map((v) => ({ text: `0x${v.toString(16)}`, model: `${v}` })),
  fc.boolean().map((b) => ({ text: String(b), model: b ? "1" : "0" })),
);

const { value } = fc.letrec<{ value: Printed }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    intConst,
    fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .map((d) => d.toExponential()) // always a double literal (has an exponent); -0 prints as 0
      .map((text) => ({ text, model: `d${Number(text)}` })),
    fc.string({ maxLength: 8 }).map((s) => ({ text: `"${escape(s)}"`, model: JSON.stringify(s) })),
    dottedName.map((n) => ({ text: n, model: `@${n}` })),
    fc.array(fc.tuple(tie("value"), separator), { maxLength: 3 }).map((items) => ({
      text: `[${items.map(([v, s]) => `${v.text}${s}`).join(" ")}]`,
      model: `[${items.map(([v]) => v.model).join(",")}]`,
    })),
    fc.array(fc.tuple(tie("value"), tie("value"), separator), { maxLength: 3 }).map((entries) => ({
      text: `{${entries.map(([k, v, s]) => `${k.text}: ${v.text}${s}`).join(" ")}}`,
      model: `{${entries.map(([k, v]) => `${k.model}:${v.model}`).join(",")}}`,
    })),
  ),
}));

const field: fc.Arbitrary<Printed> = fc
  .record({
    id: fc.option(fc.integer({ min: -5, max: 32767 })),
    requiredness: fc.constantFrom("", "required", "optional"),
    type,
    reference: fc.boolean(),
    name: fieldName,
    defaultValue: fc.option(value, { freq: 4 }),
    annotations: maybeAnnotations,
    doc: fc.option(
      fc
        .stringMatching(/^[a-z ]{1,12}$/)
        .map((s) => s.trim())
        .filter((s) => s !== ""),
      { freq: 4 },
    ),
    sep: separator,
  })
  .map((f) => ({
    text:
      (f.doc === null ? "" : `/** ${f.doc} */ `) +
      `${f.id === null ? "" : `${f.id}: `}${f.requiredness} ${f.type.text} ${f.reference ? "& " : ""}${f.name}` +
      `${f.defaultValue === null ? "" : ` = ${f.defaultValue.text}`}` +
      `${f.annotations === null ? "" : ` ${f.annotations.text}`}${f.sep}`,
    model:
      `${f.id ?? "-"}:${f.requiredness || "default"}:${f.type.model}:${f.reference ? "&" : ""}${f.name}` +
      `=${f.defaultValue?.model ?? ""}${f.annotations?.model ?? "()"}#${f.doc ?? ""}`,
  }));
const fields = fc.array(field, { maxLength: 4 }).map((fs) => ({
  text: fs.map((f) => f.text).join("\n  "),
  model: fs.map((f) => f.model).join(" | "),
}));

const definition: fc.Arbitrary<Printed> = fc.oneof(
  fc.tuple(type, name, value, separator).map(([t, n, v, s]) => ({
    text: `const ${t.text} ${n} = ${v.text}${s}`,
    model: `const ${n}: ${t.model} = ${v.model}`,
  })),
  fc.tuple(type, name, maybeAnnotations, separator).map(([t, n, a, s]) => ({
    text: `typedef ${t.text} ${n}${a === null ? "" : ` ${a.text}`}${s}`,
    model: `typedef ${n}: ${t.model}${a?.model ?? "()"}`,
  })),
  fc
    .tuple(
      name,
      fc.array(fc.tuple(name, fc.option(intConst), separator), { maxLength: 4 }),
      maybeAnnotations,
    )
    .map(([n, values, a]) => ({
      text: `enum ${n} { ${values.map(([v, x, s]) => `${v}${x === null ? "" : ` = ${x.text}`}${s}`).join(" ")} }${a === null ? "" : ` ${a.text}`}`,
      model: `enum ${n} { ${values.map(([v, x]) => `${v}=${x?.model ?? ""}`).join(",")} }${a?.model ?? "()"}`,
    })),
  fc
    .tuple(fc.constantFrom("struct", "union", "exception"), name, fields, maybeAnnotations)
    .map(([k, n, fs, a]) => ({
      text: `${k} ${n} {\n  ${fs.text}\n}${a === null ? "" : ` ${a.text}`}`,
      model: `${k} ${n} { ${fs.model} }${a?.model ?? "()"}`,
    })),
  fc
    .tuple(
      name,
      fc.option(dottedName),
      fc.array(
        fc.record({
          oneway: fc.constantFrom("", "oneway", "async"),
          returns: fc.option(type, { freq: 3 }),
          name,
          params: fields,
          throws: fc.option(fields),
          sep: separator,
        }),
        { maxLength: 3 },
      ),
    )
    .map(([n, base, fns]) => ({
      text:
        `service ${n}${base === null ? "" : ` extends ${base}`} {\n` +
        fns
          .map(
            (f) =>
              `  ${f.oneway} ${f.returns?.text ?? "void"} ${f.name}(${f.params.text})` +
              `${f.throws === null ? "" : ` throws (${f.throws.text})`}${f.sep}\n`,
          )
          .join("") +
        "}",
      model:
        `service ${n} extends ${base ?? "-"} { ` +
        fns
          .map(
            (f) =>
              `${f.oneway || "-"} ${f.returns?.model ?? "void"} ${f.name}(${f.params.model})` +
              `${f.throws === null ? "" : ` throws (${f.throws.model})`}`,
          )
          .join(" ; ") +
        " }",
    })),
);

const documentArb: fc.Arbitrary<Printed> = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc
          .string({ maxLength: 10 })
          .map((p) => ({ text: `include "${escape(p)}"`, model: `include ${JSON.stringify(p)}` })),
        fc.tuple(fc.oneof(dottedName, fc.constant("*")), dottedName).map(([s, v]) => ({
          text: `namespace ${s} ${v}`,
          model: `namespace ${s} ${v}`,
        })),
      ),
      { maxLength: 3 },
    ),
    fc.array(definition, { maxLength: 5 }),
  )
  .map(([headers, definitions]) => ({
    text: [...headers, ...definitions].map((p) => p.text).join("\n"),
    model: [...headers, ...definitions].map((p) => p.model).join("\n"),
  }));

// ---- the same canonical form, from the AST --------------------------------------------------

function describeAnnotations(list: readonly ast.Annotation[]): string {
  return `(${list.map((a) => `${a.key.text}=${JSON.stringify(a.value)}`).join(",")})`;
}

function describeType(t: ast.TypeNode): string {
  switch (t.kind) {
    case "base-type":
      return `${t.name}${t.annotations.length ? describeAnnotations(t.annotations) : ""}`;
    case "named-type":
      return `@${t.name}`;
    case "list-type":
    case "set-type":
      return `${t.kind.slice(0, 4).replace("-", "")}<${describeType(t.element)}>${t.annotations.length ? describeAnnotations(t.annotations) : ""}`;
    case "map-type":
      return `map<${describeType(t.key)},${describeType(t.value)}>${t.annotations.length ? describeAnnotations(t.annotations) : ""}`;
  }
}

function describeValue(v: ast.ConstNode): string {
  switch (v.kind) {
    case "int-const":
      return `${v.value}`;
    case "double-const":
      return `d${Object.is(v.value, -0) ? "-0" : v.value}`;
    case "string-const":
      return JSON.stringify(v.value);
    case "ref-const":
      return `@${v.name}`;
    case "list-const":
      return `[${v.items.map(describeValue).join(",")}]`;
    case "map-const":
      return `{${v.entries.map((e) => `${describeValue(e.key)}:${describeValue(e.value)}`).join(",")}}`;
  }
}

function describeFields(fs: readonly ast.FieldNode[]): string {
  return fs
    .map(
      (f) =>
        `${f.id?.value ?? "-"}:${f.requiredness}:${describeType(f.type)}:${f.reference ? "&" : ""}${f.name.text}` +
        `=${f.defaultValue ? describeValue(f.defaultValue) : ""}${describeAnnotations(f.annotations)}#${f.doc?.text ?? ""}`,
    )
    .join(" | ");
}

function describeDocument(d: ast.Document): string {
  const headers = d.headers.map((h) =>
    h.kind === "include"
      ? `include ${JSON.stringify(h.path)}`
      : h.kind === "namespace"
        ? `namespace ${h.scope} ${h.value.text}`
        : `cpp_include ${h.path}`,
  );
  const definitions = d.definitions.map((x) => {
    switch (x.kind) {
      case "const":
        return `const ${x.name.text}: ${describeType(x.type)} = ${describeValue(x.value)}`;
      case "typedef":
        return `typedef ${x.name.text}: ${describeType(x.type)}${describeAnnotations(x.annotations)}`;
      case "enum":
        return `enum ${x.name.text} { ${x.values.map((v) => `${v.name.text}=${v.value?.value ?? ""}`).join(",")} }${describeAnnotations(x.annotations)}`;
      case "struct":
      case "union":
      case "exception":
        return `${x.kind} ${x.name.text} { ${describeFields(x.fields)} }${describeAnnotations(x.annotations)}`;
      case "service":
        return (
          `service ${x.name.text} extends ${x.extends?.text ?? "-"} { ` +
          x.functions
            .map(
              (f) =>
                `${f.asyncKeyword ? "async" : f.oneway ? "oneway" : "-"} ${f.returnType ? describeType(f.returnType) : "void"} ${f.name.text}(${describeFields(f.params)})` +
                `${f.throws === undefined ? "" : ` throws (${describeFields(f.throws)})`}`,
            )
            .join(" ; ") +
          " }"
        );
    }
  });
  return [...headers, ...definitions].join("\n");
}

// ---- properties -----------------------------------------------------------------------------------

function parse(text: string) {
  return parseSource(new SourceFile("p.thrift", text));
}

/** Whether each kind of bracket is balanced in the file's tokens; a valid file always is. */
function bracketsBalanced(text: string): boolean {
  const counts = new Map<string, number>();
  for (const t of lexSource(new SourceFile("b.thrift", text)).tokens.toArray()) {
    const i = "<[{(>]})".indexOf(t.image);
    if (i === -1 || t.image.length !== 1) continue;
    const kind = "<[{(<[{("[i]!;
    counts.set(kind, (counts.get(kind) ?? 0) + (i < 4 ? 1 : -1));
  }
  return [...counts.values()].every((c) => c === 0);
}

function noInternalError(diagnostics: readonly { code: string; message: string }[]): void {
  expect(diagnostics.filter((d) => d.code === "internal-error")).toEqual([]);
}

describe("valid documents", () => {
  test("parse without diagnostics, back to what was printed", () => {
    fc.assert(
      fc.property(documentArb, ({ text, model }) => {
        const { document, diagnostics } = parse(text);
        expect(diagnostics.map((d) => d.message)).toEqual([]);
        expect(describeDocument(document)).toBe(model);
      }),
      { numRuns: 300 },
    );
  });
});

const soupToken = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(..."{ } ( ) < > [ ] : ; , = * &".split(" ")) },
  { weight: 6, arbitrary: fc.constantFrom(...KEYWORDS) },
  { weight: 3, arbitrary: name },
  {
    weight: 2,
    arbitrary: fc.constantFrom("1", "-2", "0x1F", "1.5", ".5", "1e3", "99999999999999999999"),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '"s"',
      "'t'",
      '"\\q"',
      '"open',
      "/** doc */",
      "// c\n",
      "/* c */",
      "/* open",
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("@", "\u0000", "\uFFFD", "\f", "Ä", ".", "+", "-", "\ud800", "😀"),
  },
);

describe("hostile input never breaks the parser", () => {
  test("token soup: no throw, no internal error; unbalanced brackets are reported", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(soupToken, fc.constantFrom(" ", "\n", "")), { maxLength: 80 }),
        (parts) => {
          const text = parts.map(([t, ws]) => t + ws).join("");
          const { diagnostics } = parse(text);
          noInternalError(diagnostics);
          if (!bracketsBalanced(text)) expect(diagnostics.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("any character string: no throw, no internal error", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        noInternalError(parse(text).diagnostics);
      }),
      { numRuns: 500 },
    );
  });

  test("truncating a valid document: no throw; reported when the cut breaks the brackets", () => {
    fc.assert(
      fc.property(documentArb, fc.double({ min: 0, max: 1, noNaN: true }), ({ text }, at) => {
        const cut = text.slice(0, Math.floor(text.length * at));
        const { diagnostics } = parse(cut);
        noInternalError(diagnostics);
        if (!bracketsBalanced(cut)) expect(diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  test("deleting one bracket of a valid document is always reported", () => {
    fc.assert(
      fc.property(documentArb, fc.nat(), ({ text }, pick) => {
        const brackets = lexSource(new SourceFile("d.thrift", text))
          .tokens.toArray()
          .filter((t) => "{}()<>[]".includes(t.image));
        fc.pre(brackets.length > 0);
        const victim = brackets[pick % brackets.length]!;
        const mutated =
          text.slice(0, victim.startOffset) + " " + text.slice(victim.startOffset + 1);
        const { diagnostics } = parse(mutated);
        noInternalError(diagnostics);
        expect(diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  test("inserting, deleting or replacing characters: no throw, no internal error", () => {
    const edit = fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      remove: fc.integer({ min: 0, max: 5 }),
      insert: fc.oneof(fc.string({ maxLength: 4 }), soupToken),
    });
    fc.assert(
      fc.property(
        documentArb,
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        ({ text }, edits) => {
          let mutated = text;
          for (const { at, remove, insert } of edits) {
            const i = Math.floor(mutated.length * at);
            mutated = mutated.slice(0, i) + insert + mutated.slice(i + remove);
          }
          noInternalError(parse(mutated).diagnostics);
        },
      ),
      { numRuns: 500 },
    );
  });
});
