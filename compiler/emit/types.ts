// IDL types → TypeScript types, and the type declarations of a module: enums, typedefs, struct
// interfaces, union types. Codecs (codecs.ts) and constants (consts.ts) use the same mapping.
import { resolveType } from "../check/model.js";
import type * as model from "../check/model.js";
import type { EmitContext } from "./context.js";
import { propertyName, stringLiteral } from "./names.js";

/** A TSDoc block for a doc comment (nothing when there is none), ending in a newline. */
export function tsDoc(doc: string | undefined, extra: readonly string[] = []): string {
  const lines = [...(doc === undefined ? [] : doc.trim().split(/\r\n|\n|\r/)), ...extra].map(
    (line) => line.trimEnd().replace(/\*\//g, "*\\/"),
  );
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) return "";
  if (lines.length === 1) return `/** ${lines[0]} */\n`;
  return `/**\n${lines.map((l) => (l === "" ? " *" : ` * ${l}`)).join("\n")}\n */\n`;
}

/**
 * The TypeScript type of a value of IDL type `t`: `bigint` for i64, `Uint8Array` for binary,
 * arrays, `Set` and `Map` for containers, `OpenEnum<E>` for enums (unknown numbers are kept).
 */
export function tsType(t: model.Type, ctx: EmitContext): string {
  switch (t.kind) {
    case "base":
      return baseType(t.name);
    case "list":
      return arrayOf(tsType(t.element, ctx), false);
    case "set":
      return `Set<${tsType(t.element, ctx)}>`;
    case "map":
      return `Map<${tsType(t.key, ctx)}, ${tsType(t.value, ctx)}>`;
    case "enum":
      return `${ctx.rtType("OpenEnum")}<${ctx.ref(t.definition, false)}>`;
    case "struct":
    case "typedef":
      return ctx.ref(t.definition, false);
    case "unresolved":
      return "never";
  }
}

/** The type of a constant of IDL type `t`: containers are read-only, enums are closed. */
export function constType(t: model.Type, ctx: EmitContext): string {
  switch (t.kind) {
    case "list":
      return arrayOf(constType(t.element, ctx), true);
    case "set":
      return `ReadonlySet<${constType(t.element, ctx)}>`;
    case "map":
      return `ReadonlyMap<${constType(t.key, ctx)}, ${constType(t.value, ctx)}>`;
    case "enum":
      return ctx.ref(t.definition, false);
    default:
      return tsType(t, ctx);
  }
}

function arrayOf(element: string, readonly: boolean): string {
  const inner = element.startsWith("readonly ") ? `(${element})` : element;
  return readonly ? `readonly ${inner}[]` : `${inner}[]`;
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
export function emitEnum(e: model.Enum, ctx: EmitContext): string {
  const name = ctx.ref(e, true);
  const members = e.values.map((v) => `${tsDoc(v.doc)}${propertyName(v.name)}: ${v.value},`);
  const note =
    "A field of this enum's type is an `OpenEnum`: a number the IDL does not list is kept as is.";
  return (
    `${tsDoc(e.doc, e.doc === undefined ? [] : ["", note])}` +
    (e.doc === undefined ? `/** ${note} */\n` : "") +
    `export const ${name} = {\n${members.join("\n")}\n} as const;\n` +
    `${tsDoc(`One of the values of {@link ${name}}.`)}` +
    `export type ${name} = (typeof ${name})[keyof typeof ${name}];\n`
  );
}

/** `export type X = …;` */
export function emitTypedef(t: model.Typedef, ctx: EmitContext): string {
  return `${tsDoc(t.doc)}export type ${ctx.ref(t, false)} = ${tsType(t.type, ctx)};\n`;
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
  return `${tsDoc(f.doc)}${member}`;
}

/** `export interface S { … }` for a struct. */
export function emitStructInterface(s: model.Struct, ctx: EmitContext): string {
  const members = s.fields.map((f) => fieldMember(f, propertyName(f.name), ctx));
  return `${tsDoc(s.doc)}export interface ${ctx.ref(s, false)} {\n${members.join("\n")}\n}\n`;
}

/** The discriminated union type of an IDL union: one `{ kind, value }` variant per member. */
export function emitUnionType(u: model.Struct, ctx: EmitContext): string {
  const name = ctx.ref(u, false);
  const note = [
    `Exactly one member is set: \`kind\` names it (as written in the IDL) and \`value\` holds it,`,
    "so `switch (x.kind)` narrows `x.value`.",
  ];
  const variants = u.fields.map(
    (f) => `${tsDoc(f.doc)}{ kind: ${stringLiteral(f.name)}; value: ${tsType(f.type, ctx)} }`,
  );
  // One line when no member has a doc comment: prettier breaks it only if it is too long.
  const body =
    variants.length === 0
      ? " never"
      : u.fields.every((f) => f.doc === undefined)
        ? ` ${variants.join(" | ")}`
        : variants.map((v) => `\n| ${v}`).join("");
  const doc = u.doc === undefined ? tsDoc(note.join(" ")) : tsDoc(u.doc, ["", ...note]);
  return `${doc}export type ${name} =${body};\n`;
}
