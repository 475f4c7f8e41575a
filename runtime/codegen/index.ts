// What generated code calls, and only generated code: `idlc/runtime/codegen`. Kept apart from
// the user API (`idlc/runtime`), so that a user's autocomplete does not mix `defineStruct` with
// `createServer` and `connect`. Named re-exports only; a test snapshots these names.
export { defineStruct } from "../codec.js";
export type { StructSpec } from "../codec.js";
export { defineService, serviceChannel } from "../service.js";
export type { ServiceSpec } from "../service.js";
export {
  withFieldPath,
  requiredFieldUnset,
  invalidUnionValue,
  requiredFieldMissing,
  missingArgument,
  unionArityError,
  elementTypeMismatch,
  missingResult,
} from "../generated-support.js";
