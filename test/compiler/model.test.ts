// The checked model of fixture IDLs: what the emitter will rely on (resolved types, evaluated
// constants, assigned ids, docs, annotations, services with their bases).
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import * as model from "../../compiler/check/model.js";
import { checkFiles } from "../../compiler/compile.js";
import { checkSource, idl } from "./check-support.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const REPO = join(import.meta.dirname, "..", "..");

function load(name: string): model.Program[] {
  const result = checkFiles([join(FIXTURES, name)]);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return result.allPrograms;
}

type DefinitionOf<K> = K extends model.Struct["kind"]
  ? model.Struct
  : Extract<model.Definition, { kind: K }>;

function find<K extends model.Definition["kind"]>(
  program: model.Program,
  kind: K,
  name: string,
): DefinitionOf<K> {
  const def = program.definitions.find((d) => d.name === name && d.kind === kind);
  if (def === undefined) throw new Error(`no ${kind} ${name} in ${program.name}`);
  return def as DefinitionOf<K>;
}

const ids = (fields: readonly model.Field[]) => fields.map((f) => f.id);
const value = (program: model.Program, name: string) => find(program, "const", name).value;
const int = (n: bigint) => ({ kind: "int", value: n });

describe("shop.thrift (the spec's worked example)", () => {
  const [shop, base] = load("shop.thrift") as [model.Program, model.Program];

  test("programs, includes, namespaces and docs", () => {
    expect(shop.name).toBe("shop");
    expect(base.name).toBe("base");
    expect(shop.includes).toEqual([base]);
    expect(shop.doc).toMatch(/^Shop API\.\n?$/);
    expect([...shop.namespaces]).toEqual([["js", "example.shop"]]);
    expect([...base.namespaces]).toEqual([
      ["*", "example.base"],
      ["js", "example.base"],
    ]);
  });

  test("fields: ids, requiredness, resolved types, defaults, annotations", () => {
    const item = find(shop, "struct", "Item");
    expect(item.fields.map((f) => [f.id, f.name, f.requiredness])).toEqual([
      [1, "sku", "required"],
      [2, "price", "optional"],
      [3, "color", "default"],
      [4, "tags", "default"],
      [5, "gift", "default"],
      [6, "listPrice", "default"],
      [7, "colors", "optional"],
    ]);
    const [, price, color, tags, gift, listPrice] = item.fields;
    expect(price!.type).toMatchObject({ kind: "typedef", definition: { name: "Cents" } });
    expect(model.resolveType(price!.type)).toMatchObject({ kind: "base", name: "i64" });
    const colorEnum = find(base, "enum", "Color");
    expect(color!.type).toEqual({ kind: "enum", definition: colorEnum });
    expect(color!.defaultValue).toEqual({
      kind: "enum",
      definition: colorEnum,
      member: colorEnum.values[2],
    });
    expect(tags!.defaultValue).toEqual({ kind: "list", items: [] });
    expect(gift!.annotations).toEqual([{ key: "ui.hidden", value: "1" }]);
    expect(listPrice!.defaultValue).toMatchObject({
      kind: "struct",
      definition: find(base, "struct", "Money"),
      fields: [
        { field: { name: "currency" }, value: { kind: "string", value: "EUR" } },
        { field: { name: "units" }, value: int(100n) },
      ],
    });
    expect(item.fields[0]!.doc).toMatch(/^Stock keeping unit\.\n?$/);
  });

  test("constants through includes", () => {
    const colorEnum = find(base, "enum", "Color");
    expect(value(shop, "DEFAULT_COLORS")).toEqual({
      kind: "list",
      items: [
        { kind: "enum", definition: colorEnum, member: colorEnum.values[0] },
        { kind: "enum", definition: colorEnum, member: colorEnum.values[1] },
      ],
    });
    expect(value(shop, "LIMITS")).toEqual({
      kind: "map",
      entries: [
        { key: { kind: "string", value: "items" }, value: int(64n) },
        { key: { kind: "string", value: "lines" }, value: int(10n) },
      ],
    });
    expect(colorEnum.values.map((v) => [v.name, v.value])).toEqual([
      ["RED", 1],
      ["GREEN", 2],
      ["BLUE", 10],
    ]);
  });

  test("services: extends across files, throws, oneway, annotations", () => {
    const shopService = find(shop, "service", "Shop");
    expect(shopService.extends).toBe(find(base, "service", "Base"));
    expect(model.allMethods(shopService).map((m) => m.name)).toEqual([
      "ping",
      "get",
      "touch",
      "search",
    ]);
    const [get, touch, search] = shopService.methods;
    expect(get!.throws.map((f) => [f.id, f.name, f.type])).toEqual([
      [1, "notFound", { kind: "struct", definition: find(base, "exception", "NotFound") }],
    ]);
    expect(get!.returnType).toEqual({ kind: "struct", definition: find(shop, "struct", "Item") });
    expect(touch!.oneway).toBe(true);
    expect(touch!.returnType).toBeUndefined();
    expect(search!.annotations).toEqual([{ key: "idempotent", value: "1" }]);
    expect(search!.params[1]!.defaultValue).toEqual(int(64n));
  });

  test("the union's members are optional", () => {
    expect(find(shop, "union", "Lookup").fields.map((f) => f.requiredness)).toEqual([
      "optional",
      "optional",
    ]);
  });
});

describe("ids.thrift: Apache's automatic field ids", () => {
  const [program] = load("ids.thrift") as [model.Program];

  test("per field list, -1, -2, … for missing and non-positive ids", () => {
    const implicit = find(program, "struct", "Implicit");
    expect(ids(implicit.fields)).toEqual([-1, -2, 5, -3]);
    expect(implicit.fields.map((f) => f.implicitId)).toEqual([true, true, false, true]);
    expect(ids(find(program, "struct", "NonPositive").fields)).toEqual([-1, -2, -3, 3]);
    expect(ids(find(program, "exception", "Oops").fields)).toEqual([-1]);
    expect(ids(find(program, "union", "Either").fields)).toEqual([1, -1]);
  });

  test("argument and throws lists count separately", () => {
    const [f, g] = find(program, "service", "Ids").methods;
    expect(ids(f!.params)).toEqual([-1, 2, -2]);
    expect(ids(f!.throws)).toEqual([-1, 4, -2]);
    expect(ids(g!.params)).toEqual([1]);
  });
});

describe("consts.thrift: every constant form", () => {
  const [program] = load("consts.thrift") as [model.Program];
  const level = find(program, "enum", "Level");

  test("enum values: auto-increment from explicit values, negative and hex", () => {
    expect(level.values.map((v) => v.value)).toEqual([0, 5, 6, -3, -2, 16]);
  });

  test.each([
    ["TINY", int(-128n)],
    ["SHORT", int(32767n)],
    ["DECIMAL", int(10n)],
    ["HEX", int(2147483647n)],
    ["NEG_HEX", int(-16n)],
    ["LARGE", int(9007199254740991n)],
    ["LARGER", int(9223372036854775807n)],
    ["SMALLEST", int(-9223372036854775808n)],
    ["YES", { kind: "bool", value: true }],
    ["NO", { kind: "bool", value: false }],
    ["TRUE_AS_INT", int(1n)],
    ["HALF", { kind: "double", value: 0.5 }],
    ["NEG_HALF", { kind: "double", value: -0.5 }],
    ["EXP", { kind: "double", value: 1000 }],
    ["SIGNED_EXP", { kind: "double", value: 100 }],
    ["SMALL", { kind: "double", value: 0.0015 }],
    ["FROM_INT", { kind: "double", value: 7 }],
    ["ESCAPES", { kind: "string", value: "tab\tnewline\nquote\"apostrophe'backslash\\" }],
    ["SINGLE", { kind: "string", value: 'it is "quoted"' }],
    ["BYTES", { kind: "string", value: "raw" }],
    ["LEVEL_AS_INT", int(16n)],
  ])("%s", (name, expected) => {
    expect(value(program, name)).toEqual(expected);
  });

  test("enum constants by name and by number", () => {
    expect(value(program, "LEVEL")).toEqual({
      kind: "enum",
      definition: level,
      member: level.values[2],
    });
    expect(value(program, "LEVEL_BY_NUMBER")).toEqual({
      kind: "enum",
      definition: level,
      member: level.values[1],
    });
  });

  test("containers: set duplicates kept, map duplicates last-wins, const keys", () => {
    const str = (s: string) => ({ kind: "string", value: s });
    expect(value(program, "TAGS")).toEqual({ kind: "list", items: [str("a"), str("b"), str("a")] });
    expect(value(program, "BY_NUMBER")).toEqual({
      kind: "map",
      entries: [
        { key: int(2n), value: str("deux") },
        { key: int(1n), value: str("one") },
      ],
    });
    const keyed = value(program, "KEYED_BY_CONST");
    expect(keyed.kind === "map" && keyed.entries.map((e) => e.key)).toEqual([
      str('it is "quoted"'),
      str("tab\tnewline\nquote\"apostrophe'backslash\\"),
    ]);
    expect(value(program, "DEEP")).toEqual({
      kind: "list",
      items: [
        { kind: "map", entries: [{ key: str("x"), value: { kind: "list", items: [int(1n)] } }] },
        { kind: "map", entries: [] },
      ],
    });
  });

  test("struct constants and field defaults that use constants", () => {
    const point = find(program, "struct", "Point");
    expect(point.fields[1]!.defaultValue).toEqual(int(10n));
    expect(value(program, "ORIGIN")).toEqual({
      kind: "struct",
      definition: point,
      fields: [
        { field: point.fields[0], value: int(0n) },
        { field: point.fields[1], value: int(0n) },
      ],
    });
  });
});

describe("containers.thrift and services.thrift", () => {
  test("nested containers, typedefs of containers, recursive structs", () => {
    const [program] = load("containers.thrift") as [model.Program];
    const node = find(program, "struct", "Node");
    expect(node.fields[0]!.type).toEqual({
      kind: "list",
      element: { kind: "struct", definition: node },
      annotations: [],
    });
    expect(model.resolveType(node.fields[3]!.type)).toMatchObject({
      kind: "map",
      key: { kind: "base", name: "string" },
      value: { kind: "typedef", definition: { name: "Strings" } },
    });
    expect(node.fields[7]!.type).toMatchObject({
      kind: "list",
      annotations: [{ key: "python.immutable", value: "" }],
    });
    expect(node.fields[8]!.type).toMatchObject({
      kind: "map",
      key: { kind: "base", name: "string", annotations: [{ key: "k", value: "v" }] },
    });
  });

  test("extends chains, forward argument types, service annotations", () => {
    const [program] = load("services.thrift") as [model.Program];
    const leaf = find(program, "service", "Leaf");
    expect(model.allMethods(leaf).map((m) => m.name)).toEqual([
      "ping",
      "echo",
      "notify",
      "empty",
      "batch",
      "forward",
    ]);
    expect(leaf.methods[1]!.returnType).toEqual({
      kind: "struct",
      definition: find(program, "struct", "Later"),
    });
    expect(leaf.methods[0]!.params[1]!.requiredness).toBe("required");
    expect(find(program, "service", "Annotated").annotations).toEqual([
      { key: "service.owner", value: "team-a" },
    ]);
    expect(find(program, "service", "Middle").methods[2]!.throws).toEqual([]);
  });
});

describe("inline models", () => {
  function only(source: string): model.Program {
    const result = checkSource(source);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    return result.programs[0]!;
  }

  test("list and map constants are copied by reference; struct keys and uuids", () => {
    const program = only(
      idl(
        "const list<i32> A = [1, 2]",
        "const list<i32> B = A",
        "const list<list<i32>> C = [A, B]",
        "struct K { 1: i32 k }",
        'const map<K, string> D = { {"k": 1}: "one" }',
        'const uuid U = "{00112233-4455-6677-8899-AABBCCDDEEFF}"',
        "const set<i64> S = [1, -1]",
      ),
    );
    const a = value(program, "A");
    expect(value(program, "B")).toEqual(a);
    expect(value(program, "C")).toEqual({ kind: "list", items: [a, a] });
    const d = value(program, "D");
    expect(d.kind === "map" && d.entries[0]!.key).toMatchObject({
      kind: "struct",
      fields: [{ value: int(1n) }],
    });
    expect(value(program, "U")).toEqual({
      kind: "string",
      value: "00112233-4455-6677-8899-aabbccddeeff",
    });
  });

  test("byte becomes i8; exceptions are usable as ordinary types", () => {
    const program = only(idl("exception E {}", "struct S { 1: byte b, 2: E e, 3: list<E> es }"));
    const s = find(program, "struct", "S");
    expect(s.fields[0]!.type).toEqual({ kind: "base", name: "i8", annotations: [] });
    expect(s.fields[1]!.type).toMatchObject({ kind: "struct", definition: { kind: "exception" } });
  });
});

describe("idl/commerce.idl", () => {
  const result = checkFiles([join(REPO, "idl", "commerce.idl")]);
  const [commerce] = result.programs as [model.Program];

  test("checks without a single diagnostic", () => {
    expect(result.diagnostics).toEqual([]);
  });

  test("every service extends BaseService and safe methods are idempotent", () => {
    const base = find(commerce, "service", "BaseService");
    const services = commerce.definitions.filter((d): d is model.Service => d.kind === "service");
    expect(services.map((s) => s.name)).toEqual([
      "BaseService",
      "UserService",
      "ProductService",
      "InventoryService",
      "OrderService",
      "PaymentService",
    ]);
    for (const s of services.slice(1)) expect(s.extends).toBe(base);
    const idempotent = (s: model.Service) =>
      s.methods.filter((m) => m.annotations.some((a) => a.key === "idempotent")).map((m) => m.name);
    expect(idempotent(find(commerce, "service", "InventoryService"))).toEqual([
      "getStock",
      "getStockLevels",
      "reserve",
      "commit",
      "release",
    ]);
    expect(idempotent(find(commerce, "service", "OrderService"))).not.toContain("placeOrder");
  });

  test("every definition, field, method and enum value knows where its name is", () => {
    const named: { name: string; nameSpan?: model.Field["span"] }[] = [];
    for (const d of commerce.definitions) {
      named.push(d);
      if (d.kind === "enum") named.push(...d.values);
      if (d.kind === "struct" || d.kind === "union" || d.kind === "exception")
        named.push(...d.fields);
      if (d.kind === "service") for (const m of d.methods) named.push(m, ...m.params, ...m.throws);
    }
    expect(named.length).toBeGreaterThan(200);
    for (const n of named) {
      const span = n.nameSpan!;
      expect(span.file.text.slice(span.start, span.end)).toBe(n.name);
    }
  });

  test("placeOrder, Order and the oneway method", () => {
    const orders = find(commerce, "service", "OrderService");
    const placeOrder = orders.methods.find((m) => m.name === "placeOrder")!;
    expect(placeOrder.throws.map((f) => [f.id, f.name])).toEqual([
      [1, "notFound"],
      [2, "outOfStock"],
      [3, "invalid"],
    ]);
    const order = find(commerce, "struct", "Order");
    expect(ids(order.fields)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(model.resolveType(order.fields[0]!.type)).toMatchObject({ kind: "base", name: "i64" });
    const products = find(commerce, "service", "ProductService");
    expect(products.methods.filter((m) => m.oneway).map((m) => m.name)).toEqual(["recordView"]);
    expect(find(commerce, "union", "PaymentMethod").fields).toHaveLength(4);
  });
});
