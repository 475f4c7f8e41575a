// idlc's checked model against Apache Thrift's own parse of the same files: Debian's
// `thrift --gen json` (0.17) prints its model, and idlc's model, rendered in the same shape, must
// equal it: field ids (auto-assigned ones too), requiredness, defaults, enum values, const values,
// typedefs, services, extends, throws, docs and annotations. The fixtures stay within what 0.17
// accepts (no uuid, no keyword field names, no reserved words).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import * as model from "../../compiler/check/model.js";
import { checkFiles } from "../../compiler/compile.js";
import { describeWithTool, requireTool } from "../support/tools.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith(".thrift"));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

describeWithTool("thrift", "idlc's model agrees with Apache Thrift's (thrift --gen json)", () => {
  const out = mkdtempSync(join(tmpdir(), "idlc-compat-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test("the fixtures cover every construct", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(6);
  });

  test.each(fixtures)("%s", (fixture) => {
    const dir = join(out, fixture);
    const thrift = requireTool("thrift").path!;
    mkdirSync(dir, { recursive: true });
    const run = spawnSync(thrift, ["-r", "--gen", "json", "-out", dir, join(FIXTURES, fixture)], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status, run.stderr).toBe(0);

    const result = checkFiles([join(FIXTURES, fixture)]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.allPrograms.length).toBeGreaterThan(0);
    for (const program of result.allPrograms) {
      const apache = emptyMapsAsLists(readApacheJson(join(dir, `${program.name}.json`)));
      expect(apacheView(program)).toEqual(apache);
    }
  });
});

/**
 * Apache's JSON with integers of 16+ digits as strings (JSON.parse would round them), and doc
 * comments without the trailing newline Apache's cleanup leaves (idlc's parser drops it).
 */
function readApacheJson(path: string): Json {
  const text = readFileSync(path, "utf8").replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"$2"');
  return JSON.parse(text, (key, value: Json) =>
    key === "doc" && typeof value === "string" ? value.replace(/\n$/, "") : value,
  ) as Json;
}

/**
 * A list or set default written `{}`: Apache's JSON generator prints the value as written (a map),
 * while its code generators read it as an empty list (t_const_value::get_list), which is what
 * idlc's model holds (with a warning).
 */
function emptyMapsAsLists(json: Json): Json {
  if (Array.isArray(json)) return json.map(emptyMapsAsLists);
  if (json === null || typeof json !== "object") return json;
  const out = Object.fromEntries(Object.entries(json).map(([k, v]) => [k, emptyMapsAsLists(v)]));
  const { typeId, default: value } = out;
  const isEmptyMap =
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 0;
  if ((typeId === "list" || typeId === "set") && isEmptyMap) out.default = [];
  return out;
}

/** An idlc program in the shape of Apache's `t_json_generator` output. */
function apacheView(program: model.Program): Json {
  const defs = program.definitions;
  return {
    name: program.name,
    ...doc(program.doc),
    namespaces: Object.fromEntries(program.namespaces),
    includes: program.includes.map((p) => p.name),
    enums: defs.filter((d): d is model.Enum => d.kind === "enum").map(enumView),
    typedefs: defs.filter((d): d is model.Typedef => d.kind === "typedef").map(typedefView),
    structs: defs
      .filter(
        (d): d is model.Struct =>
          d.kind === "struct" || d.kind === "union" || d.kind === "exception",
      )
      .map(structView),
    constants: defs.filter((d): d is model.Const => d.kind === "const").map(constView),
    services: defs.filter((d): d is model.Service => d.kind === "service").map(serviceView),
  };

  function enumView(e: model.Enum): Json {
    return {
      name: e.name,
      ...doc(e.doc),
      ...annotations(e.annotations),
      members: e.values.map((v) => ({
        name: v.name,
        value: v.value,
        ...doc(v.doc),
        ...annotations(v.annotations),
      })),
    };
  }

  function typedefView(t: model.Typedef): Json {
    return { name: t.name, ...doc(t.doc), ...annotations(t.annotations), ...typeView(t.type) };
  }

  function structView(s: model.Struct): Json {
    return {
      name: s.name,
      ...doc(s.doc),
      ...annotations(s.annotations),
      isException: s.kind === "exception",
      isUnion: s.kind === "union",
      fields: s.fields.map(fieldView),
    };
  }

  function fieldView(f: model.Field): Json {
    return {
      key: f.id,
      name: f.name,
      ...typeView(f.type),
      ...doc(f.doc),
      ...annotations(f.annotations),
      required: f.requiredness === "default" ? "req_out" : f.requiredness,
      ...(f.defaultValue === undefined ? {} : { default: valueView(f.defaultValue) }),
    };
  }

  function constView(c: model.Const): Json {
    return { name: c.name, ...typeView(c.type), ...doc(c.doc), value: valueView(c.value) };
  }

  function serviceView(s: model.Service): Json {
    return {
      name: s.name,
      ...doc(s.doc),
      ...(s.extends ? { extends: qualified(s.extends) } : {}),
      ...annotations(s.annotations),
      functions: s.methods.map((m) => ({
        name: m.name,
        ...doc(m.doc),
        ...(m.returnType === undefined
          ? { returnTypeId: "void" }
          : prefixed("return", typeView(m.returnType))),
        oneway: m.oneway,
        ...annotations(m.annotations),
        arguments: m.params.map(fieldView),
        exceptions: m.throws.map(fieldView),
      })),
    };
  }

  function qualified(d: model.Definition): string {
    return d.program === program ? d.name : `${d.program.name}.${d.name}`;
  }

  /** `{ typeId, type? }` as Apache prints a type (typedefs resolved, enums as i32). */
  function typeView(type: model.Type): { typeId: string; type?: Json } {
    const t = model.resolveType(type);
    switch (t.kind) {
      case "base":
        return { typeId: t.name };
      case "enum":
        return { typeId: "i32" };
      case "struct":
        return {
          typeId: t.definition.kind,
          type: { typeId: t.definition.kind, class: qualified(t.definition) },
        };
      case "list":
      case "set":
        return {
          typeId: t.kind,
          type: {
            typeId: t.kind,
            ...annotations(t.annotations),
            ...prefixed("elem", typeView(t.element)),
          },
        };
      case "map":
        return {
          typeId: "map",
          type: {
            typeId: "map",
            ...annotations(t.annotations),
            ...prefixed("key", typeView(t.key)),
            ...prefixed("value", typeView(t.value)),
          },
        };
      case "unresolved":
        throw new Error("unresolved type in an error-free model");
    }
  }
}

/** `{ typeId, type }` → `{ elemTypeId, elemType }` (Apache's names inside containers). */
function prefixed(prefix: string, view: { typeId: string; type?: Json }): Record<string, Json> {
  return {
    [`${prefix}TypeId`]: view.typeId,
    ...(view.type === undefined ? {} : { [`${prefix}Type`]: view.type }),
  };
}

function doc(text: string | undefined): Record<string, Json> {
  return text === undefined ? {} : { doc: text };
}

function annotations(list: model.Annotations): Record<string, Json> {
  if (list.length === 0) return {};
  return { annotations: Object.fromEntries(list.map((a) => [a.key, a.value])) };
}

/** A constant as Apache prints it: bools and enums as integers, maps as objects. */
function valueView(value: model.ConstValue): Json {
  switch (value.kind) {
    case "bool":
      return value.value ? 1 : 0;
    case "int": {
      const text = String(value.value);
      return text.replace("-", "").length >= 16 ? text : Number(value.value);
    }
    case "double":
      return value.value;
    case "string":
      return value.value;
    case "enum":
      return value.member.value;
    case "list":
      return value.items.map(valueView);
    case "map":
      return Object.fromEntries(
        value.entries.map((e) => [String(valueView(e.key)), valueView(e.value)]),
      );
    case "struct":
      return Object.fromEntries(value.fields.map((f) => [f.field.name, valueView(f.value)]));
  }
}
