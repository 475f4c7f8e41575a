// The pipeline entry points: checkFiles (load + check) and compile (+ emit), in memory.
import { describe, expect, test } from "vitest";
import { checkFiles, compile, type EmitCache } from "../../compiler/compile.js";
import { idl, memoryFiles } from "./check-support.js";

const files = {
  "idl/shop.thrift": idl('include "common/base.thrift"', "struct Item { 1: base.Money price }"),
  "idl/common/base.thrift": idl("struct Money { 1: required i64 units }"),
  "idl/other.thrift": idl('include "common/base.thrift"', "struct Other {}"),
};

describe("checkFiles", () => {
  test("entry programs first, in the order given; each included program once", () => {
    const result = checkFiles(["idl/other.thrift", "idl/shop.thrift"], {
      readFile: memoryFiles(files),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.programs.map((p) => p.path)).toEqual(["idl/other.thrift", "idl/shop.thrift"]);
    expect(result.allPrograms.map((p) => p.path)).toEqual([
      "idl/other.thrift",
      "idl/shop.thrift",
      "idl/common/base.thrift",
    ]);
    const [other, shop, base] = result.allPrograms;
    expect(other!.includes).toEqual([base]);
    expect(shop!.includes).toEqual([base]);
    expect(result.inputs).toEqual([
      "idl/other.thrift",
      "idl/common/base.thrift",
      "idl/shop.thrift",
    ]);
  });

  test("diagnostics of all files come sorted by file and position", () => {
    const result = checkFiles(["b.thrift", "a.thrift"], {
      readFile: memoryFiles({
        "a.thrift": idl("struct A { 1: Nope x }", "struct B { 1: Nope y }"),
        "b.thrift": idl("struct C { 1: Nope z }"),
      }),
    });
    expect(result.diagnostics.map((d) => `${d.span.file.path}:${d.span.start}`)).toEqual([
      "a.thrift:14",
      "a.thrift:37",
      "b.thrift:14",
    ]);
  });
});

describe("compile", () => {
  test("one module per program, included ones too; none when there is an error", async () => {
    const ok = await compile(["idl/shop.thrift"], { readFile: memoryFiles(files) });
    expect(ok.outputs.map((o) => o.path)).toEqual(["shop.ts", "base.ts"]);
    const bad = await compile(["bad.thrift"], {
      readFile: memoryFiles({ "bad.thrift": idl("struct A { 1: Nope x }") }),
    });
    expect(bad.outputs).toEqual([]);
    expect(bad.diagnostics.map((d) => d.code)).toEqual(["unknown-type"]);
  });

  test("with a cache, only programs whose inputs changed are emitted again", async () => {
    const cache: EmitCache = new Map();
    const mutable: Record<string, string> = { ...files };
    const first = await compile(["idl/shop.thrift", "idl/other.thrift"], {
      readFile: memoryFiles(mutable),
      cache,
    });
    const again = await compile(["idl/shop.thrift", "idl/other.thrift"], {
      readFile: memoryFiles(mutable),
      cache,
    });
    expect(again.outputs).toHaveLength(3);
    again.outputs.forEach((o, i) => expect(o).toBe(first.outputs[i])); // reused, not re-emitted

    mutable["idl/other.thrift"] = idl('include "common/base.thrift"', "struct Other { 1: i32 x }");
    const changed = await compile(["idl/shop.thrift", "idl/other.thrift"], {
      readFile: memoryFiles(mutable),
      cache,
    });
    expect(changed.outputs[0]).toBe(first.outputs[0]); // shop: unchanged
    expect(changed.outputs[1]).not.toBe(first.outputs[1]); // other: re-emitted
    expect(changed.outputs[2]).toBe(first.outputs[2]); // base: unchanged

    mutable["idl/common/base.thrift"] = idl("struct Money { 1: required i64 cents }");
    const baseChanged = await compile(["idl/shop.thrift", "idl/other.thrift"], {
      readFile: memoryFiles(mutable),
      cache,
    });
    // Every module that includes base depends on it, so all three are emitted again.
    baseChanged.outputs.forEach((o, i) => expect(o).not.toBe(changed.outputs[i]));
  });
});
