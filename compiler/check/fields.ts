// Field lists (structs, unions, exceptions, argument lists, throws lists): ids as Apache assigns
// them (thrift-idl.md §5.1), unique ids and names, and the requiredness rules of §4.5 and §4.6.
// Default values are checked later, in source order, with the constants (consts.ts).
import { error, warning } from "../diagnostics.js";
import type { Span } from "../source.js";
import type * as ast from "../syntax/ast.js";
import { annotationsOf, nameSpanOf, type FileContext, type Writable } from "./context.js";
import type * as model from "./model.js";
import { checkSimpleName } from "./names.js";
import { resolveTypeNode } from "./types.js";

/** Which kind of list the fields belong to; each kind has its own requiredness rule. */
export type FieldListKind = "struct" | "union" | "exception" | "arguments" | "throws";

const I16_MIN = -32_768n;
const I16_MAX = 32_767n;

/**
 * Builds the model fields of one list. `owner` names the list in messages (`struct "Order"`,
 * `arguments of "placeOrder"`).
 */
export function buildFields(
  nodes: readonly ast.FieldNode[],
  kind: FieldListKind,
  owner: string,
  fc: FileContext,
): Writable<model.Field>[] {
  const diagnostics = fc.run.diagnostics;
  const byId = new FirstSeen<number, { field: model.Field; span: Span }>(nodes.length);
  const byName = new FirstSeen<string, model.Field>(nodes.length);
  let firstDefault: ast.FieldNode | undefined;
  // Apache's counter for fields without a usable id: -1, -2, … per list (§5.1).
  let nextImplicit = -1;

  // Mapped, not pushed: a list grown by `push` keeps room for 17 entries, and a big file keeps
  // tens of thousands of short field lists until the run ends.
  return nodes.map((node) => {
    checkSimpleName(node.name, "field", fc);
    let id: number;
    let implicitId = false;
    let uniqueId = false;
    if (node.id === undefined) {
      id = nextImplicit--;
      implicitId = true;
      diagnostics.push(
        warning(
          node.name,
          "implicit-field-id",
          `field "${node.name.text}" has no id; Apache assigns ${id}, which breaks ` +
            `compatibility when fields change (write an explicit "N:")`,
        ),
      );
    } else if (node.id.value <= 0n) {
      id = nextImplicit--;
      implicitId = true;
      diagnostics.push(
        warning(
          node.id,
          "nonpositive-field-id",
          `field id ${node.id.text} is not positive; Apache discards it and assigns ${id} ` +
            `to "${node.name.text}"`,
        ),
      );
    } else {
      id = Number(node.id.value);
      if (node.id.value > I16_MAX || node.id.value < I16_MIN) {
        diagnostics.push(
          error(
            node.id,
            "field-id-out-of-range",
            `field id ${node.id.text} is outside -32768..32767 and cannot go on the wire ` +
              `(Apache only warns; idlc rejects it)`,
          ),
        );
      } else {
        const first = byId.get(id);
        if (first !== undefined) {
          diagnostics.push(
            error(
              node.id,
              "duplicate-field-id",
              `field id ${id} is already used by "${first.field.name}" in ${owner}`,
              [{ message: "first used here", span: first.span }],
            ),
          );
        } else {
          uniqueId = true;
        }
      }
    }

    const name = node.name.text;
    const sameName = byName.get(name);
    if (sameName !== undefined) {
      diagnostics.push(
        error(node.name, "duplicate-field-name", `field "${name}" is already defined in ${owner}`, [
          {
            message: "first defined here",
            span: nameSpanOf(sameName),
          },
        ]),
      );
    }

    const field: Writable<model.Field> = {
      kind: "field",
      id,
      implicitId,
      name,
      type: resolveTypeNode(node.type, fc),
      requiredness: requiredness(node, kind, owner, fc),
      defaultValue: undefined,
      annotations: annotationsOf(node.annotations),
      doc: node.doc?.text,
      span: node,
      nameSpan: node.name,
    };
    if (sameName === undefined) byName.add(name, field);
    if (uniqueId && node.id !== undefined) byId.add(id, { field, span: node.id });

    if (kind === "union" && node.defaultValue !== undefined) {
      if (firstDefault === undefined) {
        firstDefault = node;
      } else if (firstDefault.defaultValue !== undefined) {
        diagnostics.push(
          error(
            node.defaultValue,
            "union-multiple-defaults",
            `union member "${name}" gives a second default value in ${owner}; ` +
              `at most one member of a union may have one`,
            [{ message: "first default here", span: firstDefault.defaultValue }],
          ),
        );
      }
    }
    return field;
  });
}

/** The requiredness a field really has, with Apache's warnings (and idlc's union error). */
function requiredness(
  node: ast.FieldNode,
  kind: FieldListKind,
  owner: string,
  fc: FileContext,
): model.Requiredness {
  const span = node.requirednessSpan ?? node;
  switch (kind) {
    case "union":
      if (node.requiredness === "required") {
        // Issue #3 asks for an error; Apache warns and makes the member optional (§4.5).
        fc.run.diagnostics.push(
          error(
            span,
            "union-required-field",
            `union member "${node.name.text}" of ${owner} cannot be required: a union sets ` +
              `exactly one member (Apache only warns and ignores it; idlc rejects it)`,
          ),
        );
      }
      return "optional";
    case "arguments":
    case "throws":
      if (node.requiredness === "optional" && kind === "arguments") {
        // Kept: the wire is the same (an unset argument is not written), but a caller may leave
        // the argument out, so its handler gets `T | undefined` where others are rejected.
        fc.run.diagnostics.push(
          warning(
            span,
            "optional-argument",
            `"optional" in an argument list is ignored by Apache; idlc lets callers leave the ` +
              `argument out (the handler gets undefined)`,
          ),
        );
        return "optional";
      }
      if (node.requiredness === "optional") {
        fc.run.diagnostics.push(
          warning(
            span,
            "optional-in-throws",
            `"optional" is ignored in throws lists (as in Apache)`,
          ),
        );
        return "default";
      }
      if (kind === "throws" && node.requiredness === "required") {
        fc.run.diagnostics.push(
          warning(
            span,
            "required-in-throws",
            `"required" is ignored in throws lists (as in Apache)`,
          ),
        );
        return "default";
      }
      return node.requiredness;
    case "struct":
    case "exception":
      return node.requiredness;
  }
}

/**
 * The first value added under each key: a scan while there are few keys (most field lists), a
 * Map when there can be many (so a hostile 10,000-field struct stays linear). 20,000 small structs
 * allocating two Maps each showed in profiles, and so did arrays grown by `push` (room for 17).
 */
class FirstSeen<K, V> {
  private readonly keys: K[];
  private readonly values: V[];
  private count = 0;
  private readonly map: Map<K, V> | undefined;

  /** `size`: at most how many keys will be added. */
  constructor(size: number) {
    const scanned = size <= 16;
    this.map = scanned ? undefined : new Map();
    this.keys = new Array<K>(scanned ? size : 0);
    this.values = new Array<V>(scanned ? size : 0);
  }

  get(key: K): V | undefined {
    if (this.map !== undefined) return this.map.get(key);
    for (let i = 0; i < this.count; i++) if (this.keys[i] === key) return this.values[i];
    return undefined;
  }

  add(key: K, value: V): void {
    if (this.map !== undefined) {
      this.map.set(key, value);
      return;
    }
    this.keys[this.count] = key;
    this.values[this.count++] = value;
  }
}
