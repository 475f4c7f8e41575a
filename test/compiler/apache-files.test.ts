// Apache Thrift's own test IDL files (test/ThriftTest.thrift and test/EnumTest.thrift, copied from
// apache/thrift at c8f8761, 2026-08) stay accepted: what Apache accepts idlc accepts, and where
// Apache is lenient (`set<binary> bin_set = {}`, `MyEnum2 f = MyEnum1.ME2_2`) with a warning that
// says what Apache does. Apache's model of the two constructs is compared in apache-compat.test.ts
// (fixtures/apache-leniency.thrift); the files themselves need a newer thrift than Debian's 0.17
// (uuid) or print JSON that does not parse (collections as map keys), so here thrift only has to
// accept EnumTest.thrift and agree on the one value.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type * as model from "../../compiler/check/model.js";
import { checkFiles, compile } from "../../compiler/compile.js";
import { describeWithTool, requireTool } from "../support/tools.js";
import { checkSource, idl } from "./check-support.js";

const APACHE = join(import.meta.dirname, "fixtures", "apache");
const THRIFT_TEST = join(APACHE, "ThriftTest.thrift");
const ENUM_TEST = join(APACHE, "EnumTest.thrift");

function described(path: string): string[] {
  return checkFiles([path]).diagnostics.map((d) => {
    const { line } = d.span.file.position(d.span.start);
    return `${d.severity} ${d.code} ${line}`;
  });
}

function field(path: string, struct: string, name: string): model.Field {
  const [program] = checkFiles([path]).programs;
  const definition = program!.definitions.find((d) => d.name === struct) as model.Struct;
  return definition.fields.find((f) => f.name === name)!;
}

describe("Apache's own test IDL", () => {
  test("ThriftTest.thrift: no error; the empty-braces set default is a warning", () => {
    expect(described(THRIFT_TEST)).toEqual([
      "warning unknown-namespace-scope 42",
      "warning empty-map-as-collection 424",
    ]);
    expect(field(THRIFT_TEST, "OptionalBinary", "bin_set").defaultValue).toEqual({
      kind: "list",
      items: [],
    });
  });

  test("EnumTest.thrift: no error; the value named through the wrong enum is a warning", () => {
    expect(described(ENUM_TEST)).toEqual(["warning enum-value-by-name 80"]);
    const me2 = field(ENUM_TEST, "MyStruct", "me2_2").defaultValue;
    expect(me2).toMatchObject({ kind: "enum", member: { name: "ME2_2", value: 2 } });
    expect(me2 && me2.kind === "enum" && me2.definition.name).toBe("MyEnum2");
  });

  test("both compile to TypeScript", async () => {
    const result = await compile([THRIFT_TEST, ENUM_TEST]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.outputs.map((o) => o.path).sort()).toEqual(["EnumTest.ts", "ThriftTest.ts"]);
  });
});

describe("the leniencies, one by one", () => {
  function messages(main: string): string[] {
    return checkSource(main).diagnostics.map((d) => `${d.severity}: ${d.message}`);
  }

  test("{} for a list or set: an empty one, with a warning", () => {
    const main = idl("struct S {", "  1: set<i32> s = {}", "  2: list<i32> l = {}", "}");
    expect(messages(main)).toEqual([
      'warning: "{}" is an empty map; Apache reads it as an empty set for default value of field "s" (write "[]")',
      'warning: "{}" is an empty map; Apache reads it as an empty list for default value of field "l" (write "[]")',
    ]);
  });

  test("a map with entries for a list is still an error", () => {
    const main = idl("struct S {", "  1: list<i32> l = { 1: 2 }", "}");
    expect(messages(main)).toEqual([
      'error: default value of field "l" must be a list<i32>, not a map',
    ]);
  });

  test("an enum value found only in the field's enum: a warning", () => {
    const main = idl("enum A { X }", "enum B { Y }", "struct S {", "  1: B b = A.Y", "}");
    expect(messages(main)).toEqual([
      'warning: "A.Y" does not exist; Apache drops the prefix and takes "Y" of the field\'s enum, B.Y (write "B.Y")',
    ]);
  });

  test("not in the field's enum either: still an error", () => {
    const main = idl("enum A { X }", "enum B { Y }", "struct S {", "  1: B b = A.Z", "}");
    expect(messages(main)).toEqual(['error: enum "A" has no value "Z"']);
  });
});

describeWithTool("thrift", "Apache's compiler on EnumTest.thrift", () => {
  const out = mkdtempSync(join(tmpdir(), "idlc-apache-files-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test("accepts it, and gives me2_2 the value idlc gives it (2)", () => {
    const run = spawnSync(requireTool("thrift").path!, ["--gen", "json", "-out", out, ENUM_TEST], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const json = readFileSync(join(out, "EnumTest.json"), "utf8");
    expect(json).toMatch(/"name": "me2_2",[^}]*"default": 2\n/);
  });
});
