// Services: a client interface, a handler interface and a service descriptor per IDL service.
// The descriptor's methods write and read the `<method>_args` / `<method>_result` structs
// (rpc.md §2–§3) with the same specialized code as struct codecs; `extends` is flattened.
import { allMethods, resolveType } from "../check/model.js";
import type * as model from "../check/model.js";
import { annotationsLiteral } from "./consts.js";
import type { EmitContext } from "./context.js";
import {
  byId,
  fieldAnnotationsLiteral,
  filled,
  isList,
  readFields,
  readerTaken,
  writeBody,
  writeField,
} from "./codecs.js";
import { localName, methodName, scopeNames, stringLiteral } from "./names.js";
import { tsDoc, tsType } from "./types.js";

/** Locals of client and handler methods that a parameter must not shadow. */
const METHOD_LOCALS = ["channel", "methods", "options", "context", "handler", "args"];

/** Parameter names of a method, escaped once so the client and handler agree. */
function paramNames(m: model.Method, ctx: EmitContext): string[] {
  const taken = scopeNames(METHOD_LOCALS, ctx.includeAliases);
  return m.params.map((p) => localName(p.name, taken));
}

function returnType(m: model.Method, ctx: EmitContext): string {
  return m.returnType === undefined ? "void" : tsType(m.returnType, ctx);
}

function methodDoc(m: model.Method, extra: string[]): string {
  const notes = [...extra];
  if (m.oneway) notes.push("Oneway: the call resolves once written; no reply is sent.");
  if (m.throws.length > 0) {
    const names = m.throws.map((t) => `\`${t.name}\``).join(", ");
    notes.push(`Declared exceptions: ${names}.`);
  }
  return tsDoc(m.doc, m.doc === undefined ? notes : ["", ...notes]);
}

/** The `XClient` interface: one Promise-returning method per IDL method, options last. */
function clientInterface(s: model.Service, ctx: EmitContext): string {
  const name = ctx.names.client.get(s)!;
  const ext = s.extends ? ` extends ${ctx.clientRef(s.extends)}` : "";
  const methods = s.methods.map((m) => {
    const params = paramNames(m, ctx).map((p, k) => `${p}: ${tsType(m.params[k]!.type, ctx)}, `);
    const options = `options?: ${ctx.rtType("CallOptions")}`;
    const sig = `${methodName(m.name)}(${params.join("")}${options}): Promise<${returnType(m, ctx)}>;`;
    return `${methodDoc(m, [])}${sig}`;
  });
  const doc = tsDoc(
    `Calls the {@link ${ctx.ref(s, true)}} service through a channel; \`options\` (timeout, signal, …) come last.`,
  );
  return `${doc}export interface ${name}${ext} {\n${methods.join("\n")}\n}\n`;
}

/** The `XHandler` interface that servers implement: args, then the call context. */
function handlerInterface(s: model.Service, ctx: EmitContext): string {
  const name = ctx.names.handler.get(s)!;
  const ext = s.extends ? ` extends ${ctx.handlerRef(s.extends)}` : "";
  const methods = s.methods.map((m) => {
    const params = paramNames(m, ctx).map((p, k) => `${p}: ${tsType(m.params[k]!.type, ctx)}, `);
    const ret = returnType(m, ctx);
    const sig = `${methodName(m.name)}(${params.join("")}context: ${ctx.rtType("CallContext")}): ${ret} | Promise<${ret}>;`;
    return `${methodDoc(m, m.throws.length ? ["Throw a declared exception to send it to the caller."] : [])}${sig}`;
  });
  const doc = tsDoc(
    `Implements the {@link ${ctx.ref(s, true)}} service. Methods may return a value or a Promise. ` +
      "An argument the caller left out (Apache peers omit null ones) arrives as `undefined`.",
  );
  return `${doc}export interface ${name}${ext} {\n${methods.join("\n")}\n}\n`;
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

/** The MethodDescriptor object literal of one method. */
function methodDescriptor(m: model.Method, handler: string, ctx: EmitContext): string[] {
  const position = new Map(m.params.map((p, k) => [p, k] as const));
  const argOf = (p: model.Field) => `args[${position.get(p)}]`;
  const writeArgs = writeBody(
    m.name,
    byId(m.params).map((p) =>
      writeField(
        { field: p, access: `${argOf(p)} as ${tsType(p.type, ctx)}`, check: argOf(p) },
        ctx,
      ),
    ),
    m.params.some(isList),
    ctx,
  );
  const args = readFields(m.name, m.params, ctx, readerTaken(ctx));
  const invokeArgs = m.params.map((p) => `${argOf(p)} as ${tsType(p.type, ctx)}, `).join("");
  const isIdempotent = m.annotations.some((a) => a.key === "idempotent");
  // Checked to name an argument (check/services.ts): clients hash on its value.
  const hashKey = m.annotations.find((a) => a.key === "idlc.hash_key");
  const hashKeyArg =
    hashKey === undefined ? -1 : m.params.findIndex((p) => p.name === hashKey.value);
  const head = [
    `{`,
    `name: ${stringLiteral(m.name)},`,
    `oneway: ${m.oneway},`,
    `idempotent: ${isIdempotent},`,
    `annotations: ${annotationsLiteral(m.annotations)},`,
    ...(m.params.some((p) => p.annotations.length > 0)
      ? [`argAnnotations: ${fieldAnnotationsLiteral(m.params)},`]
      : []),
    ...(hashKeyArg >= 0 ? [`hashKeyArg: ${hashKeyArg},`] : []),
    `writeArgs(w, args) {`,
    ...writeArgs,
    `},`,
    `readArgs(r) {`,
    ...args.stmts,
    `return [${m.params.map((p) => filled(p, args.locals.get(p)!, ctx)).join(", ")}];`,
    `},`,
    `invoke(${handler}, args, context) {`,
    `return ${handler}.${methodName(m.name)}(${invokeArgs}context);`,
    `},`,
  ];
  if (m.oneway) {
    return [
      ...head,
      `// Oneway: no result struct is ever written or read (rpc.md §5).`,
      `writeSuccess() {},`,
      `writeException() {`,
      `return false;`,
      `},`,
      `readResult() {`,
      `return undefined;`,
      `},`,
      `},`,
    ];
  }
  const success = m.returnType && resultField(m, m.returnType);
  const writeSuccess = success
    ? writeBody(
        m.name,
        [
          writeField(
            { field: success, access: `value as ${tsType(success.type, ctx)}`, check: "value" },
            ctx,
          ),
        ],
        isList(success),
        ctx,
      )
    : [`w.structBegin();`, `w.structEnd();`];
  const writeException = m.throws.flatMap((x) => {
    const t = resolveType(x.type);
    const type = t.kind === "struct" ? ctx.ref(t.definition, true) : "never";
    return [
      `if (error instanceof ${type}) {`,
      `w.structBegin();`,
      `w.field(${ctx.rt("TType")}.STRUCT, ${x.id});`,
      `${type}.write(w, error);`,
      `w.structEnd();`,
      `return true;`,
      `}`,
    ];
  });
  const resultFields = success ? [success, ...m.throws] : [...m.throws];
  const result = readFields(m.name, resultFields, ctx, readerTaken(ctx));
  const rethrow = m.throws.map((x) => {
    const local = result.locals.get(x)!;
    return `if (${local} !== undefined) throw ${local};`;
  });
  const finish = success
    ? [
        `if (${result.locals.get(success)} !== undefined) return ${result.locals.get(success)};`,
        `throw ${ctx.rt("missingResult")}(${stringLiteral(m.name)});`,
      ]
    : [`return undefined;`];
  return [
    ...head,
    success ? `writeSuccess(w, value) {` : `writeSuccess(w) {`,
    ...writeSuccess,
    `},`,
    m.throws.length ? `writeException(w, error) {` : `writeException() {`,
    ...writeException,
    `return false;`,
    `},`,
    `readResult(r) {`,
    ...result.stmts,
    ...rethrow,
    ...finish,
    `},`,
    `},`,
  ];
}

/** The client object: every method, inherited ones included, sent under this service's name. */
function clientFactory(s: model.Service, name: string, ctx: EmitContext): string[] {
  const methods = allMethods(s).map((m) => {
    const params = paramNames(m, ctx);
    const list = params.join(", ");
    return [
      `${methodName(m.name)}(${params.map((p) => `${p}, `).join("")}options) {`,
      `return channel.call(${stringLiteral(s.name)}, methods.get(${stringLiteral(m.name)})!, [${list}], options) as Promise<${returnType(m, ctx)}>;`,
      `},`,
    ];
  });
  return [
    `client(channel) {`,
    ...(methods.length ? [`const methods = ${name}.methods;`] : []),
    `return {`,
    ...methods.flat(),
    `};`,
    `},`,
  ];
}

/** Client and handler interfaces and the service descriptor. */
export function emitService(s: model.Service, ctx: EmitContext): string {
  const name = ctx.ref(s, true);
  const client = ctx.names.client.get(s)!;
  const handlerType = ctx.names.handler.get(s)!;
  const inherited = s.extends ? [`...${ctx.ref(s.extends, true)}.methods.values(),`] : [];
  const handler = "handler";
  const descriptor = [
    `${tsDoc(s.doc, [...(s.doc === undefined ? [] : [""]), `Descriptor of the \`${s.name}\` service: \`${name}.client(channel)\` makes a client; servers \`add\` it with a handler.`])}` +
      `export const ${name}: ${ctx.rtType("ServiceDescriptor")}<${client}, ${handlerType}> = ${ctx.rt("defineService")}<${client}, ${handlerType}>({`,
    `name: ${stringLiteral(s.name)},`,
    `annotations: ${annotationsLiteral(s.annotations)},`,
    `methods: [`,
    ...inherited,
    ...s.methods.flatMap((m) => methodDescriptor(m, handler, ctx)),
    `],`,
    ...clientFactory(s, name, ctx),
    `});`,
    ``,
  ];
  return [clientInterface(s, ctx), handlerInterface(s, ctx), descriptor.join("\n")].join("\n");
}
