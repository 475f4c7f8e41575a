// The checker: syntax trees of loaded files → checked programs. Files are checked includes first.
// Per file the passes run in this order:
//   1. declare   every definition gets a model object and a name (duplicates reported);
//   2. resolve   types (forward references allowed), field ids, enum values, method signatures;
//   3. cycles    typedef cycles;
//   4. in order  what Apache resolves as it reads: consts and defaults, `extends`, `throws`.
import type { Diagnostic } from "../diagnostics.js";
import type * as ast from "../syntax/ast.js";
import { checkConstDefinition, checkFieldDefaults } from "./consts.js";
import {
  assertNever,
  createContext,
  type CheckContext,
  type FileContext,
  type Writable,
} from "./context.js";
import { declareDefinitions, type Declared } from "./declare.js";
import { checkEnumValues } from "./enums.js";
import { buildFields } from "./fields.js";
import type * as model from "./model.js";
import { collectNamespaces } from "./namespaces.js";
import { buildMethods, checkService } from "./services.js";
import { Scope, createSymbols, type ProgramSymbols } from "./symbols.js";
import { checkTypedefCycles, resolveTypeNode } from "./types.js";

/** An include of a checked file: its program name, and the file unless loading it failed. */
export interface CheckInclude {
  readonly node: ast.IncludeNode;
  /** The included file's program name, the prefix of its names here (`base`). */
  readonly name: string;
  /** Undefined when the include was missing, cyclic or clashing (the loader reported it). */
  readonly file: CheckInput | undefined;
}

/** One parsed file as the loader hands it over. */
export interface CheckInput {
  /** The path as typed or as the include resolved it. */
  readonly path: string;
  /** The program name: file name without directory and last extension. */
  readonly name: string;
  readonly document: ast.Document;
  readonly includes: readonly CheckInclude[];
}

/** The checked programs, by input, and everything the checker found. */
export interface CheckOutput {
  readonly programs: ReadonlyMap<CheckInput, model.Program>;
  readonly diagnostics: Diagnostic[];
}

/** Checks every input (and the includes they reach); each file once, includes first. */
export function checkPrograms(inputs: readonly CheckInput[]): CheckOutput {
  const run = createContext();
  const order = includesFirst(inputs);
  for (const input of order) run.programNames.add(input.name);
  const checked = new Map<CheckInput, { program: model.Program; symbols: ProgramSymbols }>();
  for (const input of order) checked.set(input, checkProgram(input, checked, run));
  const programs = new Map<CheckInput, model.Program>();
  for (const [input, { program }] of checked) programs.set(input, program);
  return { programs, diagnostics: run.diagnostics };
}

/** Post-order over includes, so a file is checked after everything it includes. */
function includesFirst(inputs: readonly CheckInput[]): CheckInput[] {
  const order: CheckInput[] = [];
  const seen = new Set<CheckInput>();
  // Iterative, so a long include chain cannot overflow the stack.
  for (const root of inputs) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack = [{ input: root, next: 0 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const include = frame.input.includes[frame.next++];
      if (include === undefined) {
        order.push(frame.input);
        stack.pop();
      } else if (include.file !== undefined && !seen.has(include.file)) {
        seen.add(include.file);
        stack.push({ input: include.file, next: 0 });
      }
    }
  }
  return order;
}

function checkProgram(
  input: CheckInput,
  checked: ReadonlyMap<CheckInput, { program: model.Program; symbols: ProgramSymbols }>,
  run: CheckContext,
): { program: model.Program; symbols: ProgramSymbols } {
  const included = new Map<string, ProgramSymbols>();
  const broken = new Set<string>();
  for (const include of input.includes) {
    const done = include.file && checked.get(include.file);
    if (done === undefined) broken.add(include.name);
    else if (!included.has(include.name)) included.set(include.name, done.symbols);
  }
  const program: Writable<model.Program> = {
    kind: "program",
    path: input.path,
    name: input.name,
    doc: input.document.doc?.text,
    namespaces: collectNamespaces(input.document.headers, run),
    includes: [...new Set([...included.values()].map((s) => s.program))],
    definitions: [],
  };
  const symbols = createSymbols(program);
  const fc: FileContext = {
    run,
    program,
    scope: new Scope(symbols, included, broken),
    byteWarned: false,
  };
  const declared = declareDefinitions(
    input.document.definitions,
    symbols,
    [...included.values()],
    fc,
  );
  for (const entry of declared) resolve(entry, symbols, fc);
  checkTypedefCycles(
    declared.flatMap((d) => (d.model.kind === "typedef" ? [d.model] : [])),
    fc,
  );
  declared.forEach((entry, position) => checkInOrder(entry, position, fc));
  return { program, symbols };
}

/** Pass 2: everything that may refer forwards. */
function resolve(entry: Declared, symbols: ProgramSymbols, fc: FileContext): void {
  switch (entry.kind) {
    case "const":
    case "typedef":
      entry.model.type = resolveTypeNode(entry.node.type, fc);
      return;
    case "enum":
      checkEnumValues(entry.node, entry.model, symbols, fc);
      return;
    case "struct": {
      const kind = entry.model.kind;
      const owner = `${kind} "${entry.model.name}"`;
      entry.model.fields = buildFields(entry.node.fields, kind, owner, fc);
      return;
    }
    case "service":
      entry.model.methods = buildMethods(entry.node, fc);
      return;
    default:
      assertNever(entry);
  }
}

/** Pass 4: what must refer backwards, checked in source order as Apache reads it. */
function checkInOrder(entry: Declared, position: number, fc: FileContext): void {
  switch (entry.kind) {
    case "const":
      checkConstDefinition(entry.model, entry.node, position, fc);
      return;
    case "struct":
      checkFieldDefaults(entry.model.fields, entry.node.fields, position, fc);
      return;
    case "service":
      checkService(entry.model, entry.node, position, fc);
      return;
    case "typedef":
    case "enum":
      return;
    default:
      assertNever(entry);
  }
}
