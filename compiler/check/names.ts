// Names being defined may not contain a dot (thrift-idl.md §1.5: Apache's
// `validate_simple_identifier`); dotted names are how *references* reach into includes and enums.
import { error } from "../diagnostics.js";
import type * as ast from "../syntax/ast.js";
import type { FileContext } from "./context.js";

/** Reports a dotted name in a definition (`struct a.b`); returns whether the name is simple. */
export function checkSimpleName(
  name: ast.Identifier,
  what: string,
  fc: FileContext,
  note = "dots only qualify references",
): boolean {
  if (!name.text.includes(".")) return true;
  fc.run.diagnostics.push(
    error(name, "dotted-name", `${what} name "${name.text}" cannot contain a dot (${note})`),
  );
  return false;
}

/** `a struct`, `an enum`, `an exception`: a kind with its article, for messages. */
export function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}
