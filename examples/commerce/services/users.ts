// The user service: shoppers' accounts, in memory.
import {
  InvalidRequest,
  NotFound,
  UserService,
  type CreateUserRequest,
  type User,
  type UserId,
  type UserServiceHandler,
} from "../../../generated/commerce.js";
import { createBaseHandler } from "./base.js";
import { serve } from "./serve.js";

/** A UserService handler over an in-memory store. */
export function createUserHandler(): UserServiceHandler {
  const users = new Map<UserId, User>();
  const emails = new Set<string>();
  let lastId = 1000n;

  return {
    ...createBaseHandler("users", () => ({ users: users.size })),

    createUser(request: CreateUserRequest): User {
      const email = request.email.trim().toLowerCase();
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
        throw new InvalidRequest({
          message: `"${request.email}" is not an email address`,
          field: "email",
        });
      }
      if (request.name.trim() === "") {
        throw new InvalidRequest({ message: "a user needs a name", field: "name" });
      }
      if (emails.has(email)) {
        throw new InvalidRequest({ message: `${email} is already registered`, field: "email" });
      }
      const user: User = {
        id: ++lastId,
        email,
        name: request.name.trim(),
        ...(request.defaultAddress && { defaultAddress: request.defaultAddress }),
        createdAt: BigInt(Date.now()),
        preferences: new Map(),
      };
      users.set(user.id, user);
      emails.add(email);
      return user;
    },

    getUser(id: UserId): User {
      const user = users.get(id);
      if (!user) throw new NotFound({ message: `no user ${id}`, entity: "user", key: String(id) });
      return user;
    },

    getUsers(ids: UserId[]): Map<UserId, User> {
      const found = new Map<UserId, User>();
      for (const id of ids) {
        const user = users.get(id);
        if (user) found.set(id, user);
      }
      return found;
    },
  };
}

await serve("users", (server) => server.add(UserService, createUserHandler()));
