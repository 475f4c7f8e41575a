// Constants: evaluated ConstValues → TypeScript expressions, and `export const` declarations.
// The same expressions fill struct defaults in `create` and in decoders.
import { resolveType } from "../check/model.js";
import type * as model from "../check/model.js";
import type { EmitContext } from "./context.js";
import { flatExpr, name, newCall, object, str, type Expr, type Property } from "./layout.js";
import { exceptionPropertyName, propertyName } from "./names.js";
import { numberLiteral, stringLiteral } from "./spelling.js";
import { constType, tsDoc } from "./types.js";
import type { Code } from "./writer.js";

/** A fresh-valued expression for `value` as a value of IDL type `type` (mutable containers). */
export function constExpr(value: model.ConstValue, type: model.Type, ctx: EmitContext): Expr {
  const t = resolveType(type);
  switch (value.kind) {
    case "bool":
      return name(String(value.value));
    case "int":
      if (t.kind === "base" && t.name === "i64") return number(`${value.value}n`);
      if (t.kind === "base" && t.name === "bool") return name(String(value.value !== 0n));
      return number(numberLiteral(Number(value.value)));
    case "double":
      return number(numberLiteral(value.value));
    case "string":
      if (t.kind === "base" && t.name === "binary") return binaryLiteral(value.value);
      return str(stringLiteral(value.value));
    case "enum":
      return name(`${ctx.ref(value.definition, true)}.${propertyName(value.member.name)}`);
    case "list": {
      const element = t.kind === "list" || t.kind === "set" ? t.element : t;
      const items = value.items.map((item) => constExpr(item, element, ctx));
      // A const set keeps duplicates in the model (Apache); the Set drops them.
      // No type arguments: the declared type of the constant or field is the context.
      if (t.kind === "set") return newCall("Set", items.length ? [array(items)] : []);
      return array(items);
    }
    case "map": {
      if (t.kind !== "map") return name("undefined");
      const entries = value.entries.map((e) =>
        array([constExpr(e.key, t.key, ctx), constExpr(e.value, t.value, ctx)]),
      );
      return newCall("Map", entries.length ? [array(entries)] : []);
    }
    case "struct":
      return structLiteral(value.definition, value.fields, ctx);
  }
}

/** `constExpr` on one line. */
export function constText(value: model.ConstValue, type: model.Type, ctx: EmitContext): string {
  return flatExpr(constExpr(value, type, ctx));
}

/** A number; a negative one is a unary minus for prettier, which lays it out as a name. */
function number(text: string): Expr {
  return text.startsWith("-") ? name(text) : { kind: "number", text };
}

function array(elements: readonly Expr[]): Expr {
  return { kind: "array", elements };
}

/** A struct, union or exception value from the fields a constant gives, defaults filled. */
function structLiteral(
  s: model.Struct,
  given: readonly { readonly field: model.Field; readonly value: model.ConstValue }[],
  ctx: EmitContext,
): Expr {
  const valueOf = (f: model.Field) => given.find((g) => g.field === f)?.value;
  if (s.kind === "union") {
    const member = given[given.length - 1] ?? defaultMember(s);
    if (member === undefined) return name("undefined");
    const value = constExpr(member.value, member.field.type, ctx);
    return object([
      { key: "kind", value: str(stringLiteral(member.field.name)) },
      { key: "value", value },
    ]);
  }
  const props: Property[] = [];
  for (const f of s.fields) {
    const v = valueOf(f) ?? f.defaultValue;
    if (v === undefined) continue; // absent: the property is left out
    const key =
      s.kind === "exception"
        ? exceptionPropertyName(f.name, isStringType(f.type))
        : propertyName(f.name);
    props.push({ key: objectKey(key), value: constExpr(v, f.type, ctx) });
  }
  const literal = object(props);
  return s.kind === "exception" ? newCall(ctx.ref(s, true), [literal]) : literal;
}

function defaultMember(
  u: model.Struct,
): { readonly field: model.Field; readonly value: model.ConstValue } | undefined {
  const f = u.fields.find((x) => x.defaultValue !== undefined);
  return f && f.defaultValue && { field: f, value: f.defaultValue };
}

/** A key in an object literal: `__proto__` must be computed, or it would set the prototype. */
export function objectKey(key: string): string {
  return key === "__proto__" ? `["__proto__"]` : key;
}

/** An `Annotations` array literal: `[{ key: "k", value: "v" }, …]`, in source order. */
export function annotationsLiteral(list: model.Annotations): Expr {
  return array(
    list.map((a) =>
      object([
        { key: "key", value: str(stringLiteral(a.key)) },
        { key: "value", value: str(stringLiteral(a.value)) },
      ]),
    ),
  );
}

/** Whether a field's type is a string on the wire and in TypeScript (not binary, not uuid). */
export function isStringType(type: model.Type): boolean {
  const t = resolveType(type);
  return t.kind === "base" && t.name === "string";
}

/** Bytes of a binary constant (the UTF-8 of its literal), spelled out so no encoder is needed. */
function binaryLiteral(text: string): Expr {
  const bytes = new TextEncoder().encode(text);
  return newCall("Uint8Array", [array([...bytes].map((b) => number(String(b))))]);
}

/** `export const NAME: Type = value;` with read-only container types. */
export function emitConst(c: model.Const, ctx: EmitContext): Code[] {
  return withDoc(tsDoc(c.doc), {
    kind: "const",
    exported: true,
    name: ctx.ref(c, true),
    type: constType(c.type, ctx),
    init: constExpr(c.value, c.type, ctx),
  });
}

/** A declaration preceded by its doc comment, when it has one. */
export function withDoc(doc: string, code: Code): Code[] {
  return doc === "" ? [code] : [doc, code];
}
