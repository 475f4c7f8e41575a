// The idlc side of the interop tests: interop.thrift compiled by
// idlc into a folder inside the repo (so `idlc/runtime` resolves) and imported, and the shapes of
// its generated values for the JSON mapping.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { IDL, WORK_DIR } from "./apache.js";
import type { ModelStruct, StructShapes } from "./json-mapping.js";
import { compile } from "../../compiler/compile.js";
import { exceptionPropertyName, propertyName } from "../../compiler/emit/names.js";

/** A module of generated code, by export name. */
export type GeneratedModule = Readonly<Record<string, unknown>>;

/**
 * Compiles interop.thrift with idlc into `.work/<label>/idlc/` and imports the module. Throws with
 * the diagnostics when idlc reports an error.
 */
export async function compileInterop(label: string): Promise<GeneratedModule> {
  const out = join(WORK_DIR, label, "idlc");
  rmSync(out, { recursive: true, force: true });
  const result = await compile([IDL.interop], {
    readFile: (path) => (existsSync(path) ? readFileSync(path) : undefined),
    includeDirs: [],
  });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || result.outputs.length === 0)
    throw new Error(
      `idlc could not compile interop.thrift:\n${errors.map((d) => d.message).join("\n")}`,
    );
  for (const file of result.outputs) {
    const target = join(out, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.text);
  }
  return (await import(pathToFileURL(join(out, "interop.ts")).href)) as GeneratedModule;
}

/**
 * How idlc's generated code holds values: structs as plain objects, unions as
 * `{ kind, value }`, exceptions as instances of their generated class; property names escaped as
 * compiler/emit/names.ts does.
 */
export async function idlcShapes(module: GeneratedModule): Promise<StructShapes> {
  const property = (struct: ModelStruct, field: ModelStruct["fields"][number]): string =>
    struct.isException
      ? exceptionPropertyName(field.name, field.typeId === "string")
      : propertyName(field.name);
  return {
    build(struct, fields) {
      if (struct.isUnion) {
        const [entry, ...more] = [...fields];
        if (entry === undefined || more.length > 0)
          throw new Error(`union ${struct.name} needs exactly one member, got ${fields.size}`);
        return { kind: entry[0], value: entry[1] };
      }
      const init: Record<string, unknown> = {};
      for (const f of struct.fields)
        if (fields.has(f.name)) init[property(struct, f)] = fields.get(f.name);
      if (!struct.isException) return init;
      const cls = module[struct.name] as new (init: Record<string, unknown>) => unknown;
      return new cls(init);
    },
    fields(struct, value) {
      const out = new Map<string, unknown>();
      if (struct.isUnion) {
        const { kind, value: member } = value as { kind: string; value: unknown };
        out.set(kind, member);
        return out;
      }
      const record = value as Record<string, unknown>;
      for (const f of struct.fields) {
        const v = record[property(struct, f)];
        if (v !== undefined && v !== null) out.set(f.name, v);
      }
      return out;
    },
  };
}

/** A generated struct/union/exception codec (the value exported beside the type). */
export interface IdlcCodec {
  encode(value: unknown, options?: { protocol?: "compact" | "binary" }): Uint8Array;
  decode(bytes: Uint8Array, options?: { protocol?: "compact" | "binary" }): unknown;
}

/** The codec of `name` in a generated module. */
export function codecOf(module: GeneratedModule, name: string): IdlcCodec {
  const codec = module[name] as Partial<IdlcCodec> | undefined;
  if (typeof codec?.encode !== "function" || typeof codec.decode !== "function")
    throw new Error(`the idlc module exports no codec "${name}"`);
  return codec as IdlcCodec;
}
