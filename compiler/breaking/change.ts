// What `idlc breaking` reports: a diagnostic (so it prints and serialises like every other one)
// plus whether it breaks peers on the wire or only TypeScript code written against the old module.
import { error, warning, type Diagnostic } from "../diagnostics.js";
import type { Span } from "../source.js";

/** `wire`: old and new peers disagree about bytes; `api`: code using the old generated module breaks. */
export type ChangeCategory = "wire" | "api";

/** Every code `idlc breaking` reports, stable across releases (tests and CI filters match them). */
export const ChangeCode = {
  // wire
  FIELD_TYPE_CHANGED: "field-type-changed",
  FIELD_ID_REUSED: "field-id-reused",
  FIELD_ID_CHANGED: "field-id-changed",
  FIELD_MADE_REQUIRED: "field-made-required",
  FIELD_NO_LONGER_REQUIRED: "field-no-longer-required",
  REQUIRED_FIELD_ADDED: "required-field-added",
  REQUIRED_FIELD_REMOVED: "required-field-removed",
  STRUCT_KIND_CHANGED: "struct-kind-changed",
  ENUM_VALUE_REMOVED: "enum-value-removed",
  ENUM_VALUE_RENUMBERED: "enum-value-renumbered",
  METHOD_REMOVED: "method-removed",
  METHOD_RENAMED: "method-renamed",
  METHOD_ONEWAY_CHANGED: "method-oneway-changed",
  ARGUMENT_TYPE_CHANGED: "argument-type-changed",
  ARGUMENT_ID_REUSED: "argument-id-reused",
  RESULT_TYPE_CHANGED: "result-type-changed",
  EXCEPTION_REMOVED: "exception-removed",
  EXCEPTION_TYPE_CHANGED: "exception-type-changed",
  SERVICE_REMOVED: "service-removed",
  SERVICE_RENAMED: "service-renamed",
  SERVICE_EXTENDS_CHANGED: "service-extends-changed",
  // TypeScript API
  DEFINITION_REMOVED: "definition-removed",
  DEFINITION_RENAMED: "definition-renamed",
  DEFINITION_KIND_CHANGED: "definition-kind-changed",
  FIELD_RENAMED: "field-renamed",
  FIELD_REMOVED: "field-removed",
  FIELD_TS_TYPE_CHANGED: "field-ts-type-changed",
  ARGUMENT_RENAMED: "argument-renamed",
  ARGUMENT_REMOVED: "argument-removed",
  ENUM_VALUE_RENAMED: "enum-value-renamed",
  TYPEDEF_CHANGED: "typedef-changed",
  // warnings: not breaking, but worth a look
  DEFAULT_CHANGED: "default-changed",
  EXCEPTION_ADDED: "exception-added",
} as const;
export type ChangeCode = (typeof ChangeCode)[keyof typeof ChangeCode];

/** One change between the old and the new contract. */
export type Change = Diagnostic & { readonly code: ChangeCode; readonly category: ChangeCategory };

/** A breaking change (an error: exit status 1). */
export function breaking(
  category: ChangeCategory,
  span: Span,
  code: ChangeCode,
  message: string,
  note?: { readonly message: string; readonly span: Span },
): Change {
  return { ...error(span, code, message, note ? [note] : undefined), code, category };
}

/** A change that breaks nothing by itself but deserves a look (a warning). */
export function caution(
  category: ChangeCategory,
  span: Span,
  code: ChangeCode,
  message: string,
): Change {
  return { ...warning(span, code, message), code, category };
}
