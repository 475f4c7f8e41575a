// The mistakes of a first hour with Thrift IDL (issue 16): misspelt base types and keywords get
// a suggestion, and a syntax error neither invents a diagnostic on the next line nor hides a
// real one after it.
import { describe, expect, test } from "vitest";
import { closestName } from "../../compiler/suggest.js";
import { checkSource, diagnose, idl } from "./check-support.js";

function messages(main: string): string[] {
  return checkSource(main).diagnostics.map((d) => `${d.severity}: ${d.message}`);
}

describe("did you mean: base types and keywords", () => {
  test.each([
    ["strng", "string"],
    ["i46", "i64"],
    ["doulbe", "double"],
    ["bianry", "binary"],
  ])("unknown type %s suggests %s", (typo, suggestion) => {
    expect(messages(idl("struct S {", `  1: ${typo} x`, "}"))).toEqual([
      `error: unknown type "${typo}"; did you mean "${suggestion}"?`,
    ]);
  });

  test("a misspelt container type suggests it", () => {
    expect(messages(idl("struct S {", "  1: lsit<i32> xs", "}"))[0]).toBe(
      'error: unknown type "lsit"; did you mean "list"?',
    );
  });

  test("the user's own names still win over a base type at the same distance", () => {
    const main = idl("struct Strng {}", "struct S {", "  1: Strnh x", "}");
    expect(messages(main)).toEqual(['error: unknown type "Strnh"; did you mean "Strng"?']);
  });

  test.each([
    ["sturct", "struct"],
    ["enun", "enum"],
    ["servce", "service"],
    ["typdef", "typedef"],
    ["exeption", "exception"],
  ])("a misspelt %s at the top level suggests %s", (typo, keyword) => {
    const [first] = messages(idl(`${typo} B {`, "  1: string x", "}"));
    expect(first).toMatch(new RegExp(`found "${typo}"; did you mean "${keyword}"\\?$`));
  });

  test("a word far from every keyword gets no suggestion", () => {
    expect(messages(idl("frobnicate B {}"))[0]).toMatch(/found "frobnicate"$/);
  });

  test("closestName: a swap is one edit, and ties go to the same letters", () => {
    expect(closestName("i46", ["i16", "i64"])).toBe("i64");
    expect(closestName("i46", ["i16"])).toBe("i16");
    expect(closestName("ab", ["xy"])).toBeUndefined();
    expect(closestName("sturct", ["struct", "string"])).toBe("struct");
  });
});

describe("recovery after a syntax error", () => {
  // `=` with its value forgotten: the next line's field id is not the value.
  const FORGOTTEN_DEFAULT = idl(
    "struct A {",
    "  1: string name =",
    "  2: i32 count",
    "  2: i32 total",
    "}",
  );

  test("no invented diagnostic on the next line", () => {
    expect(diagnose(FORGOTTEN_DEFAULT)[0]).toBe('error syntax-error 3:3 "2"');
    expect(messages(FORGOTTEN_DEFAULT)[0]).toBe('error: expected a value after "=", found "2"');
    // Before: 'default value of field "name" must be a string, not the integer 2' and
    // 'field "count" has no id' (a warning), both about code that is fine.
    expect(messages(FORGOTTEN_DEFAULT).filter((m) => /no id|default value/.test(m))).toEqual([]);
  });

  test("the real error after it is still reported", () => {
    expect(messages(FORGOTTEN_DEFAULT)).toEqual([
      'error: expected a value after "=", found "2"',
      'error: field id 2 is already used by "count" in struct "A"',
    ]);
  });

  test("an integer then ':' is still a map entry inside a default", () => {
    const main = idl("struct A {", '  1: map<i32, string> m = { 1: "a", 2: "b" }', "}");
    expect(messages(main)).toEqual([]);
  });

  test("a later definition's error survives an error in an earlier one", () => {
    const main = idl("struct A {", "  1: string a =", "}", "struct B {", "  1: Mony m", "}");
    expect(messages(main)).toEqual([
      'error: expected a value after "=", found "}"',
      'error: unknown type "Mony"',
    ]);
  });
});
