// `npm start`: the commerce platform demo, in five steps.
//   1. compile idl/commerce.idl into generated/ if it is stale
//   2. start users, products, inventory, payments and orders, each its own process
//   3. seed a shop and let simulated shoppers browse and order concurrently
//   4. read the end state back, check the invariants, print a summary
//   5. stop every service gracefully; exit 0 only if every invariant holds
// A service that dies, a Ctrl-C or a stuck step ends the run early and non-zero, never a hang.
import { fileURLToPath } from "node:url";
import { Cluster, describeExit, formatTail, type ServiceExit } from "./cluster.js";
import { USAGE, parseArgs, type DemoOptions } from "./options.js";
import type { ServiceName } from "./platform.js";
import { startProgress } from "./progress.js";
import { CallStats } from "./stats.js";
import { checkInvariants, formatSummary } from "./summary.js";

/** Stop order: orders first, so nothing calls a service that is already gone. */
const STOP_ORDER: readonly ServiceName[] = ["orders", "users", "products", "inventory", "payments"];
/** Time each service gets to finish its calls and exit after SIGTERM. */
const STOP_TIMEOUT_MS = 5_000;
/** On top of --seconds: starting (tsx compiles each service), seeding, checking, stopping. */
const WATCHDOG_SLACK_MS = 120_000;

/** Thrown when a service process ends while the demo still needs it. */
class ServiceDied extends Error {
  readonly exit: ServiceExit;
  constructor(exit: ServiceExit) {
    super(`the ${exit.name} service ${describeExit(exit)}`);
    this.exit = exit;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    console.error(`error: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const options = parsed.options;
  // Paths below (idl/, generated/, the services' `--import tsx`) are relative to the repository.
  process.chdir(fileURLToPath(new URL("../..", import.meta.url)));
  console.log(
    `idlc commerce demo: ${options.shoppers} shoppers for ${options.seconds}s, ${options.protocol} protocol\n`,
  );

  console.log("1. compile idl/commerce.idl");
  // Loaded here, not at the top: the compiler takes a moment to load, and --help should not wait.
  const { regenerateIfStale } = await import("./regenerate.js");
  const compiled = await regenerateIfStale("idl/commerce.idl", "generated");
  if (compiled.kind === "error") {
    console.error(compiled.report);
    return 1;
  }
  console.log(
    compiled.written.length === 0
      ? `   generated/ is up to date (${compiled.unchanged} module${compiled.unchanged === 1 ? "" : "s"})`
      : `   generated/ was stale: wrote ${compiled.written.join(", ")}`,
  );

  const cluster = new Cluster();
  const watchdog = setTimeout(
    () => {
      console.error(`\nerror: the demo did not finish in time; killing the services`);
      cluster.killAll();
      process.exit(1);
    },
    options.seconds * 1000 + WATCHDOG_SLACK_MS,
  );
  const shopping = new AbortController();
  let interrupted = false;
  process.on("SIGINT", () => {
    if (interrupted) {
      cluster.killAll(); // a second Ctrl-C: stop waiting
      process.exit(130);
    }
    interrupted = true;
    console.error("\ninterrupted: shutting down (Ctrl-C again to kill)");
    // From a terminal the services got the same Ctrl-C and are stopping on their own.
    cluster.expectExits();
    shopping.abort();
  });

  let code: number;
  try {
    code = await unlessAServiceDies(cluster, run(cluster, options, shopping.signal));
  } catch (error) {
    shopping.abort();
    if (error instanceof ServiceDied) {
      console.error(`\nerror: ${error.message}${formatTail(error.exit)}`);
    } else if (!interrupted) {
      console.error(`\nerror: ${error instanceof Error ? error.message : String(error)}`);
    }
    code = 1;
  }

  console.log("\n5. shut down");
  for (const exit of await cluster.stop(STOP_ORDER, STOP_TIMEOUT_MS)) {
    const clean = exit.code === 0 && exit.signal === null;
    console.log(`   ${exit.name.padEnd(10)} ${clean ? "stopped" : describeExit(exit)}`);
    if (!clean && code === 0) code = 1;
  }
  clearTimeout(watchdog);
  return interrupted ? 130 : code;
}

/** Steps 2 to 4; resolves with the exit status the invariants call for. */
async function run(cluster: Cluster, options: DemoOptions, signal: AbortSignal): Promise<number> {
  console.log("\n2. start services on 127.0.0.1");
  const env = { PROTOCOL: options.protocol };
  const [users, products, inventory, payments] = await Promise.all([
    cluster.start("users", env),
    cluster.start("products", env),
    cluster.start("inventory", env),
    cluster.start("payments", env),
  ]);
  // Orders calls the other four, so it starts last and is told where they are.
  const orders = await cluster.start("orders", {
    ...env,
    USERS_ADDRESS: users.address,
    PRODUCTS_ADDRESS: products.address,
    INVENTORY_ADDRESS: inventory.address,
    PAYMENTS_ADDRESS: payments.address,
  });
  for (const service of [users, products, inventory, payments, orders]) {
    console.log(`   ${service.name.padEnd(10)} ready on ${service.address} (pid ${service.pid})`);
  }

  // Loaded only now: step 1 may just have rewritten the generated module they import.
  const { connectPlatform } = await import("./platform.js");
  const { Observations } = await import("./shopper.js");
  const { seedShop, runShoppers, readBack } = await import("./workload.js");

  const stats = new CallStats();
  const platform = connectPlatform(
    {
      users: users.address,
      products: products.address,
      inventory: inventory.address,
      payments: payments.address,
      orders: orders.address,
    },
    options.protocol,
    stats,
  );
  try {
    console.log(`\n3. shop: ${options.shoppers} shoppers for ${options.seconds}s`);
    const shop = await seedShop(platform, options.shoppers);
    console.log(
      `   seeded ${shop.userIds.length} users, ${shop.products.length} products (${shop.scarce.length} scarce)`,
    );
    const seen = new Observations();
    stats.start();
    const progress = startProgress(options.seconds, () => ({
      calls: stats.calls,
      errors: stats.errors,
      ordersPlaced: seen.placed.size,
    }));
    try {
      await runShoppers(platform, shop, seen, { ...options, signal });
    } finally {
      stats.stop();
      progress.stop();
    }
    signal.throwIfAborted(); // stopped early (a service died, Ctrl-C): there is nothing to verify

    console.log("\n4. verify");
    const facts = await readBack(platform, shop, seen, stats.seconds);
    const invariants = checkInvariants(facts);
    console.log(formatSummary(stats, facts, invariants));
    return invariants.every((i) => i.holds) ? 0 : 1;
  } finally {
    await platform.close();
  }
}

/** Runs `work` unless a service process ends first; then rejects with ServiceDied. */
function unlessAServiceDies<T>(cluster: Cluster, work: Promise<T>): Promise<T> {
  const died = cluster.unexpectedExit.then((exit): never => {
    throw new ServiceDied(exit);
  });
  return Promise.race([work, died]);
}

// process.exit: a pending reconnect timer or socket of an abandoned run must not keep us alive.
process.exit(await main(process.argv.slice(2)));
