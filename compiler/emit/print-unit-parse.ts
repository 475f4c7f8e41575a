// The syntax of the long units the line layout sends out (format-lines.ts), parsed so that
// print-unit.ts can lay them out as prettier does without loading prettier. Only the small
// grammar the emitter writes is known here: statements `return …;`, `if (…) throw …;`,
// `export const x: T = …;`, `export type T = A | B;`, imports, interface method signatures, class
// properties and constructors; expressions of names, strings, integers, member access, `!`, calls
// with type arguments, `new`, arrays, objects, `as`, `??`, `&&`, `||`, comparisons and parentheses;
// types of names with arguments, `T[]`, unions, `typeof`, `[0]` and object types. Anything else
// (or spelling prettier would change) gives undefined, and the unit goes to prettier as before.

/** An expression of the emitter's grammar. */
export type Expr =
  | { readonly kind: "name"; readonly text: string }
  | { readonly kind: "string"; readonly text: string }
  | { readonly kind: "number"; readonly text: string }
  | { readonly kind: "member"; readonly object: Expr; readonly name: string }
  | { readonly kind: "index"; readonly object: Expr; readonly index: string }
  | { readonly kind: "nonNull"; readonly expression: Expr }
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
  | { readonly kind: "paren"; readonly expression: Expr }
  | { readonly kind: "as"; readonly expression: Expr; readonly type: Type };

/** `key: value`, or `key` alone (shorthand). */
export interface Property {
  readonly key: string;
  readonly value: Expr | undefined;
}

/** A type of the emitter's grammar. */
export type Type =
  | { readonly kind: "ref"; readonly name: string; readonly args: readonly Type[] | undefined }
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "array"; readonly element: Type }
  | { readonly kind: "union"; readonly types: readonly Type[] }
  | { readonly kind: "typeof"; readonly name: string }
  | { readonly kind: "indexed"; readonly object: Type; readonly index: string }
  | { readonly kind: "object"; readonly members: readonly Param[] };

/** `name: T` or `name?: T` (a parameter or an object type member). */
export interface Param {
  readonly name: string;
  readonly optional: boolean;
  readonly type: Type;
}

/** A unit: one statement or member, possibly an opener with its stub body. */
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
  | { readonly kind: "constructor"; readonly param: Param };

const TOKEN =
  /\s*(?:([A-Za-z_$#][\w$]*)|("[ -!#-[\]-~]*")|((?:0|[1-9]\d*)n?)(?![\w$.])|(\?\?|&&|\|\||!==|===|\.\.\.|[{}()[\]<>,;:?!.=|]))/y;

interface Token {
  readonly text: string;
  readonly kind: "word" | "string" | "number" | "punct";
  /** A line break comes before it. */
  readonly newline: boolean;
}

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  const end = text.trimEnd().length;
  while (at < end) {
    const match = TOKEN.exec(text);
    if (match === null) return undefined;
    const kind = match[1] ? "word" : match[2] ? "string" : match[3] ? "number" : "punct";
    const newline = text.slice(at, match.index + match[0].length).includes("\n");
    tokens.push({ text: (match[1] ?? match[2] ?? match[3] ?? match[4])!, kind, newline });
    at = TOKEN.lastIndex;
  }
  return tokens;
}

/** Names prettier's printer treats specially when called (test calls, `require`, …): declined. */
const SPECIAL_CALLEES = new Set(
  (
    "require define it test describe xit xdescribe xtest fit fdescribe ftest only skip each " +
    "beforeEach beforeAll afterEach afterAll step waitForAsync fakeAsync inject this super " +
    "import async function class"
  ).split(" "),
);

class Parser {
  private at = 0;
  private readonly tokens: readonly Token[];
  constructor(tokens: readonly Token[]) {
    this.tokens = tokens;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }
  private is(text: string, offset = 0): boolean {
    return this.tokens[this.at + offset]?.text === text;
  }
  private eat(text: string): boolean {
    if (!this.is(text)) return false;
    this.at++;
    return true;
  }
  private expect(text: string): void {
    if (!this.eat(text)) throw DECLINE;
  }
  private word(): string {
    const t = this.peek();
    if (t?.kind !== "word" || t.text.startsWith("#")) throw DECLINE;
    this.at++;
    return t.text;
  }
  done(): boolean {
    return this.at === this.tokens.length;
  }

  unit(body: string | undefined): Unit {
    if (body === undefined) return this.topLevel();
    if (body === "statements" || body === "cases") return this.statement();
    if (body === "class") return this.classMember();
    if (body === "members") return this.methodSignature();
    throw DECLINE;
  }

  private topLevel(): Unit {
    if (this.eat("import")) {
      const typeOnly = this.eat("type");
      this.expect("{");
      const names: string[] = [this.word()];
      while (this.eat(",") && !this.is("}")) names.push(this.word());
      this.expect("}");
      this.expect("from");
      const from = this.peek();
      if (from?.kind !== "string") throw DECLINE;
      this.at++;
      this.expect(";");
      return { kind: "import", typeOnly, names, from: from.text };
    }
    const exported = this.eat("export");
    if (this.eat("type")) {
      const name = this.word();
      this.expect("=");
      const type = this.type();
      this.expect(";");
      return { kind: "typeAlias", exported, name, type };
    }
    this.expect("const");
    const name = this.word();
    const type = this.eat(":") ? this.type() : undefined;
    this.expect("=");
    const init = this.expression();
    this.expect(";");
    return { kind: "const", exported, name, type, init };
  }

  private statement(): Unit {
    if (this.eat("return")) {
      const argument = this.expression();
      this.expect(";");
      return { kind: "return", argument };
    }
    this.expect("if");
    this.expect("(");
    const test = this.expression();
    this.expect(")");
    this.expect("throw");
    const argument = this.expression();
    this.expect(";");
    return { kind: "ifThrow", test, argument };
  }

  private classMember(): Unit {
    if (this.eat("constructor")) {
      this.expect("(");
      const param = this.param();
      this.expect(")");
      this.expect("{");
      this.expect("_");
      this.expect(";");
      this.expect("}");
      return { kind: "constructor", param };
    }
    let modifiers = "";
    for (const m of ["static", "readonly"]) if (this.eat(m)) modifiers += m + " ";
    const t = this.peek();
    if (t?.kind !== "word") throw DECLINE;
    this.at++;
    this.expect(":");
    const type = this.type();
    this.expect("=");
    const init = this.expression();
    this.expect(";");
    return { kind: "property", modifiers, name: t.text, type, init };
  }

  private methodSignature(): Unit {
    const name = this.word();
    this.expect("(");
    const params: Param[] = [this.param()];
    while (this.eat(",") && !this.is(")")) params.push(this.param());
    this.expect(")");
    this.expect(":");
    const returns = this.type();
    this.expect(";");
    return { kind: "method", name, params, returns };
  }

  private param(): Param {
    const name = this.word();
    const optional = this.eat("?");
    this.expect(":");
    return { name, optional, type: this.type() };
  }

  // Expressions, loosest first: `??`, `||`, `&&`, comparisons, `as`, postfix, primary.
  expression(): Expr {
    return this.binary(0);
  }

  private binary(level: number): Expr {
    const operators = LEVELS[level];
    if (operators === undefined) return this.asExpression();
    let left = this.binary(level + 1);
    for (;;) {
      const op = this.peek()?.text;
      if (op === undefined || !operators.includes(op)) return left;
      this.at++;
      left = { kind: "binary", operator: op, left, right: this.binary(level + 1) };
    }
  }

  private asExpression(): Expr {
    let expression = this.postfix();
    while (this.eat("as")) expression = { kind: "as", expression, type: this.type() };
    return expression;
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.eat(".")) e = { kind: "member", object: e, name: this.word() };
      else if (this.eat("!")) e = { kind: "nonNull", expression: e };
      else if (this.is("[") && this.peek(1)?.kind === "number" && this.is("]", 2)) {
        e = { kind: "index", object: e, index: this.peek(1)!.text };
        this.at += 3;
      } else if (this.is("(") || this.is("<")) {
        const typeArgs = this.eat("<") ? this.typeList(">") : undefined;
        e = { kind: "call", isNew: false, callee: e, typeArgs, args: this.args() };
      } else return e;
    }
  }

  private args(): Expr[] {
    this.expect("(");
    return this.list(")", () => this.expression());
  }

  /** Items up to `close`, each followed by `separator` (optional after the last). */
  private list<T>(close: string, item: () => T, separator = ","): T[] {
    const items: T[] = [];
    while (!this.eat(close)) {
      items.push(item());
      if (!this.eat(separator)) {
        this.expect(close);
        break;
      }
    }
    return items;
  }

  private primary(): Expr {
    const t = this.peek();
    if (t === undefined) throw DECLINE;
    if (t.kind === "string" || t.kind === "number") {
      this.at++;
      return { kind: t.kind, text: t.text };
    }
    if (this.eat("(")) {
      const expression = this.expression();
      this.expect(")");
      return { kind: "paren", expression };
    }
    if (this.eat("[")) return { kind: "array", elements: this.list("]", () => this.expression()) };
    if (this.eat("{")) {
      const broken = this.peek()?.newline ?? false;
      const properties = this.list("}", (): Property => {
        const key = this.word();
        return { key, value: this.eat(":") ? this.expression() : undefined };
      });
      return { kind: "object", properties, broken };
    }
    if (this.eat("new")) {
      let callee: Expr = { kind: "name", text: this.word() };
      while (this.eat(".")) callee = { kind: "member", object: callee, name: this.word() };
      const typeArgs = this.eat("<") ? this.typeList(">") : undefined;
      return { kind: "call", isNew: true, callee, typeArgs, args: this.args() };
    }
    const name = this.word();
    if (SPECIAL_CALLEES.has(name) || (KEYWORDS.has(name) && !VALUE_KEYWORDS.has(name)))
      throw DECLINE;
    return { kind: "name", text: name };
  }

  // Types
  type(): Type {
    const types = [this.postfixType()];
    while (this.eat("|")) types.push(this.postfixType());
    return types.length === 1 ? types[0]! : { kind: "union", types };
  }

  private typeList(close: string): Type[] {
    const types = this.list(close, () => this.type());
    if (types.length === 0) throw DECLINE;
    return types;
  }

  private postfixType(): Type {
    let t = this.primaryType();
    for (;;) {
      if (this.is("[") && this.is("]", 1)) {
        this.at += 2;
        t = { kind: "array", element: t };
      } else if (this.is("[") && this.peek(1)?.kind === "number" && this.is("]", 2)) {
        t = { kind: "indexed", object: t, index: this.peek(1)!.text };
        this.at += 3;
      } else return t;
    }
  }

  private primaryType(): Type {
    const t = this.peek();
    if (t?.kind === "string" || t?.kind === "number") {
      this.at++;
      return { kind: "literal", text: t.text };
    }
    if (this.eat("typeof")) return { kind: "typeof", name: this.word() };
    if (this.eat("{")) {
      if (this.peek()?.newline) throw DECLINE;
      const members = this.list("}", () => this.param(), ";");
      if (members.length === 0) throw DECLINE;
      return { kind: "object", members };
    }
    let name = this.word();
    if (KEYWORDS.has(name) && !TYPE_KEYWORDS.has(name)) throw DECLINE;
    while (this.eat(".")) name += "." + this.word();
    const args = this.eat("<") ? this.typeList(">") : undefined;
    return { kind: "ref", name, args };
  }
}

/** Binary operators by precedence, loosest first (prettier's spelling needs no more). */
const LEVELS: readonly (readonly string[])[] = [["??"], ["||"], ["&&"], ["===", "!=="], [">"]];

const KEYWORDS = new Set(
  (
    "as await break case catch class const continue debugger default delete do else enum export " +
    "extends false finally for function if import in instanceof let new null return super " +
    "switch this throw true try type typeof var void while with yield keyof infer unique " +
    "readonly is asserts satisfies any unknown never object symbol bigint string number boolean " +
    "undefined"
  ).split(" "),
);

/** Keywords that are values on their own (printed as written). */
const VALUE_KEYWORDS = new Set(["true", "false", "null", "undefined"]);

/** Keywords that are types on their own. */
export const TYPE_KEYWORDS: ReadonlySet<string> = new Set(
  "string number boolean bigint void undefined null unknown never any object symbol".split(" "),
);

const DECLINE = new Error("not a unit of the emitter's grammar");

/** The unit in `text` (the lines the layout formats alone), or undefined if outside the grammar. */
export function parseUnit(text: string, body: string | undefined): Unit | undefined {
  const tokens = tokenize(text);
  if (tokens === undefined) return undefined;
  const parser = new Parser(tokens);
  try {
    const unit = parser.unit(body);
    return parser.done() ? unit : undefined;
  } catch (caught) {
    if (caught === DECLINE) return undefined;
    throw caught;
  }
}
