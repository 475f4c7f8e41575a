// State shared by the checker's passes: the diagnostics of the run, and where each definition sits
// in its file (for Apache's "refer backwards only" rules).
import type { Diagnostic } from "../diagnostics.js";
import type { Span } from "../source.js";
import type * as model from "./model.js";
import type { Scope } from "./symbols.js";

/** A model object whose members the checker still fills in; the emitter sees it read-only. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** What all passes of one checker run share. */
export interface CheckContext {
  readonly diagnostics: Diagnostic[];
  /** Index of each definition in its program's source order. */
  readonly positions: Map<model.Definition, number>;
  /** Names of every program in the run, for "not included here" hints. */
  readonly programNames: Set<string>;
  /** Typedefs already shown not to be part of a cycle. */
  readonly acyclicTypedefs: WeakSet<model.Typedef>;
  /** "Did you mean" suggestions cost a scan of the scope; only this many are computed. */
  suggestionsLeft: number;
}

/** What the passes over one file share. */
export interface FileContext {
  readonly run: CheckContext;
  readonly program: model.Program;
  readonly scope: Scope;
  /** Apache prints the `byte` warning once; idlc once per file. */
  byteWarned: boolean;
}

/** Makes the state for one checker run. */
export function createContext(): CheckContext {
  return {
    diagnostics: [],
    positions: new Map(),
    programNames: new Set(),
    acyclicTypedefs: new WeakSet(),
    suggestionsLeft: 100,
  };
}

/** The one type standing for "could not be resolved; an error was already reported". */
export const UNRESOLVED: model.UnresolvedType = Object.freeze({ kind: "unresolved" });

/**
 * The value of a const whose value could not be checked (an error was reported). Compared by
 * identity so references to such a const stay quiet; a model with errors is never emitted.
 */
export const UNRESOLVED_VALUE: model.ConstValue = Object.freeze({
  kind: "list",
  items: Object.freeze([]),
});

/** The annotations of everything that has none: one shared empty list, not one per node. */
export const NO_ANNOTATIONS: model.Annotations = Object.freeze([]);

/** Model annotations from syntax annotations (`(key)` alone means `"1"`, already in the AST). */
export function annotationsOf(
  nodes: readonly { readonly key: { readonly text: string }; readonly value: string }[],
): model.Annotations {
  if (nodes.length === 0) return NO_ANNOTATIONS;
  return nodes.map((a) => ({ key: a.key.text, value: a.value }));
}

/** Fails the type check when a switch misses a case. */
export function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}

/** Where an object's name was written, for "first defined here" notes. */
export function nameSpanOf(node: { readonly span: Span; readonly nameSpan?: Span }): Span {
  return node.nameSpan ?? node.span;
}
