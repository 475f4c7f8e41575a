// Hand-written service descriptors for RPC tests, shaped like generated code: each method
// writes and reads its `_args` / `_result` structs with the protocol writer/reader directly.
//   service Calc {
//     i32 add(1: i32 a, 2: i32 b)
//     void ping()
//     oneway void notify(1: string message)
//     i32 divide(1: i32 a, 2: i32 b) throws (1: DivideByZero oops)
//     i32 slow(1: i32 ms, 2: i32 value)        // the handler decides how "slow" works
//     string echo(1: string text)
//     binary blob(1: binary data)
//     i32 fail()                               // the handler throws something undeclared
//     string context()                         // JSON of what the handler's context saw
//     i32 empty()                              // the handler returns undefined → MISSING_RESULT
//   }
//   service Echo { string echo(1: string text) }
import {
  ApplicationError,
  ApplicationErrorType,
  ThriftException,
  TType,
  type CallContext,
  type CallOptions,
  type Channel,
  type MethodDescriptor,
  type ProtocolReader,
  type ProtocolWriter,
  type ServiceDescriptor,
} from "idlc/runtime";
import { defineService } from "idlc/runtime/codegen";

type Kind = "i32" | "string" | "binary";

const TTYPE: Record<Kind, number> = { i32: TType.I32, string: TType.STRING, binary: TType.STRING };

function writeValue(w: ProtocolWriter, kind: Kind, value: unknown): void {
  if (kind === "i32") w.i32(value as number);
  else if (kind === "string") w.string(value as string);
  else w.binary(value as Uint8Array);
}

function readValue(r: ProtocolReader, kind: Kind): unknown {
  return kind === "i32" ? r.i32() : kind === "string" ? r.string() : r.binary();
}

/** The declared exception of `Calc.divide`. */
export class DivideByZero extends ThriftException {
  override readonly name: string = "DivideByZero";
  constructor(message: string) {
    super(message);
  }
}

function writeDivideByZero(w: ProtocolWriter, e: DivideByZero): void {
  w.structBegin();
  w.field(TType.STRING, 1);
  w.string(e.message);
  w.structEnd();
}

function readDivideByZero(r: ProtocolReader): DivideByZero {
  let message = "";
  r.structBegin();
  for (;;) {
    const type = r.fieldBegin();
    if (type === TType.STOP) break;
    if (r.fieldId === 1 && type === TType.STRING) message = r.string();
    else r.skip(type);
  }
  r.structEnd();
  return new DivideByZero(message);
}

interface MethodSpec<H> {
  readonly name: string;
  readonly args: readonly Kind[];
  readonly result: Kind | "void";
  readonly oneway?: boolean;
  readonly idempotent?: boolean;
  readonly throwsDivideByZero?: boolean;
  readonly call: (handler: H, args: readonly unknown[], context: CallContext) => unknown;
}

/** Builds a MethodDescriptor the way generated code would. */
function method<H>(spec: MethodSpec<H>): MethodDescriptor<H> {
  return {
    name: spec.name,
    oneway: spec.oneway ?? false,
    idempotent: spec.idempotent ?? false,
    annotations: [],
    writeArgs(w, args) {
      w.structBegin();
      spec.args.forEach((kind, i) => {
        if (args[i] === undefined) return;
        w.field(TTYPE[kind], i + 1);
        writeValue(w, kind, args[i]);
      });
      w.structEnd();
    },
    readArgs(r) {
      const args: unknown[] = spec.args.map(() => undefined);
      r.structBegin();
      for (;;) {
        const type = r.fieldBegin();
        if (type === TType.STOP) break;
        const kind = spec.args[r.fieldId - 1];
        if (kind !== undefined && type === TTYPE[kind]) args[r.fieldId - 1] = readValue(r, kind);
        else r.skip(type);
      }
      r.structEnd();
      return args;
    },
    invoke: spec.call,
    writeSuccess(w, value) {
      w.structBegin();
      if (spec.result !== "void" && value !== undefined) {
        w.field(TTYPE[spec.result], 0);
        writeValue(w, spec.result, value);
      }
      w.structEnd();
    },
    writeException(w, error) {
      if (!spec.throwsDivideByZero || !(error instanceof DivideByZero)) return false;
      w.structBegin();
      w.field(TType.STRUCT, 1);
      writeDivideByZero(w, error);
      w.structEnd();
      return true;
    },
    readResult(r) {
      let value: unknown;
      let thrown: DivideByZero | undefined;
      r.structBegin();
      for (;;) {
        const type = r.fieldBegin();
        if (type === TType.STOP) break;
        if (r.fieldId === 0 && spec.result !== "void" && type === TTYPE[spec.result])
          value = readValue(r, spec.result);
        else if (r.fieldId === 1 && spec.throwsDivideByZero && type === TType.STRUCT)
          thrown = readDivideByZero(r);
        else r.skip(type);
      }
      r.structEnd();
      if (thrown !== undefined) throw thrown;
      if (spec.result === "void") return undefined;
      if (value === undefined)
        throw new ApplicationError(`${spec.name} failed: unknown result`, {
          type: ApplicationErrorType.MISSING_RESULT,
        });
      return value;
    },
  };
}

/** What a Calc server implements. Handlers may return values or Promises. */
export interface CalcHandler {
  add(a: number, b: number, context: CallContext): number | Promise<number>;
  ping(context: CallContext): void | Promise<void>;
  notify(message: string, context: CallContext): void | Promise<void>;
  divide(a: number, b: number, context: CallContext): number | Promise<number>;
  slow(ms: number, value: number, context: CallContext): number | Promise<number>;
  echo(text: string, context: CallContext): string | Promise<string>;
  blob(data: Uint8Array, context: CallContext): Uint8Array | Promise<Uint8Array>;
  fail(context: CallContext): number | Promise<number>;
  context(context: CallContext): string | Promise<string>;
  empty(context: CallContext): number | Promise<number>;
}

/** The typed client of Calc. */
export interface CalcClient {
  add(a: number, b: number, options?: CallOptions): Promise<number>;
  ping(options?: CallOptions): Promise<void>;
  notify(message: string, options?: CallOptions): Promise<void>;
  divide(a: number, b: number, options?: CallOptions): Promise<number>;
  slow(ms: number, value: number, options?: CallOptions): Promise<number>;
  echo(text: string, options?: CallOptions): Promise<string>;
  blob(data: Uint8Array, options?: CallOptions): Promise<Uint8Array>;
  fail(options?: CallOptions): Promise<number>;
  context(options?: CallOptions): Promise<string>;
  empty(options?: CallOptions): Promise<number>;
}

const calcMethods = {
  add: method<CalcHandler>({
    name: "add",
    args: ["i32", "i32"],
    result: "i32",
    idempotent: true,
    call: (h, [a, b], c) => h.add(a as number, b as number, c),
  }),
  ping: method<CalcHandler>({
    name: "ping",
    args: [],
    result: "void",
    call: (h, _, c) => h.ping(c),
  }),
  notify: method<CalcHandler>({
    name: "notify",
    args: ["string"],
    result: "void",
    oneway: true,
    call: (h, [m], c) => h.notify(m as string, c),
  }),
  divide: method<CalcHandler>({
    name: "divide",
    args: ["i32", "i32"],
    result: "i32",
    throwsDivideByZero: true,
    call: (h, [a, b], c) => h.divide(a as number, b as number, c),
  }),
  slow: method<CalcHandler>({
    name: "slow",
    args: ["i32", "i32"],
    result: "i32",
    call: (h, [ms, v], c) => h.slow(ms as number, v as number, c),
  }),
  echo: method<CalcHandler>({
    name: "echo",
    args: ["string"],
    result: "string",
    call: (h, [t], c) => h.echo(t as string, c),
  }),
  blob: method<CalcHandler>({
    name: "blob",
    args: ["binary"],
    result: "binary",
    call: (h, [d], c) => h.blob(d as Uint8Array, c),
  }),
  fail: method<CalcHandler>({
    name: "fail",
    args: [],
    result: "i32",
    call: (h, _, c) => h.fail(c),
  }),
  context: method<CalcHandler>({
    name: "context",
    args: [],
    result: "string",
    call: (h, _, c) => h.context(c),
  }),
  empty: method<CalcHandler>({
    name: "empty",
    args: [],
    result: "i32",
    call: (h, _, c) => h.empty(c),
  }),
};

/** The Calc service descriptor, as generated code would export it. */
export const Calc: ServiceDescriptor<CalcClient, CalcHandler> = defineService({
  name: "Calc",
  methods: Object.values(calcMethods),
  annotations: [],
  client(channel: Channel): CalcClient {
    const m = calcMethods;
    const call = (d: MethodDescriptor<CalcHandler>, args: unknown[], o?: CallOptions) =>
      channel.call("Calc", d as MethodDescriptor, args, o);
    return {
      add: (a, b, o) => call(m.add, [a, b], o) as Promise<number>,
      ping: (o) => call(m.ping, [], o) as Promise<void>,
      notify: (message, o) => call(m.notify, [message], o) as Promise<void>,
      divide: (a, b, o) => call(m.divide, [a, b], o) as Promise<number>,
      slow: (ms, v, o) => call(m.slow, [ms, v], o) as Promise<number>,
      echo: (t, o) => call(m.echo, [t], o) as Promise<string>,
      blob: (d, o) => call(m.blob, [d], o) as Promise<Uint8Array>,
      fail: (o) => call(m.fail, [], o) as Promise<number>,
      context: (o) => call(m.context, [], o) as Promise<string>,
      empty: (o) => call(m.empty, [], o) as Promise<number>,
    };
  },
});

/** What an Echo server implements. */
export interface EchoHandler {
  echo(text: string, context: CallContext): string | Promise<string>;
}

/** The typed client of Echo. */
export interface EchoClient {
  echo(text: string, options?: CallOptions): Promise<string>;
}

const echoMethod = method<EchoHandler>({
  name: "echo",
  args: ["string"],
  result: "string",
  call: (h, [t], c) => h.echo(t as string, c),
});

/** A second service, to test multiplexing: `Echo:echo` next to `Calc:echo`. */
export const Echo: ServiceDescriptor<EchoClient, EchoHandler> = defineService({
  name: "Echo",
  methods: [echoMethod],
  annotations: [],
  client: (channel) => ({
    echo: (t, o) => channel.call("Echo", echoMethod as MethodDescriptor, [t], o) as Promise<string>,
  }),
});
