// `npm install` runs this (the `prepare` script) in a clone and when npm installs idlc from a
// git URL: it builds dist/ when the build tools (dev dependencies) are there. When they are not
// (a folder installed without its dev dependencies), a dist/ that is already built is used as is,
// and a missing one is one clear line instead of `sh: tsc: not found`.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(ROOT, "package.json"));

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
  process.exit(run.status ?? 1);
} else if (!existsSync(join(ROOT, "dist", "compiler", "cli.cjs"))) {
  process.stderr.write(
    `idlc: dist/ is not built and the build tools are not installed here; ` +
      `run "npm ci" in ${ROOT} first, or install the tarball of "npm pack"\n`,
  );
  process.exit(1);
}
