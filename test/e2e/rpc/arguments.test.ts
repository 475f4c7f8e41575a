// idlc client ⇄ idlc server over real loopback TCP: arguments a caller leaves out of the
// `<method>_args` struct (an Apache client omits a null one; a JS caller may pass undefined). The
// handler's types promise a value, so generated readArgs fills the IDL default, lets an `optional`
// argument through as undefined, and has the server answer PROTOCOL_ERROR for any other.
import { describe, expect, test } from "vitest";
import {
  ApplicationError,
  ApplicationErrorType,
  TType,
  createServer,
  type MethodDescriptor,
  type ProtocolWriter,
} from "idlc/runtime";
import { Store, type Item, type StoreHandler } from "../../compiler/golden/services.js";
import { logger, open, rejection, servers, warnings } from "../../support/rpc-fixture.js";

/** The Store handler; records the arguments each call got. */
function storeHandler(calls: unknown[][]): StoreHandler {
  return {
    ping: () => {},
    health: () => "ok",
    get: (sku) => {
      calls.push(["get", sku]);
      return { sku, quantity: 1 };
    },
    listItems: (offset, limit, prefix) => {
      calls.push(["listItems", offset, limit, prefix]);
      return [];
    },
    put: (item, attrs) => {
      calls.push(["put", item, attrs]);
    },
    touch: () => {},
    count: () => 0n,
    ids: () => new Set(),
  };
}

/** A Store server and a channel to it (one connection: the pool is lazy and calls are few). */
async function storeAt(calls: unknown[][]) {
  const server = createServer({ logger });
  server.add(Store, storeHandler(calls));
  servers.push(server);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  const channel = open({ host: "127.0.0.1", port });
  return { server, channel, store: Store.client(channel) };
}

/** Store's descriptor of `method`, sending the args struct `writeArgs` writes instead. */
function sending(method: string, writeArgs: (w: ProtocolWriter) => void): MethodDescriptor {
  return { ...Store.methods.get(method)!, writeArgs };
}

function emptyArgs(w: ProtocolWriter): void {
  w.structBegin();
  w.structEnd();
}

describe("arguments left out by the caller", () => {
  test("all arguments given: the handler gets them as sent", async () => {
    const calls: unknown[][] = [];
    const { store } = await storeAt(calls);
    expect(await store.listItems(5, 20, "ab")).toEqual([]);
    expect(await store.get("a")).toEqual({ sku: "a", quantity: 1 });
    expect(calls).toEqual([
      ["listItems", 5, 20, "ab"],
      ["get", "a"],
    ]);
  });

  test("one with an IDL default gets it; an `optional` one arrives undefined", async () => {
    const calls: unknown[][] = [];
    const { channel } = await storeAt(calls);
    const onlyOffset = sending("listItems", (w) => {
      w.structBegin();
      w.field(TType.I32, 1);
      w.i32(5);
      w.structEnd();
    });
    expect(await channel.call("Store", onlyOffset, [], undefined)).toEqual([]);
    expect(calls).toEqual([["listItems", 5, 10, undefined]]);
    expect(warnings).toEqual([]);
  });

  test("one without a default is answered PROTOCOL_ERROR naming it; the connection serves on", async () => {
    const calls: unknown[][] = [];
    const { server, channel, store } = await storeAt(calls);
    expect(await store.get("a")).toEqual({ sku: "a", quantity: 1 });

    const error = await rejection(channel.call("Store", sending("get", emptyArgs), [], undefined));
    expect(error).toBeInstanceOf(ApplicationError);
    expect((error as ApplicationError).type).toBe(ApplicationErrorType.PROTOCOL_ERROR);
    expect(error.message).toContain(
      'PROTOCOL_ERROR: cannot decode the arguments of Store.get: get: missing argument "sku"',
    );
    // A required argument is named the same way.
    const put = await rejection(channel.call("Store", sending("put", emptyArgs), [], undefined));
    expect(put.message).toContain('Store.put: put: missing argument "item"');
    // A JS caller that passes undefined where the type says string: the client omits it.
    const js = await rejection(store.get(undefined as unknown as string));
    expect((js as ApplicationError).type).toBe(ApplicationErrorType.PROTOCOL_ERROR);

    const item: Item = { sku: "b", quantity: 2 };
    await store.put(item, new Map([["colour", 1n]]));
    expect(await store.get("c")).toEqual({ sku: "c", quantity: 1 });
    // The handler never saw the rejected calls, and they all went over the one connection.
    expect(calls).toEqual([
      ["get", "a"],
      ["put", item, new Map([["colour", 1n]])],
      ["get", "c"],
    ]);
    expect(server.stats().connectionsAccepted).toBe(1);
    // Logged (the server rate-limits repeats of one kind, so later ones may be folded).
    expect(warnings[0]).toContain(
      'cannot decode the arguments of Store.get: get: missing argument "sku"',
    );
  });
});
