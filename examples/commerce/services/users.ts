// The user service: shoppers' accounts, in memory, shared by every replica through the journal.
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
import { openJournal } from "./journal.js";
import { serve } from "./serve.js";

/** The one write of the user service, as the journal records it. */
interface CreateUser {
  readonly op: "create";
  readonly request: CreateUserRequest;
  readonly createdAt: bigint;
}

/** A UserService handler over an in-memory store, kept in step with the other replicas. */
export function createUserHandler(): UserServiceHandler {
  const users = new Map<UserId, User>();
  const emails = new Set<string>();
  let lastId = 1000n;

  // Applied in log order on every replica: the email check and the id are decided here.
  const journal = openJournal<CreateUser>("users", ({ request, createdAt }): User => {
    const email = request.email.trim().toLowerCase();
    if (emails.has(email)) {
      throw new InvalidRequest({ message: `${email} is already registered`, field: "email" });
    }
    const user: User = {
      id: ++lastId,
      email,
      name: request.name.trim(),
      ...(request.defaultAddress && { defaultAddress: request.defaultAddress }),
      createdAt,
      preferences: new Map(),
    };
    users.set(user.id, user);
    emails.add(email);
    return user;
  });

  return {
    ...createBaseHandler("users", () => {
      journal.catchUp();
      return { users: users.size };
    }),

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
      return journal.run({ op: "create", request, createdAt: BigInt(Date.now()) });
    },

    getUser(id: UserId): User {
      journal.catchUp();
      const user = users.get(id);
      if (!user) throw new NotFound({ message: `no user ${id}`, entity: "user", key: String(id) });
      return user;
    },

    getUsers(ids: UserId[]): Map<UserId, User> {
      journal.catchUp();
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
