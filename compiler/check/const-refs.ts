// References inside constant values (thrift-idl.md §7.3): a const or an enum value written
// `Enum.VALUE`, defined *before* the value (Apache resolves values as it reads them), and the
// value shapes the checker walks, where a referenced const's value is carried to the reference.
import { error, warning } from "../diagnostics.js";
import type { Span } from "../source.js";
import type * as ast from "../syntax/ast.js";
import { UNRESOLVED_VALUE, assertNever, type FileContext } from "./context.js";
import * as model from "./model.js";
import { article } from "./names.js";
import { BROKEN } from "./symbols.js";
import { typeName, unknownHint } from "./types.js";

/** Where a value is written: what it belongs to, and where in its file (for "backwards only"). */
export interface ValueSite {
  readonly fc: FileContext;
  /** Source index of the definition holding the value; what it names must come before. */
  readonly position: number;
  /** The value's owner in messages: `const "MAX"`, `default value of field "tags"`. */
  readonly subject: string;
  /** The const being defined, so `const i32 A = A` gets its own message. */
  readonly self?: model.Const;
}

/** An enum value reached through a reference, after the name was resolved. */
export interface EnumMemberNode extends Span {
  readonly kind: "enum-member";
  readonly definition: model.Enum;
  readonly member: model.EnumValue;
  readonly text: string;
}

/** A list whose items may be carried values. */
interface ListNode extends Span {
  readonly kind: "list-const";
  readonly items: readonly ValueNode[];
}

/** A map whose entries may be carried values. */
interface MapNode extends Span {
  readonly kind: "map-const";
  readonly entries: readonly { readonly key: ValueNode; readonly value: ValueNode }[];
}

/** A value to check: as written, or a referenced const's value carried to the reference. */
export type ValueNode =
  | ast.IntConstNode
  | ast.DoubleConstNode
  | ast.StringConstNode
  | ast.RefConstNode
  | EnumMemberNode
  | ListNode
  | MapNode;

/** A part of a value, for messages: `element in const "L"`. */
export interface Place {
  readonly site: ValueSite;
  readonly subject: string;
}

/** Resolves a name in a value to a const's value or an enum value, or reports why not. */
export function resolveReference(
  node: ast.RefConstNode,
  expected: model.Type,
  place: Place,
): ValueNode | undefined {
  const { fc } = place.site;
  const name = node.name;
  const found = fc.scope.findConst(name);
  if (found === BROKEN) return undefined;
  if (found === undefined) {
    const lenient = memberOfFieldEnum(node, expected, place);
    if (lenient !== undefined) return lenient;
    fc.run.diagnostics.push(unknownConstant(node, expected, place));
    return undefined;
  }
  if (found.kind === "enum-member") {
    if (!isVisible(found.definition, place.site)) {
      fc.run.diagnostics.push(
        error(
          node,
          "forward-reference",
          `enum value "${name}" is defined after ${place.site.subject}; ` +
            `constants may only refer to what is defined before them (as in Apache)`,
        ),
      );
      return undefined;
    }
    const { definition, member } = found;
    const { file, start, end } = node;
    return { kind: "enum-member", definition, member, text: name, file, start, end };
  }
  if (found === place.site.self) {
    fc.run.diagnostics.push(
      error(node, "forward-reference", `${place.site.subject} refers to itself`),
    );
    return undefined;
  }
  if (!isVisible(found, place.site)) {
    fc.run.diagnostics.push(
      error(
        node,
        "forward-reference",
        `constant "${name}" is defined after ${place.site.subject}; ` +
          `constants may only refer to what is defined before them (as in Apache)`,
      ),
    );
    return undefined;
  }
  if (found.value === UNRESOLVED_VALUE) return undefined; // its own error was reported
  const foundType = model.resolveType(found.type);
  if (foundType.kind === "struct") {
    // Apache substitutes only base, enum, list and map constants; a struct one fails its check.
    fc.run.diagnostics.push(
      error(
        node,
        "struct-const-reference",
        `constant "${name}" is ${article(foundType.definition.kind)} value; Apache cannot use ` +
          `such constants by name (write the value out)`,
      ),
    );
    return undefined;
  }
  return carry(found.value, node, name);
}

/**
 * `MyEnum2 f = MyEnum1.ME2_2` where MyEnum1 has no ME2_2 but the field's enum does: Apache keeps
 * only the part after the last "." and looks it up in the field's enum (t_const_value.h,
 * get_integer), so its own test/EnumTest.thrift compiles. idlc does the same, with a warning.
 */
function memberOfFieldEnum(
  node: ast.RefConstNode,
  expected: model.Type,
  place: Place,
): EnumMemberNode | undefined {
  const name = node.name;
  const dot = name.lastIndexOf(".");
  const target = model.resolveType(expected);
  if (dot <= 0 || target.kind !== "enum" || !isVisible(target.definition, place.site))
    return undefined;
  const memberName = name.slice(dot + 1);
  const member = target.definition.values.find((v) => v.name === memberName);
  if (member === undefined) return undefined;
  const qualified = `${typeName(target, place.site.fc.program)}.${memberName}`;
  place.site.fc.run.diagnostics.push(
    warning(
      node,
      "enum-value-by-name",
      `"${name}" does not exist; Apache drops the prefix and takes "${memberName}" of the ` +
        `field's enum, ${qualified} (write "${qualified}")`,
    ),
  );
  const { file, start, end } = node;
  return {
    kind: "enum-member",
    definition: target.definition,
    member,
    text: name,
    file,
    start,
    end,
  };
}

function unknownConstant(node: ast.RefConstNode, expected: model.Type, place: Place) {
  const { fc } = place.site;
  const name = node.name;
  const target = model.resolveType(expected);
  if (target.kind === "enum" && target.definition.values.some((v) => v.name === name)) {
    const qualified = typeName(target, fc.program);
    return error(
      node,
      "unqualified-enum-value",
      `enum value "${name}" must be qualified: write "${qualified}.${name}"`,
    );
  }
  const dot = name.lastIndexOf(".");
  if (dot > 0) {
    const owner = fc.scope.findType(name.slice(0, dot));
    if (owner !== undefined && owner !== BROKEN && owner.kind === "enum") {
      return error(
        node,
        "unknown-enum-value",
        `enum "${name.slice(0, dot)}" has no value "${name.slice(dot + 1)}"`,
      );
    }
  }
  return error(
    node,
    "unknown-constant",
    `unknown constant "${name}"${unknownHint(name, "consts", fc)}`,
  );
}

/** A referenced const's value as if written at the reference, to be checked for the new type. */
function carry(value: model.ConstValue, at: Span, text: string): ValueNode {
  // Only the place is copied: `at` may be a whole node. (Spelled out: an object spread here was
  // several times slower on Node 20.)
  const { file, start, end } = at;
  switch (value.kind) {
    case "bool":
      return { kind: "int-const", value: value.value ? 1n : 0n, text, file, start, end };
    case "int":
      return { kind: "int-const", value: value.value, text, file, start, end };
    case "double":
      return { kind: "double-const", value: value.value, text, file, start, end };
    case "string":
      return { kind: "string-const", value: value.value, file, start, end };
    case "enum": {
      const { definition, member } = value;
      return { kind: "enum-member", definition, member, text, file, start, end };
    }
    case "list": {
      const items = value.items.map((v) => carry(v, at, text));
      return { kind: "list-const", items, file, start, end };
    }
    case "map": {
      const entries = value.entries.map((e) => ({
        key: carry(e.key, at, text),
        value: carry(e.value, at, text),
      }));
      return { kind: "map-const", entries, file, start, end };
    }
    case "struct": {
      const entries = value.fields.map((f) => ({
        key: { kind: "string-const" as const, value: f.field.name, file, start, end },
        value: carry(f.value, at, text),
      }));
      return { kind: "map-const", entries, file, start, end };
    }
    default:
      return assertNever(value);
  }
}

/** Whether a definition may be used at this site: in an include, or earlier in this file. */
function isVisible(definition: model.Definition, site: ValueSite): boolean {
  if (definition.program !== site.fc.program) return true;
  return (site.fc.run.positions.get(definition) ?? Infinity) < site.position;
}

/**
 * Follows typedefs to the type the value must have. Apache checks a value as it reads it, so
 * every named type on the way must already be defined (thrift-idl.md §7, verified on 0.17).
 */
export function visibleTarget(type: model.Type, span: Span, place: Place) {
  let t: model.Type = type;
  for (;;) {
    if (t.kind === "typedef" || t.kind === "enum" || t.kind === "struct") {
      if (!isVisible(t.definition, place.site)) {
        place.site.fc.run.diagnostics.push(
          error(
            span,
            "forward-reference",
            `type "${t.definition.name}" must be defined before ${place.site.subject} ` +
              `(Apache checks constant values as it reads them)`,
          ),
        );
        return undefined;
      }
    }
    if (t.kind !== "typedef") return t;
    t = t.definition.type;
  }
}
