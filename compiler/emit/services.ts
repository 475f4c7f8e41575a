// Services: a client interface, a handler interface and a service descriptor per IDL service.
// The descriptor's methods write and read the `<method>_args` / `<method>_result` structs
// (rpc.md §2–§3) with the same specialized code as struct codecs; `extends` is flattened.
import { resolveType } from "../check/model.js";
import type * as model from "../check/model.js";
import {
  byId,
  type Emitted,
  definition,
  fieldAnnotationsLiteral,
  filled,
  ifThrow,
  isList,
  property,
  readFields,
  readerTaken,
  returns,
  writeBody,
  writeField,
} from "./codecs.js";
import { annotationsLiteral, withDoc } from "./consts.js";
import type { EmitContext } from "./context.js";
import {
  STUB_PROPERTY,
  binary,
  call,
  name,
  object,
  ref,
  str,
  type Expr,
  type Param,
  type Type,
  type Unit,
} from "./layout.js";
import { localName, methodName, scopeNames } from "./names.js";
import { stringLiteral } from "./spelling.js";
import { tsDoc, tsTypeOf } from "./types.js";
import { block, type Code } from "./writer.js";

/** Locals of client and handler methods that a parameter must not shadow. */
const METHOD_LOCALS = ["channel", "options", "context", "handler", "args"];

/** Parameter names of a method, escaped once so the client and handler agree. */
function paramNames(m: model.Method, ctx: EmitContext): string[] {
  const taken = scopeNames(METHOD_LOCALS, ctx.includeAliases);
  return m.params.map((p) => localName(p.name, taken));
}

function returnType(m: model.Method, ctx: EmitContext): Type {
  return m.returnType === undefined ? ref("void") : tsTypeOf(m.returnType, ctx);
}

function methodDoc(m: model.Method, extra: string[]): string {
  const notes = [...extra];
  if (m.oneway) notes.push("Oneway: the call resolves once written; no reply is sent.");
  if (m.throws.length > 0) {
    const names = m.throws.map((t) => `\`${t.name}\``).join(", ");
    notes.push(`Declared exceptions: ${names}.`);
  }
  return tsDoc(m.doc, m.doc === undefined ? notes : ["", ...notes], 2);
}

/**
 * The type of an argument in the client's and the handler's signature: its IDL type, or with
 * `| undefined` when the IDL marks it `optional` without a default (the only argument a
 * handler may get without a value: readArgs fills defaults and rejects other absent ones).
 */
function paramType(p: model.Field, ctx: EmitContext): Type {
  const type = tsTypeOf(p.type, ctx);
  return mayBeOmitted(p) ? { kind: "union", types: [type, ref("undefined")] } : type;
}

/** Whether an argument may reach the handler undefined: `optional`, and no default to fill. */
function mayBeOmitted(p: model.Field): boolean {
  return p.requiredness === "optional" && p.defaultValue === undefined;
}

/** The parameters of a method's signature, followed by `last`. */
function signatureParams(m: model.Method, last: Param, ctx: EmitContext): Param[] {
  const params = paramNames(m, ctx).map((p, k): Param => ({
    name: p,
    optional: false,
    type: paramType(m.params[k]!, ctx),
  }));
  return [...params, last];
}

/** The `XClient` interface: one Promise-returning method per IDL method, options last. */
function clientInterface(s: model.Service, ctx: EmitContext): Code {
  const clientName = ctx.names.client.get(s)!;
  const ext = s.extends ? ` extends ${ctx.clientRef(s.extends)}` : "";
  const options: Param = { name: "options", optional: true, type: ref(ctx.rtType("CallOptions")) };
  const methods = s.methods.flatMap((m) =>
    withDoc(methodDoc(m, []), {
      kind: "method",
      name: methodName(m.name),
      params: signatureParams(m, options, ctx),
      returns: ref("Promise", [returnType(m, ctx)]),
    }),
  );
  const doc = tsDoc(
    `Calls the {@link ${ctx.ref(s, true)}} service through a channel; \`options\` (timeout, signal, …) come last.`,
  );
  return block(`${doc}export interface ${clientName}${ext} {`, methods, "}", "members");
}

/** The `XHandler` interface that servers implement: args, then the call context. */
function handlerInterface(s: model.Service, ctx: EmitContext): Code {
  const handlerName = ctx.names.handler.get(s)!;
  const ext = s.extends ? ` extends ${ctx.handlerRef(s.extends)}` : "";
  const context: Param = { name: "context", optional: false, type: ref(ctx.rtType("CallContext")) };
  const methods = s.methods.flatMap((m) => {
    const ret = returnType(m, ctx);
    const note = m.throws.length ? ["Throw a declared exception to send it to the caller."] : [];
    return withDoc(methodDoc(m, note), {
      kind: "method",
      name: methodName(m.name),
      params: signatureParams(m, context, ctx),
      returns: { kind: "union", types: [ret, ref("Promise", [ret])] },
    });
  });
  const doc = tsDoc(
    `Implements the {@link ${ctx.ref(s, true)}} service. Methods may return a value or a Promise. ` +
      "An argument the caller left out gets its IDL default; without one the call is answered " +
      "PROTOCOL_ERROR before it reaches the handler, unless the IDL marks it `optional`.",
  );
  return block(`${doc}export interface ${handlerName}${ext} {`, methods, "}", "members");
}

/** A synthetic field of a `<method>_result` struct. */
function resultField(m: model.Method, type: model.Type): model.Field {
  return {
    kind: "field",
    id: 0,
    implicitId: false,
    name: "success",
    type,
    requiredness: "default",
    defaultValue: undefined,
    annotations: [],
    doc: undefined,
    span: m.span,
  };
}

/**
 * The module-level constant of one method's descriptor, typed from its handler method
 * (`MethodDescriptorOf<XHandler, "m">`: its arguments and result), so that neither the client
 * nor the descriptor's own functions need a cast.
 */
function methodDescriptor(s: model.Service, m: model.Method, ctx: EmitContext): Code {
  const argOf = (k: number): Expr => ({ kind: "index", object: name("args"), index: String(k) });
  const position = new Map(m.params.map((p, k) => [p, k] as const));
  const writeArgs = writeBody(
    m.name,
    byId(m.params).map((p) => {
      const k = position.get(p)!;
      return writeField({ field: p, access: `args[${k}]`, check: argOf(k) }, ctx);
    }),
    m.params.some(isList),
    ctx,
  );
  // Read as if none were required: an absent argument is named as one (missingArgument).
  const read = m.params.map((p) =>
    p.requiredness === "required"
      ? { ...p, requiredness: "default" as const, defaultValue: undefined }
      : p,
  );
  const args = readFields(m.name, read, ctx, readerTaken(ctx));
  const local = (k: number): string => args.locals.get(read[k]!)!;
  const argChecks = m.params.flatMap((p, k) =>
    p.requiredness === "required" || (p.requiredness === "default" && p.defaultValue === undefined)
      ? [
          ifThrow(
            binary(name(local(k)), "===", name("undefined")),
            call(ctx.rt("missingArgument"), [
              name("r"),
              str(stringLiteral(m.name)),
              str(stringLiteral(p.name)),
            ]),
          ),
        ]
      : [],
  );
  const argValues = m.params.map((p, k) =>
    p.requiredness === "required" ? name(local(k)) : filled(p, local(k), ctx),
  );
  const invoke = call({ kind: "member", object: name("handler"), name: methodName(m.name) }, [
    ...m.params.map((_, k) => argOf(k)),
    name("context"),
  ]);
  const isIdempotent = m.annotations.some((a) => a.key === "idempotent");
  // Checked to name an argument (check/services.ts): clients hash on its value.
  const hashKey = m.annotations.find((a) => a.key === "idlc.hash_key");
  const hashKeyArg =
    hashKey === undefined ? -1 : m.params.findIndex((p) => p.name === hashKey.value);
  const members: Code[] = [
    `name: ${stringLiteral(m.name)},`,
    `oneway: ${m.oneway},`,
    `idempotent: ${isIdempotent},`,
    property("annotations", annotationsLiteral(m.annotations)),
    ...(m.params.some((p) => p.annotations.length > 0)
      ? [property("argAnnotations", fieldAnnotationsLiteral(m.params))]
      : []),
    ...(hashKeyArg >= 0 ? [`hashKeyArg: ${hashKeyArg},`] : []),
    block(m.params.length ? `writeArgs(w, args) {` : `writeArgs(w) {`, writeArgs, "},"),
    block(
      `readArgs(r) {`,
      [...args.stmts, ...argChecks, returns({ kind: "array", elements: argValues })],
      "},",
    ),
    block(
      `invoke(handler, ${m.params.length ? "args" : "_args"}, context) {`,
      [returns(invoke)],
      "},",
    ),
  ];
  // Oneway: no result struct is ever written or read (rpc.md §5).
  if (!m.oneway) members.push(...resultMembers(m, ctx));
  const type = ref(ctx.rtType("MethodDescriptorOf"), [
    ref(ctx.names.handler.get(s)!),
    { kind: "literal", text: stringLiteral(methodName(m.name)) },
  ]);
  const head: Unit = {
    kind: "const",
    exported: false,
    name: ctx.names.methods.get(m)!,
    type,
    init: object([STUB_PROPERTY], true),
  };
  return block(head, members, "};", "object");
}

/** A two-way method's `writeSuccess`, `writeException` and `readResult`. */
function resultMembers(m: model.Method, ctx: EmitContext): Code[] {
  const success = m.returnType && resultField(m, m.returnType);
  const writeSuccess: Code[] = [];
  if (success !== undefined) {
    const value = { field: success, access: "value", check: name("value") };
    const statements = writeBody(m.name, [writeField(value, ctx)], isList(success), ctx);
    writeSuccess.push(block(`writeSuccess(w, value) {`, statements, "},"));
  }
  const writeException = m.throws.map((x) => {
    const t = resolveType(x.type);
    const type = t.kind === "struct" ? ctx.ref(t.definition, true) : "never";
    return block(
      `if (error instanceof ${type}) {`,
      [
        `w.structBegin();`,
        `w.field(${ctx.rt("TType")}.STRUCT, ${x.id});`,
        `${type}.write(w, error);`,
        `w.structEnd();`,
        `return true;`,
      ],
      "}",
    );
  });
  const resultFields = success ? [success, ...m.throws] : [...m.throws];
  const result = readFields(m.name, resultFields, ctx, readerTaken(ctx));
  const rethrow = m.throws.map((x) => {
    const local = result.locals.get(x)!;
    return ifThrow(binary(name(local), "!==", name("undefined")), name(local));
  });
  const finish = success
    ? [
        `if (${result.locals.get(success)} !== undefined) return ${result.locals.get(success)};`,
        `throw ${ctx.rt("missingResult")}(${stringLiteral(m.name)});`,
      ]
    : [`return undefined;`];
  return [
    ...writeSuccess,
    ...(m.throws.length
      ? [block(`writeException(w, error) {`, [...writeException, `return false;`], "},")]
      : []),
    block(`readResult(r) {`, [...result.stmts, ...rethrow, ...finish], "},"),
  ];
}

/**
 * The client object: the base service's client (its calls sent under this service's name),
 * then a method per own IDL method, each sending its descriptor with its arguments.
 */
function clientFactory(s: model.Service, ctx: EmitContext): Code {
  const service = stringLiteral(s.name);
  const inherited = s.extends
    ? [`...${ctx.ref(s.extends, true)}.client(${ctx.rt("serviceChannel")}(channel, ${service})),`]
    : [];
  const methods = s.methods.map((m) => {
    const params = paramNames(m, ctx);
    const sent = call("channel.call", [
      str(service),
      name(ctx.names.methods.get(m)!),
      { kind: "array", elements: params.map((p) => name(p)) },
      name("options"),
    ]);
    return block(
      `${methodName(m.name)}(${params.map((p) => `${p}, `).join("")}options) {`,
      [returns(sent)],
      "},",
    );
  });
  return block(
    `client(channel) {`,
    [block(`return {`, [...inherited, ...methods], "};", "object")],
    "},",
  );
}

/** Client and handler interfaces, the method descriptors and the service descriptor. */
export function emitService(s: model.Service, ctx: EmitContext): Emitted {
  const descriptor = ctx.ref(s, true);
  const client = ref(ctx.names.client.get(s)!);
  const handlerType = ref(ctx.names.handler.get(s)!);
  const doc = tsDoc(s.doc, [
    ...(s.doc === undefined ? [] : [""]),
    `Descriptor of the \`${s.name}\` service: \`${descriptor}.client(channel)\` makes a client; servers \`add\` it with a handler.`,
  ]);
  const type = ref(ctx.rtType("ServiceDescriptor"), [client, handlerType]);
  const api = [clientInterface(s, ctx), "", handlerInterface(s, ctx)];
  const methods: Expr = {
    kind: "array",
    elements: s.methods.map((m) => name(ctx.names.methods.get(m)!)),
  };
  const wire = [
    ...s.methods.flatMap((m) => [methodDescriptor(s, m, ctx), ""]),
    doc,
    definition(
      descriptor,
      type,
      ctx.rt("defineService"),
      [
        `name: ${stringLiteral(s.name)},`,
        property("annotations", annotationsLiteral(s.annotations)),
        ...(s.extends ? [`extends: ${ctx.ref(s.extends, true)},`] : []),
        property("methods", methods),
        clientFactory(s, ctx),
      ],
      // Stated again: inference would take the handler type from the inherited methods.
      [client, handlerType],
    ),
  ];
  return { api, wire };
}
