// The checked model: what an IDL means once every name is resolved, every constant evaluated
// and typed, and every field id assigned. The emitter reads only this. A model is produced even
// when there are errors (for tooling), but it is only complete when the run has no errors, and
// the emitter only runs then.
import type { Span } from "../source.js";

/** Annotation entries in source order; a repeated key appears once per value (Apache 0.18+). */
export type Annotations = readonly { readonly key: string; readonly value: string }[];

/** The base types. `byte` has been folded into `i8`. */
export type BaseTypeName =
  "bool" | "i8" | "i16" | "i32" | "i64" | "double" | "string" | "binary" | "uuid";

export interface BaseType {
  readonly kind: "base";
  readonly name: BaseTypeName;
  readonly annotations: Annotations;
}
export interface ListType {
  readonly kind: "list";
  readonly element: Type;
  readonly annotations: Annotations;
}
export interface SetType {
  readonly kind: "set";
  readonly element: Type;
  readonly annotations: Annotations;
}
export interface MapType {
  readonly kind: "map";
  readonly key: Type;
  readonly value: Type;
  readonly annotations: Annotations;
}
/** A use of an enum, struct, union, exception or typedef, possibly from an included program. */
export interface EnumRef {
  readonly kind: "enum";
  readonly definition: Enum;
}
export interface StructRef {
  readonly kind: "struct";
  readonly definition: Struct;
}
export interface TypedefRef {
  readonly kind: "typedef";
  readonly definition: Typedef;
}
/** Stands in for a type that could not be resolved (an error was reported). */
export interface UnresolvedType {
  readonly kind: "unresolved";
}

export type Type =
  BaseType | ListType | SetType | MapType | EnumRef | StructRef | TypedefRef | UnresolvedType;

/** Follows typedef chains to the type that goes on the wire. Typedef cycles are rejected by the checker. */
export function resolveType(type: Type): Exclude<Type, TypedefRef> {
  let t: Type = type;
  for (let guard = 0; t.kind === "typedef"; guard++) {
    if (guard > 10_000) return { kind: "unresolved" };
    t = t.definition.type;
  }
  return t;
}

/** An evaluated constant, shaped by the type it was checked against. */
export type ConstValue =
  | { readonly kind: "bool"; readonly value: boolean }
  /** i8, i16, i32, i64 (range-checked against the declared width). */
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "double"; readonly value: number }
  /** string, binary (UTF-8 of the literal) and uuid (canonical lower-case text). */
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "enum"; readonly definition: Enum; readonly member: EnumValue }
  /** list and set (a set keeps duplicates as written, as Apache's model does). */
  | { readonly kind: "list"; readonly items: readonly ConstValue[] }
  /** map; a repeated key keeps the last value (Apache), with a warning. */
  | {
      readonly kind: "map";
      readonly entries: readonly { readonly key: ConstValue; readonly value: ConstValue }[];
    }
  /** struct, union, exception: the fields given, in the order written. */
  | {
      readonly kind: "struct";
      readonly definition: Struct;
      readonly fields: readonly { readonly field: Field; readonly value: ConstValue }[];
    };

export type Requiredness = "required" | "optional" | "default";

export interface Field {
  readonly kind: "field";
  /** The wire id: as written, or auto-assigned (negative) as Apache does. */
  readonly id: number;
  /** True when the id was auto-assigned (no id, or a non-positive one that Apache discards). */
  readonly implicitId: boolean;
  readonly name: string;
  readonly type: Type;
  /**
   * Union members are always "optional"; an argument is "optional" only as written (the wire
   * ignores it, as Apache does; handlers may get it undefined).
   */
  readonly requiredness: Requiredness;
  readonly defaultValue: ConstValue | undefined;
  readonly annotations: Annotations;
  readonly doc: string | undefined;
  readonly span: Span;
  /** Where the name was written (for notes and tooling); the checker always sets it. */
  readonly nameSpan?: Span;
}

interface DefinitionBase {
  readonly name: string;
  /** The program that defines it (emitted as a sibling module import when used elsewhere). */
  readonly program: Program;
  readonly annotations: Annotations;
  readonly doc: string | undefined;
  readonly span: Span;
  /** Where the name was written (for notes and tooling); the checker always sets it. */
  readonly nameSpan?: Span;
}

export interface Const extends DefinitionBase {
  readonly kind: "const";
  readonly type: Type;
  readonly value: ConstValue;
}

export interface Typedef extends DefinitionBase {
  readonly kind: "typedef";
  readonly type: Type;
}

export interface EnumValue {
  readonly name: string;
  readonly value: number;
  readonly annotations: Annotations;
  readonly doc: string | undefined;
  readonly span: Span;
  /** Where the name was written (for notes and tooling); the checker always sets it. */
  readonly nameSpan?: Span;
}

export interface Enum extends DefinitionBase {
  readonly kind: "enum";
  readonly values: readonly EnumValue[];
}

export interface Struct extends DefinitionBase {
  readonly kind: "struct" | "union" | "exception";
  /** In declaration order; writers sort by id (Apache's Java/Python/C++ order). */
  readonly fields: readonly Field[];
}

export interface Method {
  readonly kind: "method";
  readonly name: string;
  readonly oneway: boolean;
  /** Undefined for `void`. */
  readonly returnType: Type | undefined;
  readonly params: readonly Field[];
  /** Declared exceptions; each field's type resolves to an exception. Empty when none. */
  readonly throws: readonly Field[];
  readonly annotations: Annotations;
  readonly doc: string | undefined;
  readonly span: Span;
  /** Where the name was written (for notes and tooling); the checker always sets it. */
  readonly nameSpan?: Span;
}

export interface Service extends DefinitionBase {
  readonly kind: "service";
  readonly extends: Service | undefined;
  /** Only this service's own methods; walk `extends` for inherited ones. */
  readonly methods: readonly Method[];
}

export type Definition = Const | Typedef | Enum | Struct | Service;

/** One checked IDL file. */
export interface Program {
  readonly kind: "program";
  /** The path as typed by the user or as an include resolved it (never made absolute). */
  readonly path: string;
  /** The file name without directory and last extension: the prefix others use (`base.Money`). */
  readonly name: string;
  readonly doc: string | undefined;
  /** Namespace scope → value, last one wins (`*` included). */
  readonly namespaces: ReadonlyMap<string, string>;
  /** Directly included programs, in include order. */
  readonly includes: readonly Program[];
  /** In source order. */
  readonly definitions: readonly Definition[];
}

/** All methods of a service, inherited ones first (base-most first), as one flat list. */
export function allMethods(service: Service): Method[] {
  const chain: Service[] = [];
  const seen = new Set<Service>();
  for (let s: Service | undefined = service; s && !seen.has(s); s = s.extends) {
    seen.add(s);
    chain.unshift(s);
  }
  return chain.flatMap((s) => [...s.methods]);
}
