// `namespace scope value` headers (thrift-idl.md §3.3): collected per scope (last one wins), with
// Apache's warning for a scope no Apache generator knows.
import { warning } from "../diagnostics.js";
import type * as ast from "../syntax/ast.js";
import type { CheckContext } from "./context.js";

/**
 * Apache Thrift's generators (v0.24.0 `compiler/cpp/src/thrift/generate/`), the scopes its
 * `set_namespace` accepts without a warning. `*` applies to all of them.
 */
export const APACHE_GENERATORS: ReadonlySet<string> = new Set([
  "c_glib",
  "cl",
  "cpp",
  "d",
  "dart",
  "delphi",
  "erl",
  "go",
  "gv",
  "haxe",
  "html",
  "java",
  "javame",
  "js",
  "json",
  "kotlin",
  "lua",
  "markdown",
  "netstd",
  "ocaml",
  "perl",
  "php",
  "py",
  "rb",
  "rs",
  "st",
  "swift",
  "xml",
  "xsd",
]);

/** The namespaces of one file, scope → value (the last of a repeated scope wins, as in Apache). */
export function collectNamespaces(
  headers: readonly ast.HeaderNode[],
  run: CheckContext,
): Map<string, string> {
  const namespaces = new Map<string, string>();
  for (const header of headers) {
    if (header.kind !== "namespace") continue;
    namespaces.set(header.scope, header.value.text);
    if (header.scope === "*") continue;
    // Apache looks only at the part before the first dot (`py.twisted` → `py`).
    const base = header.scope.split(".")[0]!;
    if (base === "smalltalk") {
      run.diagnostics.push(
        warning(
          header.scopeSpan,
          "deprecated-namespace-scope",
          `namespace scope "smalltalk" is deprecated; write "st"`,
        ),
      );
    } else if (!APACHE_GENERATORS.has(base)) {
      run.diagnostics.push(
        warning(
          header.scopeSpan,
          "unknown-namespace-scope",
          `no Apache Thrift generator is named "${base}"; this namespace is unused`,
        ),
      );
    }
  }
  return namespaces;
}

/**
 * Whether two programs' namespaces make equal type names collide in generated code: every scope
 * either declares resolves to the same value in the other (Apache's `is_common_namespace`, which
 * is also true when neither declares any).
 */
export function haveCommonNamespace(
  a: ReadonlyMap<string, string>,
  b: ReadonlyMap<string, string>,
): boolean {
  const lookup = (ns: ReadonlyMap<string, string>, scope: string) =>
    ns.get(scope) ?? ns.get("*") ?? "";
  for (const [scope, value] of a) if (lookup(b, scope) !== value) return false;
  for (const [scope, value] of b) if (lookup(a, scope) !== value) return false;
  return true;
}
