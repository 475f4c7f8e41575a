// IDL annotations at run time: the generated codecs and service descriptor of
// test/compiler/golden/annotations.idl carry them in source order, repeated keys included, and a
// definition without any reads as empty (never undefined), so code can look them up blindly.
import { describe, expect, test } from "vitest";
import type { Annotations, StructCodec } from "idlc/runtime";
import {
  Catalog,
  Lookup,
  Plain,
  Product,
  Quiet,
  Throttled,
} from "../compiler/golden/annotations.js";

/** What a user would write: the value of the first annotation with this key, if any. */
function lookup(list: Annotations | undefined, key: string): string | undefined {
  return list?.find((a) => a.key === key)?.value;
}

describe("struct, union and exception annotations", () => {
  test("a struct's own annotations, in source order", () => {
    expect(Product.annotations).toEqual([
      { key: "table", value: "products" },
      { key: "cache.ttl", value: "60s" },
    ]);
  });

  test("field annotations by IDL field name; a repeated key keeps every value; no value reads 1", () => {
    expect(lookup(Product.fieldAnnotations["sku"], "validate")).toBe("^[A-Z0-9-]+$");
    expect(Product.fieldAnnotations["priceCents"]).toEqual([
      { key: "unit", value: "cents" },
      { key: "unit", value: "USD" },
    ]);
    expect(Product.fieldAnnotations["legacyCode"]).toEqual([{ key: "deprecated", value: "1" }]);
    expect(Object.keys(Product.fieldAnnotations)).toEqual(["sku", "priceCents", "legacyCode"]);
  });

  test("no annotations read as empty, not undefined", () => {
    expect(Plain.annotations).toEqual([]);
    expect(Plain.fieldAnnotations).toEqual({});
    expect(Quiet.annotations).toEqual([]);
    expect(Quiet.fieldAnnotations).toEqual({});
  });

  test("unions and exceptions carry theirs too", () => {
    expect(lookup(Lookup.annotations, "cpp.type")).toBe("LookupValue");
    expect(lookup(Lookup.fieldAnnotations["sku"], "index")).toBe("primary");
    expect(lookup(Throttled.annotations, "retryable")).toBe("true");
    expect(lookup(Throttled.fieldAnnotations["retryAfterMs"], "unit")).toBe("ms");
  });

  test("metadata can drive generic code: a validator reading `validate` patterns", () => {
    function validate<T extends object>(codec: StructCodec<T>, value: T): string[] {
      const problems: string[] = [];
      for (const [field, list] of Object.entries(codec.fieldAnnotations)) {
        const pattern = lookup(list, "validate");
        const v: unknown = (value as Record<string, unknown>)[field];
        if (pattern !== undefined && typeof v === "string" && !new RegExp(pattern).test(v))
          problems.push(`${codec.name}.${field}: ${JSON.stringify(v)} does not match ${pattern}`);
      }
      return problems;
    }
    expect(validate(Product, Product.create({ sku: "AB-12" }))).toEqual([]);
    expect(validate(Product, Product.create({ sku: "ab 12" }))).toEqual([
      'Product.sku: "ab 12" does not match ^[A-Z0-9-]+$',
    ]);
  });

  test("annotations do not change the bytes", () => {
    const bytes = Product.encode({ sku: "X-1", priceCents: 1999n });
    expect(Product.decode(bytes)).toEqual({ sku: "X-1", priceCents: 1999n });
  });
});

describe("service and method annotations", () => {
  test("the service, its methods and their parameters", () => {
    expect(Catalog.annotations).toEqual([{ key: "owner", value: "catalog-team" }]);
    const get = Catalog.methods.get("get");
    expect(get?.idempotent).toBe(true);
    expect(lookup(get?.annotations, "cache")).toBe("5s");
    expect(get?.argAnnotations).toEqual({ key: [{ key: "trace", value: "key" }] });
  });
});
