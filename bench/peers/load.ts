// Loads generated peer code from bench/peers/generated/ at run time. It is gitignored and left
// out of type-checking, so each adapter describes the little it uses with its own interface.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { partDir, type Part } from "./generate.js";

export { packageVersion } from "./generate.js";

const requireHere = createRequire(import.meta.url);

/** Where a generated file is, or a readable error when `npm run bench` has not generated it. */
export function generatedFile(part: Part, file: string): string {
  const path = join(partDir(part), file);
  if (!existsSync(path)) {
    throw new Error(
      `${part} code is not generated (${path} is missing); run: npx tsx --conditions=idlc-source bench/peers/generate.ts`,
    );
  }
  return path;
}

/** Loads a generated CommonJS module (npm thrift, protobufjs). */
export function requireGenerated<T>(part: Part, file: string): T {
  return requireHere(generatedFile(part, file)) as T;
}

/** Loads a generated ES module (protobuf-es, idlc). */
export async function importGenerated<T>(part: Part, file: string): Promise<T> {
  return (await import(pathToFileURL(generatedFile(part, file)).href)) as T;
}

/** Loads idlc's generated module for order.thrift (its file name is in manifest.json). */
export async function importIdlcOrder<T>(): Promise<T> {
  const manifest = JSON.parse(readFileSync(generatedFile("idlc", "manifest.json"), "utf8")) as {
    module: string;
  };
  return importGenerated<T>("idlc", manifest.module);
}

/** Loads an npm package from the repository's node_modules. */
export function requirePackage<T>(name: string): T {
  return requireHere(name) as T;
}
