// idlc client ⇄ idlc server over real loopback TCP: multiplexing. Handlers are deterministic:
// outcomes and orderings are asserted, never durations (test/support/rpc-fixture.ts closes every
// server, channel and socket after each test and fails the file on a leaked socket).
import { describe, expect, test } from "vitest";
import type { ApplicationError } from "idlc/runtime";
import { ApplicationErrorType, createServer } from "idlc/runtime";
import { Calc, Echo } from "../../support/calc-service.js";
import {
  logger,
  servers,
  calcHandler,
  serve,
  open,
  calcAt,
  rejection,
} from "../../support/rpc-fixture.js";

describe("multiplexing", () => {
  async function twoServices(): Promise<number> {
    const server = createServer({ logger });
    server.add(Calc, calcHandler({ echo: (t) => `calc:${t}` }));
    server.add(Echo, { echo: (t) => `echo:${t}` });
    servers.push(server);
    return (await server.listen()).port;
  }

  test("two services on one port, same method name", async () => {
    const port = await twoServices();
    const channel = open({ host: "127.0.0.1", port });
    const [a, b] = await Promise.all([
      Calc.client(channel).echo("x"),
      Echo.client(channel).echo("y"),
    ]);
    expect([a, b]).toEqual(["calc:x", "echo:y"]);
  });

  test("bare method names need a server with a single service", async () => {
    const port = await twoServices();
    const { calc } = calcAt(port, { multiplexed: false });
    const error = await rejection(calc.echo("x"));
    expect((error as ApplicationError).type).toBe(ApplicationErrorType.UNKNOWN_METHOD);
    expect(error.message).toMatch(/has no service name and this server hosts 2 services/);
  });

  test("listening on a port in use fails, and listen() can be tried again", async () => {
    const { port } = await serve();
    const second = createServer({ logger });
    second.add(Calc, calcHandler());
    servers.push(second);
    await expect(second.listen({ port })).rejects.toThrow(/EADDRINUSE/);
    const { port: other } = await second.listen();
    expect(await calcAt(other).calc.add(1, 2)).toBe(3);
  });

  test("adding a service twice is an error", () => {
    const server = createServer({ logger });
    server.add(Calc, calcHandler());
    expect(() => server.add(Calc, calcHandler())).toThrow(/service "Calc" is already added/);
  });
});
