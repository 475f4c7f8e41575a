// What one module's emitters share: the program, its names, and the imports the text uses, so
// the module imports exactly what it needs (noUnusedLocals holds for generated code too).
import type { Definition, Program, Service } from "../check/model.js";
import { CODEGEN_NAMES, includeAlias, moduleNames } from "./names.js";
import type { Code } from "./writer.js";
import type { ModuleNames } from "./names.js";

/** Emission state of one module: records every runtime name and included program it refers to. */
export class EmitContext {
  readonly program: Program;
  readonly names: ModuleNames;
  /** The aliases of the included programs (`base` in `import * as base`). */
  readonly includeAliases: ReadonlySet<string>;
  private readonly runtimeValues = new Set<string>();
  private readonly runtimeTypes = new Set<string>();
  /** Included programs referred to, and whether any reference is a value (not only a type). */
  private readonly includes = new Map<Program, boolean>();

  constructor(program: Program) {
    this.program = program;
    this.names = moduleNames(program);
    this.includeAliases = new Set(program.includes.map((p) => includeAlias(p, program)));
  }

  /** A value exported by `idlc/runtime` (e.g. `TType`, `defineStruct`). */
  rt(name: string): string {
    this.runtimeValues.add(name);
    return name;
  }

  /** A type exported by `idlc/runtime` (e.g. `OpenEnum`, `CallOptions`). */
  rtType(name: string): string {
    this.runtimeTypes.add(name);
    return name;
  }

  /** The name of a definition as seen from this module: `Money` or `base.Money`. */
  ref(def: Definition, asValue: boolean): string {
    return this.qualify(def.program, moduleNames(def.program).definitions.get(def)!, asValue);
  }

  /** The client interface of a service, possibly qualified. */
  clientRef(service: Service): string {
    return this.qualify(service.program, moduleNames(service.program).client.get(service)!, false);
  }

  /** The handler interface of a service, possibly qualified. */
  handlerRef(service: Service): string {
    return this.qualify(service.program, moduleNames(service.program).handler.get(service)!, false);
  }

  private qualify(program: Program, name: string, asValue: boolean): string {
    if (program === this.program) return name;
    this.includes.set(program, asValue || this.includes.get(program) === true);
    return `${includeAlias(program, this.program)}.${name}`;
  }

  /** The import statements, runtime first, then included modules in include order. */
  imports(): Code[] {
    const lines: Code[] = [];
    const sorted = (names: Set<string>) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const from = '"idlc/runtime"';
    const values = [...this.runtimeValues];
    const user = new Set(values.filter((n) => !CODEGEN_NAMES.has(n)));
    const codegen = new Set(values.filter((n) => CODEGEN_NAMES.has(n)));
    if (user.size > 0) lines.push({ kind: "import", typeOnly: false, names: sorted(user), from });
    if (codegen.size > 0) {
      const names = sorted(codegen);
      lines.push({ kind: "import", typeOnly: false, names, from: '"idlc/runtime/codegen"' });
    }
    if (this.runtimeTypes.size > 0)
      lines.push({ kind: "import", typeOnly: true, names: sorted(this.runtimeTypes), from });
    for (const included of this.orderedIncludes()) {
      const alias = includeAlias(included, this.program);
      const keyword = this.includes.get(included) ? "import" : "import type";
      lines.push(`${keyword} * as ${alias} from "./${included.name}.js";`);
    }
    return lines;
  }

  private orderedIncludes(): Program[] {
    const direct = this.program.includes.filter((p) => this.includes.has(p));
    // A definition can only come from a directly included program; keep any other (should not
    // happen in a checked model) in a stable order too.
    const others = [...this.includes.keys()]
      .filter((p) => !direct.includes(p))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    return [...direct, ...others];
  }
}
