// `npm run soak` for about two seconds: the commerce services in their own processes, many calls
// in flight, and a verdict line that must say PASS with 0 lost, 0 duplicated, 0 mismatched and no
// handle left open. Outcomes only; the throughput it prints is not asserted.
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { spawnChild } from "../support/loopback.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("a 2-second soak passes, and says so in its verdict line", async () => {
  const soak = spawnChild(
    process.execPath,
    [
      "--expose-gc",
      "--conditions=idlc-source",
      "--import",
      "tsx",
      "examples/commerce/soak.ts",
      "--seconds",
      "2",
      "--concurrency",
      "64",
    ],
    { cwd: root },
  );
  const [verdict] = await soak.waitForLine(/^soak: (PASS|FAIL) .*$/, 120_000);
  expect(verdict, soak.stdout() + soak.stderr()).toMatch(
    /^soak: PASS \d+ calls, 0 lost, 0 duplicated, 0 mismatched, 0 handles left open$/,
  );
  expect(soak.stdout()).toMatch(
    /client RSS [\d.]+ → ([\d.]+ → )?[\d.]+ MB \(-?[\d.]+ MB per 100k calls\)/,
  );
  expect(await soak.exited(30_000)).toBe(0);
}, 180_000);
