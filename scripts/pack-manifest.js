// The packed package.json has no `prepare` script: a tarball ships dist/ built, so there is
// nothing to prepare, and npm 11 warns about every non-registry package that has one
// ("install-scripts … not yet covered by allowScripts"). `npm pack` runs
// `node scripts/pack-manifest.js strip` (prepack) and `restore` (postpack), the way `pinst` does
// for husky. The original text is kept beside node_modules/ until restored, so a failed pack
// leaves nothing lost: `node scripts/pack-manifest.js restore` puts it back.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MANIFEST = join(ROOT, "package.json");
const BACKUP = join(ROOT, "node_modules", ".cache", "idlc-package.json");

/** Writes through a temporary file and a rename, so a reader never sees half a package.json. */
function writeAtomically(path, text) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const action = process.argv[2];
if (action === "strip") {
  const text = readFileSync(MANIFEST, "utf8");
  const pkg = JSON.parse(text);
  if (pkg.scripts?.prepare !== undefined) {
    // node_modules/.cache need not exist yet (a fresh `npm ci` makes none).
    mkdirSync(dirname(BACKUP), { recursive: true });
    writeFileSync(BACKUP, text);
    delete pkg.scripts.prepare;
    writeAtomically(MANIFEST, `${JSON.stringify(pkg, null, 2)}\n`);
  }
} else if (action === "restore") {
  if (existsSync(BACKUP)) {
    writeAtomically(MANIFEST, readFileSync(BACKUP, "utf8"));
    rmSync(BACKUP);
  }
} else {
  process.stderr.write("usage: node scripts/pack-manifest.js strip|restore\n");
  process.exit(2);
}
