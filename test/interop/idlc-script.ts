// The peer clients' fixed call script (py/client.py), run by an idlc client, printing the same
// lines so script.ts checks every client alike; and the idlc handlers mirroring py/server.py.
import type { ClientLine, ClientRun } from "./apache.js";
import type { GeneratedModule } from "./idlc.js";
import { type Json, type Schema, type StructShapes, structType, toJson } from "./json-mapping.js";
import { fromJson } from "./json-mapping.js";

/** The parts of the runtime API the script uses (typed loosely: the module is imported at run time). */
export interface ChannelLike {
  call(
    service: string,
    method: unknown,
    args: readonly unknown[],
    options: unknown,
  ): Promise<unknown>;
}
interface ServiceLike {
  client(channel: ChannelLike): Record<string, (...args: unknown[]) => Promise<unknown>>;
}
type Handler = Record<string, (...args: never[]) => unknown>;

/** A method descriptor for a method no server has: empty args, the reply is skipped. */
function unknownMethod(name: string): unknown {
  const TTYPE_STRUCT = 12;
  return {
    name,
    oneway: false,
    idempotent: false,
    annotations: [],
    writeArgs(w: { structBegin(): void; structEnd(): void }) {
      w.structBegin();
      w.structEnd();
    },
    readArgs: () => [],
    invoke: () => undefined,
    writeSuccess: () => undefined,
    writeException: () => false,
    readResult(r: { skip(type: number): void }) {
      r.skip(TTYPE_STRUCT);
      return "unexpected reply";
    },
  };
}

/** Runs the script through `channel`; `headers` go with echoHeaders (THeader only). */
export async function runIdlcScript(
  module: GeneratedModule,
  channel: ChannelLike,
  options: {
    schema: Schema;
    shapes: StructShapes;
    multiplexed: boolean;
    echo?: Json;
    headers?: Readonly<Record<string, string>>;
  },
): Promise<ClientRun> {
  const { schema, shapes } = options;
  const calc = (module.Calc as ServiceLike).client(channel);
  const greeter = (module.Greeter as ServiceLike).client(channel);
  const lines: string[] = [];
  const calls = new Map<string, ClientLine>();
  const emit = (line: ClientLine): void => {
    calls.set(line.call, line);
    lines.push(JSON.stringify(line, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v)));
  };
  const run = async (
    name: string,
    thunk: () => Promise<unknown>,
    asJson?: (v: unknown) => Json,
  ) => {
    try {
      const value = await thunk();
      emit({ call: name, result: asJson ? asJson(value) : ((value ?? null) as Json) });
    } catch (e) {
      for (const kind of ["DivideByZero", "NotFound"])
        if (e instanceof (module[kind] as new () => unknown)) {
          emit({
            call: name,
            error: { type: kind, value: toJson(schema, structType(schema, kind), e, shapes) },
          });
          return;
        }
      const err = e as { name?: string; type?: number; message?: string };
      if (err?.name === "ApplicationError")
        emit({
          call: name,
          error: {
            type: "TApplicationException",
            code: err.type ?? -1,
            message: err.message ?? "",
          },
        });
      else emit({ call: name, error: { type: "other", message: String(err?.message ?? e) } });
    }
  };
  const i64 = (v: unknown): Json => String(v as bigint);
  const asMap = (v: unknown): Json => Object.fromEntries(v as Map<string, string>);

  await run("ping", () => calc.ping!());
  await run("add(1,2)", () => calc.add!(1, 2));
  await run("add(2147483647,1)", () => calc.add!(2147483647, 1));
  await run("divide(7,2)", () => calc.divide!(7, 2));
  await run("divide(-7,2)", () => calc.divide!(-7, 2));
  await run("divide(1,0)", () => calc.divide!(1, 0));
  await run("lookup(5)", () => calc.lookup!(5n));
  await run("lookup(9007199254740993)", () => calc.lookup!(9007199254740993n));
  await run("lookup(-1)", () => calc.lookup!(-1n));
  if (options.echo !== undefined) {
    const everything = structType(schema, "Everything");
    const value = fromJson(schema, everything, options.echo, shapes);
    await run(
      "echo",
      () => calc.echo!(value),
      (v) => toJson(schema, everything, v, shapes),
    );
  }
  await run("fire", () => calc.fire!("fired-by-idlc"));
  await run("lastFired", () => calc.lastFired!());
  await run("slow(20,7)", () => calc.slow!(20, 7));
  await run("fail", () => calc.fail!());
  await run("nope", () => channel.call("Calc", unknownMethod("nope"), [], undefined));
  const headers = options.headers === undefined ? undefined : { headers: options.headers };
  await run("echoHeaders", () => calc.echoHeaders!(headers), asMap);
  if (options.multiplexed) {
    await run("greet", () => greeter.greet!("idlc"));
    await run("twice", () => greeter.twice!(-4611686018427387904n), i64);
  }
  return { calls, done: true, output: lines.join("\n") };
}

/** idlc handlers for Calc and Greeter that answer like py/server.py. */
export function idlcHandlers(module: GeneratedModule): { calc: Handler; greeter: Handler } {
  const DivideByZero = module.DivideByZero as new (init: object) => Error;
  const NotFound = module.NotFound as new (init: object) => Error;
  let lastFired = "";
  const calc = {
    add: (a: number, b: number) => (a + b) | 0,
    ping: () => undefined,
    divide(a: number, b: number) {
      if (b === 0) throw new DivideByZero({ dividend: a, why: "division by zero" });
      return Math.trunc(a / b) | 0;
    },
    echo: (e: unknown) => e,
    lookup(key: bigint) {
      if (key < 0n) throw new NotFound({ message: "no such key", key });
      return key.toString();
    },
    fire(what: string) {
      lastFired = what;
    },
    lastFired: () => lastFired,
    slow: (ms: number, tag: number) =>
      new Promise<number>((resolve) => setTimeout(() => resolve(tag), ms)),
    echoHeaders: (context: { headers: ReadonlyMap<string, string> }) => new Map(context.headers),
    fail() {
      throw new Error("deliberate failure");
    },
  };
  const greeter = {
    greet: (name: string) => `hello, ${name}`,
    twice: (v: bigint) => BigInt.asIntN(64, v * 2n),
  };
  return { calc, greeter };
}
