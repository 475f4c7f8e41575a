// The first pass over a file: one model object per definition, registered under its name, so
// later passes can resolve forward references. Duplicate names are reported here.
import { error } from "../diagnostics.js";
import type { Span } from "../source.js";
import type * as ast from "../syntax/ast.js";
import {
  NO_ANNOTATIONS,
  UNRESOLVED,
  UNRESOLVED_VALUE,
  annotationsOf,
  assertNever,
  nameSpanOf,
} from "./context.js";
import type { FileContext, Writable } from "./context.js";
import type * as model from "./model.js";
import { article, checkSimpleName } from "./names.js";
import { haveCommonNamespace } from "./namespaces.js";
import type { ConstSymbol, ProgramSymbols, TypeSymbol } from "./symbols.js";

/** A definition as written and its model object, which later passes complete. */
export type Declared =
  | {
      readonly kind: "const";
      readonly node: ast.ConstDefinition;
      readonly model: Writable<model.Const>;
    }
  | {
      readonly kind: "typedef";
      readonly node: ast.TypedefDefinition;
      readonly model: Writable<model.Typedef>;
    }
  | {
      readonly kind: "enum";
      readonly node: ast.EnumDefinition;
      readonly model: Writable<model.Enum>;
    }
  | {
      readonly kind: "struct";
      readonly node: ast.StructDefinition;
      readonly model: Writable<model.Struct>;
    }
  | {
      readonly kind: "service";
      readonly node: ast.ServiceDefinition;
      readonly model: Writable<model.Service>;
    };

/**
 * Creates the model objects of a file's definitions (in source order), adds them to the
 * program, and registers the names; types, services and consts each must be unique.
 */
export function declareDefinitions(
  definitions: readonly ast.Definition[],
  symbols: ProgramSymbols,
  includes: readonly ProgramSymbols[],
  fc: FileContext,
): Declared[] {
  const program = fc.program as Writable<model.Program>;
  const declared: Declared[] = [];
  for (const node of definitions) {
    const entry = declare(node, program);
    const what = node.kind === "const" ? "const" : node.kind;
    const simple = checkSimpleName(node.name, what, fc);
    fc.run.positions.set(entry.model, declared.length);
    declared.push(entry);
    if (simple) register(entry, symbols, includes, fc);
  }
  program.definitions = declared.map((d) => d.model);
  return declared;
}

function declare(node: ast.Definition, program: model.Program): Declared {
  // Plain literals, not `{ ...base }`: spreading is a slow path in V8 that showed in profiles.
  const name = node.name.text;
  const doc = node.doc?.text;
  const span = node; // a node is its own span
  const nameSpan = node.name;
  switch (node.kind) {
    case "const": {
      const type = UNRESOLVED;
      const value = UNRESOLVED_VALUE;
      const annotations = NO_ANNOTATIONS;
      return {
        kind: "const",
        node,
        model: { kind: "const", name, program, annotations, doc, span, nameSpan, type, value },
      };
    }
    case "typedef": {
      const annotations = annotationsOf(node.annotations);
      const type = UNRESOLVED;
      return {
        kind: "typedef",
        node,
        model: { kind: "typedef", name, program, annotations, doc, span, nameSpan, type },
      };
    }
    case "enum": {
      const annotations = annotationsOf(node.annotations);
      return {
        kind: "enum",
        node,
        model: { kind: "enum", name, program, annotations, doc, span, nameSpan, values: [] },
      };
    }
    case "struct":
    case "union":
    case "exception": {
      const annotations = annotationsOf(node.annotations);
      return {
        kind: "struct",
        node,
        model: { kind: node.kind, name, program, annotations, doc, span, nameSpan, fields: [] },
      };
    }
    case "service": {
      const annotations = annotationsOf(node.annotations);
      const methods: model.Method[] = [];
      return {
        kind: "service",
        node,
        model: {
          kind: "service",
          name,
          program,
          annotations,
          doc,
          span,
          nameSpan,
          extends: undefined,
          methods,
        },
      };
    }
    default:
      return assertNever(node);
  }
}

function register(
  entry: Declared,
  symbols: ProgramSymbols,
  includes: readonly ProgramSymbols[],
  fc: FileContext,
): void {
  const def = entry.model;
  const nameSpan = entry.node.name;
  if (def.kind === "const") {
    const first = symbols.consts.get(def.name);
    if (first === undefined) {
      symbols.consts.set(def.name, def);
      return;
    }
    fc.run.diagnostics.push(
      error(nameSpan, "duplicate-definition", `const "${def.name}" is already defined`, [
        { message: "first defined here", span: spanOf(first) },
      ]),
    );
    return;
  }
  const first = symbols.types.get(def.name);
  if (first !== undefined) {
    fc.run.diagnostics.push(
      error(
        nameSpan,
        "duplicate-definition",
        `"${def.name}" is already defined (as ${article(first.kind)})`,
        [{ message: "first defined here", span: spanOf(first) }],
      ),
    );
    return;
  }
  symbols.types.set(def.name, def);
  // Apache also rejects a type named like one of a direct include's when generated code would
  // put both in one namespace (`t_program.h` `is_unique_typename` / `is_common_namespace`).
  for (const included of includes) {
    const clash = included.types.get(def.name);
    if (
      clash === undefined ||
      !haveCommonNamespace(fc.program.namespaces, included.program.namespaces)
    )
      continue;
    fc.run.diagnostics.push(
      error(
        nameSpan,
        "duplicate-definition",
        `"${def.name}" is also defined in the included "${included.program.name}", and both ` +
          `files have the same namespaces, so generated code would clash (as in Apache)`,
        [{ message: "defined there", span: spanOf(clash) }],
      ),
    );
    return;
  }
}

function spanOf(symbol: TypeSymbol | ConstSymbol): Span {
  const node = symbol.kind === "enum-member" ? symbol.member : symbol;
  return nameSpanOf(node);
}
