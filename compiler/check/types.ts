// Type references → model types. Named types resolve against the whole file (forward references
// are fine, thrift-idl.md §6); typedef cycles, which make Apache 0.17 hang, are errors here.
import { error, warning } from "../diagnostics.js";
import type * as ast from "../syntax/ast.js";
import {
  NO_ANNOTATIONS,
  UNRESOLVED,
  annotationsOf,
  assertNever,
  nameSpanOf,
  type FileContext,
  type Writable,
} from "./context.js";
import type * as model from "./model.js";
import { TYPE_KEYWORDS } from "../suggest.js";
import { BROKEN, closestName, unknownNameHint } from "./symbols.js";

/** One shared, frozen model object per base type without annotations (most uses). */
const BASE_TYPES: Record<model.BaseTypeName, model.BaseType> = Object.freeze({
  bool: baseType("bool"),
  i8: baseType("i8"),
  i16: baseType("i16"),
  i32: baseType("i32"),
  i64: baseType("i64"),
  double: baseType("double"),
  string: baseType("string"),
  binary: baseType("binary"),
  uuid: baseType("uuid"),
});

function baseType(name: model.BaseTypeName): model.BaseType {
  return Object.freeze({ kind: "base", name, annotations: NO_ANNOTATIONS });
}

/** Resolves a syntax type to a model type, reporting unknown names once each. */
export function resolveTypeNode(node: ast.TypeNode, fc: FileContext): model.Type {
  switch (node.kind) {
    case "base-type": {
      if (node.name === "byte" && !fc.byteWarned) {
        fc.byteWarned = true;
        fc.run.diagnostics.push(
          warning(
            node,
            "byte-type",
            `"byte" is a compatibility alias for "i8"; write "i8" (a signed 8-bit integer)`,
          ),
        );
      }
      const name = node.name === "byte" ? "i8" : node.name;
      if (node.annotations.length === 0) return BASE_TYPES[name];
      return { kind: "base", name, annotations: annotationsOf(node.annotations) };
    }
    case "named-type":
      return resolveNamedType(node, fc);
    case "list-type": {
      const element = node.element;
      if (element.kind === "base-type" && (element.name === "i8" || element.name === "byte")) {
        fc.run.diagnostics.push(
          warning(
            node,
            "list-of-byte",
            `list<${element.name}> is less efficient than "binary"; consider "binary" instead`,
          ),
        );
      }
      return {
        kind: "list",
        element: resolveTypeNode(element, fc),
        annotations: annotationsOf(node.annotations),
      };
    }
    case "set-type":
      return {
        kind: "set",
        element: resolveTypeNode(node.element, fc),
        annotations: annotationsOf(node.annotations),
      };
    case "map-type":
      return {
        kind: "map",
        key: resolveTypeNode(node.key, fc),
        value: resolveTypeNode(node.value, fc),
        annotations: annotationsOf(node.annotations),
      };
    default:
      return assertNever(node);
  }
}

function resolveNamedType(node: ast.NamedTypeNode, fc: FileContext): model.Type {
  const { name } = node;
  const found = fc.scope.findType(name);
  if (found === BROKEN) return UNRESOLVED; // the include failed; that was reported
  if (found === undefined) {
    fc.run.diagnostics.push(
      error(node, "unknown-type", `unknown type "${name}"${unknownHint(name, "types", fc)}`),
    );
    return UNRESOLVED;
  }
  switch (found.kind) {
    case "service":
      fc.run.diagnostics.push(error(node, "not-a-type", `"${name}" is a service, not a type`));
      return UNRESOLVED;
    case "enum":
      return { kind: "enum", definition: found };
    case "typedef":
      return { kind: "typedef", definition: found };
    case "struct":
    case "union":
    case "exception":
      return { kind: "struct", definition: found };
    default:
      return assertNever(found);
  }
}

/** ` (did you mean "Money"?)`, a not-included hint, or nothing. */
export function unknownHint(name: string, table: "types" | "consts", fc: FileContext): string {
  const hint = unknownNameHint(fc.scope, name, fc.run.programNames);
  if (hint !== "" || fc.run.suggestionsLeft <= 0) return hint;
  fc.run.suggestionsLeft--;
  // A misspelt base type (`strng`, `i46`) is as likely as a misspelt name of the user's.
  const names = fc.scope.names(table);
  const suggestion = closestName(name, table === "types" ? [...names, ...TYPE_KEYWORDS] : names);
  return suggestion === undefined ? "" : `; did you mean "${suggestion}"?`;
}

/**
 * Reports every typedef cycle among `typedefs` (`typedef B A` / `typedef A B`, or through a
 * container: `typedef list<A> A`) once, and breaks it so later passes terminate. Iterative, so
 * a 20,000-long typedef chain cannot overflow the stack.
 */
export function checkTypedefCycles(typedefs: readonly model.Typedef[], fc: FileContext): void {
  const visiting = new Set<model.Typedef>();
  for (const root of typedefs) {
    if (fc.run.acyclicTypedefs.has(root)) continue;
    const stack: { typedef: model.Typedef; next: model.Typedef[] }[] = [];
    const enter = (t: model.Typedef) => {
      visiting.add(t);
      stack.push({ typedef: t, next: typedefsIn(t.type) });
    };
    enter(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const target = frame.next.pop();
      if (target === undefined) {
        visiting.delete(frame.typedef);
        fc.run.acyclicTypedefs.add(frame.typedef);
        stack.pop();
      } else if (visiting.has(target)) {
        reportCycle(
          stack.map((f) => f.typedef),
          target,
          fc,
        );
      } else if (!fc.run.acyclicTypedefs.has(target)) {
        enter(target);
      }
    }
  }
}

function reportCycle(path: model.Typedef[], target: model.Typedef, fc: FileContext): void {
  const cycle = path.slice(path.indexOf(target));
  const names = [...cycle, target].map((t) => `"${t.name}"`).join(" → ");
  const span = nameSpanOf(target);
  fc.run.diagnostics.push(
    error(span, "typedef-cycle", `typedef cycle: ${names} (Apache hangs on it)`),
  );
  (target as Writable<model.Typedef>).type = UNRESOLVED;
  // Every typedef of the cycle now ends in UNRESOLVED; nothing more to report about them.
}

/** The typedefs a type names directly or through containers (not through structs or enums). */
function typedefsIn(type: model.Type): model.Typedef[] {
  const out: model.Typedef[] = [];
  const pending: model.Type[] = [type];
  for (let t = pending.pop(); t !== undefined; t = pending.pop()) {
    switch (t.kind) {
      case "typedef":
        out.push(t.definition);
        break;
      case "list":
      case "set":
        pending.push(t.element);
        break;
      case "map":
        pending.push(t.key, t.value);
        break;
      case "base":
      case "enum":
      case "struct":
      case "unresolved":
        break;
      default:
        assertNever(t);
    }
  }
  return out;
}

/** A type as a person writes it (`list<base.Money>`), qualified when defined in another program. */
export function typeName(type: model.Type, from?: model.Program): string {
  switch (type.kind) {
    case "base":
      return type.name;
    case "list":
    case "set":
      return `${type.kind}<${typeName(type.element, from)}>`;
    case "map":
      return `map<${typeName(type.key, from)}, ${typeName(type.value, from)}>`;
    case "enum":
    case "struct":
    case "typedef": {
      const def = type.definition;
      return from === undefined || def.program === from
        ? def.name
        : `${def.program.name}.${def.name}`;
    }
    case "unresolved":
      return "?";
    default:
      return assertNever(type);
  }
}
