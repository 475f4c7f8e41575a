// The client's hint for a plain (non-multiplexed) Apache server: idlc multiplexes by default, and
// such a server answers `Unknown function Calc:add`; the error then says to connect with
// `multiplexed: false`. Against real Apache servers (npm thrift 0.24 and python3-thrift 0.17).
import { afterAll, beforeAll, expect, test } from "vitest";
import { connect, type ClientChannel } from "idlc/runtime";
import { Calc } from "../support/calc-service.js";
import { describeWithTools } from "../support/tools.js";
import { buildApache, startApacheServer, type ApacheBuild, type PeerServer } from "./apache.js";

describeWithTools(["thrift", "python3-thrift"], "hints against plain Apache servers", () => {
  let build: ApacheBuild;
  const running: PeerServer[] = [];
  const channels: ClientChannel[] = [];

  beforeAll(() => {
    build = buildApache("hints");
  }, 60_000);
  afterAll(async () => {
    await Promise.all(channels.map((c) => c.close()));
    await Promise.all(running.map((s) => s.stop()));
  });

  for (const kind of ["node", "python"] as const)
    test(`a ${kind} server without multiplexing: the error says multiplexed: false`, async () => {
      const flags = { protocol: "binary", transport: "buffered", multiplexed: false } as const;
      const server = await startApacheServer(kind, build, flags);
      running.push(server);
      const options = { host: "127.0.0.1", port: server.port, timeoutMs: 10_000, ...flags };
      const multiplexing = connect({ ...options, multiplexed: true });
      channels.push(multiplexing);
      const error = await Calc.client(multiplexing)
        .add(1, 2)
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      expect(error?.message).toMatch(
        /Unknown function Calc:add; the server does not know the multiplexed name "Calc:add": if it is a plain Apache server, connect with \{ multiplexed: false \}$/i,
      );
      // And the advice is right.
      const plain = connect(options);
      channels.push(plain);
      expect(await Calc.client(plain).add(1, 2)).toBe(3);
    }, 45_000);
});
