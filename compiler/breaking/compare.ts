// Two versions of a contract → every change that breaks a peer or a user of the other version.
// Programs match by program name (`base` for base.thrift), definitions by name, fields by id,
// enum values and methods by name. Positions are in the new version, or the old one for a removal.
import {
  allMethods,
  type Definition,
  type Enum,
  type Method,
  type Program,
  type Service,
  type Struct,
} from "../check/model.js";
import { compareDiagnostics } from "../diagnostics.js";
import { ChangeCode, breaking, type Change } from "./change.js";
import { compareFields, nameSpan } from "./fields.js";
import { apiShape, sameOnWire, typeName, wireShape } from "./types.js";

/** Options of a comparison. */
export interface CompareOptions {
  /** Keep only the changes that break bytes between old and new peers (default false). */
  readonly wireOnly?: boolean;
}

/**
 * Compares two runs: the entry programs (`before[0]`, `after[0]`) with each other, whatever their
 * file names, and every included program with the included program of the same name.
 */
export function compareContracts(
  before: readonly Program[],
  after: readonly Program[],
  options: CompareOptions = {},
): Change[] {
  const out: Change[] = [];
  const [oldEntry, ...oldIncludes] = before;
  const [newEntry, ...newIncludes] = after;
  if (oldEntry !== undefined && newEntry !== undefined) compareProgram(oldEntry, newEntry, out);
  const newByName = new Map(newIncludes.map((p) => [p.name, p]));
  for (const o of oldIncludes) {
    const n = newByName.get(o.name);
    if (n === undefined) {
      for (const d of o.definitions) removed(d, undefined, out);
      continue;
    }
    compareProgram(o, n, out);
  }
  const kept = options.wireOnly ? out.filter((c) => c.category === "wire") : out;
  return kept.sort(compareDiagnostics);
}

function compareProgram(before: Program, after: Program, out: Change[]): void {
  const newByName = new Map(after.definitions.map((d) => [d.name, d]));
  const oldNames = new Set(before.definitions.map((d) => d.name));
  const added = after.definitions.filter((d) => !oldNames.has(d.name));
  for (const o of before.definitions) {
    const n = newByName.get(o.name);
    if (n === undefined) {
      removed(o, renamedTo(o, added), out);
      continue;
    }
    compareDefinition(o, n, out);
  }
}

/** A removed definition's likely new name: the one added definition of the same shape. */
function renamedTo(o: Definition, added: readonly Definition[]): Definition | undefined {
  const same = added.filter((d) => d.kind === o.kind && shape(d) === shape(o));
  return same.length === 1 ? same[0] : undefined;
}

/** What a definition is, without its name: equal shapes make a rename likely. */
function shape(d: Definition): string {
  switch (d.kind) {
    case "struct":
    case "union":
    case "exception":
      return d.fields.map((f) => `${f.id}:${f.requiredness}:${wireShape(f.type, false)}`).join(",");
    case "enum":
      return d.values.map((v) => `${v.name}=${v.value}`).join(",");
    case "service":
      return allMethods(d)
        .map((m) => m.name)
        .join(",");
    case "typedef":
    case "const":
      return apiShape(d.type);
  }
}

function removed(o: Definition, renamed: Definition | undefined, out: Change[]): void {
  if (o.kind === "service") {
    out.push(
      renamed
        ? breaking(
            "wire",
            nameSpan(renamed),
            ChangeCode.SERVICE_RENAMED,
            `service "${o.name}" was renamed to "${renamed.name}": multiplexed clients address methods as "${o.name}:method", which the new server does not know`,
          )
        : breaking(
            "wire",
            nameSpan(o),
            ChangeCode.SERVICE_REMOVED,
            `service "${o.name}" was removed: every call to it fails with UNKNOWN_METHOD`,
          ),
    );
    return;
  }
  out.push(
    renamed
      ? breaking(
          "api",
          nameSpan(renamed),
          ChangeCode.DEFINITION_RENAMED,
          `${o.kind} "${o.name}" was renamed to "${renamed.name}": code importing the old name no longer compiles`,
        )
      : breaking(
          "api",
          nameSpan(o),
          ChangeCode.DEFINITION_REMOVED,
          `${o.kind} "${o.name}" was removed: code importing it no longer compiles`,
        ),
  );
}

function compareDefinition(o: Definition, n: Definition, out: Change[]): void {
  if (o.kind !== n.kind) {
    const structs = ["struct", "union", "exception"];
    const wire = structs.includes(o.kind) && structs.includes(n.kind);
    out.push(
      wire
        ? breaking(
            "wire",
            nameSpan(n),
            ChangeCode.STRUCT_KIND_CHANGED,
            `${o.kind} "${o.name}" became a ${n.kind}: ${o.kind === "union" || n.kind === "union" ? "a union sets exactly one field, a struct any number, so readers reject or misread values" : "it is thrown and caught differently"}`,
          )
        : breaking(
            "api",
            nameSpan(n),
            ChangeCode.DEFINITION_KIND_CHANGED,
            `${o.kind} "${o.name}" became a ${n.kind}: code using it as a ${o.kind} no longer compiles`,
          ),
    );
    if (!wire) return;
  }
  switch (o.kind) {
    case "struct":
    case "union":
    case "exception":
      compareFields("field", `${o.kind} "${o.name}"`, o.fields, (n as Struct).fields, out);
      return;
    case "enum":
      compareEnum(o, n as Enum, out);
      return;
    case "service":
      compareService(o, n as Service, out);
      return;
    case "typedef":
      if (n.kind === "typedef" && apiShape(o.type) !== apiShape(n.type)) {
        out.push(
          breaking(
            "api",
            nameSpan(n),
            ChangeCode.TYPEDEF_CHANGED,
            `typedef "${o.name}" now stands for ${typeName(n.type)}, not ${typeName(o.type)}: code using it sees another type${sameOnWire(o.type, n.type) ? "" : " (and its uses change on the wire, reported at each)"}`,
          ),
        );
      }
      return;
    case "const":
      return; // a constant is compiled into each side; a changed value breaks no peer
  }
}

function compareEnum(o: Enum, n: Enum, out: Change[]): void {
  const newByName = new Map(n.values.map((v) => [v.name, v]));
  const newByValue = new Map(n.values.map((v) => [v.value, v]));
  const oldNames = new Set(o.values.map((v) => v.name));
  for (const v of o.values) {
    const same = newByName.get(v.name);
    if (same !== undefined) {
      if (same.value !== v.value)
        out.push(
          breaking(
            "wire",
            nameSpan(same),
            ChangeCode.ENUM_VALUE_RENUMBERED,
            `enum value "${o.name}.${v.name}" was renumbered from ${v.value} to ${same.value}: peers of the other version read another value`,
          ),
        );
      continue;
    }
    const renamed = newByValue.get(v.value);
    if (renamed !== undefined && !oldNames.has(renamed.name)) {
      out.push(
        breaking(
          "api",
          nameSpan(renamed),
          ChangeCode.ENUM_VALUE_RENAMED,
          `enum value "${o.name}.${v.name}" was renamed to "${renamed.name}": the number is unchanged, but code using the old name no longer compiles`,
        ),
      );
      continue;
    }
    out.push(
      breaking(
        "wire",
        nameSpan(v),
        ChangeCode.ENUM_VALUE_REMOVED,
        `enum value "${o.name}.${v.name}" (${v.value}) was removed: an old peer still sends it, and the new one does not know it`,
      ),
    );
  }
}

function compareService(o: Service, n: Service, out: Change[]): void {
  if (o.extends !== undefined && o.extends.name !== n.extends?.name) {
    out.push(
      breaking(
        "wire",
        nameSpan(n),
        ChangeCode.SERVICE_EXTENDS_CHANGED,
        `service "${n.name}" no longer extends "${o.extends.name}": calls to the methods it inherited may fail with UNKNOWN_METHOD`,
      ),
    );
  }
  const oldMethods = allMethods(o);
  const newMethods = allMethods(n);
  const newByName = new Map(newMethods.map((m) => [m.name, m]));
  const oldNames = new Set(oldMethods.map((m) => m.name));
  const added = newMethods.filter((m) => !oldNames.has(m.name));
  for (const m of oldMethods) {
    const owner = `method "${n.name}.${m.name}"`;
    const same = newByName.get(m.name);
    if (same === undefined) {
      const renamed = added.filter((a) => signature(a) === signature(m));
      out.push(
        renamed.length === 1
          ? breaking(
              "wire",
              nameSpan(renamed[0]!),
              ChangeCode.METHOD_RENAMED,
              `${owner} was renamed to "${renamed[0]!.name}": the method name is on the wire, so old clients get UNKNOWN_METHOD`,
            )
          : breaking(
              "wire",
              nameSpan(m),
              ChangeCode.METHOD_REMOVED,
              `${owner} was removed: old clients calling it get UNKNOWN_METHOD`,
            ),
      );
      continue;
    }
    compareMethod(owner, m, same, out);
  }
}

/** A method without its name: argument and result wire types, oneway. */
function signature(m: Method): string {
  const params = m.params.map((p) => `${p.id}:${wireShape(p.type, false)}`).join(",");
  const result = m.returnType === undefined ? "void" : wireShape(m.returnType, false);
  return `${m.oneway ? "oneway " : ""}(${params})${result}`;
}

function compareMethod(owner: string, o: Method, n: Method, out: Change[]): void {
  if (o.oneway !== n.oneway) {
    out.push(
      breaking(
        "wire",
        nameSpan(n),
        ChangeCode.METHOD_ONEWAY_CHANGED,
        `${owner} ${n.oneway ? "became" : "is no longer"} oneway: ${n.oneway ? "old clients wait for a reply that never comes" : "new clients wait for a reply an old server never sends"}`,
      ),
    );
  }
  const sameResult =
    o.returnType === undefined || n.returnType === undefined
      ? o.returnType === n.returnType
      : sameOnWire(o.returnType, n.returnType);
  if (!sameResult) {
    out.push(
      breaking(
        "wire",
        nameSpan(n),
        ChangeCode.RESULT_TYPE_CHANGED,
        `${owner} now returns ${typeName(n.returnType)}, not ${typeName(o.returnType)}: a client of the other version cannot read the result`,
      ),
    );
  } else if (
    o.returnType !== undefined &&
    n.returnType !== undefined &&
    apiShape(o.returnType) !== apiShape(n.returnType)
  ) {
    out.push(
      breaking(
        "api",
        nameSpan(n),
        ChangeCode.FIELD_TS_TYPE_CHANGED,
        `${owner} now returns ${typeName(n.returnType)}, not ${typeName(o.returnType)}: the same bytes, but a different TypeScript type`,
      ),
    );
  }
  compareFields("argument", owner, o.params, n.params, out);
  compareFields("exception", owner, o.throws, n.throws, out);
}
