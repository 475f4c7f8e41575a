// The parser and AST builder (compiler/syntax/{grammar,build-ast,parse}.ts) against spec
// thrift-idl.md §2–§5, §8 and §13: every construct's AST shape, some spans, doc comments, and
// the syntax errors with their codes and positions.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SourceFile } from "../../compiler/source.js";
import type * as ast from "../../compiler/syntax/ast.js";
import { cleanDocText, cleanDocTextByLines } from "../../compiler/syntax/doc-comments.js";
import { serializedGrammar } from "../../compiler/syntax/grammar.js";
import { MAX_NESTING_DEPTH, parseSource } from "../../compiler/syntax/parse.js";
import { allTokens } from "../../compiler/syntax/tokens.js";
import { describeWithTool, requireTool } from "../support/tools.js";

function parse(text: string) {
  const file = new SourceFile("t.thrift", text);
  const result = parseSource(file);
  return {
    ...result,
    file,
    errors: result.diagnostics.map((d) => {
      const { line, column } = file.position(d.span.start);
      return `${d.code}@${line}:${column}`;
    }),
    messages: result.diagnostics.map((d) => d.message),
  };
}

/** Parses text that must be valid and returns its document. */
function valid(text: string): ast.Document {
  const { document, diagnostics } = parse(text);
  expect(diagnostics.map((d) => d.message)).toEqual([]);
  return document;
}

/** Parses text that must be valid and hold exactly one definition, of the given kind. */
function only<T extends ast.Definition["kind"]>(
  text: string,
  kind: T,
): ast.Definition & { kind: T } {
  const { definitions } = valid(text);
  expect(definitions).toHaveLength(1);
  expect(definitions[0]!.kind).toBe(kind);
  return definitions[0] as ast.Definition & { kind: T };
}

/** The source text a span covers. */
function textOf(span: { start: number; end: number; file: SourceFile }): string {
  return span.file.text.slice(span.start, span.end);
}

const id = (text: string) => ({ kind: "identifier", text });
const int = (value: bigint, text = String(value)) => ({ kind: "int-const", value, text });
const base = (name: string) => ({ kind: "base-type", name, annotations: [] });

describe("headers", () => {
  test("include, cpp_include and namespaces, in any order", () => {
    const { headers, definitions } = valid(
      `include "shared/base.thrift"\n` +
        `namespace java com.example.api (a = "b", c)\n` +
        `cpp_include '<vector>'\n` +
        `namespace * example\n` +
        `namespace py.twisted tw\n` +
        `include 'a.b.thrift'`,
    );
    expect(definitions).toEqual([]);
    expect(headers).toMatchObject([
      { kind: "include", path: "shared/base.thrift" },
      {
        kind: "namespace",
        scope: "java",
        value: id("com.example.api"),
        annotations: [
          { key: id("a"), value: "b" },
          { key: id("c"), value: "1" },
        ],
      },
      { kind: "cpp-include", path: "<vector>" },
      { kind: "namespace", scope: "*", value: id("example"), annotations: [] },
      { kind: "namespace", scope: "py.twisted", value: id("tw") },
      { kind: "include", path: "a.b.thrift" },
    ]);
    const include = headers[0] as ast.IncludeNode;
    expect(textOf(include)).toBe(`include "shared/base.thrift"`);
    expect(textOf(include.pathSpan)).toBe(`"shared/base.thrift"`);
    const namespace = headers[1] as ast.NamespaceNode;
    expect(textOf(namespace.scopeSpan)).toBe("java");
    expect(textOf(namespace)).toBe(`namespace java com.example.api (a = "b", c)`);
  });

  test("an empty file, or one of only comments, is an empty document", () => {
    for (const text of ["", "  \n", "// nothing\n/* here */ # at all"]) {
      const document = valid(text);
      expect(document).toMatchObject({ kind: "document", headers: [], definitions: [] });
      expect(document).toMatchObject({ start: 0, end: text.length });
    }
  });

  test("a namespace value is a name, not a string", () => {
    const { errors, messages } = parse(`namespace java "x"`);
    expect(errors).toEqual(["syntax-error@1:16"]);
    expect(messages).toEqual(['expected a name after "java", found "x"']);
  });

  test("headers after a definition are an error, and still kept", () => {
    const { errors, messages, document } = parse(
      `struct A {}\ninclude "x.thrift"\nnamespace js x\ncpp_include "y"`,
    );
    expect(errors).toEqual([
      "headers-after-definitions@2:1",
      "headers-after-definitions@3:1",
      "headers-after-definitions@4:1",
    ]);
    expect(messages).toEqual([
      "include must come before the first definition",
      "namespace must come before the first definition",
      "cpp_include must come before the first definition",
    ]);
    expect(document.headers).toHaveLength(3);
  });

  test("annotations after namespace * are rejected (spec §8)", () => {
    const { errors, messages } = parse(`namespace * x (a = "b")`);
    expect(errors).toEqual(["misplaced-annotations@1:15"]);
    expect(messages).toEqual(['annotations are not allowed after "namespace *"']);
  });

  test("legacy namespace declarations say what to write instead", () => {
    const cases: [string, string][] = [
      [
        "java_package com.x",
        'unsupported declaration "java_package", use "namespace java" instead',
      ],
      ["cpp_namespace x", 'unsupported declaration "cpp_namespace", use "namespace cpp" instead'],
      ["py_module a.b", 'unsupported declaration "py_module", use "namespace py" instead'],
      ["perl_package X", 'unsupported declaration "perl_package", use "namespace perl" instead'],
      ["php_namespace X", 'unsupported declaration "php_namespace", use "namespace php" instead'],
      [
        "ruby_namespace X",
        'unsupported declaration "ruby_namespace", use "namespace ruby" instead',
      ],
      [
        "smalltalk_category X",
        'unsupported declaration "smalltalk_category", use "namespace st" instead',
      ],
      [
        "smalltalk_prefix X",
        'unsupported declaration "smalltalk_prefix", use "namespace st" instead',
      ],
      ['xsd_namespace "u"', 'unsupported declaration "xsd_namespace", use "namespace xsd" instead'],
      [
        "delphi_namespace X",
        'unsupported declaration "delphi_namespace", use "namespace delphi" instead',
      ],
    ];
    for (const [text, message] of cases) {
      const result = parse(`${text}\nstruct S { 1: i32 x }`);
      expect(result.errors).toEqual(["unsupported-declaration@1:1"]);
      expect(result.messages).toEqual([message]);
      expect(result.document.definitions).toHaveLength(1); // and parsing carried on
    }
  });

  test("the removed keywords are plain names elsewhere (0.18+)", () => {
    const struct = only(
      "struct java_package { 1: i32 senum, 2: java_package py_module }",
      "struct",
    );
    expect(struct.name.text).toBe("java_package");
    expect(struct.fields.map((f) => f.name.text)).toEqual(["senum", "py_module"]);
  });
});

describe("const", () => {
  test("every kind of value", () => {
    const { definitions } = valid(
      [
        "const i32 A = 10",
        "const i64 B = -0x10;",
        "const double C = 1.5,",
        "const bool D = true",
        "const string E = 'it\\'s'",
        "const i32 F = Color.RED",
        'const list<string> G = ["a", "b",]',
        "const set<i32> H = [1 2 3]",
        "const map<string, i32> I = {'a': 1, \"b\": 2; }",
        "const Point J = {'x': 1, 'y': [], 'z': {}}",
        "const list<i32> K = []",
      ].join("\n"),
    );
    const values = (definitions as ast.ConstDefinition[]).map((d) => d.value);
    expect(values).toMatchObject([
      int(10n),
      int(-16n, "-0x10"),
      { kind: "double-const", value: 1.5, text: "1.5" },
      int(1n, "true"),
      { kind: "string-const", value: "it's" },
      { kind: "ref-const", name: "Color.RED" },
      {
        kind: "list-const",
        items: [
          { kind: "string-const", value: "a" },
          { kind: "string-const", value: "b" },
        ],
      },
      { kind: "list-const", items: [int(1n), int(2n), int(3n)] },
      {
        kind: "map-const",
        entries: [
          { key: { value: "a" }, value: int(1n) },
          { key: { value: "b" }, value: int(2n) },
        ],
      },
      {
        kind: "map-const",
        entries: [
          { key: { value: "x" }, value: int(1n) },
          { key: { value: "y" }, value: { kind: "list-const", items: [] } },
          { key: { value: "z" }, value: { kind: "map-const", entries: [] } },
        ],
      },
      { kind: "list-const", items: [] },
    ]);
    const first = definitions[0] as ast.ConstDefinition;
    expect(first).toMatchObject({ kind: "const", type: base("i32"), name: id("A") });
    expect(textOf(first)).toBe("const i32 A = 10");
    // A trailing separator is not part of the definition's span.
    expect(textOf(definitions[1]!)).toBe("const i64 B = -0x10");
    expect(textOf((definitions[8] as ast.ConstDefinition).value)).toBe(`{'a': 1, "b": 2; }`);
  });

  test("a base type may carry annotations even in a const", () => {
    const c = only(`const i32 (a = "b") C = 1`, "const");
    expect(c.type).toMatchObject({
      kind: "base-type",
      name: "i32",
      annotations: [{ key: id("a") }],
    });
  });

  test("annotations on the const itself are rejected", () => {
    const { errors, messages } = parse(`const i32 X = 1 (a = "b")`);
    expect(errors).toEqual(["misplaced-annotations@1:17"]);
    expect(messages).toEqual(["annotations are not allowed on a const"]);
  });
});

describe("typedef", () => {
  test("any type, annotations after the new name, optional separator", () => {
    const { definitions } = valid(
      `typedef i64 Cents\ntypedef base.Money Money (x = "y");\ntypedef map<string, Later> M,`,
    );
    expect(definitions).toMatchObject([
      { kind: "typedef", type: base("i64"), name: id("Cents"), annotations: [] },
      {
        kind: "typedef",
        type: { kind: "named-type", name: "base.Money" },
        name: id("Money"),
        annotations: [{ key: id("x"), value: "y" }],
      },
      { kind: "typedef", type: { kind: "map-type" }, name: id("M") },
    ]);
    expect(textOf(definitions[1]!)).toBe(`typedef base.Money Money (x = "y")`);
  });
});

describe("enum", () => {
  test("implicit, explicit, negative and hex values, annotations, separators", () => {
    const e = only(`enum Color { RED, GREEN = 5 (x = "1"); BLUE = -3 CYAN = 0x10, }`, "enum");
    expect(e.name).toMatchObject(id("Color"));
    expect(e.values).toMatchObject([
      { kind: "enum-value", name: id("RED"), value: undefined, annotations: [] },
      { name: id("GREEN"), value: int(5n), annotations: [{ key: id("x"), value: "1" }] },
      { name: id("BLUE"), value: int(-3n) },
      { name: id("CYAN"), value: int(16n, "0x10") },
    ]);
    expect(textOf(e.values[1]!)).toBe(`GREEN = 5 (x = "1")`);
  });

  test("empty, and annotated after its }", () => {
    const e = only(`enum E {} (a)`, "enum");
    expect(e.values).toEqual([]);
    expect(e.annotations).toMatchObject([{ key: id("a"), value: "1" }]);
  });

  test("an enum value takes an integer, not a name", () => {
    const { errors, messages } = parse("enum E { A = X }");
    expect(errors).toEqual(["syntax-error@1:14"]);
    expect(messages).toEqual(['expected an integer after "=", found "X"']);
  });
});

describe("struct, union, exception", () => {
  test("fields: ids, requiredness, defaults, reference, annotations", () => {
    const s = only(
      `struct Item {
        1: required string sku,
        2: optional i64 price = 100;
        3: Node & next
        i32 noId
        -1: bool negative (ui.hidden)
      }`,
      "struct",
    );
    expect(s.fields).toMatchObject([
      { id: int(1n), requiredness: "required", type: base("string"), name: id("sku") },
      { id: int(2n), requiredness: "optional", defaultValue: int(100n), reference: false },
      { id: int(3n), type: { kind: "named-type", name: "Node" }, reference: true },
      { id: undefined, requiredness: "default", requirednessSpan: undefined, name: id("noId") },
      { id: int(-1n), annotations: [{ key: id("ui.hidden"), value: "1" }] },
    ]);
    expect(textOf(s.fields[0]!)).toBe("1: required string sku");
    expect(textOf(s.fields[0]!.requirednessSpan!)).toBe("required");
    expect(textOf(s.fields[1]!)).toBe("2: optional i64 price = 100");
    expect(textOf(s.fields[4]!)).toBe("-1: bool negative (ui.hidden)");
  });

  test("union and exception have the same shape; bodies may be empty", () => {
    const { definitions } = valid(
      `union U { 1: string a; 2: i64 b }\nexception E {}\nstruct S {} (a = "b")`,
    );
    expect(definitions).toMatchObject([
      { kind: "union", name: id("U"), fields: [{ name: id("a") }, { name: id("b") }] },
      { kind: "exception", name: id("E"), fields: [] },
      { kind: "struct", name: id("S"), fields: [], annotations: [{ key: id("a") }] },
    ]);
  });

  test("keywords are field names (0.18+), types are still keywords", () => {
    const s = only(
      "struct K { 1: i8 i8, 2: string string, 3: list<string> list, 4: uuid uuid, " +
        "5: i32 namespace 6: i32 include 7: i32 void 8: i32 oneway 9: i32 async " +
        "10: i32 required 11: i32 optional 12: i32 service 13: i32 throws }",
      "struct",
    );
    expect(s.fields.map((f) => f.name.text)).toEqual([
      "i8",
      "string",
      "list",
      "uuid",
      "namespace",
      "include",
      "void",
      "oneway",
      "async",
      "required",
      "optional",
      "service",
      "throws",
    ]);
  });

  test("cpp_type, xsd_* and true are not field names", () => {
    expect(parse("struct S { 1: i32 cpp_type }").errors).toEqual(["syntax-error@1:19"]);
    expect(parse("struct S { 1: i32 xsd_all }").errors).toEqual(["syntax-error@1:19"]);
    expect(parse("struct S { 1: i32 true }").errors).toEqual(["syntax-error@1:19"]);
  });

  test("xsd_all, xsd_optional, xsd_nillable and xsd_attrs parse and mean nothing", () => {
    const s = only(
      `struct S xsd_all { 1: i32 a xsd_optional xsd_nillable xsd_attrs { 1: string x } (k = "v"), 2: i32 b }`,
      "struct",
    );
    expect(s.fields).toMatchObject([
      { name: id("a"), annotations: [{ key: id("k"), value: "v" }] },
      { name: id("b") },
    ]);
  });

  test("no separator after the } of a definition", () => {
    const { errors, messages, document } = parse("struct A {};\nstruct B {}");
    expect(errors).toEqual(["syntax-error@1:12"]);
    expect(messages).toEqual([
      'unexpected ";" after "}": a definition ends at its "}", without a separator',
    ]);
    expect(document.definitions.map((d) => d.name.text)).toEqual(["A", "B"]);
  });

  test("one separator at most between fields", () => {
    const { errors, messages } = parse("struct A { 1: i32 x;; 2: i32 y }");
    expect(errors).toEqual(["syntax-error@1:21"]);
    expect(messages).toEqual(['unexpected ";" after ";"']);
  });
});

describe("service", () => {
  test("functions: oneway/async, void, params with full field syntax, throws, annotations", () => {
    const svc = only(
      `service Shop extends base.Base {
        Item get(1: Lookup key, 2: optional i32 n = 5 (p = "q")) throws (1: base.NotFound notFound),
        oneway void touch(1: string sku);
        async void old()
        void none() throws () (f = "g")
        list<i32> ids()
      } (svc)`,
      "service",
    );
    expect(svc).toMatchObject({
      name: id("Shop"),
      extends: id("base.Base"),
      annotations: [{ key: id("svc") }],
    });
    expect(svc.functions).toMatchObject([
      {
        kind: "function",
        oneway: false,
        asyncKeyword: false,
        returnType: { kind: "named-type", name: "Item" },
        name: id("get"),
        params: [
          { id: int(1n), name: id("key") },
          {
            id: int(2n),
            requiredness: "optional",
            defaultValue: int(5n),
            annotations: [{ key: id("p") }],
          },
        ],
        throws: [{ id: int(1n), type: { kind: "named-type", name: "base.NotFound" } }],
      },
      { oneway: true, asyncKeyword: false, returnType: undefined, name: id("touch") },
      { oneway: true, asyncKeyword: true, name: id("old"), params: [], throws: undefined },
      { name: id("none"), throws: [], annotations: [{ key: id("f"), value: "g" }] },
      { name: id("ids"), returnType: { kind: "list-type", element: base("i32") } },
    ]);
    const [get, touch, old, none] = svc.functions;
    expect(textOf(get!.returnSpan)).toBe("Item");
    expect(textOf(get!.throwsSpan!)).toBe("throws (1: base.NotFound notFound)");
    expect(textOf(get!)).toBe(
      `Item get(1: Lookup key, 2: optional i32 n = 5 (p = "q")) throws (1: base.NotFound notFound)`,
    );
    expect(textOf(touch!.returnSpan)).toBe("void");
    expect(textOf(touch!.onewaySpan!)).toBe("oneway");
    expect(textOf(old!.onewaySpan!)).toBe("async");
    expect(textOf(none!.throwsSpan!)).toBe("throws ()");
    expect(old!.throwsSpan).toBeUndefined();
  });

  test("an empty service, a service extending nothing", () => {
    const svc = only("service S {}", "service");
    expect(svc).toMatchObject({ functions: [], extends: undefined });
  });

  test("the argument list is mandatory; void is only a return type", () => {
    expect(parse("service S { void f }").errors).toEqual(["syntax-error@1:20"]);
    const voidField = parse("struct S {\n  1: void v\n}");
    expect(voidField.errors).toEqual(["syntax-error@2:6"]);
    expect(voidField.messages).toEqual(['expected a type after ":", found "void"']);
  });

  test("a missing return type reads as a missing name", () => {
    const { messages } = parse("service S { f() }");
    expect(messages).toEqual(['expected a name after "f", found "("']);
  });
});

describe("types", () => {
  test("base types (byte kept as written), named types, containers nested", () => {
    const s = only(
      "struct T { 1: bool a 2: byte b 3: i8 c 4: i16 d 5: i32 e 6: i64 f 7: double g " +
        "8: string h 9: binary i 10: uuid j 11: inc.Type k " +
        "12: map<string, list<set<i32>>> l 13: list<map<Key, Value>> m }",
      "struct",
    );
    expect(s.fields.map((f) => f.type)).toMatchObject([
      base("bool"),
      base("byte"),
      base("i8"),
      base("i16"),
      base("i32"),
      base("i64"),
      base("double"),
      base("string"),
      base("binary"),
      base("uuid"),
      { kind: "named-type", name: "inc.Type" },
      {
        kind: "map-type",
        key: base("string"),
        value: { kind: "list-type", element: { kind: "set-type", element: base("i32") } },
      },
      {
        kind: "list-type",
        element: {
          kind: "map-type",
          key: { kind: "named-type", name: "Key" },
          value: { kind: "named-type", name: "Value" },
        },
      },
    ]);
    expect(textOf(s.fields[11]!.type)).toBe("map<string, list<set<i32>>>");
  });

  test("annotations on base and container types and on type arguments", () => {
    const s = only(
      `struct T { 1: list<i32 (x = "1")> (y = "2") a, 2: map<string (k = "v"), i32> b, 3: i32 (z) c }`,
      "struct",
    );
    expect(s.fields.map((f) => f.type)).toMatchObject([
      {
        kind: "list-type",
        element: { kind: "base-type", annotations: [{ key: id("x"), value: "1" }] },
        annotations: [{ key: id("y"), value: "2" }],
      },
      { kind: "map-type", key: { annotations: [{ key: id("k"), value: "v" }] } },
      { kind: "base-type", name: "i32", annotations: [{ key: id("z"), value: "1" }] },
    ]);
    expect(textOf(s.fields[0]!.type)).toBe(`list<i32 (x = "1")> (y = "2")`);
  });

  test("annotation lists: separators optional, repeated keys kept", () => {
    const t = only(`typedef i32 X (a = "1", b = '2'; c d = "4", a = "5",)`, "typedef");
    expect(t.annotations.map((a) => [a.key.text, a.value])).toEqual([
      ["a", "1"],
      ["b", "2"],
      ["c", "1"],
      ["d", "4"],
      ["a", "5"],
    ]);
  });

  test("an annotation value must be a string", () => {
    expect(parse("typedef i32 X (a = 1)").errors).toEqual(["syntax-error@1:20"]);
  });

  test("cpp_type before < (0.18+) and after > on lists, before < on maps and sets", () => {
    const s = only(
      `struct T { 1: list cpp_type "std::vector<int>" <i32> a, 2: list<i32> cpp_type "D" b, ` +
        `3: map cpp_type "M" <i32, i32> c, 4: set cpp_type "S" <i32> d }`,
      "struct",
    );
    expect(s.fields.map((f) => f.type.kind)).toEqual([
      "list-type",
      "list-type",
      "map-type",
      "set-type",
    ]);
  });

  test("a named type takes no annotations (rejected with one precise error)", () => {
    const { errors, messages, document } = parse(`struct A {\n  1: T (a = "b") t\n}`);
    expect(errors).toEqual(["misplaced-annotations@2:8"]);
    expect(messages).toEqual([
      'annotations are not allowed after the named type "T", only after base and container types',
    ]);
    expect((document.definitions[0] as ast.StructDefinition).fields[0]!.name.text).toBe("t");
  });
});

describe("removed forms", () => {
  test("senum is reported once and becomes a string typedef", () => {
    const { errors, messages, document } = parse(
      `senum Colors { "red", "blue" }\nstruct S { 1: Colors c }`,
    );
    expect(errors).toEqual(["unsupported-senum@1:1"]);
    expect(messages).toEqual(['"senum" is no longer supported, use "string" instead']);
    expect(document.definitions[0]).toMatchObject({
      kind: "typedef",
      name: id("Colors"),
      type: base("string"),
    });
  });

  test("slist is reported and read as string, unless the file defines slist", () => {
    const { errors, messages, document } = parse("struct S { 1: slist names }");
    expect(errors).toEqual(["unsupported-slist@1:15"]);
    expect(messages).toEqual(['"slist" is no longer supported, use "string" instead']);
    expect((document.definitions[0] as ast.StructDefinition).fields[0]!.type).toMatchObject(
      base("string"),
    );
    const s = valid("typedef list<string> slist\nstruct S { 1: slist names }");
    expect((s.definitions[1] as ast.StructDefinition).fields[0]!.type.kind).toBe("named-type");
  });
});

describe("doc comments", () => {
  test("attach to definitions, fields, enum values, functions and arguments", () => {
    const document = valid(`
      /** The item. */
      struct Item {
        /** Its SKU. */
        1: string sku
        2: i32 undocumented
      }
      /** Colors. */
      enum Color {
        /** Red. */ RED,
        GREEN
      }
      /** The shop. */
      service Shop {
        /** Gets. */
        Item get(/** The key. */ 1: string key) throws (/** Gone. */ 1: NotFound nf)
      }
      /** Answer. */
      const i32 A = 42
      /** Alias. */
      typedef i32 T
    `);
    const [item, color, shop, a, t] = document.definitions as [
      ast.StructDefinition,
      ast.EnumDefinition,
      ast.ServiceDefinition,
      ast.ConstDefinition,
      ast.TypedefDefinition,
    ];
    // No header follows the first doc comment, so it is not the program's (spec §1.2).
    expect(document.doc).toBeUndefined();
    expect(item.doc?.text).toBe("The item.");
    expect(item.fields.map((f) => f.doc?.text)).toEqual(["Its SKU.", undefined]);
    expect(color.doc?.text).toBe("Colors.");
    expect(color.values.map((v) => v.doc?.text)).toEqual(["Red.", undefined]);
    expect(shop.doc?.text).toBe("The shop.");
    const get = shop.functions[0]!;
    expect(get.doc?.text).toBe("Gets.");
    expect(get.params[0]!.doc?.text).toBe("The key.");
    expect(get.throws![0]!.doc?.text).toBe("Gone.");
    expect(a.doc?.text).toBe("Answer.");
    expect(t.doc?.text).toBe("Alias.");
    expect(textOf(item.doc!)).toBe("/** The item. */");
  });

  test("the first doc comment is the program's when a header follows it", () => {
    const document = valid(`/** Shop API. */\nnamespace js x\n/** Item. */\nstruct Item {}`);
    expect(document.doc?.text).toBe("Shop API.");
    expect(document.definitions[0]!.doc?.text).toBe("Item.");
  });

  test("a doc comment before a header documents nothing else", () => {
    const document = valid(`include "a.thrift"\n/** lost */\ninclude "b.thrift"\nstruct S {}`);
    expect(document.doc).toBeUndefined();
    expect(document.definitions[0]!.doc).toBeUndefined();
  });

  test("only the most recent doc comment counts, and only once", () => {
    const document = valid(`/** one */ /** two */ struct A {}\nstruct B {}`);
    const [a, b] = document.definitions;
    expect(a!.doc?.text).toBe("two");
    expect(b!.doc).toBeUndefined();
    expect(document.doc).toBeUndefined();
  });

  test("a doc comment left in a body documents what follows", () => {
    const document = valid("struct A { 1: i32 x /** dangling */ }\nstruct B {}");
    expect(document.definitions.map((d) => d.doc?.text)).toEqual([undefined, "dangling"]);
    expect(document.doc).toBeUndefined();
  });

  test("plain and empty comments are no doc comments", () => {
    const document = valid(`/* plain */ struct A {}\n/**/ struct B {}\n/** */ struct C {}`);
    expect(document.definitions.map((d) => d.doc)).toEqual([undefined, undefined, undefined]);
  });

  test("text is cleaned like Apache's clean_up_doctext", () => {
    expect(cleanDocText("/** One line. */")).toBe("One line.");
    expect(cleanDocText("/**\n * Star column\n * removed.\n *   Indent kept.\n */")).toBe(
      "Star column\nremoved.\n  Indent kept.",
    );
    expect(cleanDocText("/**\r\n   No stars,\r\n   common indent.   \r\n */")).toBe(
      "No stars,\ncommon indent.",
    );
    expect(cleanDocText("/**\n * a\n *\n * b\n */")).toBe("a\n\nb");
    expect(cleanDocText("/** */")).toBeUndefined();
    expect(cleanDocText("/**\n *\n */")).toBeUndefined();
  });

  test("a one-line comment is cleaned as the line-by-line steps clean it", () => {
    const char = fc.constantFrom(..." \t\r*/ax.");
    fc.assert(
      fc.property(fc.array(char, { maxLength: 12 }), (chars) => {
        const image = `/**${chars.join("")}*/`;
        expect(cleanDocText(image)).toBe(cleanDocTextByLines(image));
      }),
      { numRuns: 2000 },
    );
  });
});

describeWithTool("thrift", "doc comments agree with Apache Thrift (thrift --gen json)", () => {
  const layouts = [
    "/** One line. */",
    "/**\n * Star column\n * removed.\n *   Indent kept.\n */",
    "/**\n   No stars,\n   common indent.   \n */",
    "/**\n * a\n *\n * b\n */",
    "/** first line\n *  second */",
    "/**\n\t* tabbed\n\t* stars\n\t*/",
    "/***\n * extra star\n */",
    "/** trailing blanks   \n    */",
    "/**\n * mixed\n   no star\n */",
    "/**\r\n * CRLF\r\n * lines\r\n */",
  ];
  const files: Record<string, string> = {
    "docs.thrift": layouts.map((doc, i) => `${doc}\nstruct S${i} {}\n`).join(""),
    "header.thrift": "/** Program. */\nnamespace js x\n/** Item. */\nstruct Item {}\n",
    "lone.thrift": "/** Only. */\n",
    "sameline.thrift": "/** one */ /** two */ struct A {}\nstruct B {}\n",
    "first.thrift": "/** First. */\nstruct A {}\n/** Second. */\nstruct B {}\n",
    "dangling.thrift": "struct A { 1: i32 x /** dangling */ }\nstruct B {}\n",
  };
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "idlc-docs-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(Object.keys(files))("%s", (name) => {
    const text = files[name]!;
    writeFileSync(join(dir, name), text);
    const run = spawnSync(requireTool("thrift").path!, ["--gen", "json", "-out", dir, name], {
      cwd: dir,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const apache = JSON.parse(
      readFileSync(join(dir, name.replace(".thrift", ".json")), "utf8"),
    ) as {
      doc?: string;
      structs: { name: string; doc?: string }[];
    };
    // Apache ends each line, the last too, with "\n"; we keep no trailing newline.
    const trim = (doc: string | undefined) => doc?.replace(/\n+$/, "");
    const document = valid(text);
    // Without a header Apache sometimes keeps a program doc by accident of its lexer's
    // lookahead (lone.thrift, first.thrift); we follow spec §1.2 and keep none.
    const hasHeader = /^(namespace|include) /m.test(text);
    expect(document.doc?.text).toBe(hasHeader ? trim(apache.doc) : undefined);
    expect(document.definitions.map((d) => [d.name.text, d.doc?.text])).toEqual(
      apache.structs.map((s) => [s.name, trim(s.doc)]),
    );
  });
});

describe("syntax errors", () => {
  test("each mistake once, with what was expected and where", () => {
    const cases: [string, string, string][] = [
      ["struct A { 1 i32 x }", "syntax-error@1:14", 'expected ":" after field id 1, found "i32"'],
      [
        "struct A { 1: i32, 2: i32 y }",
        "syntax-error@1:18",
        'expected a name after "i32", found ","',
      ],
      [
        "struct A {\n  1: i32 x\n",
        "syntax-error@2:11",
        'expected a field or "}" after "x", found end of file',
      ],
      ["const i32 X 5", "syntax-error@1:13", 'expected "=" after "X", found "5"'],
      ["const i32 X =", "syntax-error@1:14", 'expected a value after "=", found end of file'],
      ["typedef i32", "syntax-error@1:12", 'expected a name after "i32", found end of file'],
      [
        "struct A { 1: map<string> x }",
        "syntax-error@1:25",
        'expected "," after "string", found ">"',
      ],
      ["struct A { 1: list<i32 x }", "syntax-error@1:24", 'expected ">" after "i32", found "x"'],
      ["struct { }", "syntax-error@1:8", 'expected a name after "struct", found "{"'],
      [
        "const list<i32> L = [1, 2",
        "syntax-error@1:26",
        'expected a value or "]" after "2", found end of file',
      ],
      [
        "const map<i32, i32> M = {1: 2, 3 4}",
        "syntax-error@1:34",
        'expected ":" after "3", found "4"',
      ],
      [
        "strcut A {}",
        "syntax-error@1:1",
        'expected a header or definition (include, namespace, const, typedef, enum, struct, union, exception, service), found "strcut"; did you mean "struct"?',
      ],
      [
        "struct A { 1: required optional i32 x }",
        "syntax-error@1:24",
        'expected a type after "required", found "optional"',
      ],
      [
        "enum E { A, B, = 3 }",
        "syntax-error@1:16",
        'expected an enum value or "}" after ",", found "="',
      ],
      ["service S { i32 }", "syntax-error@1:17", 'expected a name after "i32", found "}"'],
    ];
    for (const [text, error, message] of cases) {
      const result = parse(text);
      expect([text, result.errors, result.messages]).toEqual([text, [error], [message]]);
    }
  });

  test("a missing } before the next definition: one error, both definitions kept", () => {
    const { errors, messages, document } = parse("struct A {\n  1: i32 x\nstruct B { 1: i32 y }");
    expect(errors).toEqual(["syntax-error@3:1"]);
    expect(messages).toEqual(['expected a field or "}" after "x", found "struct"']);
    expect(document.definitions.map((d) => d.name.text)).toEqual(["A", "B"]);
  });

  test("a missing ) before the next function: one error, both functions kept", () => {
    const { errors, document } = parse("service S {\n  void f(1: i32 x\n  void g()\n}");
    expect(errors).toEqual(["syntax-error@3:3"]);
    const svc = document.definitions[0] as ast.ServiceDefinition;
    expect(svc.functions.map((f) => f.name.text)).toEqual(["f", "g"]);
  });

  test("parsing resumes after an error, so later mistakes are found too", () => {
    const { errors, document } = parse(
      [
        "struct A { 1 i32 x }",
        "junk here",
        "struct B { 1: i32 y }",
        "enum E { A = B }",
        "struct C { 1: list<i32 z }",
        "service D { void f() }",
      ].join("\n"),
    );
    expect(errors).toEqual([
      "syntax-error@1:14",
      "syntax-error@2:1",
      "syntax-error@4:14",
      "syntax-error@5:24",
    ]);
    expect(document.definitions.map((d) => d.name.text)).toEqual(["A", "B", "E", "C", "D"]);
  });

  test("a lexer error gives no parser error after it", () => {
    for (const text of [
      "struct FooÄbar {}",
      "struct S {\n  1: i32 x @\n}",
      "struct S {\n  1: i32 /* unterminated\n}",
      "const i32 X = -\nstruct S {}",
      "struct S { 1: i32 @ }",
    ]) {
      const { diagnostics } = parse(text);
      expect([text, diagnostics.filter((d) => d.code === "syntax-error")]).toEqual([text, []]);
      expect(diagnostics.length).toBeGreaterThan(0);
    }
  });

  test("a syntax error at the end of the file points after the last token", () => {
    const { diagnostics, file } = parse("struct A {\n  1: i32 x\n\n\n");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.span.start).toBe(file.text.indexOf("x") + 1);
  });

  test("binary garbage: diagnostics, no throw, capped", () => {
    const text = Array.from({ length: 5000 }, (_, i) =>
      String.fromCharCode((i * 7919) % 65536),
    ).join("");
    const { diagnostics } = parse(text);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.length).toBeLessThanOrEqual(400);
    expect(diagnostics.every((d) => d.code !== "internal-error")).toBe(true);
  });
});

describe("nesting limit", () => {
  test(`${MAX_NESTING_DEPTH} levels of brackets are fine`, () => {
    // The struct's { is one level, so the type itself may nest one less.
    const n = MAX_NESTING_DEPTH - 1;
    const s = only(`struct S { 1: ${"list<".repeat(n)}i32${">".repeat(n)} x }`, "struct");
    let type: ast.TypeNode = s.fields[0]!.type;
    let depth = 0;
    while (type.kind === "list-type") {
      type = type.element;
      depth++;
    }
    expect(depth).toBe(n);
    const n2 = MAX_NESTING_DEPTH;
    valid(`const list<i32> L = ${"[".repeat(n2)}${"]".repeat(n2)}`);
  });

  test("one level more is one nesting-too-deep error; the rest of the file still parses", () => {
    const n = MAX_NESTING_DEPTH;
    const { errors, messages, document } = parse(
      `struct A {}\nstruct S { 1: ${"list<".repeat(n)}i32${">".repeat(n)} x }\nstruct B {}`,
    );
    expect(errors).toEqual([`nesting-too-deep@2:${15 + 5 * (n - 1) + 4}`]);
    expect(messages).toEqual([
      `brackets are nested too deeply (more than ${MAX_NESTING_DEPTH} levels)`,
    ]);
    expect(document.definitions.map((d) => d.name.text)).toEqual(["A", "B"]);
  });

  test("an error deep inside nested values recovers without exhausting the stack", () => {
    const n = MAX_NESTING_DEPTH - 1;
    const { errors } = parse(`const list<i32> X = ${"[".repeat(n)}1 : 2${"]".repeat(n)}`);
    expect(errors).toEqual([`syntax-error@1:${21 + n + 2}`]);
  });
});

describe("the real-world example of spec §12", () => {
  const base = `namespace * example.base
enum Color { RED = 1, GREEN, BLUE = 10 }   // 1, 2, 10
const i32 MAX_ITEMS = 0x40                  // 64
exception NotFound { 1: string message, 2: i64 id }
service Base { void ping() }
`;
  const shop = `/** Shop API. */                            // program doc (a header follows it)
namespace js example.shop
include "shared/base.thrift"

typedef i64 Cents
const list<base.Color> DEFAULT_COLORS = [base.Color.RED, 2]   // 2 resolves to GREEN
const map<string, i32> LIMITS = { 'items': base.MAX_ITEMS, "lines": 10, }

struct Item {
  1: required string sku
  2: optional Cents price
  3: base.Color color = base.Color.BLUE
  4: list<string> tags = []
  5: bool gift (ui.hidden)                  // annotation without value = "1"
}

union Lookup { 1: string sku; 2: i64 id }

service Shop extends base.Base {
  Item get(1: Lookup key) throws (1: base.NotFound notFound),
  oneway void touch(1: string sku)
}
`;

  test("base.thrift", () => {
    const document = valid(base);
    expect(document.headers).toMatchObject([
      { kind: "namespace", scope: "*", value: id("example.base") },
    ]);
    expect(document.definitions.map((d) => `${d.kind} ${d.name.text}`)).toEqual([
      "enum Color",
      "const MAX_ITEMS",
      "exception NotFound",
      "service Base",
    ]);
    expect((document.definitions[1] as ast.ConstDefinition).value).toMatchObject(int(64n, "0x40"));
  });

  test("shop.thrift", () => {
    const document = valid(shop);
    expect(document.doc?.text).toBe("Shop API.");
    expect(document.headers.map((h) => h.kind)).toEqual(["namespace", "include"]);
    const [cents, colors, limits, item, lookup, svc] = document.definitions as [
      ast.TypedefDefinition,
      ast.ConstDefinition,
      ast.ConstDefinition,
      ast.StructDefinition,
      ast.StructDefinition,
      ast.ServiceDefinition,
    ];
    expect(cents).toMatchObject({ kind: "typedef", name: id("Cents"), doc: undefined });
    expect(colors.value).toMatchObject({
      kind: "list-const",
      items: [{ kind: "ref-const", name: "base.Color.RED" }, int(2n)],
    });
    expect(limits.value).toMatchObject({
      kind: "map-const",
      entries: [{ key: { value: "items" } }, {}],
    });
    expect(item.fields.map((f) => [f.id?.value, f.requiredness, f.name.text])).toEqual([
      [1n, "required", "sku"],
      [2n, "optional", "price"],
      [3n, "default", "color"],
      [4n, "default", "tags"],
      [5n, "default", "gift"],
    ]);
    expect(item.fields[2]!.defaultValue).toMatchObject({
      kind: "ref-const",
      name: "base.Color.BLUE",
    });
    expect(item.fields[4]!.annotations).toMatchObject([{ key: id("ui.hidden"), value: "1" }]);
    expect(lookup.kind).toBe("union");
    expect(svc.extends).toMatchObject(id("base.Base"));
    expect(svc.functions.map((f) => [f.name.text, f.oneway, f.throws?.length])).toEqual([
      ["get", false, 1],
      ["touch", true, undefined],
    ]);
  });
});

describe("implementation safety", () => {
  // recovering-parser.ts builds tree nodes with plain objects for `children`: no key may be an
  // Object.prototype member.
  test("no token, rule or label name is an Object.prototype member", () => {
    const names = new Set<string>(allTokens.map((t) => t.name));
    JSON.stringify(serializedGrammar(), (key, value: unknown) => {
      const isName = key === "name" || key === "label" || key === "terminalLabel";
      if (isName && typeof value === "string") names.add(value);
      return value;
    });
    expect(names.size).toBeGreaterThan(60);
    for (const name of names) expect([name, name in Object.prototype]).toEqual([name, false]);
  });
});
