// How IDL names become TypeScript names. IDL names are kept as written; a name that would break
// or shadow something in the generated module gets a `$` suffix. Thrift identifiers never contain
// `$`, so an escaped name can never clash with another IDL name.
import type { Definition, Method, Program, Service } from "../check/model.js";

/** JavaScript and TypeScript reserved words, strict-mode words and contextual type words. */
const KEYWORDS = [
  "abstract",
  "accessor",
  "any",
  "arguments",
  "as",
  "asserts",
  "async",
  "await",
  "bigint",
  "boolean",
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "declare",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "eval",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "from",
  "function",
  "get",
  "global",
  "if",
  "implements",
  "import",
  "in",
  "infer",
  "instanceof",
  "interface",
  "is",
  "keyof",
  "let",
  "module",
  "namespace",
  "never",
  "new",
  "null",
  "number",
  "object",
  "of",
  "out",
  "override",
  "package",
  "private",
  "protected",
  "public",
  "readonly",
  "require",
  "return",
  "satisfies",
  "set",
  "static",
  "string",
  "super",
  "switch",
  "symbol",
  "this",
  "throw",
  "true",
  "try",
  "type",
  "typeof",
  "undefined",
  "unique",
  "unknown",
  "using",
  "var",
  "void",
  "while",
  "with",
  "yield",
];

/** Globals and built-in types that generated code uses or that users expect to keep their meaning. */
const GLOBALS = [
  "Array",
  "ArrayLike",
  "BigInt",
  "Boolean",
  "ConstructorParameters",
  "Date",
  "Error",
  "Function",
  "Infinity",
  "Iterable",
  "JSON",
  "Map",
  "Math",
  "NaN",
  "Number",
  "Object",
  "Omit",
  "Partial",
  "Pick",
  "Promise",
  "PromiseLike",
  "Readonly",
  "ReadonlyArray",
  "ReadonlyMap",
  "ReadonlySet",
  "Record",
  "Required",
  "Set",
  "String",
  "Symbol",
  "TextDecoder",
  "TextEncoder",
  "TypeError",
  "Uint8Array",
  "globalThis",
];

/** The runtime names generated code imports from `idlc/runtime/codegen`. */
const CODEGEN_IMPORTS = [
  "ServiceSpec",
  "StructSpec",
  "defineService",
  "defineStruct",
  "elementTypeMismatch",
  "invalidUnionValue",
  "missingArgument",
  "missingResult",
  "requiredFieldMissing",
  "requiredFieldUnset",
  "serviceChannel",
  "unionArityError",
  "withFieldPath",
] as const;

/** Those it imports from `idlc/runtime`: the runtime's core codec and service types and errors. */
const RUNTIME_IMPORTS = [
  "ApplicationError",
  "ApplicationErrorType",
  "Annotations",
  "CallContext",
  "CallOptions",
  "Channel",
  "DEFAULT_DECODE_LIMITS",
  "DecodeLimits",
  "DecodeOptions",
  "EncodeError",
  "EncodeOptions",
  "FieldAnnotations",
  "MessageType",
  "MethodDescriptor",
  "MethodDescriptorOf",
  "OpenEnum",
  "ProtocolError",
  "ProtocolErrorCode",
  "ProtocolName",
  "ProtocolReader",
  "ProtocolWriter",
  "RpcError",
  "RpcErrorCode",
  "ServiceDescriptor",
  "StructCodec",
  "TType",
  "ThriftException",
  "WithDefaults",
  "createReader",
  "createWriter",
] as const;

/** Whether generated code imports `name` from `idlc/runtime/codegen` (else from `idlc/runtime`). */
export const CODEGEN_NAMES: ReadonlySet<string> = new Set(CODEGEN_IMPORTS);

/**
 * Every runtime name generated code may import. Escaping all of them, whether a module uses them
 * or not, keeps the rule independent of the module's contents. (A test checks that each is
 * exported by runtime/index.ts or runtime/codegen/index.ts.)
 */
export const RUNTIME_NAMES: readonly string[] = [...RUNTIME_IMPORTS, ...CODEGEN_IMPORTS];

/** Names that mean something on every object (or in an object literal) and must not be fields. */
const OBJECT_MEMBERS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
];

/** Members of Error instances that an exception's fields must not replace (`message` is handled apart). */
const ERROR_MEMBERS = ["name", "stack", "cause"];

const RESERVED_IDENTIFIERS: ReadonlySet<string> = new Set([
  ...KEYWORDS,
  ...GLOBALS,
  ...RUNTIME_NAMES,
  ...OBJECT_MEMBERS,
]);
const RESERVED_PROPERTIES: ReadonlySet<string> = new Set(OBJECT_MEMBERS);
const RESERVED_ERROR_PROPERTIES: ReadonlySet<string> = new Set([
  ...OBJECT_MEMBERS,
  ...ERROR_MEMBERS,
]);

/** The identifier for an IDL name in binding position: reserved names get a `$` suffix. */
export function safeIdentifier(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_$]/g, "_");
  const valid = /^[0-9]/.test(id) ? `_${id}` : id;
  return RESERVED_IDENTIFIERS.has(valid) ? `${valid}$` : valid;
}

/** The property name of a struct field, union member, enum value or service method. */
export function propertyName(name: string): string {
  return RESERVED_PROPERTIES.has(name) ? `${name}$` : name;
}

/**
 * The property name of a service method on clients and handlers: like `propertyName`, and `then`
 * too, so a client object is never mistaken for a Promise by `await`, and `new`, which in an
 * interface would declare a construct signature instead of a method.
 */
export function methodName(name: string): string {
  return name === "then" || name === "new" ? `${name}$` : propertyName(name);
}

/**
 * The property name of an exception field. A `string` field named `message` *is* Error.message;
 * any other `message`, and `name`, `stack`, `cause`, get a `$` suffix.
 */
export function exceptionPropertyName(name: string, isString: boolean): string {
  if (name === "message") return isString ? name : `${name}$`;
  return RESERVED_ERROR_PROPERTIES.has(name) ? `${name}$` : name;
}

/** Names in use in a scope: its own, plus those of enclosing scopes (not copied). */
export interface TakenNames {
  has(name: string): boolean;
  add(name: string): unknown;
}

/** A scope's own names over read-only enclosing ones (module names are shared, never copied). */
export function scopeNames(own: Iterable<string>, ...outer: ReadonlySet<string>[]): TakenNames {
  const mine = new Set(own);
  return {
    has: (name) => mine.has(name) || outer.some((o) => o.has(name)),
    add: (name) => mine.add(name),
  };
}

/** A local variable name for `name` that is neither reserved nor one of `taken`; adds it to `taken`. */
export function localName(name: string, taken: TakenNames): string {
  let id = safeIdentifier(name);
  while (taken.has(id)) id += "$";
  taken.add(id);
  return id;
}

/** The names a program's module declares at top level. */
export interface ModuleNames {
  /** The type and value name of a definition (struct, enum, service descriptor, …). */
  readonly definitions: ReadonlyMap<Definition, string>;
  /** Interface names derived from a service: `<Name>Client`, `<Name>Handler`. */
  readonly client: ReadonlyMap<Service, string>;
  readonly handler: ReadonlyMap<Service, string>;
  /**
   * The module-private constant of each method's descriptor: `<Service>$<method>`. IDL names
   * never contain `$` and an escaped name only ends in it, so the `$` between the two parts keeps
   * these apart from every other name (and from each other).
   */
  readonly methods: ReadonlyMap<Method, string>;
  /** Every top-level name, for choosing locals and include aliases that do not shadow them. */
  readonly all: ReadonlySet<string>;
}

const namesCache = new WeakMap<Program, ModuleNames>();

/**
 * Names of a program's top-level declarations. Definition names come first; a derived name
 * (`FooClient`) that clashes with one of them gets a `$` suffix. Deterministic per program, so
 * an including module computes the same names.
 */
export function moduleNames(program: Program): ModuleNames {
  const cached = namesCache.get(program);
  if (cached) return cached;
  const definitions = new Map<Definition, string>();
  const all = new Set<string>();
  for (const def of program.definitions) {
    const name = safeIdentifier(def.name);
    definitions.set(def, name);
    all.add(name);
  }
  const client = new Map<Service, string>();
  const handler = new Map<Service, string>();
  for (const def of program.definitions) {
    if (def.kind !== "service") continue;
    const base = definitions.get(def)!;
    client.set(def, derived(`${base}Client`, all));
    handler.set(def, derived(`${base}Handler`, all));
  }
  const methods = new Map<Method, string>();
  for (const def of program.definitions) {
    if (def.kind !== "service") continue;
    const base = definitions.get(def)!;
    for (const m of def.methods)
      methods.set(m, derived(`${base}$${m.name.replace(/[^A-Za-z0-9_]/g, "_")}`, all));
  }
  const names: ModuleNames = { definitions, client, handler, methods, all };
  namesCache.set(program, names);
  return names;
}

function derived(name: string, taken: Set<string>): string {
  let id = name;
  while (taken.has(id) || RESERVED_IDENTIFIERS.has(id)) id += "$";
  taken.add(id);
  return id;
}

/**
 * The alias under which a module imports an included program (`import * as base`): its name,
 * escaped, and `$`-suffixed while it clashes with a top-level name of the importing module.
 */
export function includeAlias(included: Program, importing: Program): string {
  const taken = moduleNames(importing).all;
  let id = safeIdentifier(included.name);
  while (taken.has(id)) id += "$";
  return id;
}

/** The module file name of a program, relative to the output folder. */
export function moduleFileName(program: Program): string {
  return `${program.name}.ts`;
}
