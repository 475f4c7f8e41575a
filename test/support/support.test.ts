// The test helpers themselves: tool gating (skip locally, fail under CI) and the loopback helpers.
import { createServer } from "node:net";
import { describe, expect, test } from "vitest";
import { freePort, spawnChild, withTimeout } from "./loopback.js";
import { requireTool, SYSTEM_PYTHON, toolGate } from "./tools.js";

describe("tools", () => {
  test("requireTool probes once and caches", () => {
    const first = requireTool("openssl");
    expect(requireTool("openssl")).toBe(first);
    if (first.available) expect(first.path).toMatch(/openssl$/);
    else expect(first.reason).toMatch(/apt-get install openssl/);
  });

  test("python3-thrift means the system python imports thrift", () => {
    const status = requireTool("python3-thrift");
    if (status.available) expect(status.path).toBe(SYSTEM_PYTHON);
    else expect(status.reason).toContain(SYSTEM_PYTHON);
  });

  test("a missing tool skips with a warning locally and fails under CI", () => {
    const probe = (name: string) =>
      name === "etcd"
        ? { available: false, reason: "etcd not installed — apt-get install etcd-server" }
        : { available: true, path: `/usr/bin/${name}` };
    expect(toolGate(["protoc"], "t", true, probe)).toEqual({ action: "run" });
    expect(toolGate(["protoc", "etcd"], "t", false, probe)).toEqual({
      action: "skip",
      message: "⚠ SKIPPED: t: etcd not installed — apt-get install etcd-server",
    });
    expect(toolGate(["etcd"], "t", true, probe)).toEqual({
      action: "fail",
      message: "✗ REQUIRED (CI=true): t: etcd not installed — apt-get install etcd-server",
    });
  });
});

describe("loopback", () => {
  test("freePort returns a port that can be bound on 127.0.0.1", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test("waitForLine finds a printed line; stop ends a child that ignores stdin", async () => {
    const child = spawnChild(process.execPath, [
      "-e",
      "console.log('noise'); setTimeout(() => console.log('LISTENING 4242'), 20); setInterval(() => {}, 1000);",
    ]);
    const match = await child.waitForLine(/^LISTENING (\d+)$/, 5_000);
    expect(match[1]).toBe("4242");
    await child.stop(1_000);
    expect(await child.exited(1_000)).toBe("SIGTERM");
  });

  test("waitForLine rejects on timeout and when the child exits first", async () => {
    const silent = spawnChild(process.execPath, ["-e", "setTimeout(() => {}, 5000)"]);
    await expect(silent.waitForLine(/never/, 100)).rejects.toThrow(/no line .* within 100 ms/);
    await silent.stop();
    const quitter = spawnChild(process.execPath, ["-e", "console.error('bye'); process.exit(3)"]);
    await expect(quitter.waitForLine(/never/, 5_000)).rejects.toThrow(/exited \(3\).*\n.*bye/s);
  });

  test("withTimeout passes a result through and rejects a slow promise", async () => {
    await expect(withTimeout(Promise.resolve(7), 100, "fast")).resolves.toBe(7);
    const slow = new Promise((resolve) => setTimeout(resolve, 1_000));
    await expect(withTimeout(slow, 10, "slow")).rejects.toThrow("slow (after 10 ms)");
  });
});
