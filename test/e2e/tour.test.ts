// The README's tour, run as a new user would: pack idlc, install the tarball into an empty
// folder, `npx idlc init`, `npm install`, `npm start` (compile the IDL, start the server, make a
// typed call, print the reply, exit 0), then `npx tsc --noEmit`. npm runs with --prefer-offline:
// idlc's own dependencies are in the npm cache after `npm ci`; tsx, typescript and @types/node
// come from the cache or the registry. Every step is bounded and the temp folder is removed.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Upper bound for one npm step (pack builds dist/; an install may reach the registry). */
const STEP_TIMEOUT_MS = 180_000;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a user's shell: none of the npm_* variables `npm test` sets for itself. */
const USER_ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};

/**
 * Runs a command in its own process group and kills that group if it outlives `timeoutMs`, so
 * nothing npm started (tsx, the server) is left behind.
 */
function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  const child = spawn(command, args, { cwd, env: USER_ENV, detached: true });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const timer = setTimeout(() => {
    stderr += `\n[killed after ${STEP_TIMEOUT_MS} ms]`;
    process.kill(-child.pid!, "SIGKILL");
  }, STEP_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** npm's warnings (`npm warn …`), which a clean install has none of. */
function npmWarnings(r: Run): string[] {
  return `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => /^npm (warn|WARN)/.test(l));
}

describe("the README tour", () => {
  const work = mkdtempSync(join(tmpdir(), "idlc-tour-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test(
    "pack, install, idlc init, npm install, npm start, tsc --noEmit",
    async () => {
      // 1. What a user gets from `npm pack` in a clone.
      const pack = await run("npm", ["pack", "--json", "--pack-destination", work], ROOT);
      expect(pack.status, pack.stderr).toBe(0);
      const [{ filename, files }] = JSON.parse(pack.stdout) as [
        { filename: string; files: { path: string }[] },
      ];
      const tarball = join(work, filename);
      const packed = files.map((f) => f.path);
      expect(packed).toContain("LICENSE");
      expect(packed).toContain("dist/compiler/cli.cjs");
      expect(packed).toContain("dist/compiler/index.d.ts");
      expect(packed.filter((p) => !p.startsWith("dist/")).sort()).toEqual([
        "LICENSE",
        "README.md",
        "package.json",
      ]);
      // The repository's package.json is left as it was (pack strips `prepare` only meanwhile).
      const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      };
      expect(manifest.scripts.prepare).toBeDefined();

      // 2. An empty folder; install the tarball: no warning, nothing idlc does not load.
      const app = join(work, "my-app");
      mkdirSync(app);
      const install = await run("npm", ["install", "--prefer-offline", tarball], app);
      expect(install.status, install.stderr).toBe(0);
      expect(npmWarnings(install)).toEqual([]);
      const modules = readdirSync(join(app, "node_modules")).filter((n) => !n.startsWith("."));
      expect(modules.sort()).toEqual(["idlc", "prettier"]);
      const installed = join(app, "node_modules", "idlc");
      expect(existsSync(join(installed, "LICENSE"))).toBe(true);
      const map = JSON.parse(
        readFileSync(join(installed, "dist", "runtime", "index.js.map"), "utf8"),
      ) as { sources: string[]; sourcesContent?: string[] };
      expect(map.sourcesContent?.length).toBe(map.sources.length);
      // The compiler API's declarations stand alone (no import of an unshipped module).
      const dts = readFileSync(join(installed, "dist", "compiler", "index.d.ts"), "utf8");
      expect(dts).not.toMatch(/^import /m);

      // 3. idlc init, in the folder that now has npm's package.json: merged, not refused.
      const init = await run("npx", ["idlc", "init"], app);
      expect(init.status, init.stderr).toBe(0);
      expect(init.stdout).toMatch(/^created package\.json, tsconfig\.json, idl\/greeter\.thrift/);
      const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as {
        type: string;
        dependencies: Record<string, string>;
      };
      expect(pkg.type).toBe("module");
      expect(pkg.dependencies.idlc).toBe(`file:${join("..", filename)}`);

      // A second init refuses to overwrite, and says which files are there.
      const again = await run("npx", ["idlc", "init"], app);
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/^idlc: not writing anything in "\.": tsconfig\.json, /);

      // 4. npm install, npm start: the reply, exit 0.
      const deps = await run("npm", ["install", "--prefer-offline"], app);
      expect(deps.status, deps.stderr).toBe(0);
      expect(npmWarnings(deps)).toEqual([]);
      const start = await run("npm", ["start"], app);
      expect(start.status, start.stdout + start.stderr).toBe(0);
      expect(start.stdout).toContain("wrote generated/greeter.ts");
      expect(start.stdout).toContain("Hello, Ada!\nnot found: nobody to greet\n");

      // 5. The project type-checks under the strict tsconfig init wrote.
      const tsc = await run("npx", ["tsc", "--noEmit"], app);
      expect(tsc.stdout + tsc.stderr).toBe("");
      expect(tsc.status).toBe(0);
    },
    5 * STEP_TIMEOUT_MS,
  );
});
