// The syntax tree of one IDL file, as written: names unresolved, constants unevaluated.
// Built from Chevrotain's CST by build-ast.ts; read by the checker. Every node has a span.
// Nodes that recovery could not complete are left out by the builder (the parser already
// reported why), so every field typed as present here is present.
import type { Span } from "../source.js";

/** A name as written (may be dotted: `base.Money`, `Color.RED`), with where it was written. */
export interface Identifier {
  readonly kind: "identifier";
  readonly text: string;
  readonly span: Span;
}

/** One `key = "value"` entry of an annotation list; a key without value means `"1"`. */
export interface Annotation {
  readonly kind: "annotation";
  readonly key: Identifier;
  readonly value: string;
  readonly span: Span;
}

/** A `/** … *\/` comment attached to the following node, cleaned up as Apache does. */
export interface DocComment {
  readonly text: string;
  readonly span: Span;
}

/** The base types; `byte` is kept as written so the checker can warn about it. */
export type BaseTypeName =
  "bool" | "byte" | "i8" | "i16" | "i32" | "i64" | "double" | "string" | "binary" | "uuid";

export interface BaseTypeNode {
  readonly kind: "base-type";
  readonly name: BaseTypeName;
  readonly annotations: readonly Annotation[];
  readonly span: Span;
}

/** A reference to a named type (`Order`, `base.Money`), resolved by the checker. */
export interface NamedTypeNode {
  readonly kind: "named-type";
  readonly name: Identifier;
  readonly span: Span;
}

export interface ListTypeNode {
  readonly kind: "list-type";
  readonly element: TypeNode;
  readonly annotations: readonly Annotation[];
  readonly span: Span;
}

export interface SetTypeNode {
  readonly kind: "set-type";
  readonly element: TypeNode;
  readonly annotations: readonly Annotation[];
  readonly span: Span;
}

export interface MapTypeNode {
  readonly kind: "map-type";
  readonly key: TypeNode;
  readonly value: TypeNode;
  readonly annotations: readonly Annotation[];
  readonly span: Span;
}

export type TypeNode = BaseTypeNode | NamedTypeNode | ListTypeNode | SetTypeNode | MapTypeNode;

/** An integer literal (decimal or hex, signed); `true`/`false` are integers 1 and 0, as in Apache. */
export interface IntConstNode {
  readonly kind: "int-const";
  readonly value: bigint;
  /** The literal as written, for messages (`0x40`, `true`). */
  readonly text: string;
  readonly span: Span;
}

export interface DoubleConstNode {
  readonly kind: "double-const";
  readonly value: number;
  readonly text: string;
  readonly span: Span;
}

/** A string literal, escapes already decoded. */
export interface StringConstNode {
  readonly kind: "string-const";
  readonly value: string;
  readonly span: Span;
}

/** A reference to a const or enum value (`MAX`, `Color.RED`, `base.Color.RED`). */
export interface RefConstNode {
  readonly kind: "ref-const";
  readonly name: Identifier;
  readonly span: Span;
}

export interface ListConstNode {
  readonly kind: "list-const";
  readonly items: readonly ConstNode[];
  readonly span: Span;
}

export interface MapConstNode {
  readonly kind: "map-const";
  readonly entries: readonly { readonly key: ConstNode; readonly value: ConstNode }[];
  readonly span: Span;
}

export type ConstNode =
  IntConstNode | DoubleConstNode | StringConstNode | RefConstNode | ListConstNode | MapConstNode;

export type Requiredness = "required" | "optional" | "default";

/** A field of a struct, union, exception, argument list or throws list. */
export interface FieldNode {
  readonly kind: "field";
  /** The id as written (`5:`), or undefined when none was written. */
  readonly id: IntConstNode | undefined;
  readonly requiredness: Requiredness;
  /** Span of the `required`/`optional` keyword, when written (for warnings about it). */
  readonly requirednessSpan: Span | undefined;
  readonly type: TypeNode;
  readonly name: Identifier;
  readonly defaultValue: ConstNode | undefined;
  /** `&` after the type: a C++ pointer hint, no meaning on the wire. */
  readonly reference: boolean;
  readonly annotations: readonly Annotation[];
  readonly doc: DocComment | undefined;
  readonly span: Span;
}

export interface IncludeNode {
  readonly kind: "include";
  /** The path literal, as written. */
  readonly path: string;
  readonly pathSpan: Span;
  readonly span: Span;
}

export interface CppIncludeNode {
  readonly kind: "cpp-include";
  readonly path: string;
  readonly span: Span;
}

export interface NamespaceNode {
  readonly kind: "namespace";
  /** `*`, or a language scope such as `java`, `py.twisted`. */
  readonly scope: string;
  readonly scopeSpan: Span;
  readonly value: Identifier;
  readonly annotations: readonly Annotation[];
  readonly span: Span;
}

export type HeaderNode = IncludeNode | CppIncludeNode | NamespaceNode;

export interface ConstDefinition {
  readonly kind: "const";
  readonly type: TypeNode;
  readonly name: Identifier;
  readonly value: ConstNode;
  readonly doc: DocComment | undefined;
  readonly span: Span;
}

export interface TypedefDefinition {
  readonly kind: "typedef";
  readonly type: TypeNode;
  readonly name: Identifier;
  readonly annotations: readonly Annotation[];
  readonly doc: DocComment | undefined;
  readonly span: Span;
}

export interface EnumValueNode {
  readonly kind: "enum-value";
  readonly name: Identifier;
  /** The explicit `= value`, or undefined for "previous + 1". */
  readonly value: IntConstNode | undefined;
  readonly annotations: readonly Annotation[];
  readonly doc: DocComment | undefined;
  readonly span: Span;
}

export interface EnumDefinition {
  readonly kind: "enum";
  readonly name: Identifier;
  readonly values: readonly EnumValueNode[];
  readonly annotations: readonly Annotation[];
  readonly doc: DocComment | undefined;
  readonly span: Span;
}

/** `struct`, `union` and `exception` share one shape: a named field list. */
export interface StructDefinition {
  readonly kind: "struct" | "union" | "exception";
  readonly name: Identifier;
  readonly fields: readonly FieldNode[];
  readonly annotations: readonly Annotation[];
  readonly doc: DocComment | undefined;
  readonly span: Span;
}

export interface FunctionNode {
  readonly kind: "function";
  readonly oneway: boolean;
  /** Span of `oneway`/`async` when written. */
  readonly onewaySpan: Span | undefined;
  /** `async` was written instead of `oneway` (deprecated, warned). */
  readonly asyncKeyword: boolean;
  /** The return type; undefined for `void`. */
  readonly returnType: TypeNode | undefined;
  /** Span of the return type or of `void`. */
  readonly returnSpan: Span;
  readonly name: Identifier;
  readonly params: readonly FieldNode[];
  /** Undefined when no `throws (…)` clause was written. */
  readonly throws: readonly FieldNode[] | undefined;
  readonly throwsSpan: Span | undefined;
  readonly annotations: readonly Annotation[];
  readonly doc: DocComment | undefined;
  readonly span: Span;
}

export interface ServiceDefinition {
  readonly kind: "service";
  readonly name: Identifier;
  readonly extends: Identifier | undefined;
  readonly functions: readonly FunctionNode[];
  readonly annotations: readonly Annotation[];
  readonly doc: DocComment | undefined;
  readonly span: Span;
}

export type Definition =
  ConstDefinition | TypedefDefinition | EnumDefinition | StructDefinition | ServiceDefinition;

/** One parsed IDL file. */
export interface Document {
  readonly kind: "document";
  /** The program's doc: the first doc comment, when a header follows it (Apache's rule). */
  readonly doc: DocComment | undefined;
  readonly headers: readonly HeaderNode[];
  readonly definitions: readonly Definition[];
  readonly span: Span;
}
