// idlc client ⇄ idlc server over real loopback TCP: TLS. Handlers are deterministic: outcomes and
// orderings are asserted, never durations (test/support/rpc-fixture.ts closes every server, channel
// and socket after each test and fails the file on a leaked socket).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect } from "vitest";
import { requireTool, testWithTool } from "../../support/tools.js";
import { calcHandler, serve, calcAt, rejection } from "../../support/rpc-fixture.js";

describe("TLS", () => {
  let dir: string | undefined;
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  testWithTool(
    "openssl",
    "a round trip over TLS with a throwaway self-signed certificate",
    async () => {
      dir = mkdtempSync(join(tmpdir(), "idlc-tls-"));
      execFileSync(
        requireTool("openssl").path!,
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "1",
          "-subj",
          "/CN=localhost",
          "-addext",
          "subjectAltName=DNS:localhost,IP:127.0.0.1",
          "-keyout",
          join(dir, "key.pem"),
          "-out",
          join(dir, "cert.pem"),
        ],
        { stdio: "ignore" },
      );
      const key = readFileSync(join(dir, "key.pem"));
      const cert = readFileSync(join(dir, "cert.pem"));
      const { port } = await serve(calcHandler(), { tls: { key, cert } });
      const { calc } = calcAt(port, { tls: { ca: cert } });
      expect(await Promise.all([calc.add(1, 2), calc.echo("secret")])).toEqual([3, "secret"]);
      // A client that does not trust the certificate cannot connect.
      const { calc: untrusting } = calcAt(port, { tls: {} });
      expect(await rejection(untrusting.add(1, 2))).toMatchObject({ code: "unavailable" });
    },
  );
});
