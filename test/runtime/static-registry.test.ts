// The default endpoint source (a fixed list) and how a channel picks among its connections.
import { describe, expect, test } from "vitest";
import {
  createPicker,
  createStaticSource,
  formatEndpoint,
  parseEndpoint,
} from "../../runtime/registry/static.js";

describe("addresses", () => {
  test("host:port and [ipv6]:port parse and format back", () => {
    expect(parseEndpoint("127.0.0.1:9090")).toEqual({ host: "127.0.0.1", port: 9090 });
    expect(parseEndpoint(" orders.internal:80 ")).toEqual({ host: "orders.internal", port: 80 });
    expect(parseEndpoint("[::1]:7000")).toEqual({ host: "::1", port: 7000 });
    expect(formatEndpoint({ host: "::1", port: 7000 })).toBe("[::1]:7000");
    expect(formatEndpoint({ host: "10.0.0.7", port: 1 })).toBe("10.0.0.7:1");
  });

  test.each(["localhost", "host:", ":80", "host:99999", "a:b:c"])("%s is refused", (bad) => {
    expect(() => parseEndpoint(bad)).toThrow(`invalid address "${bad}": expected host:port`);
  });

  test("a static source lists what it was given, and needs at least one", () => {
    const source = createStaticSource(["a:1", { host: "b", port: 2 }]);
    expect(source.endpoints()).toEqual([
      { host: "a", port: 1 },
      { host: "b", port: 2 },
    ]);
    expect(() => createStaticSource([])).toThrow(/at least one/);
  });
});

describe("pickers", () => {
  const item = (name: string, load = 0, available = true) => ({ name, load, available });
  const names = (picked: readonly { name: string }[]) => picked.map((p) => p.name);

  test("round-robin takes turns and skips what is unavailable", () => {
    const pick = createPicker("round-robin");
    const items = [item("a"), item("b", 0, false), item("c")];
    expect(names(Array.from({ length: 4 }, () => pick(items)))).toEqual(["c", "a", "c", "a"]);
  });

  test("round-robin still picks when nothing is available (the call then reports why)", () => {
    const pick = createPicker("round-robin");
    const items = [item("a", 0, false), item("b", 0, false)];
    expect(["a", "b"]).toContain(pick(items).name);
  });

  test("least-pending takes the available connection with the fewest calls waiting", () => {
    const pick = createPicker("least-pending");
    expect(names([pick([item("a", 5), item("b", 2), item("c", 3)])])).toEqual(["b"]);
    expect(names([pick([item("a", 5), item("b", 0, false), item("c", 9)])])).toEqual(["a"]);
  });
});
