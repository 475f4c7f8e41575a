// The launcher's command line: `npm start -- --shoppers 50 --seconds 10 --protocol binary`.
import type { ProtocolName } from "idlc/runtime";

/** What the demo was asked to do. */
export interface DemoOptions {
  /** Simulated shoppers placing orders concurrently. */
  readonly shoppers: number;
  /** How long the shoppers shop, in seconds. */
  readonly seconds: number;
  /** The wire protocol every service and client speaks. */
  readonly protocol: ProtocolName;
  /** Processes per service, each on its own port. */
  readonly replicas: number;
  /** How replicas find each other: the launcher, or etcd (at `etcdUrl`, or one we start). */
  readonly registry: "static" | "etcd";
  /** An etcd to use with `registry: "etcd"`; absent: the launcher starts a throwaway one. */
  readonly etcdUrl: string | undefined;
  /** Kill, restart and roll replicas while the shoppers shop. */
  readonly chaos: boolean;
}

/** The result of reading argv: options to run with, a request for help, or a usage error. */
export type ParsedArgs =
  | { readonly kind: "run"; readonly options: DemoOptions }
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string };

export const USAGE = `usage: npm start -- [--shoppers N] [--seconds S] [--protocol compact|binary]
                    [--replicas N] [--registry static|etcd] [--etcd URL] [--chaos]

Runs the idlc commerce platform: five services, each as several replicas in separate processes
on 127.0.0.1, finding each other through a registry and talking over idlc, driven by simulated
shoppers; then checks the end state and shuts down.

  --shoppers N    concurrent shoppers (1-1000, default 20)
  --seconds S     how long they shop (0.5-600, default 5)
  --protocol P    compact (default) or binary
  --replicas N    processes per service (1-8, default 2)
  --registry R    static (default: the launcher is the registry) or etcd
  --etcd URL      with --registry etcd: use this etcd instead of starting a throwaway one
  --chaos         while they shop, SIGKILL and restart a replica of inventory and of orders,
                  and roll the replicas of products (SIGTERM, drain, start again); needs
                  --replicas 2 or more
  --help          show this help`;

const VALUED_FLAGS = [
  "--shoppers",
  "--seconds",
  "--protocol",
  "--replicas",
  "--registry",
  "--etcd",
];

const DEFAULTS: DemoOptions = {
  shoppers: 20,
  seconds: 5,
  protocol: "compact",
  replicas: 2,
  registry: "static",
  etcdUrl: undefined,
  chaos: false,
};

/** Reads the launcher's arguments (without `node` and the script path). Never throws. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  let options = DEFAULTS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // Accept both `--seconds 3` and `--seconds=3`.
    const [flag = "", inline] = arg.split(/=(.*)/s, 2);
    if (flag === "--help" || flag === "-h") return { kind: "help" };
    if (flag === "--chaos" && inline === undefined) {
      options = { ...options, chaos: true };
      continue;
    }
    if (!VALUED_FLAGS.includes(flag)) return { kind: "error", message: `unknown option "${arg}"` };
    const value = inline ?? argv[++i];
    if (value === undefined) return { kind: "error", message: `option ${flag} needs a value` };
    switch (flag) {
      case "--shoppers": {
        const shoppers = Number(value);
        if (!Number.isInteger(shoppers) || shoppers < 1 || shoppers > 1000) {
          return {
            kind: "error",
            message: `--shoppers must be a whole number from 1 to 1000, not "${value}"`,
          };
        }
        options = { ...options, shoppers };
        break;
      }
      case "--seconds": {
        const seconds = Number(value);
        if (!Number.isFinite(seconds) || seconds < 0.5 || seconds > 600) {
          return {
            kind: "error",
            message: `--seconds must be a number from 0.5 to 600, not "${value}"`,
          };
        }
        options = { ...options, seconds };
        break;
      }
      case "--protocol": {
        if (value !== "compact" && value !== "binary") {
          return { kind: "error", message: `--protocol must be compact or binary, not "${value}"` };
        }
        options = { ...options, protocol: value };
        break;
      }
      case "--replicas": {
        const replicas = Number(value);
        if (!Number.isInteger(replicas) || replicas < 1 || replicas > 8) {
          return {
            kind: "error",
            message: `--replicas must be a whole number from 1 to 8, not "${value}"`,
          };
        }
        options = { ...options, replicas };
        break;
      }
      case "--registry": {
        if (value !== "static" && value !== "etcd") {
          return { kind: "error", message: `--registry must be static or etcd, not "${value}"` };
        }
        options = { ...options, registry: value };
        break;
      }
      case "--etcd": {
        if (!/^https?:\/\/[^/\s]+$/.test(value)) {
          return {
            kind: "error",
            message: `--etcd must be an etcd client URL such as http://127.0.0.1:2379, not "${value}"`,
          };
        }
        options = { ...options, etcdUrl: value };
        break;
      }
    }
  }
  if (options.etcdUrl !== undefined && options.registry !== "etcd") {
    return { kind: "error", message: "--etcd needs --registry etcd" };
  }
  if (options.chaos && options.replicas < 2) {
    return {
      kind: "error",
      message: "--chaos needs --replicas 2 or more (a lone replica cannot fail over)",
    };
  }
  return { kind: "run", options };
}
