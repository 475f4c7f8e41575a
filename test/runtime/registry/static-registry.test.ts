// The default endpoint source (a fixed list); picking among endpoints is in balancer.test.ts.
import { describe, expect, test } from "vitest";
import {
  createStaticSource,
  formatEndpoint,
  parseEndpoint,
} from "../../../runtime/registry/static.js";
import { readEndpointValue } from "../../../runtime/registry/etcd.js";

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

  test("a static source carries weights, and refuses one that is not a positive number", () => {
    const source = createStaticSource([{ host: "a", port: 1, weight: 3 }, "b:2"]);
    expect(source.endpoints()).toEqual([
      { host: "a", port: 1, weight: 3 },
      { host: "b", port: 2 },
    ]);
    expect(() => createStaticSource([{ host: "a", port: 1, weight: 0 }])).toThrow(
      "invalid weight 0 of a:1: expected a positive number",
    );
  });
});

describe("weights in etcd registrations", () => {
  test("metadata.weight becomes the endpoint's weight; one that is not a positive number is left out", () => {
    const value = (weight: string) =>
      JSON.stringify({ host: "a", port: 1, metadata: { zone: "z", weight } });
    expect(readEndpointValue(value("0.1"))).toEqual({
      host: "a",
      port: 1,
      weight: 0.1,
      metadata: { zone: "z", weight: "0.1" },
    });
    for (const bad of ["0", "-2", "heavy", "", "Infinity"])
      expect(readEndpointValue(value(bad))).not.toHaveProperty("weight");
  });
});
