// idlc client ⇄ idlc server over real loopback TCP: interceptors. Handlers are deterministic:
// outcomes and orderings are asserted, never durations (test/support/rpc-fixture.ts closes every
// server, channel and socket after each test and fails the file on a leaked socket).
import { describe, expect, test } from "vitest";
import {
  ApplicationError,
  ApplicationErrorType,
  createServer,
  RpcError,
  type ClientInterceptor,
  type ServerInterceptor,
} from "idlc/runtime";
import { Calc } from "../../support/calc-service.js";
import {
  logger,
  servers,
  calcHandler,
  serve,
  calcAt,
  rejection,
} from "../../support/rpc-fixture.js";

describe("interceptors", () => {
  function tag(log: string[], name: string): ClientInterceptor & ServerInterceptor {
    return ((next: (call: { method: { name: string } }) => Promise<unknown>) =>
      async (call: { method: { name: string } }) => {
        log.push(`${name}>${call.method.name}`);
        try {
          return await next(call);
        } finally {
          log.push(`${name}<`);
        }
      }) as unknown as ClientInterceptor & ServerInterceptor;
  }

  test("both sides run in order, first listed outermost", async () => {
    const log: string[] = [];
    const server = createServer({ logger, interceptors: [tag(log, "s1")] });
    server.use(tag(log, "s2"));
    server.add(Calc, calcHandler({ add: (a, b) => (log.push("handler"), a + b) }));
    servers.push(server);
    const { port } = await server.listen();
    const { calc } = calcAt(port, { interceptors: [tag(log, "c1"), tag(log, "c2")] });
    expect(await calc.add(1, 2)).toBe(3);
    expect(log).toEqual([
      "c1>add",
      "c2>add",
      "s1>add",
      "s2>add",
      "handler",
      "s2<",
      "s1<",
      "c2<",
      "c1<",
    ]);
  });

  test("a server interceptor rejects a call: the handler never runs", async () => {
    let ran = 0;
    const deny: ServerInterceptor = (next) => async (call) => {
      if ((call.args[0] as number) < 0)
        throw new ApplicationError("permission denied: negative numbers", {
          type: ApplicationErrorType.UNKNOWN,
        });
      return next(call);
    };
    const { port } = await serve(calcHandler({ add: (a, b) => (ran++, a + b) }), {
      interceptors: [deny],
    });
    const { calc } = calcAt(port);
    const error = await rejection(calc.add(-1, 2));
    expect(error).toBeInstanceOf(ApplicationError);
    expect(error.message).toMatch(/permission denied: negative numbers$/);
    expect(await calc.add(1, 2)).toBe(3);
    expect(ran).toBe(1);
  });

  test("a client interceptor rejects before anything is sent", async () => {
    let ran = 0;
    const { port } = await serve(calcHandler({ add: (a, b) => (ran++, a + b) }));
    const guard: ClientInterceptor = (next) => (call) =>
      call.method.name === "add" && (call.args[0] as number) > 100
        ? Promise.reject(new RpcError("too big", { code: "limit-exceeded" }))
        : next(call);
    const { calc } = calcAt(port, { interceptors: [guard] });
    expect(await rejection(calc.add(101, 1))).toMatchObject({ code: "limit-exceeded" });
    expect(await calc.add(1, 1)).toBe(2);
    expect(ran).toBe(1);
  });

  test("a client interceptor retries a failed call", async () => {
    let attempts = 0;
    const { port } = await serve(
      calcHandler({
        add: (a, b) => {
          if (++attempts === 1) throw new Error("transient");
          return a + b;
        },
      }),
    );
    const retryOnce: ClientInterceptor = (next) => async (call) => {
      try {
        return await next(call);
      } catch (error) {
        if (!(error instanceof ApplicationError)) throw error;
        return next(call);
      }
    };
    const { calc } = calcAt(port, { interceptors: [retryOnce] });
    expect(await calc.add(2, 3)).toBe(5);
    expect(attempts).toBe(2);
  });

  test("a client interceptor can change call options (here: add a header)", async () => {
    const { port } = await serve();
    const addHeader: ClientInterceptor = (next) => (call) =>
      next({ ...call, options: { ...call.options, headers: { tenant: "acme" } } });
    const { calc } = calcAt(port, { transport: "header", interceptors: [addHeader] });
    expect(JSON.parse(await calc.context()).headers.tenant).toBe("acme");
  });
});
