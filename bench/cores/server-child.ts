// One server process of the cores benchmark: serves the CPU-bound search on a free port, tells
// the parent where, answers "served?" with its call count, and exits on "stop" or when the
// parent goes away. Argument: how many times each call does the search (default 1), so the
// balancing part can run one replica slower than the other.
import { createServer } from "idlc/runtime";
import { ProductService } from "../../generated/commerce.js";
import { parent, type Message } from "../runner/spawn.js";
import { createCatalog, createSearchHandler } from "./catalog-search.js";

const server = createServer();
let served = 0;
server.use((next) => (call) => {
  served++;
  return next(call);
});
const work = Math.max(1, Number(process.argv[2] ?? 1));
const search = createSearchHandler(createCatalog());
server.add(ProductService, {
  ...search,
  search(query, context) {
    for (let i = 1; i < work; i++) search.search(query, context);
    return search.search(query, context);
  },
});
const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
parent.onMessage((message: Message) => {
  if (message.type === "served?") void parent.send({ type: "served", calls: served });
  else if (message.type === "stop")
    void server.close({ graceMs: 1_000 }).then(() => process.exit(0));
});
parent.exitWithParent();
await parent.send({ type: "ready", port });
