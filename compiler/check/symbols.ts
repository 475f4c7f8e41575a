// Names visible in one IDL file (thrift-idl.md §9): the file's own definitions under plain names,
// and each *directly* included file's definitions as `prefix.Name` (includes are not transitive).
// Types and services share one table; consts and enum values (`Enum.VALUE`) share another.
import type * as model from "./model.js";

export { closestName } from "../suggest.js";

/** What a type name can denote; services share the type namespace (Apache: one typename set). */
export type TypeSymbol = model.Enum | model.Struct | model.Typedef | model.Service;

/** An enum value seen as a constant: `Color.RED` (thrift-idl.md §4.3). */
export interface EnumMemberSymbol {
  readonly kind: "enum-member";
  readonly definition: model.Enum;
  readonly member: model.EnumValue;
}

/** What a constant reference can denote. */
export type ConstSymbol = model.Const | EnumMemberSymbol;

/** The names one program defines, under plain names. */
export interface ProgramSymbols {
  readonly program: model.Program;
  readonly types: Map<string, TypeSymbol>;
  readonly consts: Map<string, ConstSymbol>;
}

/** Returned for names under the prefix of an include that failed (already reported). */
export const BROKEN = Symbol("broken include");

/** Makes the empty tables of a program. */
export function createSymbols(program: model.Program): ProgramSymbols {
  return { program, types: new Map(), consts: new Map() };
}

/** The program that defines a symbol. */
export function programOf(symbol: TypeSymbol | ConstSymbol): model.Program {
  return symbol.kind === "enum-member" ? symbol.definition.program : symbol.program;
}

/** Name lookup for one file: own names, then `prefix.Name` of its direct includes. */
export class Scope {
  readonly own: ProgramSymbols;
  private readonly included: ReadonlyMap<string, ProgramSymbols>;
  private readonly broken: ReadonlySet<string>;

  constructor(
    own: ProgramSymbols,
    included: ReadonlyMap<string, ProgramSymbols>,
    broken: ReadonlySet<string>,
  ) {
    this.own = own;
    this.included = included;
    this.broken = broken;
  }

  /** A type or service by name as written (`Money`, `base.Money`). */
  findType(name: string): TypeSymbol | typeof BROKEN | undefined {
    return this.find("types", name) as TypeSymbol | typeof BROKEN | undefined;
  }

  /** A const or enum value by name as written (`MAX`, `Color.RED`, `base.Color.RED`). */
  findConst(name: string): ConstSymbol | typeof BROKEN | undefined {
    return this.find("consts", name) as ConstSymbol | typeof BROKEN | undefined;
  }

  private find(
    table: "types" | "consts",
    name: string,
  ): TypeSymbol | ConstSymbol | typeof BROKEN | undefined {
    const own = this.own[table].get(name);
    if (own !== undefined) return own;
    // Dotted names are whole strings in Apache's scope; a prefix may itself contain dots
    // (`include "a.b.thrift"` → `a.b.T`), so try every split point.
    let brokenPrefix = false;
    for (let i = name.indexOf("."); i > 0; i = name.indexOf(".", i + 1)) {
      const prefix = name.slice(0, i);
      const hit = this.included.get(prefix)?.[table].get(name.slice(i + 1));
      if (hit !== undefined) return hit;
      if (this.broken.has(prefix)) brokenPrefix = true;
    }
    return brokenPrefix ? BROKEN : undefined;
  }

  /** Every name a lookup in `table` could find, for "did you mean" suggestions. */
  *names(table: "types" | "consts"): Iterable<string> {
    yield* this.own[table].keys();
    for (const [prefix, symbols] of this.included)
      for (const name of symbols[table].keys()) yield `${prefix}.${name}`;
  }

  /** Whether `prefix` names a direct include of this file. */
  includes(prefix: string): boolean {
    return this.included.has(prefix) || this.broken.has(prefix);
  }
}

/**
 * A short hint for an unknown dotted name: `leaf.Leaf` when `leaf` is not included here, or
 * `self.T` inside `self.thrift` (a file names its own definitions without a prefix).
 */
export function unknownNameHint(
  scope: Scope,
  name: string,
  programNames: ReadonlySet<string>,
): string {
  const dot = name.indexOf(".");
  if (dot < 0) return "";
  for (let i = dot; i > 0; i = name.indexOf(".", i + 1)) {
    if (scope.includes(name.slice(0, i))) return "";
  }
  const prefix = name.slice(0, name.lastIndexOf("."));
  if (prefix === scope.own.program.name)
    return ` (a file refers to its own definitions without the "${prefix}." prefix)`;
  if (programNames.has(prefix))
    return ` ("${prefix}" is not included by this file; includes are not transitive)`;
  return "";
}
