// `npm start`: the commerce platform demo, in five steps.
//   1. compile idl/commerce.idl into generated/ if it is stale
//   2. start users, products, inventory, payments and orders, each as --replicas processes that
//      find each other through the registry (the launcher's static one, or etcd)
//   3. seed a shop and let simulated shoppers browse and order concurrently (with --chaos,
//      while replicas are killed, restarted and rolled)
//   4. read the end state back, check the invariants, print a summary
//   5. stop every replica gracefully; exit 0 only if every invariant holds
// A replica that dies unasked, a Ctrl-C or a stuck step ends the run early and non-zero, never a hang.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createEtcdSource, type EndpointSource } from "idlc/runtime";
import type { ChaosReport } from "./chaos.js";
import { findEtcd, startEtcd, type LocalEtcd } from "./etcd-server.js";
import { Fleet, describeExit, formatTail, replicaName, type ServiceExit } from "./fleet.js";
import { USAGE, parseArgs, type DemoOptions } from "./options.js";
import { startProgress } from "./progress.js";
import { ETCD_SERVICE_PREFIX, type Registry } from "./services/discovery.js";
import { SERVICE_NAMES, type ServiceName } from "./service-names.js";
import { CallStats } from "./stats.js";
import { checkInvariants, formatSummary } from "./summary.js";

/** Stop order: orders first, so nothing calls a service that is already gone. */
const STOP_ORDER: readonly ServiceName[] = ["orders", "users", "products", "inventory", "payments"];
/** Time each replica gets to deregister, finish its calls and exit after SIGTERM. */
const STOP_TIMEOUT_MS = 15_000;
/** On top of --seconds: starting (tsx compiles each replica), seeding, chaos, checking, stopping. */
const WATCHDOG_SLACK_MS = 240_000;
/** Wait for the replicas' next served-count report before printing the counts, in ms. */
const REPORT_WAIT_MS = 600;

/** Thrown when a replica ends while the demo still needs it. */
class ServiceDied extends Error {
  readonly exit: ServiceExit;
  constructor(exit: ServiceExit) {
    super(`the ${exit.name} replica ${describeExit(exit)}`);
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
    `idlc commerce demo: ${options.shoppers} shoppers for ${options.seconds}s, ${options.protocol} protocol, ` +
      `${options.replicas} replicas per service, ${options.registry} registry${options.chaos ? ", chaos" : ""}\n`,
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

  // Registry: etcd needs a binary, or a URL of one to use.
  let etcdPath: string | undefined;
  if (options.registry === "etcd" && options.etcdUrl === undefined) {
    etcdPath = findEtcd();
    if (etcdPath === undefined) {
      console.error("install etcd-server, or pass --etcd URL");
      return 2;
    }
  }
  // The run's state: every service's journal (services/journal.ts) and a throwaway etcd's data.
  const runDir = mkdtempSync(join(tmpdir(), "idlc-demo-"));
  let etcd: LocalEtcd | undefined;
  let fleet: Fleet | undefined;
  const watchdog = setTimeout(
    () => {
      console.error(`\nerror: the demo did not finish in time; killing the replicas`);
      fleet?.killAll();
      if (etcd) process.kill(etcd.pid, "SIGKILL");
      rmSync(runDir, { recursive: true, force: true });
      process.exit(1);
    },
    options.seconds * 1000 + WATCHDOG_SLACK_MS,
  );
  const shopping = new AbortController();
  let interrupted = false;
  process.on("SIGINT", () => {
    if (interrupted) {
      fleet?.killAll(); // a second Ctrl-C: stop waiting
      if (etcd) process.kill(etcd.pid, "SIGKILL");
      process.exit(130);
    }
    interrupted = true;
    console.error("\ninterrupted: shutting down (Ctrl-C again to kill)");
    // From a terminal the replicas got the same Ctrl-C and are stopping on their own.
    fleet?.expectExits();
    shopping.abort();
  });

  let code: number;
  try {
    let registry: Registry = { kind: "static" };
    if (options.registry === "etcd") {
      let url = options.etcdUrl;
      if (url === undefined) {
        etcd = await startEtcd(etcdPath!, join(runDir, "etcd"));
        url = etcd.url;
        console.log(`\n   etcd started on ${url} (pid ${etcd.pid}, data in ${runDir})`);
      }
      registry = { kind: "etcd", url };
    }
    fleet = new Fleet(
      {
        PROTOCOL: options.protocol,
        REGISTRY: registry.kind,
        STATE_DIR: runDir,
        ...(registry.kind === "etcd" && { ETCD_URL: registry.url }),
      },
      registry,
    );
    code = await unlessAServiceDies(fleet, run(fleet, registry, options, shopping.signal));
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
  if (fleet) {
    for (const exit of await fleet.stopAll(STOP_ORDER, STOP_TIMEOUT_MS)) {
      const clean = exit.code === 0 && exit.signal === null;
      console.log(`   ${exit.name.padEnd(23)} ${clean ? "stopped" : describeExit(exit)}`);
      if (!clean && code === 0) code = 1;
    }
  }
  if (etcd) {
    await etcd.stop();
    console.log(`   ${"etcd".padEnd(23)} stopped`);
  }
  rmSync(runDir, { recursive: true, force: true });
  clearTimeout(watchdog);
  return interrupted ? 130 : code;
}

/** Steps 2 to 4; resolves with the exit status the invariants call for. */
async function run(
  fleet: Fleet,
  registry: Registry,
  options: DemoOptions,
  signal: AbortSignal,
): Promise<number> {
  const where =
    registry.kind === "static" ? "static registry: the launcher" : `etcd at ${registry.url}`;
  console.log(
    `\n2. start ${SERVICE_NAMES.length} services × ${options.replicas} replicas on 127.0.0.1 (${where})`,
  );
  // All at once: a replica finds the others through the registry whenever they are up.
  const started = await Promise.all(
    SERVICE_NAMES.flatMap((service) =>
      Array.from({ length: options.replicas }, (_, i) => fleet.start(service, i + 1)),
    ),
  );
  for (const r of started) {
    const name = replicaName(r.service, r.slot, r.generation);
    console.log(`   ${name.padEnd(12)} ready on ${r.address} (pid ${r.pid})`);
  }

  // Loaded only now: step 1 may just have rewritten the generated module they import.
  const { connectPlatform } = await import("./platform.js");
  const { Observations } = await import("./shopper.js");
  const { seedShop, runShoppers, readBack } = await import("./workload.js");
  const { runChaos } = await import("./chaos.js");
  const { formatFleet } = await import("./fleet-summary.js");

  // The launcher's clients discover the replicas as every other client does.
  const etcdSources: EndpointSource[] = [];
  const sourceOf = (service: ServiceName): EndpointSource => {
    if (registry.kind === "static") return fleet.listOf(service);
    const source = createEtcdSource({
      etcd: { endpoints: [registry.url] },
      service: `${ETCD_SERVICE_PREFIX}${service}`,
    });
    etcdSources.push(source);
    return source;
  };
  const sources = Object.fromEntries(SERVICE_NAMES.map((s) => [s, sourceOf(s)])) as Record<
    ServiceName,
    EndpointSource
  >;
  const stats = new CallStats();
  const platform = connectPlatform(sources, options.protocol, stats);
  try {
    const chaosNote = options.chaos ? ", with chaos" : "";
    console.log(`\n3. shop: ${options.shoppers} shoppers for ${options.seconds}s${chaosNote}`);
    const shop = await seedShop(platform, options.shoppers);
    console.log(
      `   seeded ${shop.userIds.length} users, ${shop.products.length} products (${shop.scarce.length} scarce)`,
    );
    const seen = new Observations();
    stats.start();
    const startedAt = performance.now();
    let chaos: ChaosReport | undefined;
    let chaosDone = !options.chaos;
    const chaosRun = options.chaos
      ? runChaos({
          fleet,
          sources,
          replicas: options.replicas,
          seconds: options.seconds,
          startedAt,
          stopTimeoutMs: STOP_TIMEOUT_MS,
          signal,
        }).then((report) => {
          chaos = report;
          chaosDone = true;
        })
      : Promise.resolve();
    const progress = startProgress(options.seconds, () => ({
      calls: stats.calls,
      errors: stats.errors,
      ordersPlaced: seen.placed.size,
    }));
    // Every chaos step happens under traffic: shopping lasts until the chaos is over too.
    const done = (): boolean =>
      chaosDone && performance.now() - startedAt >= options.seconds * 1000;
    const shoppers = runShoppers(platform, shop, seen, {
      shoppers: options.shoppers,
      done,
      signal,
    });
    try {
      await Promise.all([chaosRun, shoppers]);
    } finally {
      stats.stop();
      progress.stop();
    }
    signal.throwIfAborted(); // stopped early (a replica died, Ctrl-C): there is nothing to verify

    console.log("\n4. verify");
    const facts = await readBack(platform, shop, seen, stats);
    const invariants = checkInvariants(facts);
    await new Promise((resolve) => setTimeout(resolve, REPORT_WAIT_MS));
    console.log(formatSummary(stats, facts, invariants));
    console.log(
      `\n${formatFleet({ replicas: fleet.replicas(), channels: platform.channels, chaos, registry: registry.kind })}`,
    );
    return invariants.every((i) => i.holds) ? 0 : 1;
  } finally {
    await platform.close();
    await Promise.all(etcdSources.map((source) => source.close?.()));
  }
}

/** Runs `work` unless a replica ends unasked first; then rejects with ServiceDied. */
function unlessAServiceDies<T>(fleet: Fleet, work: Promise<T>): Promise<T> {
  const died = fleet.unexpectedExit.then((exit): never => {
    throw new ServiceDied(exit);
  });
  return Promise.race([work, died]);
}

// process.exit: a pending reconnect timer or socket of an abandoned run must not keep us alive.
process.exit(await main(process.argv.slice(2)));
