// Field lists of two versions compared by wire id, the identity a Thrift peer sees: struct
// fields, method arguments and `throws` clauses. A name may change freely on the wire (only
// TypeScript sees it); an id's type or requiredness may not.
import type { Field } from "../check/model.js";
import type { Span } from "../source.js";
import { ChangeCode, breaking, caution, type Change } from "./change.js";
import { apiShape, constText, sameOnWire, typeName } from "./types.js";

/** Which list is compared: the codes and wording differ, the rules hardly. */
export type FieldRole = "field" | "argument" | "exception";

/** Where the name of a field is written, for positions. */
export function nameSpan(x: { readonly span: Span; readonly nameSpan?: Span }): Span {
  return x.nameSpan ?? x.span;
}

/** Compares the fields of one struct, method argument list or `throws` list (`owner` names it). */
export function compareFields(
  role: FieldRole,
  owner: string,
  before: readonly Field[],
  after: readonly Field[],
  out: Change[],
): void {
  const oldById = new Map(before.map((f) => [f.id, f]));
  const newById = new Map(after.map((f) => [f.id, f]));
  const newByName = new Map(after.map((f) => [f.name, f]));
  const what: string = role; // the role is also the word messages use

  for (const o of before) {
    const n = newById.get(o.id);
    const label = `${what} ${o.id} "${o.name}" of ${owner}`;
    if (n === undefined) {
      const moved = newByName.get(o.name);
      if (moved !== undefined && !oldById.has(moved.id)) {
        out.push(
          breaking(
            "wire",
            nameSpan(moved),
            ChangeCode.FIELD_ID_CHANGED,
            `${label} moved to id ${moved.id}: peers of the other version read it as an unknown field and skip it`,
          ),
        );
        continue;
      }
      if (role === "exception") {
        out.push(
          breaking(
            "wire",
            nameSpan(o),
            ChangeCode.EXCEPTION_REMOVED,
            `${label} was removed from throws: an old client cannot tell what a new server means, a new client gets an unknown result from an old server`,
          ),
        );
      } else if (o.requiredness === "required") {
        out.push(
          breaking(
            "wire",
            nameSpan(o),
            ChangeCode.REQUIRED_FIELD_REMOVED,
            `required ${label} was removed: old readers reject every value the new version writes`,
          ),
        );
      } else {
        out.push(
          breaking(
            "api",
            nameSpan(o),
            role === "argument" ? ChangeCode.ARGUMENT_REMOVED : ChangeCode.FIELD_REMOVED,
            `${label} was removed: code that sets or reads it no longer compiles`,
          ),
        );
      }
      continue;
    }
    compareField(role, what, owner, o, n, out);
  }

  for (const n of after) {
    if (oldById.has(n.id)) continue;
    if (role === "exception") {
      out.push(
        caution(
          "wire",
          nameSpan(n),
          ChangeCode.EXCEPTION_ADDED,
          `${what} ${n.id} "${n.name}" was added to throws of ${owner}: an old client that receives it sees an unknown result`,
        ),
      );
    } else if (n.requiredness === "required" && role === "field") {
      out.push(
        breaking(
          "wire",
          nameSpan(n),
          ChangeCode.REQUIRED_FIELD_ADDED,
          `new required field ${n.id} "${n.name}" of ${owner}: new readers reject every value an old writer sends`,
        ),
      );
    }
  }
}

function compareField(
  role: FieldRole,
  what: string,
  owner: string,
  o: Field,
  n: Field,
  out: Change[],
): void {
  const label = `${what} ${o.id} "${o.name}" of ${owner}`;
  const span = nameSpan(n);
  if (!sameOnWire(o.type, n.type)) {
    const reused = o.name !== n.name;
    const code = reused
      ? role === "argument"
        ? ChangeCode.ARGUMENT_ID_REUSED
        : ChangeCode.FIELD_ID_REUSED
      : role === "argument"
        ? ChangeCode.ARGUMENT_TYPE_CHANGED
        : role === "exception"
          ? ChangeCode.EXCEPTION_TYPE_CHANGED
          : ChangeCode.FIELD_TYPE_CHANGED;
    const message = reused
      ? `${what} id ${o.id} of ${owner} was reused: it was "${o.name}" (${typeName(o.type)}), now "${n.name}" (${typeName(n.type)})`
      : `${label} changed type from ${typeName(o.type)} to ${typeName(n.type)}`;
    out.push(
      breaking(
        "wire",
        span,
        code,
        `${message}: ${o.requiredness === "required" || n.requiredness === "required" ? "a reader of the other version skips it, then rejects the value for lacking a required field" : "a reader of the other version skips it, so the value is silently lost"}`,
      ),
    );
    return; // one change, one message
  }
  if (role === "exception") return; // the exception's own struct is compared on its own
  if (o.name !== n.name) {
    out.push(
      breaking(
        "api",
        span,
        role === "argument" ? ChangeCode.ARGUMENT_RENAMED : ChangeCode.FIELD_RENAMED,
        `${label} was renamed to "${n.name}": the wire is unchanged, but code using the old name no longer compiles`,
      ),
    );
  } else if (apiShape(o.type) !== apiShape(n.type)) {
    out.push(
      breaking(
        "api",
        span,
        ChangeCode.FIELD_TS_TYPE_CHANGED,
        `${label} changed type from ${typeName(o.type)} to ${typeName(n.type)}: the same bytes, but a different TypeScript type`,
      ),
    );
  }
  if (o.requiredness !== "required" && n.requiredness === "required") {
    out.push(
      breaking(
        "wire",
        span,
        ChangeCode.FIELD_MADE_REQUIRED,
        `${label} was made required: new readers reject values from old writers that leave it out`,
      ),
    );
  } else if (o.requiredness === "required" && n.requiredness !== "required") {
    out.push(
      breaking(
        "wire",
        span,
        ChangeCode.FIELD_NO_LONGER_REQUIRED,
        `${label} is no longer required: old readers reject values from new writers that leave it out`,
      ),
    );
  }
  const oldDefault = constText(o.defaultValue);
  const newDefault = constText(n.defaultValue);
  if (oldDefault !== newDefault) {
    out.push(
      caution(
        "wire",
        span,
        ChangeCode.DEFAULT_CHANGED,
        `${label} default changed from ${oldDefault ?? "none"} to ${newDefault ?? "none"}: old and new peers disagree about a value left out`,
      ),
    );
  }
}
