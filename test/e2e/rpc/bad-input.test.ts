// idlc client ⇄ idlc server over real loopback TCP: bad input closes only that connection. Handlers
// are deterministic: outcomes and orderings are asserted, never durations (test/support/rpc-
// fixture.ts closes every server, channel and socket after each test and fails the file on a leaked
// socket).
import { describe, expect, test } from "vitest";
import { ApplicationError, ApplicationErrorType, type MethodDescriptor } from "idlc/runtime";
import { Calc } from "../../support/calc-service.js";
import {
  warnings,
  Gate,
  calcHandler,
  serve,
  open,
  calcAt,
  rawExchange,
  int32,
  rejection,
} from "../../support/rpc-fixture.js";

describe("bad input closes only that connection", () => {
  async function withGoodNeighbour(
    bad: (port: number) => Promise<Buffer>,
  ): Promise<{ reply: Buffer; port: number }> {
    const gate = new Gate();
    const { port } = await serve(
      calcHandler({
        slow: async (_ms, value) => {
          await gate.opened;
          return value;
        },
      }),
    );
    const { calc } = calcAt(port);
    expect(await calc.add(1, 1)).toBe(2);
    const inFlight = calc.slow(1, 99); // running on the good connection meanwhile
    const reply = await bad(port);
    gate.open();
    expect(await inFlight).toBe(99);
    expect(await calc.add(2, 2)).toBe(4);
    return { reply, port };
  }

  test("an oversize frame", async () => {
    await withGoodNeighbour((port) =>
      rawExchange(port, Uint8Array.of(...int32(20_000_000), 0x82, 0x21, 0x01, 0x03)),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^closing connection from 127\.0\.0\.1:\d+: frame of 20000000 bytes exceeds maxFrameBytes \(16384000\); raise the server's maxFrameBytes option$/,
    );
  });

  test("a lower maxFrameBytes is enforced as configured", async () => {
    const { port } = await serve(calcHandler(), { maxFrameBytes: 1000 });
    const { calc } = calcAt(port);
    expect(await calc.echo("x".repeat(900))).toBe("x".repeat(900));
    const error = await rejection(calc.echo("x".repeat(2000)));
    expect(error).toMatchObject({ code: "connection-lost" });
    expect(warnings[0]).toMatch(/exceeds maxFrameBytes \(1000\)/);
    expect(await calc.add(1, 2)).toBe(3); // reconnected
  });

  test("bytes that are no Thrift at all", async () => {
    await withGoodNeighbour((port) =>
      rawExchange(port, new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n")),
    );
    expect(warnings[0]).toMatch(/neither a Thrift message, a frame nor a THeader frame/);
  });

  test("a frame whose message header cannot be decoded", async () => {
    await withGoodNeighbour((port) =>
      rawExchange(port, Uint8Array.of(0, 0, 0, 3, 0x82, 0x21, 0xff)),
    );
    expect(warnings[0]).toMatch(/undecodable message header/);
  });

  test("a negative frame length after a good frame (which is answered first)", async () => {
    const { reply } = await withGoodNeighbour((port) =>
      rawExchange(
        port,
        Uint8Array.of(
          ...[0, 0, 0, 12, 0x82, 0x21, 0x01, 0x03, 0x61, 0x64, 0x64, 0x15, 0x02, 0x15, 0x04, 0x00],
          ...int32(-5),
        ),
      ),
    );
    // rpc.md §8.2: the verified reply to add(1, 2), seqid 1.
    expect([...reply]).toEqual([
      0, 0, 0, 11, 0x82, 0x41, 1, 3, 0x61, 0x64, 0x64, 0x05, 0x00, 0x06, 0x00,
    ]);
    expect(warnings[0]).toMatch(/invalid frame size -5 \(negative\)/);
  });

  test("undecodable arguments get PROTOCOL_ERROR and the connection carries on", async () => {
    const { port } = await serve();
    const { channel, calc } = calcAt(port);
    const add = Calc.methods.get("add")! as MethodDescriptor;
    // Arguments written as a struct with a string where add's reader expects nothing readable.
    const broken: MethodDescriptor = {
      ...add,
      writeArgs: (w) => {
        w.structBegin();
        w.field(8, 1);
        w.i32(1);
        w.field(12, 2); // a struct holding a string longer than the limit below
        w.structBegin();
        w.field(11, 1);
        w.string("x".repeat(100));
        w.structEnd();
        w.structEnd();
      },
    };
    const strictServer = await serve(calcHandler(), { limits: { maxStringBytes: 10 } });
    const error = await rejection(
      open({ host: "127.0.0.1", port: strictServer.port }).call("Calc", broken, [], undefined),
    );
    expect(error).toBeInstanceOf(ApplicationError);
    expect((error as ApplicationError).type).toBe(ApplicationErrorType.PROTOCOL_ERROR);
    expect(error.message).toMatch(/cannot decode the arguments of Calc\.add/);
    expect(await calc.add(1, 1)).toBe(2);
    void channel;
  });

  test("a server restricted to one protocol refuses the other", async () => {
    const { port } = await serve(calcHandler(), { protocol: "binary" });
    expect(await calcAt(port, { protocol: "binary" }).calc.add(1, 1)).toBe(2);
    const error = await rejection(calcAt(port, { protocol: "compact" }).calc.add(1, 1));
    expect(error).toMatchObject({ code: "connection-lost" });
    expect(warnings[0]).toMatch(/client speaks framed compact; this server accepts only binary$/);
  });

  test("maxConnections refuses the connection beyond the limit", async () => {
    const { port } = await serve(calcHandler(), { maxConnections: 1 });
    const { calc } = calcAt(port);
    expect(await calc.add(1, 1)).toBe(2);
    await rawExchange(port, Uint8Array.of(0x82));
    expect(warnings[0]).toMatch(
      /maxConnections \(1\) reached; raise the server's maxConnections option/,
    );
    expect(await calc.add(2, 2)).toBe(4);
  });
});
