// Type comparison for `idlc breaking`: what a type looks like on the wire (typedefs followed,
// enums as i32, string and binary one wire type) and what it looks like to TypeScript code.
import { resolveType, type ConstValue, type Type } from "../check/model.js";

/**
 * Whether two types put the same bytes on the wire. Structs of one name are the same here (their
 * bodies are compared, and reported, on their own); structs of two names are the same when their
 * fields are, since a struct's name never travels.
 */
export function sameOnWire(a: Type, b: Type): boolean {
  return wireShape(a, false) === wireShape(b, false) || wireShape(a) === wireShape(b);
}

/**
 * The wire shape of a type, as text: equal text, same bytes. Not `deep`, a struct is its name;
 * deep, its fields' ids and shapes, a struct met again inside itself (`open`) cut short by name.
 */
export function wireShape(type: Type, deep = true, open: ReadonlySet<string> = new Set()): string {
  const t = resolveType(type);
  switch (t.kind) {
    case "base":
      return t.name === "binary" ? "string" : t.name; // one TType.STRING on the wire
    case "enum":
      return "i32";
    case "struct": {
      const d = t.definition;
      if (!deep) return `struct ${d.name}`;
      const key = `${d.program.path}\0${d.name}`;
      if (open.has(key)) return `struct ${d.name}`;
      const inner = new Set(open).add(key);
      const fields = [...d.fields].sort((a, b) => a.id - b.id);
      return `struct{${fields.map((f) => `${f.id}:${wireShape(f.type, true, inner)}`).join(",")}}`;
    }
    case "list":
    case "set":
      return `${t.kind}<${wireShape(t.element, deep, open)}>`;
    case "map":
      return `map<${wireShape(t.key, deep, open)},${wireShape(t.value, deep, open)}>`;
    case "unresolved":
      return "?";
  }
}

/** The type as TypeScript code sees it: typedefs followed, but enums and binary keep their types. */
export function apiShape(type: Type): string {
  const t = resolveType(type);
  switch (t.kind) {
    case "base":
      return t.name;
    case "enum":
    case "struct":
      return t.definition.name;
    case "list":
    case "set":
      return `${t.kind}<${apiShape(t.element)}>`;
    case "map":
      return `map<${apiShape(t.key)},${apiShape(t.value)}>`;
    case "unresolved":
      return "?";
  }
}

/** The type as written in the IDL (typedef names kept), for messages. */
export function typeName(type: Type | undefined): string {
  if (type === undefined) return "void";
  switch (type.kind) {
    case "base":
      return type.name;
    case "enum":
    case "struct":
    case "typedef":
      return type.definition.name;
    case "list":
    case "set":
      return `${type.kind}<${typeName(type.element)}>`;
    case "map":
      return `map<${typeName(type.key)}, ${typeName(type.value)}>`;
    case "unresolved":
      return "?";
  }
}

/** A constant as comparable text (default values: a changed one is a warning). */
export function constText(value: ConstValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  switch (value.kind) {
    case "bool":
    case "int":
    case "double":
      return String(value.value);
    case "string":
      return JSON.stringify(value.value);
    case "enum":
      return `${value.definition.name}.${value.member.name}`;
    case "list":
      return `[${value.items.map(constText).join(", ")}]`;
    case "map":
      return `{${value.entries.map((e) => `${constText(e.key)}: ${constText(e.value)}`).join(", ")}}`;
    case "struct":
      return `{${value.fields.map((f) => `${f.field.name}: ${constText(f.value)}`).join(", ")}}`;
  }
}
