// Prints the long units of a line layout (format-lines.ts) as prettier 3.10 does, without loading
// prettier: a cold `idlc compile` would otherwise spend most of its time importing it. A unit is
// parsed with the emitter's small grammar (print-unit-parse.ts), turned into the same document
// prettier's estree printer builds for it (the rules of src/language-js/print/: assignment layouts,
// call arguments with the last one hugged, member chains of one call, binary chains, unions,
// type arguments, objects and arrays), and printed by prettier's own doc printer (`prettier/doc`,
// a small module). A unit outside the grammar gives undefined and goes to prettier as before;
// test/compiler/print-unit.test.ts compares both on every shape, across the widths where it breaks.
import type * as PrettierDoc from "prettier/doc";
import { WRAPPERS, type WrappedBody } from "./format-lines.js";
import {
  parseUnit,
  TYPE_KEYWORDS,
  type Expr,
  type Param,
  type Type,
  type Unit,
} from "./print-unit-parse.js";

type Doc = PrettierDoc.builders.Doc;

type Builders = typeof PrettierDoc.builders;
type Utils = typeof PrettierDoc.utils;

let docModule: Promise<typeof PrettierDoc> | undefined;

/**
 * The lines of `unit` (one statement or member of a body of kind `body`, or top-level when
 * undefined), without indentation, as prettier prints them inside `wrapperIndent` columns of
 * wrapper at `printWidth`; undefined when the unit is outside the grammar printed here.
 */
export async function printUnit(
  unit: string,
  body: string | undefined,
  printWidth: number,
  wrapperIndent: number,
): Promise<string[] | undefined> {
  const parsed = parseUnit(unit, body);
  if (parsed === undefined) return undefined;
  docModule ??= import("prettier/doc");
  const { builders, utils, printer } = await docModule;
  const doc = new DocBuilder(builders, utils, printWidth).unit(parsed);
  if (doc === undefined) return undefined;
  const { formatted } = printer.printDocToString(doc, {
    printWidth: printWidth - wrapperIndent,
    tabWidth: 2,
    useTabs: false,
  });
  return formatted.split("\n");
}

/**
 * What prettier prints for `text`, a unit in the wrapper of `body` (format-lines.ts) as the line
 * layout sends it, at `printWidth`; undefined when the unit is outside the grammar printed here.
 */
export async function printWrappedUnit(
  text: string,
  printWidth: number,
  body: WrappedBody | undefined,
): Promise<string | undefined> {
  const wrapper = body === undefined ? undefined : WRAPPERS[body];
  let unit = text.replace(/\n$/, "");
  let head: string[] = [];
  if (wrapper !== undefined) {
    head = wrapper.head.split("\n");
    const lines = unit.split("\n");
    if (lines.length < head.length + 2 || lines.at(-1) !== wrapper.tail) return undefined;
    if (head.some((h, k) => lines[k] !== h)) return undefined;
    unit = lines.slice(head.length, -1).join("\n");
  }
  const added = wrapper?.indent ?? 0;
  const printed = await printUnit(unit, body, printWidth, added);
  if (printed === undefined) return undefined;
  if (wrapper === undefined) return printed.join("\n") + "\n";
  const pad = " ".repeat(added);
  return [
    ...head.map((h, k) => " ".repeat(2 * k) + h), // prettier indents `case 0:` in its switch
    ...printed.map((l) => (l === "" ? "" : pad + l)),
    wrapper.tail,
    "",
  ].join("\n");
}

/** Thrown when a node needs a rule not written here; the unit goes to prettier. */
const DECLINE = new Error("outside the printed grammar");

class DocBuilder {
  private readonly b: Builders;
  /** prettier's `willBreak` and `canBreak`, which its printer's layout choices use. */
  private readonly utils: Utils;
  /** The width prettier is given (thresholds are fractions of it, not of what is left). */
  private readonly printWidth: number;
  constructor(builders: Builders, utils: Utils, printWidth: number) {
    this.b = builders;
    this.utils = utils;
    this.printWidth = printWidth;
  }

  unit(unit: Unit): Doc | undefined {
    try {
      return this.statement(unit);
    } catch (caught) {
      if (caught === DECLINE) return undefined;
      throw caught;
    }
  }

  private statement(unit: Unit): Doc {
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
        if (type.kind !== "object") throw DECLINE;
        const members = join(
          [";", line],
          type.members.map((m) => group(this.param(m))),
        );
        const param = [
          name,
          optional ? "?" : "",
          ": {",
          indent([line, members, ifBreak(";")]),
          line,
          "}",
        ];
        return [
          "constructor",
          group(["(", ...param, ")"]),
          " {",
          indent([hardline, "_;"]),
          hardline,
          "}",
        ];
      }
    }
  }

  private param({ name, optional, type }: Param): Doc {
    return [name, optional ? "?" : "", ": ", this.type(type, "annotation")];
  }

  /** prettier's chooseLayout (assignment.js) for `const`, class properties and object properties. */
  private layout(left: Doc, annotation: Type | undefined, right: Expr, shortKey = false): Layout {
    if (annotation !== undefined && isComplexTypeAnnotation(annotation)) return "break-lhs";
    if (right.kind === "binary") return "break-after-operator";
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
      case "string":
      case "number":
        return e.text;
      case "member":
        if (e.object.kind === "call") throw DECLINE; // a member chain
        return [this.expr(e.object), ".", e.name];
      case "index":
        return [this.expr(e.object), "[", e.index, "]"];
      case "nonNull":
        return [this.expr(e.expression), "!"];
      case "paren":
        return ["(", this.expr(e.expression), ")"];
      case "as": {
        const inner = e.expression.kind;
        if (
          inner === "binary" ||
          inner === "object" ||
          inner === "array" ||
          e.type.kind === "union"
        )
          throw DECLINE;
        return [this.expr(e.expression), " as ", this.type(e.type, "argument")];
      }
      case "binary":
        return this.binaryChain(e);
      case "call":
        return this.call(e);
      case "array": {
        if (e.elements.length === 0) return "[]";
        if (e.elements.every((x) => x.kind === "number")) throw DECLINE; // printed with fill
        const first = e.elements[0]!.kind;
        const matrix =
          e.elements.length > 1 &&
          e.elements.every(
            (x) =>
              x.kind === first &&
              ((x.kind === "array" && x.elements.length > 1) ||
                (x.kind === "object" && x.properties.length > 1)),
          );
        const items = join(
          [",", line],
          e.elements.map((x) => group(this.expr(x))),
        );
        return group(["[", indent([softline, items]), ifBreak(","), softline, "]"], {
          shouldBreak: matrix,
        });
      }
      case "object": {
        if (e.properties.length === 0) throw DECLINE;
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
    if (e.kind === "nonNull") return this.isPoorlyBreakableChain(e.expression, deep);
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
    const threshold = this.printWidth * 0.25;
    if (e.kind === "name") return LITERAL_NAMES.has(e.text) || e.text.length <= threshold;
    if (e.kind === "string") return e.text.length <= threshold;
    if (e.kind === "number") return true;
    if (e.kind === "member" || e.kind === "index" || e.kind === "binary" || e.kind === "as")
      return false;
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
      return ["new ", e.callee.text, typeArgs, args];
    }
    if (e.callee.kind === "name") return [e.callee.text, typeArgs, args];
    // A member chain of one call (`a.b(…)`) is printed as one group (member-chain.js).
    if (e.callee.kind !== "member" || e.callee.object.kind !== "name" || e.typeArgs !== undefined)
      throw DECLINE;
    const name = e.callee.name;
    if (SPECIAL_MEMBERS.has(name)) throw DECLINE;
    return group([e.callee.object.text, ".", name, args]);
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
      case "ref":
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
        if (context !== "argument") throw DECLINE;
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
    // the first group is the head, the rest is indented
    const head = parts.slice(0, 1);
    return group([...head, indent(parts.slice(1))]);
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

/** The kind of node a binary expression sits in: prettier groups an operand unlike its parent. */
type Parent = "logical" | "binary" | "other";

function unparen(e: Expr): Expr {
  return e.kind === "paren" ? e.expression : e;
}

/** Literals the parser reads as names. */
const BOOLEANS = new Set(["true", "false"]);
const LITERAL_NAMES = new Set(["true", "false", "null"]);

type Layout = "break-after-operator" | "never-break-after-operator" | "break-lhs" | "fluid";

/** Members prettier's call printing looks at by name (test calls, promise chains): declined. */
const SPECIAL_MEMBERS = new Set(["only", "skip", "each"]);

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
