// The syntax stage builds the AST item by item while the parser runs (parse.ts), a speed-up for
// big files. It must give exactly what building from the whole tree afterwards gives: the same
// document, spans and diagnostics, on valid files, broken files and garbage alike.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { SourceFile } from "../../compiler/source.js";
import { parseSource } from "../../compiler/syntax/parse.js";
import { generateLargeIdl } from "./large-idl.js";

function expectSameBothWays(text: string): void {
  const file = new SourceFile("p.thrift", text);
  const whileParsing = parseSource(file);
  const afterwards = parseSource(file, { buildWhileParsing: false });
  expect(whileParsing).toEqual(afterwards);
}

const here = import.meta.dirname;
const idlFiles = ["fixtures", "fixtures/shared", "fixtures/apache", "bad", "golden"].flatMap(
  (dir) => {
    const full = join(here, dir);
    return readdirSync(full)
      .filter((name) => /\.(idl|thrift)$/.test(name))
      .map((name) => join(full, name));
  },
);
idlFiles.push(join(here, "..", "..", "idl", "commerce.idl"));

describe("building while parsing gives what building afterwards gives", () => {
  test("the fixtures exist", () => expect(idlFiles.length).toBeGreaterThan(20));

  test.each(idlFiles.map((path) => [path.slice(here.length + 1), path]))("%s", (_, path) => {
    expectSameBothWays(readFileSync(path, "utf8"));
  });

  test("a generated big IDL", () => expectSameBothWays(generateLargeIdl(300, 30)));

  const piece = fc.constantFrom(
    ..."{ } ( ) < > [ ] : ; , = * & 1 -2 0x1F 1.5 x y.z T".split(" "),
    ..."namespace include cpp_include typedef enum senum struct union exception service".split(" "),
    ..."const required optional void oneway throws extends map list set string i32".split(" "),
    ...["java_package", "xsd_attrs", '"s"', '"open', "/** doc */", "// c\n", "/* open", "@"],
  );
  test("token soup, errors and recovery included", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, fc.constantFrom(" ", "\n")), { maxLength: 60 }), (p) =>
        expectSameBothWays(p.map(([t, ws]) => t + ws).join("")),
      ),
      { numRuns: 1500 },
    );
  });

  test("a valid file with characters inserted, deleted or replaced", () => {
    const base = readFileSync(join(here, "..", "..", "idl", "commerce.idl"), "utf8");
    fc.assert(
      fc.property(
        fc.nat({ max: base.length - 1 }),
        fc.nat({ max: 3 }),
        fc.constantFrom("", "}", "{", ")", ";", "x", "1:", "<", "/**d*/"),
        (at, deleted, inserted) =>
          expectSameBothWays(base.slice(0, at) + inserted + base.slice(at + deleted)),
      ),
      { numRuns: 200 },
    );
  });
});
