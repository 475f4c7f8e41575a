// idlc's RPC runtime against Apache Thrift over loopback TCP, both directions: Apache clients
// (python3-thrift 0.17, npm thrift 0.24) call an idlc server, and an idlc client calls Apache
// servers; compact and binary, framed, buffered and THeader (headers seen on the other side),
// with and without multiplexing. Every client runs the same script (script.ts checks it).
import type * as runtimeTypes from "idlc/runtime";
import type { Logger } from "idlc/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { describeWithTools } from "../support/tools.js";
import {
  buildApache,
  runApacheClient,
  startApacheServer,
  type ApacheBuild,
  type PeerKind,
  type RpcFlags,
} from "./apache.js";
import { compileInterop, idlcShapes, type GeneratedModule } from "./idlc.js";
import { idlcHandlers, runIdlcScript, type ChannelLike } from "./idlc-script.js";
import { type Json, Schema, type StructShapes, structType } from "./json-mapping.js";
import { npmSafe } from "./npm-limits.js";
import { expectScript, SAMPLE_EVERYTHING, TEST_HEADERS } from "./script.js";

type Runtime = typeof runtimeTypes;
type IdlcServer = ReturnType<Runtime["createServer"]>;

/** Every flag combination the Apache peers support. */
const FLAGS: RpcFlags[] = [];
for (const transport of ["framed", "buffered", "header"] as const)
  for (const protocol of ["compact", "binary"] as const)
    for (const multiplexed of [false, true]) FLAGS.push({ protocol, transport, multiplexed });

const describeFlags = (f: RpcFlags): string =>
  `${f.protocol} ${f.transport}${f.multiplexed ? " multiplexed" : ""}`;

describeWithTools(["thrift", "python3-thrift"], "interop: idlc RPC ⇄ Apache Thrift", () => {
  describe("both directions, every flag combination", () => {
    let build: ApacheBuild;
    let schema: Schema;
    let module: GeneratedModule;
    let shapes: StructShapes;
    let runtime: Runtime;
    /** idlc servers: Calc alone (plain method names), and Calc + Greeter (multiplexed). */
    const servers = new Map<boolean, IdlcServer>();

    /** The echo value for a run: npm thrift cannot carry everything (npm-limits.ts). */
    const echoFor = (kinds: readonly string[]): Json =>
      kinds.includes("node")
        ? npmSafe(schema, structType(schema, "Everything"), SAMPLE_EVERYTHING)
        : SAMPLE_EVERYTHING;

    beforeAll(async () => {
      build = buildApache("rpc");
      schema = Schema.load([build.models.interop]);
      module = await compileInterop("rpc");
      shapes = await idlcShapes(module);
      runtime = await import("idlc/runtime");
      for (const multiplexed of [false, true]) {
        const { calc, greeter } = idlcHandlers(module);
        // defaults: protocol and transport detected per connection
        const server = runtime.createServer({ logger: quietLogger() });
        server.add(module.Calc as Parameters<IdlcServer["add"]>[0], calc);
        if (multiplexed) server.add(module.Greeter as Parameters<IdlcServer["add"]>[0], greeter);
        await server.listen({ host: "127.0.0.1", port: 0 });
        servers.set(multiplexed, server);
      }
    }, 180_000);
    afterAll(async () => {
      for (const server of servers.values()) await server.close({ graceMs: 1_000 });
    });

    for (const client of ["python", "node"] as const)
      for (const flags of FLAGS)
        test(`${client} client → idlc server, ${describeFlags(flags)}`, async () => {
          const echo = echoFor([client]);
          const run = await runApacheClient(client, build, {
            ...flags,
            port: servers.get(flags.multiplexed)!.address().port,
            echo,
            headers: TEST_HEADERS,
          });
          expectScript(run, { server: "idlc", client, flags, schema, echo, headers: TEST_HEADERS });
        }, 45_000);

    async function withApacheServer<T>(
      kind: PeerKind,
      flags: RpcFlags,
      body: (channel: ChannelLike & { close(): Promise<void> }) => Promise<T>,
    ): Promise<T> {
      const server = await startApacheServer(kind, build, flags);
      const channel = runtime.connect({
        host: "127.0.0.1",
        port: server.port,
        protocol: flags.protocol,
        transport: flags.transport,
        multiplexed: flags.multiplexed,
        timeoutMs: 10_000,
      });
      try {
        return await body(channel as unknown as ChannelLike & { close(): Promise<void> });
      } finally {
        await channel.close();
        await server.stop();
      }
    }

    for (const server of ["python", "node"] as const)
      for (const flags of FLAGS)
        test(`idlc client → ${server} server, ${describeFlags(flags)}`, async () => {
          const echo = echoFor([server]);
          const run = await withApacheServer(server, flags, (channel) =>
            runIdlcScript(module, channel, {
              schema,
              shapes,
              multiplexed: flags.multiplexed,
              echo,
              headers: TEST_HEADERS,
            }),
          );
          expectScript(run, { server, client: "idlc", flags, schema, echo, headers: TEST_HEADERS });
        }, 45_000);

    test("idlc client matches replies by seqid when npm thrift answers out of order", async () => {
      const flags: RpcFlags = { protocol: "compact", transport: "framed", multiplexed: false };
      await withApacheServer("node", flags, async (channel) => {
        const calc = (
          module.Calc as {
            client(c: ChannelLike): Record<string, (...a: unknown[]) => Promise<unknown>>;
          }
        ).client(channel);
        const settled: unknown[] = [];
        const track = (p: Promise<unknown>): Promise<unknown> =>
          p.then((v) => (settled.push(v), v));
        const results = await Promise.all([
          track(calc.slow!(300, 1)),
          track(calc.slow!(10, 2)),
          track(calc.add!(1, 2)),
        ]);
        expect(results).toEqual([1, 2, 3]);
        // the npm server answered the fast calls first; each reply still reached its own call
        expect(settled[settled.length - 1]).toBe(1);
      });
    });
  });
});

/** A logger that keeps the deliberate `fail` handler error out of the output, and shows the rest. */
function quietLogger(): Logger {
  const deliberate = (detail: unknown): boolean =>
    detail instanceof Error && detail.message === "deliberate failure";
  return {
    warn: (message, detail) => console.warn(`idlc server: ${message}`, detail ?? ""),
    error: (message, detail) => {
      if (!deliberate(detail)) console.warn(`idlc server: ${message}`, detail ?? "");
    },
  };
}
