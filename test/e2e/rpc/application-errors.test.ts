// idlc client ⇄ idlc server over real loopback TCP: application errors. Handlers are deterministic:
// outcomes and orderings are asserted, never durations (test/support/rpc-fixture.ts closes every
// server, channel and socket after each test and fails the file on a leaked socket).
import { describe, expect, test } from "vitest";
import { ApplicationError, ApplicationErrorType, type MethodDescriptor } from "idlc/runtime";
import { Calc, DivideByZero } from "../../support/calc-service.js";
import {
  errors,
  until,
  calcHandler,
  serve,
  open,
  calcAt,
  rejection,
} from "../../support/rpc-fixture.js";

describe("application errors", () => {
  test("unknown method and unknown service → UNKNOWN_METHOD; the connection carries on", async () => {
    const { port } = await serve();
    const channel = open({ host: "127.0.0.1", port });
    const add = Calc.methods.get("add")! as MethodDescriptor;
    const nope = await rejection(channel.call("Calc", { ...add, name: "nope" }, [1, 2], undefined));
    expect(nope).toBeInstanceOf(ApplicationError);
    expect((nope as ApplicationError).type).toBe(ApplicationErrorType.UNKNOWN_METHOD);
    expect(nope.message).toBe(
      `Calc.nope on 127.0.0.1:${port} failed: UNKNOWN_METHOD: unknown method "nope" of service Calc`,
    );
    const service = await rejection(channel.call("Users", add, [1, 2], undefined));
    expect((service as ApplicationError).type).toBe(ApplicationErrorType.UNKNOWN_METHOD);
    expect(service.message).toMatch(/unknown service "Users" \(this server hosts Calc\)/);
    expect(await Calc.client(channel).add(1, 2)).toBe(3);
  });

  test("an undeclared handler error → INTERNAL_ERROR with a generic message, logged", async () => {
    const { port } = await serve();
    const { calc } = calcAt(port);
    const error = await rejection(calc.fail());
    expect(error).toBeInstanceOf(ApplicationError);
    expect((error as ApplicationError).type).toBe(ApplicationErrorType.INTERNAL_ERROR);
    expect(error.message).toBe(
      `Calc.fail on 127.0.0.1:${port} failed: INTERNAL_ERROR: internal error in Calc.fail`,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /^handler of Calc\.fail failed \(call from 127\.0\.0\.1:\d+\)$/,
    );
    expect((errors[0]!.detail as Error).message).toMatch(/boom/);
  });

  test("debug: true sends the stack trace", async () => {
    const { port } = await serve(calcHandler(), { debug: true });
    const { calc } = calcAt(port);
    const error = await rejection(calc.fail());
    expect(error.message).toMatch(
      /internal error in Calc\.fail: Error: boom: the database is on fire\n\s+at /,
    );
  });

  test("a declared exception is an instance of its class", async () => {
    const { port } = await serve(
      calcHandler({ divide: async () => Promise.reject(new DivideByZero("nope")) }),
    );
    const { calc } = calcAt(port);
    const error = await rejection(calc.divide(1, 0));
    expect(error).toBeInstanceOf(DivideByZero);
    expect(error.message).toBe("nope");
  });

  test("no result for a non-void method → MISSING_RESULT", async () => {
    const { port } = await serve();
    const { calc } = calcAt(port);
    const error = await rejection(calc.empty());
    expect((error as ApplicationError).type).toBe(ApplicationErrorType.MISSING_RESULT);
  });

  test("a failing oneway handler is logged and never answered", async () => {
    const { port } = await serve(
      calcHandler({
        notify: () => {
          throw new Error("oneway trouble");
        },
      }),
    );
    const { calc } = calcAt(port);
    await calc.notify("x");
    await until(() => errors.length === 1, "the oneway failure to be logged", 5_000);
    expect(errors[0]!.message).toMatch(/^oneway handler of Calc\.notify failed/);
    expect(await calc.add(1, 1)).toBe(2); // no stray reply confused the connection
  });
});
