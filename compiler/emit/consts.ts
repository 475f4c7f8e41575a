// Constants: evaluated ConstValues → TypeScript expressions, and `export const` declarations.
// The same expressions fill struct defaults in `create` and in decoders.
import { resolveType } from "../check/model.js";
import type * as model from "../check/model.js";
import type { EmitContext } from "./context.js";
import { exceptionPropertyName, propertyName, stringLiteral } from "./names.js";
import { constType, tsDoc } from "./types.js";

/** A fresh-valued expression for `value` as a value of IDL type `type` (mutable containers). */
export function constExpr(value: model.ConstValue, type: model.Type, ctx: EmitContext): string {
  const t = resolveType(type);
  switch (value.kind) {
    case "bool":
      return String(value.value);
    case "int":
      if (t.kind === "base" && t.name === "i64") return `${value.value}n`;
      if (t.kind === "base" && t.name === "double") return numberLiteral(Number(value.value));
      if (t.kind === "base" && t.name === "bool") return String(value.value !== 0n);
      return numberLiteral(Number(value.value));
    case "double":
      return numberLiteral(value.value);
    case "string":
      if (t.kind === "base" && t.name === "binary") return binaryLiteral(value.value);
      return stringLiteral(value.value);
    case "enum":
      return `${ctx.ref(value.definition, true)}.${propertyName(value.member.name)}`;
    case "list": {
      const element = t.kind === "list" || t.kind === "set" ? t.element : t;
      const items = value.items.map((item) => constExpr(item, element, ctx));
      if (t.kind === "set") {
        // A const set keeps duplicates in the model (Apache); the Set drops them.
        // No type arguments: the declared type of the constant or field is the context.
        return `new Set(${items.length ? `[${items.join(", ")}]` : ""})`;
      }
      return `[${items.join(", ")}]`;
    }
    case "map": {
      if (t.kind !== "map") return "undefined";
      const entries = value.entries.map(
        (e) => `[${constExpr(e.key, t.key, ctx)}, ${constExpr(e.value, t.value, ctx)}]`,
      );
      return `new Map(${entries.length ? `[${entries.join(", ")}]` : ""})`;
    }
    case "struct":
      return structLiteral(value.definition, value.fields, ctx);
  }
}

/** A struct, union or exception value from the fields a constant gives, defaults filled. */
function structLiteral(
  s: model.Struct,
  given: readonly { readonly field: model.Field; readonly value: model.ConstValue }[],
  ctx: EmitContext,
): string {
  const valueOf = (f: model.Field) => given.find((g) => g.field === f)?.value;
  if (s.kind === "union") {
    const member = given[given.length - 1] ?? defaultMember(s);
    if (member === undefined) return "undefined";
    const value = constExpr(member.value, member.field.type, ctx);
    return `{ kind: ${stringLiteral(member.field.name)}, value: ${value} }`;
  }
  const props: string[] = [];
  for (const f of s.fields) {
    const v = valueOf(f) ?? f.defaultValue;
    if (v === undefined) continue; // absent: the property is left out
    const name =
      s.kind === "exception"
        ? exceptionPropertyName(f.name, isStringType(f.type))
        : propertyName(f.name);
    props.push(`${objectKey(name)}: ${v === undefined ? "undefined" : constExpr(v, f.type, ctx)}`);
  }
  const literal = objectLiteral(props);
  return s.kind === "exception" ? `new ${ctx.ref(s, true)}(${literal})` : literal;
}

function defaultMember(
  u: model.Struct,
): { readonly field: model.Field; readonly value: model.ConstValue } | undefined {
  const f = u.fields.find((x) => x.defaultValue !== undefined);
  return f && f.defaultValue && { field: f, value: f.defaultValue };
}

/** A key in an object literal: `__proto__` must be computed, or it would set the prototype. */
export function objectKey(name: string): string {
  return name === "__proto__" ? `["__proto__"]` : name;
}

/** A one-line object literal from `key: value` entries, spelled as prettier prints it. */
export function objectLiteral(entries: readonly string[]): string {
  return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
}

/** An `Annotations` array literal: `[{ key: "k", value: "v" }, …]`, in source order. */
export function annotationsLiteral(list: model.Annotations): string {
  const items = list.map(
    (a) => `{ key: ${stringLiteral(a.key)}, value: ${stringLiteral(a.value)} }`,
  );
  return `[${items.join(", ")}]`;
}

/** Whether a field's type is a string on the wire and in TypeScript (not binary, not uuid). */
export function isStringType(type: model.Type): boolean {
  const t = resolveType(type);
  return t.kind === "base" && t.name === "string";
}

function numberLiteral(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  if (Object.is(n, -0)) return "-0";
  return String(n);
}

/** Bytes of a binary constant (the UTF-8 of its literal), spelled out so no encoder is needed. */
function binaryLiteral(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return `new Uint8Array([${[...bytes].join(", ")}])`;
}

/** `export const NAME: Type = value;` with read-only container types. */
export function emitConst(c: model.Const, ctx: EmitContext): string {
  const type = constType(c.type, ctx);
  return `${tsDoc(c.doc)}export const ${ctx.ref(c, true)}: ${type} = ${constExpr(c.value, c.type, ctx)};\n`;
}
