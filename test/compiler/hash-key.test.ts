// `(idlc.hash_key = "arg")` on a method: checked to name a string or integer argument, and
// emitted as the argument's position (`hashKeyArg`) that clients hash on.
import { describe, expect, test } from "vitest";
import { compile } from "../../compiler/compile.js";
import { describeDiagnostic, idl, memoryFiles } from "./check-support.js";

async function compileMain(text: string) {
  return compile(["main.thrift"], { readFile: memoryFiles({ "main.thrift": text }) });
}

describe("idlc.hash_key", () => {
  test("names an argument: its position is emitted as hashKeyArg, other methods get none", async () => {
    const { outputs, diagnostics } = await compileMain(
      idl(
        "typedef i64 UserId",
        "service Carts {",
        '  void add(1: string sku, 2: UserId userId) (idlc.hash_key = "userId")',
        '  string get(1: string userId) (idempotent, idlc.hash_key = "userId")',
        "  void plain(1: string userId)",
        "}",
      ),
    );
    expect(diagnostics).toEqual([]);
    const text = outputs[0]!.text;
    const descriptor = (name: string) =>
      text.slice(text.indexOf(`name: "${name}",`)).split("writeArgs")[0]!;
    expect(descriptor("add")).toContain("hashKeyArg: 1,");
    expect(descriptor("get")).toContain("hashKeyArg: 0,");
    expect(descriptor("plain")).not.toContain("hashKeyArg");
  });

  test("an unknown argument or a type that cannot be hashed is an error at the annotation", async () => {
    const { diagnostics } = await compileMain(
      idl(
        "struct Cart {}",
        "service Carts {",
        '  void a(1: string user) (idlc.hash_key = "userId")',
        '  void b() (idlc.hash_key = "x")',
        '  void c(1: Cart cart) (idlc.hash_key = "cart")',
        "}",
      ),
    );
    expect(diagnostics.map(describeDiagnostic)).toEqual([
      'error unknown-hash-key 3:27 "idlc.hash_key = \\"userId\\""',
      'error unknown-hash-key 4:13 "idlc.hash_key = \\"x\\""',
      'error hash-key-type 5:25 "idlc.hash_key = \\"cart\\""',
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'idlc.hash_key names "userId", which is not an argument of "a" (its arguments: "user")',
      'idlc.hash_key names "x", which is not an argument of "b" (it has none)',
      'idlc.hash_key argument "cart" must be a string or an integer, not struct',
    ]);
  });
});
