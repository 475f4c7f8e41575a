// The statements an emitter writes that can be too long for their line, built from their parts
// (`Unit`s of expressions and types) instead of text. A unit that fits is one line, spelled as
// prettier prints it (`flatUnit`); one that does not is turned into the document prettier's estree
// printer builds for it (the rules of prettier 3's src/language-js/print/: assignment layouts, call
// arguments with the last one hugged, binary chains, unions, type arguments, objects and arrays)
// and printed by prettier's doc printer (`prettier/doc`, a small module). A node needing a rule not
// written here declines (undefined), and the writer gives the unit to prettier itself.
// test/compiler/emit-format.test.ts compares the output with prettier's on every golden, commerce,
// the large IDL and random IDLs.
import type * as PrettierDoc from "prettier/doc";
import { isAscii } from "./spelling.js";

/** An expression of the emitter's grammar. */
export type Expr =
  | { readonly kind: "name"; readonly text: string }
  | { readonly kind: "string"; readonly text: string }
  | { readonly kind: "number"; readonly text: string }
  | { readonly kind: "member"; readonly object: Expr; readonly name: string }
  | { readonly kind: "index"; readonly object: Expr; readonly index: string }
  | {
      readonly kind: "call";
      readonly isNew: boolean;
      readonly callee: Expr;
      readonly typeArgs: readonly Type[] | undefined;
      readonly args: readonly Expr[];
    }
  | { readonly kind: "array"; readonly elements: readonly Expr[] }
  | { readonly kind: "object"; readonly properties: readonly Property[]; readonly broken: boolean }
  | {
      readonly kind: "binary";
      readonly operator: string;
      readonly left: Expr;
      readonly right: Expr;
    }
  | { readonly kind: "paren"; readonly expression: Expr };

/** `key: value`, or `key` alone (shorthand). */
export interface Property {
  readonly key: string;
  readonly value: Expr | undefined;
}

/** A type of the emitter's grammar; `text` is one printed as written (it never breaks). */
export type Type =
  | { readonly kind: "ref"; readonly name: string; readonly args: readonly Type[] | undefined }
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "array"; readonly element: Type }
  | { readonly kind: "union"; readonly types: readonly Type[] }
  | { readonly kind: "typeof"; readonly name: string }
  | { readonly kind: "indexed"; readonly object: Type; readonly index: string }
  | { readonly kind: "object"; readonly members: readonly Param[] }
  | { readonly kind: "text"; readonly text: string };

/** `name: T` or `name?: T` (a parameter or an object type member). */
export interface Param {
  readonly name: string;
  readonly optional: boolean;
  readonly type: Type;
}

/** A statement or member that may be too long for its line; an opener ends in its stub body. */
export type Unit =
  | { readonly kind: "return"; readonly argument: Expr }
  | { readonly kind: "ifThrow"; readonly test: Expr; readonly argument: Expr }
  | {
      readonly kind: "const";
      readonly exported: boolean;
      readonly name: string;
      readonly type: Type | undefined;
      readonly init: Expr;
    }
  | {
      readonly kind: "property";
      readonly modifiers: string;
      readonly name: string;
      readonly type: Type;
      readonly init: Expr;
    }
  | { readonly kind: "objectProperty"; readonly key: string; readonly value: Expr }
  | {
      readonly kind: "typeAlias";
      readonly exported: boolean;
      readonly name: string;
      readonly type: Type;
    }
  | {
      readonly kind: "import";
      readonly typeOnly: boolean;
      readonly names: readonly string[];
      readonly from: string;
    }
  | {
      readonly kind: "method";
      readonly name: string;
      readonly params: readonly Param[];
      readonly returns: Type;
    }
  | { readonly kind: "constructor"; readonly param: Param; readonly init: string | undefined };

// ---- Building ------------------------------------------------------------------------------

/** A name, or a dotted path of names (`channel.call`) as member accesses. */
export function name(path: string): Expr {
  // By index, not `split` and a rest pattern: the emitters call this for every name they write.
  let dot = path.indexOf(".");
  if (dot < 0) return { kind: "name", text: path };
  let e: Expr = { kind: "name", text: path.slice(0, dot) };
  for (let from = dot + 1; ; from = dot + 1) {
    dot = path.indexOf(".", from);
    if (dot < 0) return { kind: "member", object: e, name: path.slice(from) };
    e = { kind: "member", object: e, name: path.slice(from, dot) };
  }
}

/** A string literal already spelled (spelling.ts). */
export function str(text: string): Expr {
  return { kind: "string", text };
}

/** A call `callee<typeArgs>(args)`. */
export function call(
  callee: Expr | string,
  args: readonly Expr[],
  typeArgs?: readonly Type[],
): Expr {
  const c = typeof callee === "string" ? name(callee) : callee;
  return { kind: "call", isNew: false, callee: c, typeArgs, args };
}

/** `new callee<typeArgs>(args)`. */
export function newCall(callee: string, args: readonly Expr[], typeArgs?: readonly Type[]): Expr {
  return { kind: "call", isNew: true, callee: name(callee), typeArgs, args };
}

/** `left op right`. */
export function binary(left: Expr, operator: string, right: Expr): Expr {
  return { kind: "binary", operator, left, right };
}

/** An object literal; `broken` when the emitter writes it over several lines. */
export function object(properties: readonly Property[], broken = false): Expr {
  return { kind: "object", properties, broken };
}

/** A type reference `name<args>`. */
export function ref(typeName: string, args?: readonly Type[]): Type {
  return { kind: "ref", name: typeName, args };
}

/** The stub an opener's body is given, to be cut from the printed opener (writer.ts). */
export const STUB_PROPERTY: Property = { key: "_", value: undefined };

// ---- One line ------------------------------------------------------------------------------

/** The expression on one line, as prettier prints it when it fits. */
export function flatExpr(e: Expr): string {
  switch (e.kind) {
    case "name":
    case "string":
    case "number":
      return e.text;
    case "member":
      return `${flatExpr(e.object)}.${e.name}`;
    case "index":
      return `${flatExpr(e.object)}[${e.index}]`;
    case "call": {
      const typeArgs = e.typeArgs === undefined ? "" : `<${e.typeArgs.map(flatType).join(", ")}>`;
      return `${e.isNew ? "new " : ""}${flatExpr(e.callee)}${typeArgs}(${e.args.map(flatExpr).join(", ")})`;
    }
    case "array":
      return `[${e.elements.map(flatExpr).join(", ")}]`;
    case "object": {
      if (e.properties.length === 0) return "{}";
      const props = e.properties.map((p) =>
        p.value === undefined ? p.key : `${p.key}: ${flatExpr(p.value)}`,
      );
      return `{ ${props.join(", ")} }`;
    }
    case "binary":
      return `${flatExpr(e.left)} ${e.operator} ${flatExpr(e.right)}`;
    case "paren":
      return `(${flatExpr(e.expression)})`;
  }
}

/** The type on one line. */
export function flatType(t: Type): string {
  switch (t.kind) {
    case "ref":
      return t.args === undefined ? t.name : `${t.name}<${t.args.map(flatType).join(", ")}>`;
    case "literal":
    case "text":
      return t.text;
    case "array":
      return `${flatType(t.element)}[]`;
    case "union":
      return t.types.map(flatType).join(" | ");
    case "typeof":
      return `typeof ${t.name}`;
    case "indexed":
      return `${flatType(t.object)}[${t.index}]`;
    case "object":
      return t.members.length === 0 ? "{}" : `{ ${t.members.map(flatParam).join("; ")} }`;
  }
}

function flatParam(p: Param): string {
  return `${p.name}${p.optional ? "?" : ""}: ${flatType(p.type)}`;
}

/** The unit on one line (an opener without its stub body: the line ends at its bracket). */
export function flatUnit(u: Unit): string {
  switch (u.kind) {
    case "return":
      return `return ${flatExpr(u.argument)};`;
    case "ifThrow":
      return `if (${flatExpr(u.test)}) throw ${flatExpr(u.argument)};`;
    case "const": {
      const type = u.type === undefined ? "" : `: ${flatType(u.type)}`;
      return `${u.exported ? "export " : ""}const ${u.name}${type} = ${flatExpr(u.init)};`;
    }
    case "property":
      return `${u.modifiers}${u.name}: ${flatType(u.type)} = ${flatExpr(u.init)};`;
    case "objectProperty":
      return `${u.key}: ${flatExpr(u.value)},`;
    case "typeAlias":
      return `${u.exported ? "export " : ""}type ${u.name} = ${flatType(u.type)};`;
    case "import":
      return `import ${u.typeOnly ? "type " : ""}{ ${u.names.join(", ")} } from ${u.from};`;
    case "method":
      return `${u.name}(${u.params.map(flatParam).join(", ")}): ${flatType(u.returns)};`;
    case "constructor":
      return `constructor(${flatParam(u.param)}${u.init === undefined ? "" : ` = ${u.init}`}) {`;
  }
}

/** An opener's line up to its bracket: the flat unit cut at its stub. */
export function flatOpener(u: Unit): string {
  const flat = flatUnit(u);
  if (u.kind === "constructor") return flat;
  const stub = flat.lastIndexOf("{ _ }");
  return stub < 0 ? flat : flat.slice(0, stub + 1);
}

/**
 * Whether prettier breaks the unit even when it fits: an array of two or more arrays or objects
 * of two or more items, a broken object, or a width the printer must measure (non-ASCII).
 */
export function breaksAnyway(u: Unit, flat: string = flatUnit(u)): boolean {
  return !isAscii(flat) || unitExprs(u).some(breaksExpr);
}

/**
 * Whether an opener whose line fits is printed as that line with its body hugged (`= define({`
 * or `= {`, body one level in): a `const` or property whose value is the stub object, or a call
 * with the stub as its only argument, and nothing else in it that breaks. prettier's assignment
 * keeps such a line whole when the text up to the bracket fits (its fluid and break-lhs layouts;
 * a call's last object argument is hugged), so the document need not be built.
 */
export function hugsItsBody(u: Unit, flat: string): boolean {
  if ((u.kind !== "const" && u.kind !== "property") || !isAscii(flat)) return false;
  const init = u.init;
  if (isStub(init)) return true;
  return (
    init.kind === "call" &&
    !init.isNew &&
    init.callee.kind === "name" &&
    init.args.length === 1 &&
    isStub(init.args[0]!)
  );
}

function isStub(e: Expr): boolean {
  return e.kind === "object" && e.properties.length === 1 && e.properties[0] === STUB_PROPERTY;
}

function unitExprs(u: Unit): Expr[] {
  switch (u.kind) {
    case "return":
      return [u.argument];
    case "ifThrow":
      return [u.test, u.argument];
    case "const":
    case "property":
      return [u.init];
    case "objectProperty":
      return [u.value];
    default:
      return [];
  }
}

function breaksExpr(e: Expr): boolean {
  switch (e.kind) {
    case "array":
      return isMatrix(e) || e.elements.some(breaksExpr);
    case "object":
      return e.broken || e.properties.some((p) => p.value !== undefined && breaksExpr(p.value));
    case "call":
      return breaksExpr(e.callee) || e.args.some(breaksExpr);
    case "binary":
      return breaksExpr(e.left) || breaksExpr(e.right);
    case "member":
    case "index":
      return breaksExpr(e.object);
    case "paren":
      return breaksExpr(e.expression);
    default:
      return false;
  }
}

/** isConciselyPrintedArray's opposite (array.js): 2+ elements, all arrays or all objects of 2+. */
function isMatrix(e: Expr & { kind: "array" }): boolean {
  const first = e.elements[0]?.kind;
  return (
    e.elements.length > 1 &&
    e.elements.every(
      (x) =>
        x.kind === first &&
        ((x.kind === "array" && x.elements.length > 1) ||
          (x.kind === "object" && x.properties.length > 1)),
    )
  );
}

// ---- Documents -----------------------------------------------------------------------------

type Doc = PrettierDoc.builders.Doc;
type DocModule = typeof PrettierDoc;

/**
 * The lines of `unit` printed by prettier's doc printer in `width` columns, without
 * indentation; undefined when it needs a rule not written here.
 */
export function printUnit(docs: DocModule, unit: Unit, width: number): string[] | undefined {
  let doc: Doc;
  try {
    doc = new DocBuilder(docs).statement(unit);
  } catch (caught) {
    if (caught === DECLINE) return undefined;
    throw caught;
  }
  const { formatted } = docs.printer.printDocToString(doc, {
    printWidth: width,
    tabWidth: 2,
    useTabs: false,
  });
  return formatted.split("\n");
}

/** Thrown when a node needs a rule not written here; the unit goes to prettier. */
const DECLINE = new Error("outside the printed grammar");

/** The file's print width (`.prettierrc.json`). */
export const PRINT_WIDTH = 100;

type Layout = "break-after-operator" | "never-break-after-operator" | "break-lhs" | "fluid";

/** The kind of node a binary expression sits in: prettier groups an operand unlike its parent. */
type Parent = "logical" | "binary" | "other";

class DocBuilder {
  private readonly b: DocModule["builders"];
  private readonly utils: DocModule["utils"];
  constructor(docs: DocModule) {
    this.b = docs.builders;
    this.utils = docs.utils;
  }

  statement(unit: Unit): Doc {
    const { group, indent, line, softline, ifBreak, join, hardline } = this.b;
    switch (unit.kind) {
      case "return": {
        const a = unit.argument;
        if (a.kind === "binary" || a.kind === "paren") throw DECLINE; // prettier's parens group
        return ["return ", this.expr(a), ";"];
      }
      case "ifThrow": {
        if (unit.test.kind !== "binary") throw DECLINE;
        const test = this.binaryParts(unit.test, true, "other");
        const clause = indent([line, "throw ", this.expr(unit.argument), ";"]);
        return group(["if (", group([indent([softline, ...test]), softline]), ")", clause]);
      }
      case "const": {
        const left: Doc[] = [unit.name];
        if (unit.type !== undefined) left.push(": ", this.type(unit.type, "annotation"));
        const layout = this.layout(left, unit.type, unit.init);
        const assignment = this.assignment(left, " =", unit.init, layout);
        return [unit.exported ? "export " : "", group(["const ", assignment]), ";"];
      }
      case "property": {
        const left = [unit.modifiers, unit.name, ": ", this.type(unit.type, "annotation")];
        const layout = this.layout(left, undefined, unit.init);
        return [this.assignment(left, " =", unit.init, layout), ";"];
      }
      case "objectProperty": {
        const layout = this.layout(unit.key, undefined, unit.value, unit.key.length < 5);
        return [this.assignment(unit.key, ":", unit.value, layout), ","];
      }
      case "typeAlias": {
        if (unit.type.kind !== "union") throw DECLINE;
        const right = group(indent([line, this.type(unit.type, "alias")]));
        const alias = group([group(["type ", unit.name]), " =", right]);
        return [unit.exported ? "export " : "", alias, ";"];
      }
      case "import": {
        if (unit.names.length < 2) throw DECLINE; // one name never breaks
        const names = group([
          "{",
          indent([line, join([",", line], [...unit.names])]),
          ifBreak(","),
          line,
          "}",
        ]);
        return ["import ", unit.typeOnly ? "type " : "", names, " from ", unit.from, ";"];
      }
      case "method": {
        if (unit.returns.kind === "object" || unit.params.some((p) => p.type.kind === "object"))
          throw DECLINE; // hugged parameters, grouped parameters
        const params = join(
          [",", line],
          unit.params.map((p) => this.param(p)),
        );
        const returns = group([": ", this.type(unit.returns, "annotation")]);
        return [
          group([unit.name, "(", indent([softline, params]), ifBreak(","), softline, ")", returns]),
          ";",
        ];
      }
      case "constructor": {
        const { name, optional, type } = unit.param;
        if (type.kind !== "object" || type.members.length === 0) throw DECLINE;
        const members = join(
          [";", line],
          type.members.map((m) => group(this.param(m))),
        );
        const object = [": {", indent([line, members, ifBreak(";")]), line, "}"];
        const param = [name, optional ? "?" : "", ...object];
        // One parameter with an object type is hugged (shouldHugTheOnlyFunctionParameter); one
        // with a default value is not: it breaks out like any parameter list.
        const params =
          unit.init === undefined
            ? group(["(", ...param, ")"])
            : group([
                "(",
                indent([softline, group([...param, " = ", unit.init])]),
                ifBreak(","),
                softline,
                ")",
              ]);
        return ["constructor", params, " {", indent([hardline, "_;"]), hardline, "}"];
      }
    }
  }

  private param({ name, optional, type }: Param): Doc {
    return [name, optional ? "?" : "", ": ", this.type(type, "annotation")];
  }

  /** prettier's chooseLayout (assignment.js) for `const`, class properties and object properties. */
  private layout(left: Doc, annotation: Type | undefined, right: Expr, shortKey = false): Layout {
    if (annotation !== undefined && isComplexTypeAnnotation(annotation)) return "break-lhs";
    if (right.kind === "binary") {
      if (
        isLogical(right.operator) &&
        (right.right.kind === "object" || right.right.kind === "array")
      )
        throw DECLINE; // shouldInlineLogicalExpression
      return "break-after-operator";
    }
    if (shortKey) return "never-break-after-operator";
    if (right.kind === "string" || this.isPoorlyBreakableChain(right, false))
      return "break-after-operator";
    const literal = right.kind === "number" || (right.kind === "name" && BOOLEANS.has(right.text));
    if (literal && !this.utils.canBreak(left)) return "never-break-after-operator";
    return "fluid";
  }

  private assignment(left: Doc, operator: string, right: Expr, layout: Layout): Doc {
    const { group, indent, line, indentIfBreak } = this.b;
    const rightDoc =
      right.kind === "binary" ? group(this.binaryParts(right, false, "other")) : this.expr(right);
    switch (layout) {
      case "break-after-operator":
        return group([group(left), operator, group(indent([line, rightDoc]))]);
      case "never-break-after-operator":
        return group([group(left), operator, " ", rightDoc]);
      case "break-lhs":
        return group([left, operator, " ", group(rightDoc)]);
      case "fluid": {
        const groupId = Symbol("assignment");
        return group([
          group(left),
          operator,
          group(indent(line), { id: groupId }),
          indentIfBreak(rightDoc, { groupId }),
        ]);
      }
    }
  }

  private expr(e: Expr): Doc {
    const { group, indent, softline, line, ifBreak, join } = this.b;
    switch (e.kind) {
      case "name":
        if (SPECIAL_NAMES.has(e.text)) throw DECLINE;
        return e.text;
      case "string":
      case "number":
        return e.text;
      case "member":
        if (e.object.kind === "call") throw DECLINE; // a member chain
        return [this.expr(e.object), ".", e.name];
      case "index":
        return [this.expr(e.object), "[", e.index, "]"];
      case "paren":
        return ["(", this.expr(e.expression), ")"];
      case "binary":
        return this.binaryChain(e);
      case "call":
        return this.call(e);
      case "array": {
        if (e.elements.length === 0) return "[]";
        if (e.elements.every((x) => x.kind === "number")) throw DECLINE; // printed with fill
        const items = join(
          [",", line],
          e.elements.map((x) => group(this.expr(x))),
        );
        return group(["[", indent([softline, items]), ifBreak(","), softline, "]"], {
          shouldBreak: isMatrix(e),
        });
      }
      case "object": {
        if (e.properties.length === 0) return "{}";
        const properties = e.properties.map((p) => {
          if (p.value === undefined) return p.key;
          const shortKey = p.key.length < 5; // tabWidth + 3 (isObjectPropertyWithShortKey)
          const layout = this.layout(p.key, undefined, p.value, shortKey);
          return this.assignment(p.key, ":", p.value, layout);
        });
        return group(
          ["{", indent([line, join([",", line], properties)]), ifBreak(","), line, "}"],
          { shouldBreak: e.broken },
        );
      }
    }
  }

  /** isPoorlyBreakableMemberOrCallChain (assignment.js), without member chains. */
  private isPoorlyBreakableChain(e: Expr, deep: boolean): boolean {
    if (e.kind === "call") {
      if (e.isNew) return false;
      if (e.callee.kind !== "name") throw DECLINE; // a member chain: not written here
      if (e.args.length > 1 || (e.args.length === 1 && !this.isLoneShortArgument(e.args[0]!)))
        return false;
      if (e.typeArgs !== undefined) throw DECLINE;
      return this.isPoorlyBreakableChain(e.callee, true);
    }
    if (e.kind === "member") return this.isPoorlyBreakableChain(e.object, true);
    return deep && e.kind === "name" && !LITERAL_NAMES.has(e.text);
  }

  /** isLoneShortArgument (utilities): a short name or string, or a literal. */
  private isLoneShortArgument(e: Expr): boolean {
    const threshold = PRINT_WIDTH * 0.25; // of the file's width, not the width left
    if (e.kind === "name") return LITERAL_NAMES.has(e.text) || e.text.length <= threshold;
    if (e.kind === "string") return e.text.length <= threshold;
    if (e.kind === "number") return true;
    if (e.kind === "member" || e.kind === "index" || e.kind === "binary") return false;
    if (
      (e.kind === "object" && e.properties.length > 0) ||
      (e.kind === "array" && e.elements.length > 0)
    )
      return false;
    throw DECLINE;
  }

  private call(e: Expr & { kind: "call" }): Doc {
    const { group } = this.b;
    const typeArgs = e.typeArgs === undefined ? "" : this.typeArgs(e.typeArgs);
    const args = this.args(e.args);
    if (e.isNew) {
      if (e.callee.kind !== "name") throw DECLINE;
      return ["new ", this.expr(e.callee), typeArgs, args];
    }
    if (e.callee.kind === "name") return [this.expr(e.callee), typeArgs, args];
    // A member chain of one call (`a.b(…)`) is printed as one group (member-chain.js).
    if (e.callee.kind !== "member" || e.callee.object.kind !== "name" || e.typeArgs !== undefined)
      throw DECLINE;
    if (SPECIAL_MEMBERS.has(e.callee.name)) throw DECLINE;
    return group([this.expr(e.callee.object), ".", e.callee.name, args]);
  }

  /** printCallArguments (call-arguments.js), without function arguments. */
  private args(args: readonly Expr[]): Doc {
    const { group, indent, softline, line, ifBreak, conditionalGroup, breakParent } = this.b;
    const { willBreak } = this.utils;
    if (args.length === 0) return "()";
    const printed = args.map((a) => this.expr(a));
    const withCommas = printed.map((d, k) => (k === printed.length - 1 ? d : [d, ",", line]));
    const allBrokenOut = () =>
      group(["(", indent([line, ...withCommas]), ",", line, ")"], { shouldBreak: true });
    const last = args[args.length - 1]!;
    const penultimate = args[args.length - 2];
    const lastCouldExpand =
      (last.kind === "object" && last.properties.length > 0) ||
      (last.kind === "array" && last.elements.length > 0);
    if (lastCouldExpand && (penultimate === undefined || penultimate.kind !== last.kind)) {
      const head = withCommas.slice(0, -1);
      if (head.some(willBreak)) return allBrokenOut();
      const lastDoc = printed[printed.length - 1]!;
      if (willBreak(lastDoc))
        return [
          breakParent,
          conditionalGroup([
            ["(", ...head, group(lastDoc, { shouldBreak: true }), ")"],
            allBrokenOut(),
          ]),
        ];
      return conditionalGroup([
        ["(", ...head, lastDoc, ")"],
        ["(", ...head, group(lastDoc, { shouldBreak: true }), ")"],
        allBrokenOut(),
      ]);
    }
    return group(["(", indent([softline, ...withCommas]), ifBreak(","), softline, ")"], {
      shouldBreak: printed.some(willBreak),
    });
  }

  /** printTypeParameters (type-parameters.js) for type arguments. */
  private typeArgs(args: readonly Type[]): Doc {
    const { group, indent, softline, line, join } = this.b;
    const printed = args.map((t) => this.type(t, "argument"));
    if (args.length === 1) {
      const only = args[0]!;
      if (only.kind === "object" || only.kind === "union") throw DECLINE; // hugged
      if (isSimpleType(only)) return ["<", printed[0]!, ">"];
    }
    return group(["<", indent([softline, join([",", line], printed)]), softline, ">"]);
  }

  private type(t: Type, context: "annotation" | "argument" | "alias" | "member"): Doc {
    const { group, indent, softline, line, ifBreak, join, align } = this.b;
    switch (t.kind) {
      case "literal":
        return t.text;
      case "text":
        throw DECLINE;
      case "ref":
        if (KEYWORDS.has(t.name) && !TYPE_KEYWORDS.has(t.name)) throw DECLINE;
        return t.args === undefined ? t.name : [t.name, this.typeArgs(t.args)];
      case "typeof":
        return ["typeof ", t.name];
      case "array":
        if (t.element.kind === "union" || t.element.kind === "object") throw DECLINE;
        return [this.type(t.element, "member"), "[]"];
      case "indexed":
        if (t.object.kind === "union" || t.object.kind === "object") throw DECLINE;
        return [this.type(t.object, "member"), "[", t.index, "]"];
      case "object": {
        if (context !== "argument" || t.members.length === 0) throw DECLINE;
        const members = join(
          [";", line],
          t.members.map((m) => group(this.param(m))),
        );
        return group(["{", indent([line, members, ifBreak(";")]), line, "}"]);
      }
      case "union": {
        if (context === "member") throw DECLINE; // parenthesized
        // shouldHugUnionType (union-type.js): one named or object type, the others `void`/`null`
        const objectLike = t.types.find(
          (u) => u.kind === "object" || (u.kind === "ref" && !TYPE_KEYWORDS.has(u.name)),
        );
        const isVoid = (u: Type) => u.kind === "ref" && (u.name === "void" || u.name === "null");
        if (objectLike !== undefined && t.types.every((u) => u === objectLike || isVoid(u)))
          return join(
            " | ",
            t.types.map((u) => this.type(u, "argument")),
          );
        if (t.types.some((u) => u.kind === "union")) throw DECLINE;
        const printed = t.types.map((u) => align(2, this.type(u, "argument")));
        const union = group([ifBreak("| "), join([line, "| "], printed)]);
        return context === "annotation" ? group(indent([softline, union])) : union;
      }
    }
  }

  /** A binary expression outside an `if` test (printBinaryishExpression, binaryish.js). */
  private binaryChain(e: Expr & { kind: "binary" }, parent: Parent = "other"): Doc {
    const { group, indent } = this.b;
    const parts = this.binaryParts(e, false, parent);
    return group([...parts.slice(0, 1), indent(parts.slice(1))]); // the head, the rest indented
  }

  /** printBinaryishExpressions: the flattened operands of one precedence level. */
  private binaryParts(e: Expr & { kind: "binary" }, insideParens: boolean, parent: Parent): Doc[] {
    const { group, line } = this.b;
    const kind = isLogical(e.operator) ? "logical" : "binary";
    const left = unparen(e.left);
    const parts: Doc[] =
      left.kind === "binary" && shouldFlatten(e.operator, left.operator)
        ? this.binaryParts(left, insideParens, kind)
        : [group(this.operand(e.left, kind))];
    const right = [e.operator, line, this.operand(e.right, kind)];
    const sameKind = (x: Expr) =>
      (x = unparen(x)).kind === "binary" && (isLogical(x.operator) ? "logical" : "binary") === kind;
    const shouldGroup =
      !(insideParens && kind === "logical") &&
      parent !== kind &&
      !sameKind(e.left) &&
      !sameKind(e.right);
    parts.push(" ", shouldGroup ? group(right) : right);
    return parts;
  }

  private operand(e: Expr, parent: Parent): Doc {
    if (e.kind === "paren") {
      if (e.expression.kind !== "binary") throw DECLINE;
      return ["(", this.binaryChain(e.expression, parent), ")"];
    }
    if (e.kind === "binary") return this.binaryChain(e, parent);
    return this.expr(e);
  }
}

function unparen(e: Expr): Expr {
  return e.kind === "paren" ? e.expression : e;
}

/** Literals among names. */
const BOOLEANS = new Set(["true", "false"]);
const LITERAL_NAMES = new Set(["true", "false", "null"]);

/** Members prettier's call printing looks at by name (test calls, promise chains): declined. */
const SPECIAL_MEMBERS = new Set(["only", "skip", "each"]);

/** Names prettier's printer treats specially as callees or values (test calls, `require`, …). */
const SPECIAL_NAMES = new Set(
  (
    "require define it test describe xit xdescribe xtest fit fdescribe ftest only skip each " +
    "beforeEach beforeAll afterEach afterAll step waitForAsync fakeAsync inject this super " +
    "import async function class as await break case catch const continue debugger default " +
    "delete do else enum export extends finally for if in instanceof let new return switch " +
    "throw try type typeof var void while with yield keyof infer unique readonly is asserts " +
    "satisfies any unknown never object symbol bigint string number boolean"
  ).split(" "),
);

const KEYWORDS = SPECIAL_NAMES;

/** Keywords that are types on their own. */
const TYPE_KEYWORDS: ReadonlySet<string> = new Set(
  "string number boolean bigint void undefined null unknown never any object symbol".split(" "),
);

function isLogical(operator: string): boolean {
  return operator === "&&" || operator === "||" || operator === "??";
}

/** shouldFlatten (utilities): same precedence, and not `==`-like operators chained. */
function shouldFlatten(parent: string, child: string): boolean {
  if (precedence(parent) !== precedence(child)) return false;
  if (isEquality(parent) && isEquality(child)) return false;
  return true;
}

function isEquality(operator: string): boolean {
  return operator === "===" || operator === "!==";
}

function precedence(operator: string): number {
  return ["??", "||", "&&", "===", ">"].indexOf(operator === "!==" ? "===" : operator);
}

/** hasComplexTypeAnnotation (assignment.js): `T<A, B<C>>`, two or more arguments, one generic. */
function isComplexTypeAnnotation(t: Type): boolean {
  return (
    t.kind === "ref" &&
    t.args !== undefined &&
    t.args.length > 1 &&
    t.args.some((a) => a.kind === "ref" && a.args !== undefined)
  );
}

/** isSimpleType (utilities): a keyword type, or a type name without arguments. */
function isSimpleType(t: Type): boolean {
  return t.kind === "ref" && t.args === undefined;
}
