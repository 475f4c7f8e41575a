// `idlc init` in a folder that already has a package.json (say, the one `npm install idlc`
// just wrote): the template's fields are merged in rather than the file replaced. What the
// user already has wins where it does not contradict the project (their idlc spec, their other
// scripts); a contradiction (`"type": "commonjs"`, a different `start` script) is a conflict,
// reported, and only --force replaces it.
import type { PackageJson } from "./cli-init-files.js";

/** The merged package.json text, or what in the user's file contradicts the template. */
export type MergeResult =
  | { readonly kind: "merged"; readonly text: string }
  | { readonly kind: "conflict"; readonly conflicts: readonly string[] };

/** Merges the template's package.json into the user's `existing` text. */
export function mergePackageJson(existing: string, template: PackageJson): MergeResult {
  let user: unknown;
  try {
    user = JSON.parse(existing);
  } catch (e) {
    return { kind: "conflict", conflicts: [`package.json is not JSON (${(e as Error).message})`] };
  }
  if (typeof user !== "object" || user === null || Array.isArray(user))
    return { kind: "conflict", conflicts: ["package.json is not a JSON object"] };
  const merged: PackageJson = { ...(user as PackageJson) };
  const conflicts: string[] = [];
  if (merged.type === undefined) merged.type = template.type;
  else if (merged.type !== template.type)
    conflicts.push(`"type" is ${JSON.stringify(merged.type)}, the project needs "module"`);
  for (const field of ["scripts", "dependencies", "devDependencies", "allowScripts"] as const) {
    const theirs: Record<string, unknown> = merged[field] ?? {};
    const ours: Record<string, unknown> = template[field] ?? {};
    const out: Record<string, unknown> = { ...theirs };
    for (const [name, value] of Object.entries(ours)) {
      const current = theirs[name];
      if (current === undefined) out[name] = value;
      // A different script would not do what the tour says; a version spec or policy is theirs.
      else if (field === "scripts" && current !== value)
        conflicts.push(`"scripts.${name}" is ${JSON.stringify(current)}`);
    }
    (merged as Record<string, unknown>)[field] = out;
  }
  if (conflicts.length > 0) return { kind: "conflict", conflicts };
  return { kind: "merged", text: `${JSON.stringify(merged, null, 2)}\n` };
}
