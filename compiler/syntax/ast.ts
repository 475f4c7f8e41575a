// The syntax tree of one IDL file, as written: names unresolved, constants unevaluated.
// Built from Chevrotain's CST by build-ast.ts; read by the checker. Every node is its own span
// (`file`, `start`, `end` are its fields, so a node is passed wherever a Span is wanted): a big
// file has hundreds of thousands of nodes, all kept until the run ends, and a span object apiece
// made `idlc check` of the 2 MB benchmark file 5–8 % slower (bench/README.md).
// Nodes that recovery could not complete are left out by the builder (the parser already
// reported why), so every field typed as present here is present.
import type { Span } from "../source.js";

/** A name as written (may be dotted: `base.Money`, `Color.RED`), with where it was written. */
export interface Identifier extends Span {
  readonly kind: "identifier";
  readonly text: string;
}

/** One `key = "value"` entry of an annotation list; a key without value means `"1"`. */
export interface Annotation extends Span {
  readonly kind: "annotation";
  readonly key: Identifier;
  readonly value: string;
}

/** A `/** … *\/` comment attached to the following node, cleaned up as Apache does. */
export interface DocComment extends Span {
  readonly text: string;
}

/** The base types; `byte` is kept as written so the checker can warn about it. */
export type BaseTypeName =
  "bool" | "byte" | "i8" | "i16" | "i32" | "i64" | "double" | "string" | "binary" | "uuid";

export interface BaseTypeNode extends Span {
  readonly kind: "base-type";
  readonly name: BaseTypeName;
  readonly annotations: readonly Annotation[];
}

/** A reference to a named type (`Order`, `base.Money`), resolved by the checker. */
export interface NamedTypeNode extends Span {
  readonly kind: "named-type";
  /** The name as written; the node's span is the name's. */
  readonly name: string;
}

export interface ListTypeNode extends Span {
  readonly kind: "list-type";
  readonly element: TypeNode;
  readonly annotations: readonly Annotation[];
}

export interface SetTypeNode extends Span {
  readonly kind: "set-type";
  readonly element: TypeNode;
  readonly annotations: readonly Annotation[];
}

export interface MapTypeNode extends Span {
  readonly kind: "map-type";
  readonly key: TypeNode;
  readonly value: TypeNode;
  readonly annotations: readonly Annotation[];
}

export type TypeNode = BaseTypeNode | NamedTypeNode | ListTypeNode | SetTypeNode | MapTypeNode;

/** An integer literal (decimal or hex, signed); `true`/`false` are integers 1 and 0, as in Apache. */
export interface IntConstNode extends Span {
  readonly kind: "int-const";
  readonly value: bigint;
  /** The literal as written, for messages (`0x40`, `true`). */
  readonly text: string;
}

export interface DoubleConstNode extends Span {
  readonly kind: "double-const";
  readonly value: number;
  readonly text: string;
}

/** A string literal, escapes already decoded. */
export interface StringConstNode extends Span {
  readonly kind: "string-const";
  readonly value: string;
}

/** A reference to a const or enum value (`MAX`, `Color.RED`, `base.Color.RED`). */
export interface RefConstNode extends Span {
  readonly kind: "ref-const";
  /** The name as written; the node's span is the name's. */
  readonly name: string;
}

export interface ListConstNode extends Span {
  readonly kind: "list-const";
  readonly items: readonly ConstNode[];
}

export interface MapConstNode extends Span {
  readonly kind: "map-const";
  readonly entries: readonly { readonly key: ConstNode; readonly value: ConstNode }[];
}

export type ConstNode =
  IntConstNode | DoubleConstNode | StringConstNode | RefConstNode | ListConstNode | MapConstNode;

export type Requiredness = "required" | "optional" | "default";

/** A field of a struct, union, exception, argument list or throws list. */
export interface FieldNode extends Span {
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
}

export interface IncludeNode extends Span {
  readonly kind: "include";
  /** The path literal, as written. */
  readonly path: string;
  readonly pathSpan: Span;
}

export interface CppIncludeNode extends Span {
  readonly kind: "cpp-include";
  readonly path: string;
}

export interface NamespaceNode extends Span {
  readonly kind: "namespace";
  /** `*`, or a language scope such as `java`, `py.twisted`. */
  readonly scope: string;
  readonly scopeSpan: Span;
  readonly value: Identifier;
  readonly annotations: readonly Annotation[];
}

export type HeaderNode = IncludeNode | CppIncludeNode | NamespaceNode;

export interface ConstDefinition extends Span {
  readonly kind: "const";
  readonly type: TypeNode;
  readonly name: Identifier;
  readonly value: ConstNode;
  readonly doc: DocComment | undefined;
}

export interface TypedefDefinition extends Span {
  readonly kind: "typedef";
  readonly type: TypeNode;
  readonly name: Identifier;
  readonly annotations: readonly Annotation[];
  readonly doc: DocComment | undefined;
}

export interface EnumValueNode extends Span {
  readonly kind: "enum-value";
  readonly name: Identifier;
  /** The explicit `= value`, or undefined for "previous + 1". */
  readonly value: IntConstNode | undefined;
  readonly annotations: readonly Annotation[];
  readonly doc: DocComment | undefined;
}

export interface EnumDefinition extends Span {
  readonly kind: "enum";
  readonly name: Identifier;
  readonly values: readonly EnumValueNode[];
  readonly annotations: readonly Annotation[];
  readonly doc: DocComment | undefined;
}

/** `struct`, `union` and `exception` share one shape: a named field list. */
export interface StructDefinition extends Span {
  readonly kind: "struct" | "union" | "exception";
  readonly name: Identifier;
  readonly fields: readonly FieldNode[];
  readonly annotations: readonly Annotation[];
  readonly doc: DocComment | undefined;
}

export interface FunctionNode extends Span {
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
}

export interface ServiceDefinition extends Span {
  readonly kind: "service";
  readonly name: Identifier;
  readonly extends: Identifier | undefined;
  readonly functions: readonly FunctionNode[];
  readonly annotations: readonly Annotation[];
  readonly doc: DocComment | undefined;
}

export type Definition =
  ConstDefinition | TypedefDefinition | EnumDefinition | StructDefinition | ServiceDefinition;

/** One parsed IDL file. */
export interface Document extends Span {
  readonly kind: "document";
  /** The program's doc: the first doc comment, when a header follows it (Apache's rule). */
  readonly doc: DocComment | undefined;
  readonly headers: readonly HeaderNode[];
  readonly definitions: readonly Definition[];
}
