// Security on loopback: TLS verifies the server by default, mutual TLS with certificates made at
// test time by openssl (a throwaway CA, never real keys), the handler sees the client
// certificate's subject, and token authentication (auth.ts) refuses calls without a valid
// bearer token before any handler runs. Every socket is closed after each test.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  ApplicationError,
  bearerToken,
  connect,
  createServer,
  createTokenAuth,
  type CallContext,
  type ClientChannel,
  type ConnectOptions,
  type RpcError,
  type Server,
  type ServerOptions,
} from "idlc/runtime";
import { Calc, type CalcHandler } from "../support/calc-service.js";
import { describeWithTool, requireTool } from "../support/tools.js";

const channels: ClientChannel[] = [];
const servers: Server[] = [];
const errors: string[] = [];
const logger = { warn() {}, error: (message: string) => void errors.push(message) };

afterEach(async () => {
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 0 })));
  errors.length = 0;
});

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const leaked = process
    .getActiveResourcesInfo()
    .filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap" || r === "TLSWrap");
  expect(leaked, "sockets left open by the tests").toEqual([]);
});

/** Calls that reached a handler, by method. */
let reached: string[] = [];
let seen: CallContext | undefined;

const handler: CalcHandler = {
  add: (a, b, context) => {
    reached.push("add");
    seen = context;
    return a + b;
  },
  ping: () => void reached.push("ping"),
  notify: () => {},
  divide: (a, b) => Math.trunc(a / b),
  slow: async (_ms, value) => value,
  echo: (text) => text,
  blob: (data) => data,
  fail: () => 0,
  context: () => "",
  empty: () => 0,
};

async function serve(options: ServerOptions = {}): Promise<number> {
  reached = [];
  seen = undefined;
  const server = createServer({ logger, ...options });
  server.add(Calc, handler);
  servers.push(server);
  return (await server.listen({ host: "127.0.0.1", port: 0 })).port;
}

function calcAt(port: number, options: Omit<ConnectOptions, "host" | "port"> = {}) {
  const channel = connect({ host: "127.0.0.1", port, ...options } as ConnectOptions);
  channels.push(channel);
  return Calc.client(channel);
}

async function rejection(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise;
  } catch (error) {
    return error as RpcError;
  }
  throw new Error("expected the call to fail");
}

describeWithTool("openssl", "TLS", () => {
  let dir = "";
  const pem: Record<string, Buffer> = {};

  /** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, signed by it. */
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "idlc-mtls-"));
    const bin = requireTool("openssl").path!;
    const run = (args: string[]) => execFileSync(bin, args, { cwd: dir, stdio: "ignore" });
    const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    run([
      "req",
      "-x509",
      ...key,
      "-days",
      "1",
      "-subj",
      "/CN=idlc test CA",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
    ]);
    writeFileSync(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
    for (const [name, subject] of [
      ["server", "/CN=localhost"],
      ["client", "/O=Shop/CN=orders"],
    ] as const) {
      run(["req", ...key, "-subj", subject, "-keyout", `${name}.key`, "-out", `${name}.csr`]);
      run([
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        `${name}.ext`,
        "-out",
        `${name}.pem`,
      ]);
    }
    for (const name of ["ca.pem", "server.key", "server.pem", "client.key", "client.pem"])
      pem[name] = readFileSync(join(dir, name));
  });
  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  const serverTls = () => ({ key: pem["server.key"]!, cert: pem["server.pem"]! });

  test("verification is on by default: a server the client cannot verify is refused", async () => {
    const port = await serve({ tls: serverTls() });
    const error = await rejection(calcAt(port, { tls: {} }).add(1, 2));
    expect(error.code).toBe("unavailable");
    expect(error.message).toMatch(
      /unable to verify the first certificate|self.signed|local issuer/,
    );
    expect(reached).toEqual([]);
    expect(await calcAt(port, { tls: { ca: pem["ca.pem"]! } }).add(1, 2)).toBe(3);
  });

  test("mutual TLS: a client without a certificate is refused, one with it gets through and the handler sees its subject", async () => {
    const port = await serve({
      tls: { ...serverTls(), ca: pem["ca.pem"]!, requestCert: true, rejectUnauthorized: true },
    });
    const anonymous = await rejection(calcAt(port, { tls: { ca: pem["ca.pem"]! } }).add(1, 2));
    expect(anonymous.code).toBe("unavailable");
    expect(anonymous.message).toMatch(/TLS refused: .*certificate required/i);
    expect(reached).toEqual([]);

    const tls = { ca: pem["ca.pem"]!, key: pem["client.key"]!, cert: pem["client.pem"]! };
    expect(await calcAt(port, { tls }).add(20, 22)).toBe(42);
    expect(seen?.peerCertificate?.subject).toEqual({ O: "Shop", CN: "orders" });
    expect(seen?.peerCertificate?.issuer).toEqual({ CN: "idlc test CA" });
    expect(seen?.peerCertificate?.authorized).toBe(true);
    expect(seen?.peerCertificate?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  test("plain TCP and server-only TLS have no peer certificate", async () => {
    await calcAt(await serve()).add(1, 2);
    expect(seen?.peerCertificate).toBeUndefined();
    await calcAt(await serve({ tls: serverTls() }), { tls: { ca: pem["ca.pem"]! } }).add(1, 2);
    expect(seen?.peerCertificate).toBeUndefined();
  });
});

describe("token authentication (createTokenAuth, bearerToken)", () => {
  const auth = createTokenAuth({
    verify: (token) => token === "s3cret",
    allow: ["Calc.ping"],
  });

  test("a call without a token gets 'unauthenticated' and never reaches the handler", async () => {
    const port = await serve({ interceptors: [auth] });
    const calc = calcAt(port, { transport: "header" });
    const error = await rejection(calc.add(1, 2));
    expect(error).toBeInstanceOf(ApplicationError);
    expect(error.code).toBe("unauthenticated");
    expect(error.message).toBe(
      `Calc.add on 127.0.0.1:${port} failed: UNKNOWN: unauthenticated: no authorization header (headers travel only with the THeader transport)`,
    );
    expect(reached).toEqual([]);
    expect(errors).toEqual([]); // a refusal is an answer, not a server error
  });

  test("a wrong token and a malformed header are refused; the right one gets through", async () => {
    const port = await serve({ interceptors: [auth] });
    const wrong = calcAt(port, { transport: "header", interceptors: [bearerToken("guess")] });
    expect(await rejection(wrong.add(1, 2))).toMatchObject({
      code: "unauthenticated",
      message: expect.stringMatching(/unauthenticated: invalid token$/),
    });
    const basic = calcAt(port, { transport: "header", headers: { authorization: "Basic abc" } });
    expect((await rejection(basic.add(1, 2))).message).toMatch(/is not "Bearer <token>"$/);
    expect(reached).toEqual([]);

    let asked = 0;
    const rotating = bearerToken(async () => (asked++, "s3cret"));
    const calc = calcAt(port, { transport: "header", interceptors: [rotating] });
    expect(await calc.add(1, 2)).toBe(3);
    expect(await calc.add(2, 2)).toBe(4);
    expect(asked).toBe(2);
    expect(seen?.headers.get("authorization")).toBe("Bearer s3cret");
    // A fixed token in the channel's headers works too, at no cost per call.
    const fixed = calcAt(port, {
      transport: "header",
      headers: { authorization: "bearer s3cret" },
    });
    expect(await fixed.add(3, 4)).toBe(7);
  });

  test("a verify that throws is an internal error, logged, not a refusal", async () => {
    const broken = createTokenAuth({
      verify: () => {
        throw new Error("token store unreachable");
      },
    });
    const port = await serve({ interceptors: [broken] });
    const calc = calcAt(port, { transport: "header", interceptors: [bearerToken("s3cret")] });
    const error = await rejection(calc.add(1, 2));
    expect(error).toMatchObject({ code: "application-error", type: 6 }); // INTERNAL_ERROR
    expect(error.message).not.toMatch(/token store/); // the cause stays on the server
    expect(errors).toHaveLength(1);
    expect(reached).toEqual([]);
  });

  test("methods in `allow` need no token; framed calls carry none", async () => {
    const port = await serve({ interceptors: [auth] });
    const framed = calcAt(port, { interceptors: [bearerToken("s3cret")] });
    await framed.ping();
    expect(reached).toEqual(["ping"]);
    expect((await rejection(framed.add(1, 2))).message).toMatch(
      /headers travel only with the THeader transport/,
    );
  });
});
