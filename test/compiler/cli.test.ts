// The CLI: mostly in-process through main(argv, io) with in-memory files, plus a few real spawns
// of compiler/cli.ts (exit status, version, internal errors, --watch with Ctrl-C).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { CliIo } from "../../compiler/cli-io.js";
import { main } from "../../compiler/cli-main.js";
import { diskIo } from "../../compiler/cli-node-io.js";
import { compile } from "../../compiler/compile.js";
import { idl, memoryFiles } from "./check-support.js";

/** An in-memory CliIo: files in a record, output collected, watch callbacks captured. */
function memoryIo(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const written = new Map<string, string>();
  const watchers: { dirs: readonly string[]; onChange: (path: string) => void; open: boolean }[] =
    [];
  const interrupt = new AbortController();
  const read = memoryFiles(files);
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    readFile: (path) => {
      const w = written.get(path);
      return w !== undefined ? new TextEncoder().encode(w) : read(path);
    },
    writeFile: (path, text) => void written.set(path, text),
    makeDir: () => {},
    kindOf: (path) => {
      if (written.has(path) || Object.hasOwn(files, path)) return "file";
      const prefix = `${path.replace(/\/$/, "")}/`;
      const all = [...Object.keys(files), ...written.keys()];
      return all.some((f) => f.startsWith(prefix)) ? "directory" : "none";
    },
    watch: (dirs, onChange) => {
      const w = { dirs, onChange, open: true };
      watchers.push(w);
      return { close: () => void (w.open = false) };
    },
    interrupt: interrupt.signal,
    version: () => "9.9.9",
  };
  return {
    io,
    files,
    written,
    watchers,
    interrupt,
    stdout: () => out.join(""),
    stderr: () => err.join(""),
    clear: () => {
      out.length = 0;
      err.length = 0;
    },
  };
}

const GOOD = idl("struct Money {", "  1: required string currency", "  2: required i64 units", "}");
const BAD = idl("struct Order {", "  1: required Mony total", "}");

describe("usage", () => {
  test.each([["--help"], ["-h"], ["help"]])("%s prints the usage and exits 0", async (flag) => {
    const m = memoryIo();
    expect(await main([flag], m.io)).toBe(0);
    expect(m.stdout()).toMatch(/^Usage:\n {2}idlc check <file/);
    for (const command of ["check", "compile", "init"])
      expect(m.stdout()).toContain(`\n  idlc ${command} `);
    expect(m.stdout()).toMatch(
      /\nExit status:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}70 {2}an idlc bug/,
    );
  });

  test.each([["--version"], ["-v"], ["-V"], ["version"]])("%s prints the version", async (flag) => {
    const m = memoryIo();
    expect(await main([flag], m.io)).toBe(0);
    expect(m.stdout()).toBe("idlc 9.9.9\n");
  });

  test("<command> --help prints that command's usage", async () => {
    const m = memoryIo();
    expect(await main(["compile", "--help"], m.io)).toBe(0);
    expect(m.stdout()).toMatch(/^usage: idlc compile <file>\.\.\. \[-o dir\]/);
  });

  const POINTER = 'Run "idlc --help" for every command and option.';
  test.each([
    [[], "idlc: missing command (check, compile, init, breaking, fmt, decode)"],
    [
      ["build", "x.thrift"],
      'idlc: unknown command "build" (expected check, compile, init, breaking, fmt, decode)',
    ],
    [
      ["comple", "x.thrift"],
      'idlc: unknown command "comple" (expected check, compile, init, breaking, fmt, decode); did you mean "compile"?',
    ],
    [
      ["--frobnicate"],
      'idlc: expected a command (check, compile, init, breaking, fmt, decode) before "--frobnicate"',
    ],
  ])("%j is a usage error: one line and a pointer to --help, exit 2", async (argv, line) => {
    const m = memoryIo();
    expect(await main(argv, m.io)).toBe(2);
    expect(m.stderr()).toBe(`${line}\n${POINTER}\n`);
    expect(m.stdout()).toBe("");
  });

  test.each([
    [["check"], "idlc: check: no IDL files given"],
    [["check", "--frobnicate", "a.thrift"], 'idlc: unknown option "--frobnicate"'],
    [["check", "a.thrift", "-I"], "idlc: option -I needs a value"],
    [["check", "a.thrift", "--format", "xml"], 'idlc: --format must be text or json, not "xml"'],
    [["check", "a.thrift", "-o", "out"], "idlc: option -o is only for compile"],
    [["check", "--watch", "a.thrift"], "idlc: option --watch is only for compile"],
    [["compile", "a.thrift", "-o", ""], "idlc: option -o needs a directory"],
    [["init", "a", "b"], 'idlc: init takes one directory, not "b" too'],
  ])(
    "%j is a usage error: one line, the command's usage, a pointer, exit 2",
    async (argv, line) => {
      const m = memoryIo();
      expect(await main(argv, m.io)).toBe(2);
      const lines = m.stderr().split("\n");
      expect(lines).toEqual([line, expect.stringMatching(/^usage: idlc \w+ /), POINTER, ""]);
      expect(m.stdout()).toBe("");
    },
  );
});

describe("idlc check", () => {
  test("a good file: says what it checked, exit 0", async () => {
    const m = memoryIo({ "good.thrift": GOOD });
    expect(await main(["check", "good.thrift"], m.io)).toBe(0);
    expect(m.stdout()).toBe("checked 1 file: no errors\n");
    expect(m.stderr()).toBe("");
  });

  test("the count includes the included files; in JSON mode it goes to stderr", async () => {
    const m = memoryIo({ "main.thrift": idl('include "a.thrift"'), "a.thrift": GOOD });
    expect(await main(["check", "main.thrift"], m.io)).toBe(0);
    expect(m.stdout()).toBe("checked 2 files: no errors\n");
    m.clear();
    expect(await main(["check", "main.thrift", "--format", "json"], m.io)).toBe(0);
    expect(m.stdout()).toBe("");
    expect(m.stderr()).toBe("checked 2 files: no errors\n");
  });

  test("an -I directory that does not exist is a warning", async () => {
    const m = memoryIo({ "good.thrift": GOOD, "inc/x.thrift": GOOD });
    expect(await main(["check", "good.thrift", "-I", "inc", "-I", "nope"], m.io)).toBe(0);
    expect(m.stderr()).toBe('idlc: warning: include directory "nope" does not exist\n');
  });

  test("a file that is not there: the reason, and no empty code frame", async () => {
    const m = memoryIo();
    expect(await main(["check", "missing.thrift"], m.io)).toBe(1);
    expect(m.stderr()).toBe(
      'missing.thrift:1:1: error: cannot read "missing.thrift": no such file\n\n1 error\n',
    );
  });

  test("errors: code frames and a count on stderr, exit 1", async () => {
    const m = memoryIo({ "bad.thrift": BAD });
    expect(await main(["check", "bad.thrift"], m.io)).toBe(1);
    expect(m.stderr()).toBe(
      [
        'bad.thrift:2:15: error: unknown type "Mony"',
        " 2 |   1: required Mony total",
        "   |               ^^^^",
        "",
        "1 error",
        "",
      ].join("\n"),
    );
    expect(m.stdout()).toBe("");
  });

  test("warnings are shown and do not fail", async () => {
    const m = memoryIo({ "w.thrift": idl("struct S { i32 a }") });
    expect(await main(["check", "w.thrift"], m.io)).toBe(0);
    expect(m.stderr()).toMatch(/^w\.thrift:1:16: warning: field "a" has no id/);
    expect(m.stderr()).toMatch(/\n1 warning\n$/);
  });

  test("--format json prints one object per line on stdout", async () => {
    const m = memoryIo({ "bad.thrift": BAD, "w.thrift": idl("struct S { i32 a }") });
    expect(await main(["check", "bad.thrift", "w.thrift", "--format=json"], m.io)).toBe(1);
    expect(m.stderr()).toBe("");
    const lines = m
      .stdout()
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      expect.objectContaining({
        file: "bad.thrift",
        line: 2,
        column: 15,
        severity: "error",
        code: "unknown-type",
      }),
      expect.objectContaining({
        file: "w.thrift",
        line: 1,
        column: 16,
        severity: "warning",
        code: "implicit-field-id",
      }),
    ]);
  });

  test("-I in all its spellings", async () => {
    const files = {
      "main.thrift": idl('include "a.thrift"', 'include "b.thrift"', 'include "c.thrift"'),
      "i1/a.thrift": GOOD,
      "i2/b.thrift": GOOD,
      "i3/c.thrift": GOOD,
    };
    const m = memoryIo(files);
    const argv = ["check", "main.thrift", "-I", "i1", "-Ii2", "--include-dir=i3"];
    expect(await main(argv, m.io)).toBe(0);
    expect(m.stderr()).toBe("");
    expect(await main(["check", "main.thrift", "-I", "i1"], m.io)).toBe(1);
  });

  test("more than 100 errors: the first 100, then 'too many errors'", async () => {
    const lines = Array.from({ length: 150 }, (_, i) => `struct S${i} { 1: Nope${i} x }`);
    const m = memoryIo({ "many.thrift": idl(...lines) });
    expect(await main(["check", "many.thrift"], m.io)).toBe(1);
    expect(m.stderr().match(/: error: /g)).toHaveLength(100);
    expect(m.stderr()).toMatch(/\ntoo many errors; only the first ones are shown\n100 errors\n$/);
  });
});

describe("idlc compile", () => {
  test("writes every module, then only what changed", async () => {
    const files = {
      "idl/shop.thrift": idl('include "base.thrift"', "struct Item { 1: base.Money price }"),
      "idl/base.thrift": GOOD,
    };
    const expected = await compile(["idl/shop.thrift"], { readFile: memoryFiles(files) });
    expect(expected.outputs.map((o) => o.path).sort()).toEqual(["base.ts", "shop.ts"]);

    const m = memoryIo(files);
    expect(await main(["compile", "idl/shop.thrift", "-o", "out"], m.io)).toBe(0);
    expect(m.stdout()).toBe("wrote out/shop.ts\nwrote out/base.ts\n");
    for (const output of expected.outputs)
      expect(m.written.get(join("out", output.path))).toBe(output.text);

    m.clear();
    expect(await main(["compile", "idl/shop.thrift", "-o", "out"], m.io)).toBe(0);
    expect(m.stdout()).toBe("unchanged out/shop.ts\nunchanged out/base.ts\n");
  });

  test("the default output directory is generated/", async () => {
    const m = memoryIo({ "money.thrift": GOOD });
    expect(await main(["compile", "money.thrift"], m.io)).toBe(0);
    expect([...m.written.keys()]).toEqual([join("generated", "money.ts")]);
  });

  test("errors: nothing is written, exit 1", async () => {
    const m = memoryIo({ "bad.thrift": BAD });
    expect(await main(["compile", "bad.thrift"], m.io)).toBe(1);
    expect(m.written.size).toBe(0);
    expect(m.stderr()).toContain("1 error");
  });

  test("--watch recompiles on change, keeps the last good output on errors, stops on interrupt", async () => {
    const m = memoryIo({ "idl/money.thrift": GOOD });
    const running = main(["compile", "idl/money.thrift", "-o", "out", "--watch"], m.io);
    await until(() => m.watchers.length === 1);
    expect(m.watchers[0]!.dirs).toEqual(["idl"]);
    const first = m.written.get(join("out", "money.ts"));
    expect(first).toBeDefined();

    // A broken edit: diagnostics, nothing written.
    m.clear();
    m.files["idl/money.thrift"] = BAD;
    m.watchers[0]!.onChange("idl/money.thrift");
    m.watchers[0]!.onChange("idl/notes.txt"); // not an IDL file: ignored
    await until(() => m.stdout().includes("keeping the last good output"));
    expect(m.stderr()).toContain('unknown type "Mony"');
    expect(m.written.get(join("out", "money.ts"))).toBe(first);

    // Fixed again, with a change: written.
    m.clear();
    m.files["idl/money.thrift"] = GOOD.replace("units", "cents");
    m.watchers[0]!.onChange("idl/money.thrift");
    await until(() => m.stdout().includes("wrote out/money.ts"));

    m.interrupt.abort();
    expect(await running).toBe(0);
    expect(m.watchers.every((w) => !w.open)).toBe(true);
  });
});

interface PackageJson {
  name?: string;
  type?: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

describe("idlc init", () => {
  const FILES = [
    "package.json",
    "tsconfig.json",
    "idl/greeter.thrift",
    "src/server.ts",
    "src/client.ts",
    "src/main.ts",
    ".gitignore",
  ];

  test("writes the project into a new folder and says what next", async () => {
    const m = memoryIo();
    expect(await main(["init", "My App"], m.io)).toBe(0);
    expect([...m.written.keys()]).toEqual(FILES.map((f) => join("My App", f)));
    const pkg = JSON.parse(m.written.get(join("My App", "package.json"))!) as PackageJson;
    expect(pkg).toMatchObject({
      name: "my-app",
      type: "module",
      dependencies: { idlc: "^9.9.9" },
      devDependencies: { tsx: expect.any(String), typescript: expect.any(String) },
    });
    expect(pkg.devDependencies["@types/node"]).toBeDefined();
    expect(pkg.scripts.start).toBe("npm run generate && tsx src/main.ts");
    const tsconfig = JSON.parse(m.written.get(join("My App", "tsconfig.json"))!) as {
      compilerOptions: Record<string, unknown>;
    };
    expect(tsconfig.compilerOptions).toMatchObject({
      strict: true,
      module: "NodeNext",
      moduleResolution: "NodeNext",
      types: ["node"],
    });
    expect(m.written.get(join("My App", "src/client.ts"))).toContain("waitForReady: true");
    expect(m.stdout()).toContain("\nnext:\n  cd My App\n  npm install\n  npm start");
  });

  test("--idlc-spec sets the dependency", async () => {
    const m = memoryIo();
    expect(await main(["init", "app", "--idlc-spec", "file:../idlc.tgz"], m.io)).toBe(0);
    const pkg = JSON.parse(m.written.get(join("app", "package.json"))!) as PackageJson;
    expect(pkg.dependencies).toEqual({ idlc: "file:../idlc.tgz" });
  });

  test("never overwrites: lists the files that exist, writes nothing, exit 1", async () => {
    const m = memoryIo({ "app/src/main.ts": "// mine", "app/tsconfig.json": "{}" });
    expect(await main(["init", "app"], m.io)).toBe(1);
    expect(m.written.size).toBe(0);
    expect(m.stderr()).toBe(
      'idlc: not writing anything in "app": tsconfig.json, src/main.ts already exist (--force overwrites)\n',
    );
    expect(await main(["init", "app", "--force"], m.io)).toBe(0);
    expect(m.written.get(join("app", "src/main.ts"))).toContain("startServer(0)");
  });

  test("an existing package.json is merged: its fields and specs kept, the project's added", async () => {
    const mine = {
      name: "mine",
      dependencies: { idlc: "file:../idlc.tgz", zod: "^3" },
      scripts: { lint: "x" },
    };
    const m = memoryIo({ "package.json": JSON.stringify(mine) });
    expect(await main(["init"], m.io)).toBe(0);
    const pkg = JSON.parse(m.written.get("package.json")!) as PackageJson;
    expect(pkg).toMatchObject({
      name: "mine",
      type: "module",
      dependencies: { idlc: "file:../idlc.tgz", zod: "^3" },
      scripts: { lint: "x", start: "npm run generate && tsx src/main.ts" },
    });
    expect(m.stdout()).toMatch(/^created package\.json, /);
    expect(m.stdout()).not.toContain("cd ");
  });

  test("a package.json that contradicts the project is a conflict", async () => {
    const mine = { type: "commonjs", scripts: { start: "node index.js" } };
    const m = memoryIo({ "package.json": JSON.stringify(mine) });
    expect(await main(["init"], m.io)).toBe(1);
    expect(m.written.size).toBe(0);
    expect(m.stderr()).toBe(
      'idlc: not writing anything in ".": "type" is "commonjs", the project needs "module"; ' +
        '"scripts.start" is "node index.js" (--force overwrites)\n',
    );
  });

  test("a package.json that is not JSON is a conflict, not a crash", async () => {
    const m = memoryIo({ "package.json": "{ nope" });
    expect(await main(["init"], m.io)).toBe(1);
    expect(m.stderr()).toMatch(/^idlc: not writing anything in "\.": package\.json is not JSON \(/);
  });

  test("a file where the folder should be", async () => {
    const m = memoryIo({ app: "I am a file" });
    expect(await main(["init", "app"], m.io)).toBe(1);
    expect(m.stderr()).toBe('idlc: cannot init "app": it is a file, not a directory\n');
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("negative fixtures: test/compiler/bad/<case>.idl → <case>.txt (npm test -- -u rewrites)", () => {
  const bad = join(import.meta.dirname, "bad");
  const cases = readdirSync(bad)
    .filter((f) => f.endsWith(".idl"))
    .map((f) => f.slice(0, -".idl".length))
    .sort();

  test("there are cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  test.each(cases)("%s", async (name) => {
    const m = memoryIo();
    const io: CliIo = {
      ...m.io,
      readFile: (path) => {
        try {
          return readFileSync(path);
        } catch {
          return undefined;
        }
      },
    };
    // The path as a user in the repository root would type it.
    const status = await main(["check", `test/compiler/bad/${name}.idl`], io);
    const output = `$ idlc check test/compiler/bad/${name}.idl\n${m.stdout()}${m.stderr()}exit status ${status}\n`;
    await expect(output).toMatchFileSnapshot(join(bad, `${name}.txt`));
  });
});

describe("files and folders on a real disk: a reason, exit 1 or 2, never an internal error", () => {
  const dir = mkdtempSync(join(tmpdir(), "idlc-cli-fs-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const good = join(dir, "good.thrift");
  writeFileSync(good, GOOD);

  function diskRun(argv: string[]) {
    const m = memoryIo();
    return main(argv, { ...m.io, ...diskIo }).then((status) => ({
      status,
      stdout: m.stdout(),
      stderr: m.stderr(),
    }));
  }

  test("a directory given as the IDL file", async () => {
    const r = await diskRun(["check", dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `${dir}:1:1: error: cannot read "${dir}": is a directory (EISDIR)\n\n1 error\n`,
    );
  });

  test("a missing file says ENOENT", async () => {
    const r = await diskRun(["check", join(dir, "missing.thrift")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('missing.thrift": no such file (ENOENT)\n');
  });

  test("-o equal to the input file is a usage error", async () => {
    const r = await diskRun(["compile", good, "-o", good]);
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(
      `idlc: -o "${good}" is the input file "${good}"; give a directory`,
    );
  });

  test("-o naming an existing file (EEXIST)", async () => {
    const file = join(dir, "a-file.txt");
    writeFileSync(file, "");
    const r = await diskRun(["compile", good, "-o", file]);
    expect(r).toMatchObject({ status: 1, stdout: "" });
    expect(r.stderr).toBe(`idlc: cannot write to "${file}": it is a file, not a directory\n`);
  });

  test("-o under a file (ENOTDIR)", async () => {
    const file = join(dir, "plain.txt");
    writeFileSync(file, "");
    const r = await diskRun(["compile", good, "-o", join(file, "out")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^idlc: cannot create directory ".*plain\.txt\/out": .*\(ENOTDIR\)\n$/,
    );
  });

  test.runIf(existsSync("/sys/kernel"))("-o where the OS refuses (EPERM)", async () => {
    const r = await diskRun(["compile", good, "-o", "/sys/idlc-out"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'idlc: cannot create directory "/sys/idlc-out": operation not permitted (EPERM)\n',
    );
  });
});

describe("the real command", () => {
  const repo = join(import.meta.dirname, "..", "..");
  const cli = ["--import", "tsx", "--conditions=idlc-source", join(repo, "compiler", "cli.ts")];
  const dir = mkdtempSync(join(tmpdir(), "idlc-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(args: string[], env: Record<string, string> = {}) {
    return spawnSync(process.execPath, [...cli, ...args], {
      cwd: repo,
      encoding: "utf8",
      timeout: 30_000,
      env: { ...process.env, ...env },
    });
  }

  test("checks idl/commerce.idl with exit 0", () => {
    const r = run(["check", "idl/commerce.idl"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("checked 1 file: no errors\n");
    expect(r.status).toBe(0);
  });

  test("--version reads package.json; a bad file exits 1", () => {
    const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string };
    expect(run(["--version"]).stdout).toBe(`idlc ${pkg.version}\n`);
    const bad = join(dir, "bad.thrift");
    writeFileSync(bad, BAD);
    const r = run(["check", bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error: unknown type "Mony"');
  });

  test("an unexpected exception is one line, exit 70, no stack trace", () => {
    // A preload that makes every file write fail, so `compile` hits an error idlc does not expect.
    const preload = join(dir, "fail-writes.mjs");
    writeFileSync(
      preload,
      'import fs from "node:fs"; import { syncBuiltinESMExports } from "node:module";\n' +
        'fs.writeFileSync = () => { throw new Error("disk on fire"); }; syncBuiltinESMExports();\n',
    );
    const good = join(dir, "good.thrift");
    writeFileSync(good, GOOD);
    const r = spawnSync(
      process.execPath,
      ["--import", preload, ...cli, "compile", good, "-o", join(dir, "out")],
      { cwd: repo, encoding: "utf8", timeout: 30_000 },
    );
    expect(r.stderr).toBe("idlc: internal error: disk on fire\n");
    expect(r.status).toBe(70);
  });

  test.runIf(existsSync("/proc/self"))(
    "-o under /proc ends with a reason (Node's recursive mkdir spins there forever)",
    () => {
      const good = join(dir, "good.thrift");
      writeFileSync(good, GOOD);
      const r = run(["compile", good, "-o", "/proc/idlc-x/y"]);
      expect(r.error).toBeUndefined(); // a timeout would set it
      expect(r.stderr).toBe(
        'idlc: cannot create directory "/proc/idlc-x/y": no such file (ENOENT)\n',
      );
      expect(r.status).toBe(1);
    },
  );

  test("--watch on disk: recompiles after an edit and exits 0 on SIGINT", async () => {
    const idlDir = join(dir, "watch");
    const out = join(dir, "watch-out");
    const file = join(idlDir, "money.thrift");
    rmSync(idlDir, { recursive: true, force: true });
    (await import("node:fs")).mkdirSync(idlDir, { recursive: true });
    writeFileSync(file, GOOD);
    const child = spawn(process.execPath, [...cli, "compile", file, "-o", out, "--watch"], {
      cwd: repo,
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    try {
      await until(() => output.includes("watching"), 20_000);
      expect(output).toContain(`wrote ${join(out, "money.ts")}`);
      output = "";
      writeFileSync(file, GOOD.replace("units", "cents"));
      await until(() => output.includes(`wrote ${join(out, "money.ts")}`), 10_000);
      child.kill("SIGINT");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
