// `idlc breaking`, the comparison: old/new IDL pairs inline → the codes and where they point
// (`new.thrift:line:col`, or `old.thrift:…` for a removal).
import { describe, expect, test } from "vitest";
import { compareContracts } from "../../../compiler/breaking/compare.js";
import { checkFiles } from "../../../compiler/compile.js";
import { idl, memoryFiles } from "../check-support.js";

function changes(
  before: string,
  after: string,
  wireOnly = false,
  others: Record<string, string> = {},
) {
  const read = memoryFiles({ "old.thrift": before, "new.thrift": after, ...others });
  const o = checkFiles(["old.thrift"], { readFile: read });
  const n = checkFiles(["new.thrift"], { readFile: read });
  expect([...o.diagnostics, ...n.diagnostics].filter((d) => d.severity === "error")).toEqual([]);
  return compareContracts(o.allPrograms, n.allPrograms, { wireOnly }).map((c) => {
    const { line, column } = c.span.file.position(c.span.start);
    return `${c.severity} ${c.category} ${c.code} ${c.span.file.path}:${line}:${column}`;
  });
}

const MONEY = idl(
  "struct Money {",
  "  1: required string currency",
  "  2: optional i64 units",
  "}",
);

// [what, old, new, expected changes]
const CASES: [string, string, string, string[]][] = [
  // wire
  [
    "field type changed",
    MONEY,
    idl("struct Money {", "  1: required string currency", "  2: optional string units", "}"),
    ["error wire field-type-changed new.thrift:3:22"],
  ],
  [
    "field id reused",
    MONEY,
    idl("struct Money {", "  1: required string currency", "  2: optional double amount", "}"),
    ["error wire field-id-reused new.thrift:3:22"],
  ],
  [
    "field moved to another id",
    MONEY,
    idl("struct Money {", "  1: required string currency", "  3: optional i64 units", "}"),
    ["error wire field-id-changed new.thrift:3:19"],
  ],
  [
    "field made required",
    MONEY,
    idl("struct Money {", "  1: required string currency", "  2: required i64 units", "}"),
    ["error wire field-made-required new.thrift:3:19"],
  ],
  [
    "field no longer required",
    MONEY,
    idl("struct Money {", "  1: optional string currency", "  2: optional i64 units", "}"),
    ["error wire field-no-longer-required new.thrift:2:22"],
  ],
  [
    "new required field",
    MONEY,
    idl(
      "struct Money {",
      "  1: required string currency",
      "  2: optional i64 units",
      "  3: required i32 scale",
      "}",
    ),
    ["error wire required-field-added new.thrift:4:19"],
  ],
  [
    "required field removed",
    MONEY,
    idl("struct Money {", "  2: optional i64 units", "}"),
    ["error wire required-field-removed old.thrift:2:22"],
  ],
  [
    "struct became a union",
    MONEY,
    idl("union Money {", "  1: string currency", "  2: i64 units", "}"),
    [
      "error wire struct-kind-changed new.thrift:1:7",
      "error wire field-no-longer-required new.thrift:2:13",
    ],
  ],
  [
    "enum value removed and renumbered",
    idl("enum Status {", "  OPEN = 1,", "  PAID = 2,", "  VOID = 3", "}"),
    idl("enum Status {", "  OPEN = 1,", "  PAID = 4", "}"),
    [
      "error wire enum-value-renumbered new.thrift:3:3",
      "error wire enum-value-removed old.thrift:4:3",
    ],
  ],
  [
    "method removed, renamed, made oneway",
    idl("service S {", "  void a(1: i32 x)", "  void b(1: string y)", "  void c()", "}"),
    idl("service S {", "  void renamedA(1: i32 x)", "  oneway void c()", "}"),
    [
      "error wire method-renamed new.thrift:2:8",
      "error wire method-oneway-changed new.thrift:3:15",
      "error wire method-removed old.thrift:3:8",
    ],
  ],
  [
    "argument and result types changed",
    idl("service S {", "  i32 get(1: i64 id)", "}"),
    idl("service S {", "  string get(1: string id)", "}"),
    [
      "error wire result-type-changed new.thrift:2:10",
      "error wire argument-type-changed new.thrift:2:24",
    ],
  ],
  [
    "exception removed from throws",
    idl(
      "exception E {}",
      "exception F {}",
      "service S {",
      "  void f() throws (1: E e, 2: F f)",
      "}",
    ),
    idl("exception E {}", "exception F {}", "service S {", "  void f() throws (1: E e)", "}"),
    ["error wire exception-removed old.thrift:4:33"],
  ],
  [
    "service renamed",
    idl("service Orders {", "  void place()", "}"),
    idl("service OrderDesk {", "  void place()", "}"),
    ["error wire service-renamed new.thrift:1:9"],
  ],
  [
    "service removed",
    idl("service Orders {", "  void place()", "}", "service Other {}"),
    idl("service Other {}"),
    ["error wire service-removed old.thrift:1:9"],
  ],
  [
    "service no longer extends its base",
    idl("service Base {", "  void ping()", "}", "service S extends Base {}"),
    idl("service Base {", "  void ping()", "}", "service S {}"),
    [
      "error wire service-extends-changed new.thrift:4:9",
      "error wire method-removed old.thrift:2:8",
    ],
  ],
  // safe
  [
    "new optional field, enum value, method, service, reorder, docs",
    idl(
      "enum E { A = 1 }",
      "struct T {",
      "  1: optional i32 a",
      "  2: optional i32 b",
      "}",
      "service S {",
      "  void f()",
      "}",
    ),
    idl(
      "/** Docs. */",
      "enum E { A = 1, B = 2 }",
      "struct T {",
      "  /** b first */",
      '  2: optional i32 b (note = "x")',
      "  1: optional i32 a",
      "  3: optional string c",
      "}",
      "service S {",
      "  void f()",
      "  void g()",
      "}",
      "service Extra {}",
    ),
    [],
  ],
  [
    "a method moved into a base service keeps its name on the wire",
    idl("service S {", "  void ping()", "}"),
    idl("service Base {", "  void ping()", "}", "service S extends Base {}"),
    [],
  ],
  [
    "enum for i32 and binary for string: same bytes, other TypeScript types",
    idl("enum E { A = 1 }", "struct T {", "  1: optional i32 e", "  2: optional string s", "}"),
    idl("enum E { A = 1 }", "struct T {", "  1: optional E e", "  2: optional binary s", "}"),
    [
      "error api field-ts-type-changed new.thrift:3:17",
      "error api field-ts-type-changed new.thrift:4:22",
    ],
  ],
  [
    "new exception in throws is a warning",
    idl("exception E {}", "service S {", "  void f()", "}"),
    idl("exception E {}", "service S {", "  void f() throws (1: E e)", "}"),
    ["warning wire exception-added new.thrift:3:25"],
  ],
  [
    "changed default value is a warning",
    idl("struct T {", "  1: i32 a = 1", "}"),
    idl("struct T {", "  1: i32 a = 2", "}"),
    ["warning wire default-changed new.thrift:2:10"],
  ],
  [
    "a field's struct type swapped for one with the same fields: TypeScript only",
    idl(
      "struct A {",
      "  1: optional i32 x",
      "}",
      "struct B {",
      "  1: optional i32 x",
      "}",
      "struct T {",
      "  1: optional A v",
      "}",
    ),
    idl(
      "struct A {",
      "  1: optional i32 x",
      "}",
      "struct B {",
      "  1: optional i32 x",
      "}",
      "struct T {",
      "  1: optional B v",
      "}",
    ),
    ["error api field-ts-type-changed new.thrift:8:17"],
  ],
  [
    "a field's struct type swapped for one with other fields: wire",
    idl(
      "struct A {",
      "  1: optional i32 x",
      "}",
      "struct B {",
      "  1: optional string x",
      "}",
      "struct T {",
      "  1: optional A v",
      "}",
    ),
    idl(
      "struct A {",
      "  1: optional i32 x",
      "}",
      "struct B {",
      "  1: optional string x",
      "}",
      "struct T {",
      "  1: optional B v",
      "}",
    ),
    ["error wire field-type-changed new.thrift:8:17"],
  ],
  [
    "a struct's body changes: reported once, in the struct, not at each use",
    idl(
      "struct A {",
      "  1: optional i32 x",
      "}",
      "struct T {",
      "  1: optional A v",
      "  2: optional list<A> l",
      "}",
    ),
    idl(
      "struct A {",
      "  1: optional i64 x",
      "}",
      "struct T {",
      "  1: optional A v",
      "  2: optional list<A> l",
      "}",
    ),
    ["error wire field-type-changed new.thrift:2:19"],
  ],
  // TypeScript API
  [
    "renamed field, type, argument and enum value",
    idl(
      "enum E { A = 1 }",
      "struct T {",
      "  1: optional i32 a",
      "}",
      "service S {",
      "  void f(1: i32 x)",
      "}",
    ),
    idl(
      "enum E { AA = 1 }",
      "struct U {",
      "  1: optional i32 a",
      "}",
      "service S {",
      "  void f(1: i32 y)",
      "}",
    ),
    [
      "error api enum-value-renamed new.thrift:1:10",
      "error api definition-renamed new.thrift:2:8",
      "error api argument-renamed new.thrift:6:17",
    ],
  ],
  [
    "removed definitions and fields",
    idl(
      "struct T {",
      "  1: optional i32 a",
      "  2: optional i32 b",
      "}",
      "const i32 K = 1",
      "typedef i64 Id",
    ),
    idl("struct T {", "  1: optional i32 a", "}"),
    [
      "error api field-removed old.thrift:3:19",
      "error api definition-removed old.thrift:5:11",
      "error api definition-removed old.thrift:6:13",
    ],
  ],
  [
    "typedef target changed: API at the typedef, wire at each use",
    idl("typedef i64 Id", "struct T {", "  1: optional Id id", "}"),
    idl("typedef string Id", "struct T {", "  1: optional Id id", "}"),
    ["error api typedef-changed new.thrift:1:16", "error wire field-type-changed new.thrift:3:18"],
  ],
];

describe("idlc breaking: changes found", () => {
  test.each(CASES)("%s", (_what, before, after, expected) => {
    expect(changes(before, after)).toEqual(expected);
  });

  test("--wire-only keeps only what breaks bytes", () => {
    const before = idl("struct T {", "  1: optional i32 a", "  2: optional i64 b", "}");
    const after = idl("struct U {", "  1: optional i32 renamed", "  2: optional string b", "}");
    expect(changes(before, after)).toEqual(["error api definition-removed old.thrift:1:8"]);
    const before2 = idl("struct T {", "  1: optional i32 a", "  2: optional i64 b", "}");
    const after2 = idl("struct T {", "  1: optional i32 renamed", "  2: optional string b", "}");
    expect(changes(before2, after2)).toEqual([
      "error api field-renamed new.thrift:2:19",
      "error wire field-type-changed new.thrift:3:22",
    ]);
    expect(changes(before2, after2, true)).toEqual([
      "error wire field-type-changed new.thrift:3:22",
    ]);
  });

  test("included programs are compared by program name, positions in the include", () => {
    const main = idl('include "base.thrift"', "struct T {", "  1: optional base.Money m", "}");
    const read = memoryFiles({
      "old/main.thrift": main,
      "old/base.thrift": idl("struct Money {", "  1: optional i64 units", "}"),
      "new/main.thrift": main,
      "new/base.thrift": idl("struct Money {", "  1: optional double units", "}"),
    });
    const o = checkFiles(["old/main.thrift"], { readFile: read });
    const n = checkFiles(["new/main.thrift"], { readFile: read });
    const found = compareContracts(o.allPrograms, n.allPrograms).map(
      (c) => `${c.code} ${c.span.file.path}:${c.span.file.position(c.span.start).line}`,
    );
    expect(found).toEqual(["field-type-changed new/base.thrift:2"]);
  });
});
