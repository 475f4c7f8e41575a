// IDL types → TypeScript types, and the type declarations of a module: enums, typedefs, struct
// interfaces, union types. Codecs (codecs.ts) and constants (consts.ts) use the same mapping.
import { resolveType } from "../check/model.js";
import type * as model from "../check/model.js";
import type { EmitContext } from "./context.js";
import { PRINT_WIDTH, flatType, ref, type Type } from "./layout.js";
import { propertyName } from "./names.js";
import { stringLiteral } from "./spelling.js";
import { block, prettierOnly, type Code } from "./writer.js";

/**
 * A TSDoc block for a doc comment (nothing when there is none), ending in a newline, for a
 * declaration at `indent` columns: lines are wrapped at word boundaries to stay within the print
 * width (an indented line, such as a code sample, is kept as written).
 */
export function tsDoc(doc: string | undefined, extra: readonly string[] = [], indent = 0): string {
  const lines = [...(doc === undefined ? [] : doc.trim().split(/\r\n|\n|\r/)), ...extra].map(
    (line) => line.trimEnd().replace(/\*\//g, "*\\/"),
  );
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) return "";
  if (lines.length === 1 && indent + lines[0]!.length + 7 <= PRINT_WIDTH)
    return `/** ${lines[0]} */\n`;
  const wrapped = lines.flatMap((l) => wrap(l, PRINT_WIDTH - indent - 3));
  return `/**\n${wrapped.map((l) => (l === "" ? " *" : ` * ${l}`)).join("\n")}\n */\n`;
}

/** A doc line split at spaces into lines of at most `width` columns (a longer word stays whole). */
function wrap(line: string, width: number): string[] {
  if (line.length <= width || line.startsWith(" ")) return [line];
  const out: string[] = [];
  let current = "";
  // `{@link X}` and inline code stay on one line.
  for (const word of line.match(/\{@[^}]*\}\S*|`[^`]*`\S*|\S+/g) ?? []) {
    if (current !== "" && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else current = current === "" ? word : `${current} ${word}`;
  }
  if (current !== "") out.push(current);
  return out;
}

/**
 * The TypeScript type of a value of IDL type `t`: `bigint` for i64, `Uint8Array` for binary,
 * arrays, `Set` and `Map` for containers, `OpenEnum<E>` for enums (unknown numbers are kept).
 */
export function tsTypeOf(t: model.Type, ctx: EmitContext): Type {
  switch (t.kind) {
    case "base":
      return ref(baseType(t.name));
    case "list":
      return { kind: "array", element: tsTypeOf(t.element, ctx) };
    case "set":
      return ref("Set", [tsTypeOf(t.element, ctx)]);
    case "map":
      return ref("Map", [tsTypeOf(t.key, ctx), tsTypeOf(t.value, ctx)]);
    case "enum":
      return ref(ctx.rtType("OpenEnum"), [ref(ctx.ref(t.definition, false))]);
    case "struct":
    case "typedef":
      return ref(ctx.ref(t.definition, false));
    case "unresolved":
      return ref("never");
  }
}

/** `tsTypeOf` on one line. */
export function tsType(t: model.Type, ctx: EmitContext): string {
  return flatType(tsTypeOf(t, ctx));
}

/** The type of a constant of IDL type `t`: containers are read-only, enums are closed. */
export function constType(t: model.Type, ctx: EmitContext): Type {
  switch (t.kind) {
    case "list": {
      const element = flatType(constType(t.element, ctx));
      const inner = element.startsWith("readonly ") ? `(${element})` : element;
      return { kind: "text", text: `readonly ${inner}[]` };
    }
    case "set":
      return ref("ReadonlySet", [constType(t.element, ctx)]);
    case "map":
      return ref("ReadonlyMap", [constType(t.key, ctx), constType(t.value, ctx)]);
    case "enum":
      return ref(ctx.ref(t.definition, false));
    default:
      return tsTypeOf(t, ctx);
  }
}

function baseType(name: model.BaseTypeName): string {
  switch (name) {
    case "bool":
      return "boolean";
    case "i8":
    case "i16":
    case "i32":
    case "double":
      return "number";
    case "i64":
      return "bigint";
    case "string":
    case "uuid":
      return "string";
    case "binary":
      return "Uint8Array";
  }
}

/** The `TType.X` expression of a type's wire type. */
export function wireType(t: model.Type, ctx: EmitContext): string {
  return `${ctx.rt("TType")}.${wireTypeName(t)}`;
}

function wireTypeName(type: model.Type): string {
  const t = resolveType(type);
  switch (t.kind) {
    case "base":
      switch (t.name) {
        case "bool":
          return "BOOL";
        case "i8":
          return "BYTE";
        case "i16":
          return "I16";
        case "i32":
          return "I32";
        case "i64":
          return "I64";
        case "double":
          return "DOUBLE";
        case "string":
        case "binary":
          return "STRING";
        case "uuid":
          return "UUID";
      }
      break;
    case "list":
      return "LIST";
    case "set":
      return "SET";
    case "map":
      return "MAP";
    case "enum":
      return "I32";
    case "struct":
      return "STRUCT";
    case "unresolved":
      return "VOID";
  }
}

/** `export const E = { A: 1, … } as const;` plus the union type of its values. */
export function emitEnum(e: model.Enum, ctx: EmitContext): Code[] {
  const name = ctx.ref(e, true);
  const members = e.values.map((v) => `${tsDoc(v.doc, [], 2)}${propertyName(v.name)}: ${v.value},`);
  const note =
    "A field of this enum's type is an `OpenEnum`: a number the IDL does not list is kept as is.";
  const doc = e.doc === undefined ? tsDoc(note) : tsDoc(e.doc, ["", note]);
  return [
    block(`${doc}export const ${name} = {`, members, "} as const;", "object"),
    `${tsDoc(`One of the values of {@link ${name}}.`)}` +
      `export type ${name} = (typeof ${name})[keyof typeof ${name}];`,
  ];
}

/** `export type X = …;` */
export function emitTypedef(t: model.Typedef, ctx: EmitContext): Code[] {
  return [`${tsDoc(t.doc)}export type ${ctx.ref(t, false)} = ${tsType(t.type, ctx)};`];
}

/** Whether decoding and `create` fill the field when it is absent. */
export function hasDefault(f: model.Field): boolean {
  return f.defaultValue !== undefined;
}

/**
 * Whether a field may be absent from a value of the struct type: optional fields, and
 * default-requiredness fields without a default (Apache's readers accept them absent).
 */
export function mayBeAbsent(f: model.Field): boolean {
  if (f.requiredness === "required") return false;
  if (f.requiredness === "optional") return true;
  return !hasDefault(f);
}

/** One interface member for a field. */
export function fieldMember(f: model.Field, property: string, ctx: EmitContext): string {
  const type = tsType(f.type, ctx);
  const member = mayBeAbsent(f) ? `${property}?: ${type} | undefined;` : `${property}: ${type};`;
  return `${tsDoc(f.doc, [], 2)}${member}`;
}

/** The discriminated union type of an IDL union: one `{ kind, value }` variant per member. */
export function emitUnionType(u: model.Struct, ctx: EmitContext): Code[] {
  const name = ctx.ref(u, false);
  const note = [
    `Exactly one member is set: \`kind\` names it (as written in the IDL) and \`value\` holds it,`,
    "so `switch (x.kind)` narrows `x.value`.",
  ];
  const doc = u.doc === undefined ? tsDoc(note.join(" ")) : tsDoc(u.doc, ["", ...note]);
  const variant = (f: model.Field): Type => ({
    kind: "object",
    members: [
      { name: "kind", optional: false, type: { kind: "literal", text: stringLiteral(f.name) } },
      { name: "value", optional: false, type: tsTypeOf(f.type, ctx) },
    ],
  });
  if (u.fields.some((f) => f.doc !== undefined)) {
    // Doc comments between the variants: prettier places them.
    const variants = u.fields.map((f) => `\n| ${tsDoc(f.doc, [], 4)}${flatType(variant(f))}`);
    return [prettierOnly(`${doc}export type ${name} =${variants.join("")};`)];
  }
  const [only] = u.fields;
  const type: Type =
    only === undefined
      ? ref("never")
      : u.fields.length === 1
        ? variant(only)
        : { kind: "union", types: u.fields.map(variant) };
  return [doc, { kind: "typeAlias", exported: true, name, type }];
}
