// Step 1 of the demo: bring generated/ up to date with idl/commerce.idl. It does what
// `idlc compile idl/commerce.idl -o generated` does, in-process, so the launcher can tell "stale,
// rewrote it" from "already up to date" by comparing the compiler's output with what is on disk.
// This is the only file of the demo that uses the compiler (`idlc/compiler`, the compiler's public
// API); the services use only its output.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { compile } from "idlc/compiler";

/** What step 1 did: the files it rewrote (empty when generated/ was current), or why it failed. */
export type RegenerateResult =
  | { readonly kind: "ok"; readonly written: readonly string[]; readonly unchanged: number }
  | { readonly kind: "error"; readonly report: string };

/** Compiles `idlPath` and writes each output into `outDir` whose content differs from the disk. */
export async function regenerateIfStale(
  idlPath: string,
  outDir: string,
): Promise<RegenerateResult> {
  const { ok, modules, diagnostics, summary } = await compile([idlPath]);
  if (!ok)
    return { kind: "error", report: [...diagnostics.map((d) => d.text), summary].join("\n") };
  const written: string[] = [];
  for (const { path, text } of modules) {
    const target = join(outDir, path);
    const onDisk = await readFile(target, "utf8").catch(() => undefined);
    if (onDisk === text) continue;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text);
    written.push(target);
  }
  return { kind: "ok", written, unchanged: modules.length - written.length };
}
