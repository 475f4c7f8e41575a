// idlc client ⇄ idlc server over real loopback TCP: the generated commerce module. Handlers are
// deterministic: outcomes and orderings are asserted, never durations (test/support/rpc-fixture.ts
// closes every server, channel and socket after each test and fails the file on a leaked socket).
import { describe, expect, test } from "vitest";
import type { ApplicationError } from "idlc/runtime";
import { ApplicationErrorType, createServer } from "idlc/runtime";
import {
  BaseService,
  NotFound,
  UserService,
  type User,
  type UserServiceHandler,
} from "../../../generated/commerce.js";
import { Calc } from "../../support/calc-service.js";
import { logger, servers, calcHandler, open, rejection } from "../../support/rpc-fixture.js";

describe("generated code (commerce)", () => {
  test("UserService over both protocols: values, declared exceptions, inherited methods", async () => {
    const users = new Map<bigint, User>();
    const handler: UserServiceHandler = {
      ping: () => {},
      health: () => ({ ok: true, serviceName: "users", uptimeMs: 2n ** 40n, details: new Map() }),
      createUser: (request) => {
        const user: User = {
          id: BigInt(users.size + 1),
          email: request.email,
          name: request.name,
          createdAt: 1_700_000_000_000n,
          preferences: new Map([["lang", "de"]]),
        };
        users.set(user.id, user);
        return user;
      },
      getUser: async (id) => {
        const user = users.get(id);
        if (user === undefined)
          throw new NotFound({ message: "no such user", entity: "user", key: String(id) });
        return user;
      },
      getUsers: (ids) =>
        new Map(ids.flatMap((id) => (users.has(id) ? [[id, users.get(id)!]] : []))),
    };
    const server = createServer({ logger });
    server.add(UserService, handler);
    server.add(Calc, calcHandler());
    servers.push(server);
    const { port } = await server.listen();
    for (const protocol of ["compact", "binary"] as const) {
      const channel = open({ host: "127.0.0.1", port, protocol });
      const client = UserService.client(channel);
      const created = await client.createUser({ email: `a@${protocol}`, name: "Ada" });
      expect(await client.getUser(created.id)).toEqual(created);
      const missing = await rejection(client.getUser(999n));
      expect(missing).toBeInstanceOf(NotFound);
      expect(missing).toMatchObject({ message: "no such user", entity: "user", key: "999" });
      await client.ping();
      expect((await client.health()).uptimeMs).toBe(2n ** 40n);
      expect([...(await client.getUsers([created.id, 999n])).keys()]).toEqual([created.id]);
      // BaseService itself is not hosted: its own name is unknown here.
      const base = await rejection(BaseService.client(channel).ping());
      expect((base as ApplicationError).type).toBe(ApplicationErrorType.UNKNOWN_METHOD);
    }
  });
});
