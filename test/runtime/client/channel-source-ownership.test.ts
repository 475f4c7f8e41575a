// A channel closes the endpoint source it made (from `host`/`port` or `addresses`) and only that
// one. Static sources need no closing, so their factory is wrapped here to count `close()`.
import { afterEach, expect, test, vi } from "vitest";
import { connect, type EndpointSource } from "idlc/runtime";
import type * as Static from "../../../runtime/registry/static.js";

const made = vi.hoisted(() => ({ closes: 0 }));

vi.mock("../../../runtime/registry/static.js", async (importOriginal) => {
  const actual = await importOriginal<typeof Static>();
  return {
    ...actual,
    createStaticSource: (...args: Parameters<typeof actual.createStaticSource>) => ({
      ...actual.createStaticSource(...args),
      close: () => void made.closes++,
    }),
  };
});

afterEach(() => {
  made.closes = 0;
});

test("a channel closes the source it made from addresses, once", async () => {
  const channel = connect({ addresses: ["127.0.0.1:9"] });
  await channel.close();
  await channel.close();
  expect(made.closes).toBe(1);
});

test("a channel closes the source it made from host and port", async () => {
  await connect({ host: "127.0.0.1", port: 9 }).close();
  expect(made.closes).toBe(1);
});

test("a channel leaves a source passed as endpoints open", async () => {
  let closes = 0;
  const source: EndpointSource = {
    endpoints: () => [{ host: "127.0.0.1", port: 9 }],
    close: () => void closes++,
  };
  await connect({ endpoints: source }).close();
  expect(closes).toBe(0);
  expect(made.closes).toBe(0);
});
