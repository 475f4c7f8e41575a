// The commerce demo as a fleet (`npm start -- --replicas N --chaos`, `--registry etcd`): every
// replica found through the registry, one replica of two services SIGKILLed and restarted and
// another service rolled while shoppers shop, and every invariant still holding; an etcd run
// (a throwaway etcd the launcher starts and stops); and the one-line error without etcd.
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  RUN_TIMEOUT_MS,
  allPids,
  invariantLines,
  isRunning,
  runDemo,
  type DemoRun,
} from "../support/demo.js";
import { testWithTool } from "../support/tools.js";

/** What every chaos run must show: the kills, the restarts, the roll, and all invariants. */
function expectChaosSurvived(run: DemoRun, registry: "static" | "etcd"): void {
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const invariants = invariantLines(run.stdout);
  expect(invariants.length).toBeGreaterThan(0);
  expect(invariants.filter((line) => !line.trim().startsWith("✓"))).toEqual([]);
  expect(run.stdout).toMatch(/all \d+ invariants hold/);

  const timeline = run.stdout.slice(run.stdout.indexOf("chaos timeline"));
  for (const step of [
    /SIGKILL inventory#2 \(pid \d+/,
    /SIGKILL orders#2 \(pid \d+/,
    /inventory#2 \(restart 1\) ready/,
    /orders#2 \(restart 1\) ready/,
    /SIGTERM products#1 \(deregistered first, then drains\)/,
    /products#1 drained and exited 0/,
    /products#2 \(restart 1\) ready/,
  ]) {
    expect(timeline).toMatch(step);
  }
  // Each killed replica left the registry (the launcher's, or etcd once its lease ran out).
  for (const name of ["inventory#2", "orders#2"]) {
    expect(run.stdout).toMatch(
      new RegExp(`^  ${name}\\s+off the ${registry} registry \\d+ ms after the SIGKILL`, "m"),
    );
  }
  // The per-replica counts list the killed process and its successor, both having served.
  expect(run.stdout).toMatch(/inventory#2 \d+ \(killed\) · inventory#2 \(restart 1\) [1-9]/);
  // Nothing is left running: every replica, first or restarted.
  const pids = allPids(run.stdout);
  expect(pids.length).toBeGreaterThanOrEqual(10 + 2 + 2);
  for (const pid of pids) expect(isRunning(pid), `pid ${pid}`).toBe(false);
}

describe("npm start as a fleet", () => {
  test(
    "--replicas 2 --chaos (static registry): kills, restarts and a roll lose and double nothing",
    async () => {
      const run = await runDemo([
        "--seconds",
        "2",
        "--shoppers",
        "6",
        "--replicas",
        "2",
        "--chaos",
      ]);
      expectChaosSurvived(run, "static");
    },
    RUN_TIMEOUT_MS,
  );

  testWithTool(
    "etcd",
    "--registry etcd --chaos: replicas register, clients discover, a throwaway etcd comes and goes",
    async () => {
      const run = await runDemo([
        "--seconds",
        "2",
        "--shoppers",
        "6",
        "--replicas",
        "2",
        "--registry",
        "etcd",
        "--chaos",
      ]);
      const started = /etcd started on (\S+) \(pid (\d+), data in (\S+)\)/.exec(run.stdout);
      expect(started, run.stdout).not.toBeNull();
      expectChaosSurvived(run, "etcd");
      expect(run.stdout).toMatch(/^\s+etcd\s+stopped$/m);
      expect(isRunning(Number(started![2]))).toBe(false);
      expect(existsSync(started![3]!), "the run's directory (journals, etcd data) is removed").toBe(
        false,
      );
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "--registry etcd without an etcd binary says so in one line and exits 2",
    async () => {
      // A PATH that has node's directory only: no etcd on it.
      const bin = mkdtempSync(join(tmpdir(), "idlc-no-etcd-"));
      try {
        symlinkSync(process.execPath, join(bin, "node"));
        const run = await runDemo(["--registry", "etcd"], undefined, { ...process.env, PATH: bin });
        expect(run.code).toBe(2);
        expect(run.stderr.trim()).toBe("install etcd-server, or pass --etcd URL");
      } finally {
        rmSync(bin, { recursive: true, force: true });
      }
    },
    RUN_TIMEOUT_MS,
  );
});
