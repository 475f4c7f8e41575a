// `npm install` runs this (the `prepare` script) in a clone and when npm installs idlc from a
// git URL: it builds dist/ when the build tools (dev dependencies) are there. When they are not
// (a folder installed without its dev dependencies), a dist/ that is already built is used as is,
// and a missing one is one clear line instead of `sh: tsc: not found`.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(ROOT, "package.json"));

/**
 * npm installs a git dependency by cloning it into its cache's tmp folder (`…/tmp/git-cloneXXXX`,
 * pacote's prefix), running this script there and packing the folder. The clone is thrown away
 * after that, and the tarball it packs ships dist/ built: without a `prepare` script in it, npm 11
 * has no install script to warn about ("install-scripts … not yet covered by allowScripts").
 */
function isPacoteGitClone() {
  return basename(ROOT).startsWith("git-clone") && basename(dirname(ROOT)) === "tmp";
}

function dropPrepareScript() {
  const path = join(ROOT, "package.json");
  const pkg = JSON.parse(readFileSync(path, "utf8"));
  delete pkg.scripts.prepare;
  writeFileSync(path, `${JSON.stringify(pkg, null, 2)}\n`);
}

function resolves(name) {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

if (resolves("typescript") && resolves("esbuild")) {
  const npm = process.env.npm_execpath;
  const run = npm
    ? spawnSync(process.execPath, [npm, "run", "build"], { cwd: ROOT, stdio: "inherit" })
    : spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit", shell: true });
  if (run.status === 0 && isPacoteGitClone()) dropPrepareScript();
  process.exit(run.status ?? 1);
} else if (!existsSync(join(ROOT, "dist", "compiler", "cli.js"))) {
  process.stderr.write(
    `idlc: dist/ is not built and the build tools are not installed here; ` +
      `run "npm ci" in ${ROOT} first, or install the tarball of "npm pack"\n`,
  );
  process.exit(1);
}
