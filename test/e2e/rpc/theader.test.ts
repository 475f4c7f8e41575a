// idlc client ⇄ idlc server over real loopback TCP: the THeader transport. Handlers are
// deterministic: outcomes and orderings are asserted, never durations (test/support/rpc-fixture.ts
// closes every server, channel and socket after each test and fails the file on a leaked socket).
import { describe, expect, test } from "vitest";
import { ApplicationErrorType, createReader, MessageType } from "idlc/runtime";
import { readApplicationException } from "../../../runtime/message.js";
import { HeaderDecoder } from "../../../runtime/transport/header.js";
import { serve, calcAt, rawExchange } from "../../support/rpc-fixture.js";

describe("THeader", () => {
  test("user headers, channel headers, request id and deadline reach the handler's context", async () => {
    const { port } = await serve();
    const { calc } = calcAt(port, {
      transport: "header",
      headers: { app: "tests", user: "default" },
    });
    const seen = JSON.parse(await calc.context({ headers: { user: "alice" }, timeoutMs: 60_000 }));
    expect(seen.headers).toMatchObject({ app: "tests", user: "alice" });
    expect(seen.headers.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]+$/);
    expect(Number(seen.headers.client_timeout)).toBeGreaterThan(0);
    expect(seen.deadline).toEqual(expect.any(Number));
    const plain = JSON.parse(await calc.context());
    expect(plain.headers.client_timeout).toBeUndefined();
    expect(plain.deadline).toBeNull();
  });

  test("a frame with a transform gets INVALID_TRANSFORM, then the connection closes", async () => {
    const { port } = await serve();
    // zlib transform (id 1), seqid 5, compact CALL add: rpc.md §10 layout
    const frame = Uint8Array.of(
      ...[0, 0, 0, 0x16, 0x0f, 0xff, 0, 0, 0, 0, 0, 5, 0, 1, 2, 1, 1, 0],
      ...[0x82, 0x21, 5, 3, 0x61, 0x64, 0x64, 0],
    );
    const reply = await rawExchange(port, frame);
    const decoder = new HeaderDecoder(1 << 20);
    decoder.push(reply);
    expect(decoder.next()).toBe(true);
    const r = createReader(decoder.protocol, decoder.bytes.slice(decoder.start, decoder.end));
    expect(r.messageBegin()).toEqual({ name: "", type: MessageType.EXCEPTION, seqid: 5 });
    const ex = readApplicationException(r);
    expect(ex.type).toBe(ApplicationErrorType.INVALID_TRANSFORM);
    expect(ex.message).toMatch(/transform 1 \(zlib\) is not supported/);
  });
});
