// Random IDLs for emitter tests: names and docs picked to break a formatter (keywords, names
// prettier treats specially, names long enough to force line breaks, quotes and escapes in docs).
import fc from "fast-check";

const THRIFT_KEYWORDS = new Set(
  (
    "bool byte i8 i16 i32 i64 double string binary uuid map list set include cpp_include namespace " +
    "const typedef enum struct union exception service extends throws oneway void required " +
    "optional async true false senum slist smalltalk_category smalltalk_prefix php_namespace xsd_all " +
    "xsd_optional xsd_nillable xsd_attrs cpp_type java_package cocoa_prefix csharp_namespace " +
    "delphi_namespace cpp_namespace py_module perl_package ruby_namespace"
  ).split(" "),
);

/** Names that stress the skeleton: keywords, names prettier knows, escaped names, long names. */
const SPECIAL_NAMES = (
  "it describe test require then type new module constructor toString Boolean css html get of " +
  "in as is async await Promise Map TType Error name message value kind x S _ __ __proto__ " +
  "prettier ignore format defineStruct w r v e at i n1 list1 then_ Id S0 S1 a0 a1 Ab0 Ab1"
).split(" ");

const name = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_NAMES) },
    { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{24,44}$/) },
  )
  .filter((n) => !THRIFT_KEYWORDS.has(n));

const docText = fc.option(
  fc.oneof(
    { weight: 1, arbitrary: fc.constant("prettier-ignore") },
    {
      weight: 9,
      arbitrary: fc
        .array(
          fc.oneof(
            name,
            fc.constantFrom(
              "`code`",
              '"quoted"',
              "it's",
              "a\\nb",
              "\\d",
              "prettier-ignore",
              "{@link X}",
            ),
            fc.constantFrom(
              "é",
              "中文字",
              "😀",
              "@param",
              "1e5",
              "0x1F",
              "$",
              "#",
              "//",
              "/*",
              "\n",
              "\n\n",
            ),
          ),
          { maxLength: 14 },
        )
        .map((words) => words.join(" ")),
    },
  ),
  { nil: undefined },
);

/** What a random IDL is built from: names, docs and choices, decoded by `buildIdl`. */
const recipe = fc.record({
  names: fc.uniqueArray(name, { minLength: 8, maxLength: 8, selector: (n) => n.toLowerCase() }),
  members: fc.array(fc.uniqueArray(name, { minLength: 1, maxLength: 6 }), {
    minLength: 7,
    maxLength: 7,
  }),
  choices: fc.array(fc.nat({ max: 1000 }), { minLength: 64, maxLength: 64 }),
  docs: fc.array(docText, { minLength: 48, maxLength: 48 }),
});

/** A random IDL text, valid and error-free. */
export const randomIdl = recipe.map(buildIdl);

type Recipe = typeof recipe extends fc.Arbitrary<infer T> ? T : never;

function buildIdl({ names, members, choices, docs }: Recipe): string {
  let c = 0;
  let d = 0;
  const pick = <T>(items: readonly T[]): T => items[choices[c++ % choices.length]! % items.length]!;
  const doc = (indent = "") => {
    const text = docs[d++ % docs.length];
    return text === undefined ? "" : `${indent}/** ${text.replace(/\*\//g, "* /")} */\n`;
  };
  const [Enum, Alias, Leaf, Node, Choice, Failure, Api, Limit] = names as [string, ...string[]];
  const [values, leafFields, nodeFields, choiceFields, failureFields, methods, params] =
    members as [string[], ...string[][]];
  const simple = ["i32", "i64", "string", "bool", "double", "binary", Enum, Alias!];
  const any = [
    ...simple,
    Leaf!,
    `list<${Leaf}>`,
    `map<string, ${Enum}>`,
    `set<i64>`,
    `list<list<i32>>`,
    `map<${Alias}, list<${Leaf}>>`,
  ];
  const requiredness = () => pick(["required ", "optional ", ""]);
  const defaultOf = (type: string) =>
    type === "i32" ? pick(["", " = 7"]) : type === "string" ? pick(["", ' = "d"']) : "";
  const fields = (list: string[], types: string[], mode: "struct" | "union" | "exception") =>
    list
      .map((f, k) => {
        const type = mode === "exception" && f === "message" ? "string" : pick(types);
        const req = mode === "union" ? "" : requiredness();
        return `${doc("  ")}  ${k + 1}: ${req}${type} ${f}${mode === "union" ? "" : defaultOf(type)}`;
      })
      .join("\n");
  const out = [
    `${doc()}namespace js random`,
    `${doc()}enum ${Enum} {\n${values.map((v, k) => `${doc("  ")}  ${v}${k % 2 ? ` = ${k * 3}` : ""}`).join(",\n")}\n}`,
    `${doc()}typedef i64 ${Alias}`,
    `${doc()}struct ${Leaf} {\n${fields(leafFields!, simple, "struct")}\n}`,
    `${doc()}struct ${Node} {\n${fields(nodeFields!, any, "struct")}\n}`,
    `${doc()}union ${Choice} {\n${fields(choiceFields!, any, "union")}\n}`,
    `${doc()}exception ${Failure} {\n${fields(failureFields!, simple, "exception")}\n}`,
    `${doc()}const i32 ${Limit} = 100`,
    `${doc()}service ${Api} {\n${methods!
      .map((m, k) => {
        const ps = params!.slice(0, k % (params!.length + 1));
        const args = ps.map((p, j) => `${j + 1}: ${pick(any)} ${p}`).join(", ");
        const oneway = k === 1;
        const ret = oneway ? "oneway void" : pick(["void", ...any]);
        const throws = oneway || k % 2 ? "" : ` throws (1: ${Failure} failure)`;
        return `${doc("  ")}  ${ret} ${m}(${args})${throws}`;
      })
      .join("\n")}\n}`,
  ];
  return out.join("\n\n") + "\n";
}
