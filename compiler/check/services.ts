// Services (thrift-idl.md §4.6): `extends` names an earlier service, `throws` lists earlier
// exceptions, function names are unique including inherited ones, and `oneway` functions return
// void and throw nothing (Apache only warns about a oneway result; idlc rejects it).
import { error, warning } from "../diagnostics.js";
import type * as ast from "../syntax/ast.js";
import { annotationsOf, nameSpanOf, type FileContext, type Writable } from "./context.js";
import { checkFieldDefaults } from "./consts.js";
import { buildFields } from "./fields.js";
import * as model from "./model.js";
import { article, checkSimpleName } from "./names.js";
import { BROKEN } from "./symbols.js";
import { resolveTypeNode, unknownHint } from "./types.js";

/** Builds a service's methods: names, types and field lists (types may be defined later). */
export function buildMethods(node: ast.ServiceDefinition, fc: FileContext): model.Method[] {
  return node.functions.map((f) => {
    checkSimpleName(f.name, "function", fc);
    if (f.asyncKeyword && f.onewaySpan !== undefined) {
      fc.run.diagnostics.push(
        warning(f.onewaySpan, "async-keyword", `"async" is deprecated; write "oneway"`),
      );
    }
    const method: model.Method = {
      kind: "method",
      name: f.name.text,
      oneway: f.oneway,
      returnType: f.returnType && resolveTypeNode(f.returnType, fc),
      params: buildFields(f.params, "arguments", `arguments of "${f.name.text}"`, fc),
      throws: buildFields(f.throws ?? [], "throws", `throws of "${f.name.text}"`, fc),
      annotations: annotationsOf(f.annotations),
      doc: f.doc?.text,
      span: f,
      nameSpan: f.name,
    };
    return method;
  });
}

/** The checks that depend on source order: `extends`, `throws`, duplicates, defaults. */
export function checkService(
  service: Writable<model.Service>,
  node: ast.ServiceDefinition,
  position: number,
  fc: FileContext,
): void {
  if (node.extends !== undefined)
    service.extends = resolveBase(node.extends, service, position, fc);
  const inherited = new Map<string, model.Method>();
  if (service.extends !== undefined)
    for (const m of model.allMethods(service.extends)) inherited.set(m.name, m);
  const own = new Map<string, model.Method>();

  node.functions.forEach((f, i) => {
    const method = service.methods[i];
    if (method === undefined) return;
    const first = own.get(method.name) ?? inherited.get(method.name);
    if (first !== undefined) {
      const where = own.has(method.name) ? "" : ` (inherited from "${serviceOf(first, service)}")`;
      fc.run.diagnostics.push(
        error(
          f.name,
          "duplicate-function",
          `function "${method.name}" is already defined in service "${service.name}"${where}`,
          [{ message: "first defined here", span: nameSpanOf(first) }],
        ),
      );
    } else {
      own.set(method.name, method);
    }
    if (f.oneway && f.returnType !== undefined) {
      fc.run.diagnostics.push(
        error(
          f.returnSpan,
          "oneway-with-result",
          `oneway function "${method.name}" must return void: a oneway call gets no reply ` +
            `(Apache only warns; idlc rejects it)`,
        ),
      );
    }
    if (f.oneway && f.throws !== undefined && f.throws.length > 0) {
      fc.run.diagnostics.push(
        error(
          f.throwsSpan ?? f.name,
          "oneway-throws",
          `oneway function "${method.name}" cannot throw exceptions: a oneway call gets no reply`,
        ),
      );
    }
    (f.throws ?? []).forEach((t, j) => {
      const field = method.throws[j];
      if (field !== undefined) checkThrown(field, t, position, fc);
    });
    checkFieldDefaults(method.params as Writable<model.Field>[], f.params, position, fc);
    checkHashKey(method, f, fc);
  });
}

/** The method annotation naming the argument a client hashes on (consistent hashing). */
export const HASH_KEY_ANNOTATION = "idlc.hash_key";

/** `(idlc.hash_key = "arg")` names one argument of the method, a string or an integer. */
function checkHashKey(method: model.Method, node: ast.FunctionNode, fc: FileContext): void {
  const annotation = node.annotations.find((a) => a.key.text === HASH_KEY_ANNOTATION);
  if (annotation === undefined) return;
  const param = method.params.find((p) => p.name === annotation.value);
  if (param === undefined) {
    const names = method.params.map((p) => `"${p.name}"`).join(", ");
    fc.run.diagnostics.push(
      error(
        annotation,
        "unknown-hash-key",
        `${HASH_KEY_ANNOTATION} names "${annotation.value}", which is not an argument of ` +
          `"${method.name}" (${names === "" ? "it has none" : `its arguments: ${names}`})`,
      ),
    );
    return;
  }
  const t = model.resolveType(param.type);
  if (t.kind === "unresolved" || t.kind === "enum") return;
  if (t.kind === "base" && /^(string|i8|i16|i32|i64)$/.test(t.name)) return;
  fc.run.diagnostics.push(
    error(
      annotation,
      "hash-key-type",
      `${HASH_KEY_ANNOTATION} argument "${param.name}" must be a string or an integer, not ${describe(t)}`,
    ),
  );
}

function serviceOf(method: model.Method, from: model.Service): string {
  for (let s = from.extends; s !== undefined; s = s.extends)
    if (s.methods.includes(method)) return s.program === from.program ? s.name : qualified(s);
  return "?";
}

function qualified(d: model.Definition): string {
  return `${d.program.name}.${d.name}`;
}

function isEarlier(definition: model.Definition, position: number, fc: FileContext): boolean {
  if (definition.program !== fc.program) return true;
  return (fc.run.positions.get(definition) ?? Infinity) < position;
}

function resolveBase(
  name: ast.Identifier,
  service: model.Service,
  position: number,
  fc: FileContext,
): model.Service | undefined {
  const found = fc.scope.findType(name.text);
  if (found === BROKEN) return undefined;
  const diagnostics = fc.run.diagnostics;
  if (found === undefined) {
    diagnostics.push(
      error(
        name,
        "unknown-service",
        `unknown service "${name.text}"${unknownHint(name.text, "types", fc)}`,
      ),
    );
    return undefined;
  }
  if (found.kind !== "service") {
    diagnostics.push(
      error(
        name,
        "extends-non-service",
        `service "${service.name}" cannot extend "${name.text}": it is ${article(found.kind)}, ` +
          `not a service`,
      ),
    );
    return undefined;
  }
  if (found === service) {
    diagnostics.push(
      error(name, "forward-reference", `service "${service.name}" cannot extend itself`),
    );
    return undefined;
  }
  if (!isEarlier(found, position, fc)) {
    diagnostics.push(
      error(
        name,
        "forward-reference",
        `service "${name.text}" must be defined before "${service.name}" extends it ` +
          `(as in Apache)`,
      ),
    );
    return undefined;
  }
  return found;
}

/** A `throws` entry must be an exception defined before the service (Apache resolves it then). */
function checkThrown(
  field: model.Field,
  node: ast.FieldNode,
  position: number,
  fc: FileContext,
): void {
  let t: model.Type = field.type;
  for (;;) {
    if (t.kind === "unresolved") return; // reported when resolving the type
    if (t.kind === "typedef" || t.kind === "struct" || t.kind === "enum") {
      if (!isEarlier(t.definition, position, fc)) {
        fc.run.diagnostics.push(
          error(
            node.type,
            "forward-reference",
            `exception "${t.definition.name}" must be defined before the service that throws ` +
              `it (Apache resolves throws clauses as it reads them)`,
          ),
        );
        return;
      }
    }
    if (t.kind !== "typedef") break;
    t = t.definition.type;
  }
  if (t.kind === "struct" && t.definition.kind === "exception") return;
  const what = t.kind === "struct" ? article(t.definition.kind) : `the type ${describe(t)}`;
  fc.run.diagnostics.push(
    error(
      node.type,
      "throws-non-exception",
      `throws (…) lists exceptions only; "${field.name}" is ${what}`,
    ),
  );
}

function describe(t: model.Type): string {
  return t.kind === "base" ? t.name : t.kind;
}
