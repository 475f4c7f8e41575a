// Constant values (thrift-idl.md §7): evaluated against their declared type and integers
// range-checked for their width (stricter than Apache, which accepts `const i8 x = 300`).
// Names inside values are resolved by const-refs.ts.
import { error, warning } from "../diagnostics.js";
import type { Span } from "../source.js";
import type * as ast from "../syntax/ast.js";
import { UNRESOLVED_VALUE, assertNever, type FileContext, type Writable } from "./context.js";
import {
  resolveReference,
  visibleTarget,
  type Place,
  type ValueNode,
  type ValueSite,
} from "./const-refs.js";
import type * as model from "./model.js";
import { typeName } from "./types.js";

export type { ValueSite } from "./const-refs.js";

const INT_RANGES = {
  bool: [0n, 1n],
  i8: [-128n, 127n],
  i16: [-32_768n, 32_767n],
  i32: [-2_147_483_648n, 2_147_483_647n],
  i64: [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n],
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks a const definition's value against its type and stores the result. */
export function checkConstDefinition(
  definition: Writable<model.Const>,
  node: ast.ConstDefinition,
  position: number,
  fc: FileContext,
): void {
  const site = { fc, position, subject: `const "${definition.name}"`, self: definition };
  definition.value = checkValue(node.value, definition.type, site) ?? UNRESOLVED_VALUE;
}

/** Checks the default values of a field list (in source order, like Apache). */
export function checkFieldDefaults(
  fields: readonly Writable<model.Field>[],
  nodes: readonly ast.FieldNode[],
  position: number,
  fc: FileContext,
): void {
  nodes.forEach((node, i) => {
    const field = fields[i];
    if (node.defaultValue === undefined || field === undefined) return;
    const site = { fc, position, subject: `default value of field "${field.name}"` };
    field.defaultValue = checkValue(node.defaultValue, field.type, site);
  });
}

/** Evaluates a value against a type; undefined when it failed (and was reported). */
export function checkValue(
  node: ast.ConstNode,
  type: model.Type,
  site: ValueSite,
): model.ConstValue | undefined {
  return check(node, type, { site, subject: site.subject });
}

function check(node: ValueNode, type: model.Type, place: Place): model.ConstValue | undefined {
  let value = node;
  if (value.kind === "ref-const") {
    const resolved = resolveReference(value, type, place);
    if (resolved === undefined) return undefined;
    value = resolved;
  }
  const target = visibleTarget(type, value, place);
  if (target === undefined) return undefined;
  switch (target.kind) {
    case "unresolved":
      return undefined;
    case "base":
      return checkBase(value, target.name, place);
    case "enum":
      return checkEnum(value, target.definition, place);
    case "struct":
      return checkStruct(value, target.definition, place);
    case "list":
    case "set":
      return checkList(value, target, place);
    case "map":
      return checkMap(value, target, place);
    default:
      return assertNever(target);
  }
}

function mismatch(value: ValueNode, expected: string, place: Place): undefined {
  place.site.fc.run.diagnostics.push(
    error(
      value,
      "const-type-mismatch",
      `${place.subject} must be ${expected}, not ${describeValue(value)}`,
    ),
  );
  return undefined;
}

function describeValue(value: ValueNode): string {
  switch (value.kind) {
    case "int-const":
      return `the integer ${value.text}`;
    case "double-const":
      return `the number ${value.text}`;
    case "string-const":
      return "a string";
    case "ref-const":
      return `"${value.name}"`;
    case "enum-member":
      return `the enum value "${value.text}"`;
    case "list-const":
      return "a list";
    case "map-const":
      return "a map";
    default:
      return assertNever(value);
  }
}

function checkBase(
  value: ValueNode,
  name: model.BaseTypeName,
  place: Place,
): model.ConstValue | undefined {
  switch (name) {
    case "bool":
    case "i8":
    case "i16":
    case "i32":
    case "i64": {
      // true/false are the integers 1 and 0 in Thrift (§1.7); enum values are i32 constants.
      const n =
        value.kind === "int-const"
          ? value.value
          : value.kind === "enum-member"
            ? BigInt(value.member.value)
            : undefined;
      if (n === undefined) return mismatch(value, name === "bool" ? "a bool" : `an ${name}`, place);
      const [min, max] = INT_RANGES[name];
      if (n < min || n > max) {
        place.site.fc.run.diagnostics.push(
          error(
            value,
            "const-out-of-range",
            `${place.subject} value ${n} is out of range for ${name} (${min}..${max}; ` +
              `Apache does not check this, idlc rejects it)`,
          ),
        );
        return undefined;
      }
      return name === "bool" ? { kind: "bool", value: n === 1n } : { kind: "int", value: n };
    }
    case "double":
      if (value.kind === "double-const") return { kind: "double", value: value.value };
      if (value.kind === "int-const") return { kind: "double", value: Number(value.value) };
      if (value.kind === "enum-member") return { kind: "double", value: value.member.value };
      return mismatch(value, "a double", place);
    case "string":
    case "binary":
      if (value.kind === "string-const") return { kind: "string", value: value.value };
      return mismatch(value, name === "string" ? "a string" : "a binary (string literal)", place);
    case "uuid": {
      if (value.kind !== "string-const") return mismatch(value, "a uuid string", place);
      const text = /^\{.*\}$/.test(value.value) ? value.value.slice(1, -1) : value.value;
      if (!UUID.test(text)) {
        place.site.fc.run.diagnostics.push(
          error(
            value,
            "invalid-uuid",
            `${place.subject} is not a uuid: expected "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" ` +
              `in hex digits`,
          ),
        );
        return undefined;
      }
      return { kind: "string", value: text.toLowerCase() };
    }
    default:
      return assertNever(name);
  }
}

function checkEnum(
  value: ValueNode,
  definition: model.Enum,
  place: Place,
): model.ConstValue | undefined {
  const { fc } = place.site;
  const enumName = typeName({ kind: "enum", definition }, fc.program);
  if (value.kind === "enum-member") {
    if (value.definition === definition) return { kind: "enum", definition, member: value.member };
    // Apache compares only the last part of the name (§7.2) and may pick another value.
    return mismatch(
      value,
      `a value of enum "${enumName}" (Apache matches only the last part of the name)`,
      place,
    );
  }
  if (value.kind === "int-const") {
    const member = definition.values.find((v) => BigInt(v.value) === value.value);
    if (member !== undefined) return { kind: "enum", definition, member };
    fc.run.diagnostics.push(
      error(value, "unknown-enum-value", `enum "${enumName}" has no value ${value.text}`),
    );
    return undefined;
  }
  return mismatch(value, `a value of enum "${enumName}"`, place);
}

function checkStruct(
  value: ValueNode,
  definition: model.Struct,
  place: Place,
): model.ConstValue | undefined {
  const { fc } = place.site;
  const structName = typeName({ kind: "struct", definition }, fc.program);
  if (value.kind !== "map-const")
    return mismatch(value, `a value of ${definition.kind} "${structName}" (a map)`, place);
  const fields: { field: model.Field; value: model.ConstValue; span: Span }[] = [];
  let failed = false;
  for (const entry of value.entries) {
    let key: ValueNode | undefined = entry.key;
    if (key.kind === "ref-const") key = resolveReference(key, STRING, place);
    if (key === undefined) {
      failed = true;
      continue;
    }
    if (key.kind !== "string-const") {
      mismatch(key, `a field name (a string)`, { ...place, subject: `a key in ${place.subject}` });
      failed = true;
      continue;
    }
    const fieldName = key.value;
    const field = definition.fields.find((f) => f.name === fieldName);
    if (field === undefined) {
      fc.run.diagnostics.push(
        error(
          key,
          "unknown-struct-field",
          `${definition.kind} "${structName}" has no field "${fieldName}"`,
        ),
      );
      failed = true;
      continue;
    }
    const subject = `field "${fieldName}" in ${place.site.subject}`;
    const fieldValue = check(entry.value, field.type, { site: place.site, subject });
    if (fieldValue === undefined) {
      failed = true;
      continue;
    }
    const earlier = fields.findIndex((f) => f.field === field);
    if (earlier >= 0) {
      duplicateKey(`field "${fieldName}"`, key, fields[earlier]!.span, place);
      fields.splice(earlier, 1);
    }
    fields.push({ field, value: fieldValue, span: key });
  }
  if (failed) return undefined;
  if (definition.kind === "union" && fields.length !== 1) {
    fc.run.diagnostics.push(
      error(
        value,
        "union-value-arity",
        `a value of union "${structName}" must set exactly one member, not ${fields.length} ` +
          `(Apache accepts it, but the value cannot be encoded)`,
      ),
    );
    return undefined;
  }
  return {
    kind: "struct",
    definition,
    fields: fields.map(({ field, value }) => ({ field, value })),
  };
}

const STRING: model.Type = { kind: "base", name: "string", annotations: [] };

function checkList(
  value: ValueNode,
  type: model.ListType | model.SetType,
  place: Place,
): model.ConstValue | undefined {
  if (value.kind === "map-const" && value.entries.length === 0) {
    // Apache reads a list or set default through get_list(), which `{}` leaves empty: its own
    // test/ThriftTest.thrift has `set<binary> bin_set = {}`. Accept it, and say so.
    place.site.fc.run.diagnostics.push(
      warning(
        value,
        "empty-map-as-collection",
        `"{}" is an empty map; Apache reads it as an empty ${type.kind} for ${place.site.subject} ` +
          `(write "[]")`,
      ),
    );
    return { kind: "list", items: [] };
  }
  if (value.kind !== "list-const")
    return mismatch(value, `a ${typeName(type, place.site.fc.program)}`, place);
  const subject = `an element of ${place.site.subject}`;
  const items: model.ConstValue[] = [];
  let failed = false;
  for (const item of value.items) {
    const checked = check(item, type.element, { site: place.site, subject });
    if (checked === undefined) failed = true;
    else items.push(checked);
  }
  return failed ? undefined : { kind: "list", items };
}

function checkMap(
  value: ValueNode,
  type: model.MapType,
  place: Place,
): model.ConstValue | undefined {
  if (value.kind !== "map-const")
    return mismatch(value, `a ${typeName(type, place.site.fc.program)}`, place);
  const keySubject = `a key of ${place.site.subject}`;
  const valueSubject = `a value of ${place.site.subject}`;
  const entries: { key: model.ConstValue; value: model.ConstValue }[] = [];
  const seen = new Map<string, { index: number; span: Span }>();
  let failed = false;
  for (const entry of value.entries) {
    const key = check(entry.key, type.key, { site: place.site, subject: keySubject });
    const item = check(entry.value, type.value, { site: place.site, subject: valueSubject });
    if (key === undefined || item === undefined) {
      failed = true;
      continue;
    }
    const id = keyOf(key);
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      // Apache keeps the last value (§7.4); idlc does too, and says so.
      duplicateKey(`key ${describeKey(key)}`, entry.key, earlier.span, place);
      entries[earlier.index] = { key, value: item };
      continue;
    }
    seen.set(id, { index: entries.length, span: entry.key });
    entries.push({ key, value: item });
  }
  return failed ? undefined : { kind: "map", entries };
}

function duplicateKey(what: string, span: Span, first: Span, place: Place): void {
  place.site.fc.run.diagnostics.push(
    warning(
      span,
      "duplicate-map-key",
      `${what} appears twice in ${place.site.subject}; the last value wins (as in Apache)`,
      [{ message: "first given here", span: first }],
    ),
  );
}

function describeKey(key: model.ConstValue): string {
  switch (key.kind) {
    case "string":
      return JSON.stringify(key.value);
    case "int":
    case "double":
    case "bool":
      return String(key.value);
    case "enum":
      return `${key.definition.name}.${key.member.name}`;
    default:
      return keyOf(key);
  }
}

/** A string equal for equal constant values, to find repeated map keys. */
function keyOf(value: model.ConstValue): string {
  switch (value.kind) {
    case "bool":
      return value.value ? "true" : "false";
    case "int":
      return `${value.value}`;
    case "double":
      return Object.is(value.value, -0) ? "-0.0" : `${value.value}d`;
    case "string":
      return JSON.stringify(value.value);
    case "enum":
      return `${value.member.value}`;
    case "list":
      return `[${value.items.map(keyOf).join(",")}]`;
    case "map":
      return `{${value.entries.map((e) => `${keyOf(e.key)}:${keyOf(e.value)}`).join(",")}}`;
    case "struct":
      return `{${value.fields.map((f) => `${f.field.id}:${keyOf(f.value)}`).join(",")}}`;
    default:
      return assertNever(value);
  }
}
