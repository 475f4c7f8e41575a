// External tools some tests need (Apache Thrift, etcd, protoc, openssl): found once per process,
// skipped locally with a loud warning when absent, and a failure under CI=true.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { describe, test } from "vitest";

/** The external tools a test may need. */
export type ToolName = "thrift" | "python3-thrift" | "etcd" | "protoc" | "openssl";

/** Whether a tool is usable here; `path` is the executable, `reason` why it is not usable. */
export interface ToolStatus {
  available: boolean;
  path?: string;
  reason?: string;
}

/** The Debian Python that has python3-thrift; the `python3` on PATH may be a pyenv without it. */
export const SYSTEM_PYTHON = "/usr/bin/python3";

const INSTALL_HINTS: Record<ToolName, { label: string; install: string }> = {
  thrift: { label: "thrift-compiler", install: "apt-get install thrift-compiler" },
  "python3-thrift": { label: "python3-thrift", install: "apt-get install python3-thrift" },
  etcd: { label: "etcd", install: "apt-get install etcd-server" },
  protoc: { label: "protoc", install: "apt-get install protobuf-compiler" },
  openssl: { label: "openssl", install: "apt-get install openssl" },
};

const cache = new Map<ToolName, ToolStatus>();

/** Finds an executable on PATH, or undefined. */
function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Runs a command briefly (5 s at most) and reports whether it exited 0. */
function runs(path: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(path, args, { encoding: "utf8", timeout: 5_000 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
  return { ok: result.status === 0, output: output || String(result.error ?? "") };
}

function probe(name: ToolName): ToolStatus {
  const { label, install } = INSTALL_HINTS[name];
  const missing = (detail: string): ToolStatus => ({
    available: false,
    reason: `${label} not installed (${detail}) — ${install}`,
  });
  switch (name) {
    case "python3-thrift": {
      const check = runs(SYSTEM_PYTHON, ["-c", "import thrift"]);
      return check.ok
        ? { available: true, path: SYSTEM_PYTHON }
        : missing(`${SYSTEM_PYTHON} -c "import thrift" failed: ${check.output.split("\n").pop()}`);
    }
    case "thrift":
    case "etcd":
    case "protoc":
    case "openssl": {
      const path = which(name);
      if (path === undefined) return missing(`no "${name}" on PATH`);
      const versionArgs = name === "openssl" ? ["version"] : ["--version"];
      const check = runs(path, versionArgs);
      return check.ok
        ? { available: true, path }
        : missing(`"${path}" does not run: ${check.output}`);
    }
    default:
      return assertNever(name);
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown tool ${String(value)}`);
}

/** Whether `name` is usable here, probed once per process and cached. */
export function requireTool(name: ToolName): ToolStatus {
  let status = cache.get(name);
  if (status === undefined) {
    status = probe(name);
    cache.set(name, status);
  }
  return status;
}

/** True when missing tools must fail rather than skip (`CI=true`). */
export function isCi(): boolean {
  return process.env.CI === "true";
}

/** What a tool-gated test does: run, skip with a warning (locally), or fail (CI=true). */
export type ToolGate =
  { readonly action: "run" } | { readonly action: "skip" | "fail"; readonly message: string };

/** Decides how a test titled `title` that needs `names` is gated (`probe` is for tests). */
export function toolGate(
  names: readonly ToolName[],
  title: string,
  ci = isCi(),
  probe: (name: ToolName) => ToolStatus = requireTool,
): ToolGate {
  const missing = names.map(probe).find((s) => !s.available);
  if (missing === undefined) return { action: "run" };
  const reason = `${title}: ${missing.reason ?? "tool unavailable"}`;
  return ci
    ? { action: "fail", message: `✗ REQUIRED (CI=true): ${reason}` }
    : { action: "skip", message: `⚠ SKIPPED: ${reason}` };
}

/**
 * A `describe` block that runs only when every tool of `names` is available. When one is not:
 * locally the block is skipped with a loud console.warn; under CI=true it holds one test that
 * fails with the reason.
 */
export function describeWithTools(names: readonly ToolName[], title: string, fn: () => void): void {
  const gate = toolGate(names, title);
  switch (gate.action) {
    case "run":
      describe(title, fn);
      return;
    case "fail":
      describe(title, () => {
        test(`requires ${names.join(", ")}`, () => {
          throw new Error(gate.message);
        });
      });
      return;
    case "skip":
      console.warn(gate.message);
      describe.skip(title, fn);
      return;
  }
}

/** `describeWithTools` for one tool. */
export function describeWithTool(name: ToolName, title: string, fn: () => void): void {
  describeWithTools([name], title, fn);
}

/** A single test that runs only when `name` is available; skipped loudly locally, fails on CI. */
export function testWithTool(
  name: ToolName,
  title: string,
  fn: () => void | Promise<void>,
  timeoutMs?: number,
): void {
  const gate = toolGate([name], title);
  switch (gate.action) {
    case "run":
      test(title, fn, timeoutMs);
      return;
    case "fail":
      test(title, () => {
        throw new Error(gate.message);
      });
      return;
    case "skip":
      console.warn(gate.message);
      test.skip(title, fn);
      return;
  }
}
