// Enum values (thrift-idl.md §10): previous + 1 from 0, an explicit value resets the counter,
// everything within i32, names unique per enum. Each value is also the constant `Enum.VALUE`.
import { error } from "../diagnostics.js";
import type * as ast from "../syntax/ast.js";
import { annotationsOf, nameSpanOf, type FileContext, type Writable } from "./context.js";
import type * as model from "./model.js";
import { checkSimpleName } from "./names.js";
import type { ProgramSymbols } from "./symbols.js";

const I32_MIN = -2_147_483_648n;
const I32_MAX = 2_147_483_647n;

/** Computes the values of an enum and registers each as the constant `Enum.VALUE`. */
export function checkEnumValues(
  node: ast.EnumDefinition,
  definition: Writable<model.Enum>,
  symbols: ProgramSymbols,
  fc: FileContext,
): void {
  const values: model.EnumValue[] = [];
  const byName = new Map<string, model.EnumValue>();
  let next = 0n;
  let overflowReported = false;
  for (const v of node.values) {
    // Apache lets `a.b = 1` through (§1.5), then generates code that does not load (Python
    // `a.b = 1` in a class body); reject every dotted value name.
    const note =
      v.value === undefined
        ? undefined
        : "Apache accepts it when a value is given, but generates invalid code";
    checkSimpleName(v.name, "enum value", fc, note);
    let value = next;
    if (v.value !== undefined) {
      if (v.value.value < I32_MIN || v.value.value > I32_MAX) {
        fc.run.diagnostics.push(
          error(
            v.value,
            "enum-value-out-of-range",
            `enum value "${v.name.text}" = ${v.value.text} is outside the i32 range`,
          ),
        );
      } else {
        value = v.value.value;
      }
    } else if (value > I32_MAX) {
      if (!overflowReported) {
        fc.run.diagnostics.push(
          error(
            v.name,
            "enum-value-overflow",
            `enum value "${v.name.text}" would be ${value}, past the i32 maximum ${I32_MAX}`,
          ),
        );
      }
      overflowReported = true;
      value = I32_MAX;
    }
    next = value + 1n;
    const member: model.EnumValue = {
      name: v.name.text,
      value: Number(value),
      annotations: annotationsOf(v.annotations),
      doc: v.doc?.text,
      span: v,
      nameSpan: v.name,
    };
    values.push(member);
    const first = byName.get(member.name);
    if (first !== undefined) {
      fc.run.diagnostics.push(
        error(
          v.name,
          "duplicate-enum-value",
          `enum "${definition.name}" already has a value named "${member.name}"`,
          [{ message: "first defined here", span: nameSpanOf(first) }],
        ),
      );
      continue;
    }
    byName.set(member.name, member);
    // A duplicate enum (already reported) must not shadow the first one's values.
    if (symbols.types.get(definition.name) !== definition) continue;
    symbols.consts.set(`${definition.name}.${member.name}`, {
      kind: "enum-member",
      definition,
      member,
    });
  }
  definition.values = values;
}
