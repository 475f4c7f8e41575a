// A generated IDL of about 2 MB: 20,000 structs and a 2,000-method service (the size the
// compiler's performance target names). Deterministic, error-free, and uses forward references,
// typedefs, enums, constants and includes-free cross references.

/** The text of the large IDL; `structs` and `methods` scale it. */
export function generateLargeIdl(structs = 20_000, methods = 2_000): string {
  const out: string[] = [
    "/** A generated stress test. */",
    "namespace js large",
    "",
    "typedef i64 Id",
    "enum Kind { ALPHA, BETA, GAMMA = 10, DELTA }",
    "const i32 LIMIT = 100",
    "",
  ];
  for (let i = 0; i < structs; i++) {
    const next = (i + 1) % structs; // a forward reference, and a cycle through all structs
    out.push(
      `/** S${i}. */`,
      `struct S${i} {`,
      `  1: required Id id`,
      `  2: list<S${next}> kids`,
      `  3: Kind kind = Kind.GAMMA`,
      `}`,
    );
  }
  out.push("exception Failed { 1: string why }", "service Big {");
  for (let i = 0; i < methods; i++) {
    out.push(
      `  S${i % structs} call${i}(1: Id id, 2: S${(i * 7) % structs} arg) throws (1: Failed failed)`,
    );
  }
  out.push("}", "");
  return out.join("\n");
}
