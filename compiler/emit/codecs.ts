// Specialized codecs: for each struct, union and exception, straight-line `write` and `read`
// functions over the protocol writer and reader, with no descriptor walking at run time.
// Writers write fields in ascending id order (Apache's Java/Python/C++ order, thrift-idl.md §5.4)
// so bytes match theirs; readers switch on the field id, skip unknown ids and mismatched types.
import { resolveType } from "../check/model.js";
import type * as model from "../check/model.js";
import type { EmitContext } from "./context.js";
import { annotationsLiteral, constExpr, isStringType, objectKey, objectLiteral } from "./consts.js";
import {
  exceptionPropertyName,
  localName,
  propertyName,
  scopeNames,
  stringLiteral,
} from "./names.js";
import type { TakenNames } from "./names.js";
import { fieldMember, hasDefault, mayBeAbsent, tsDoc, tsType, wireType } from "./types.js";

/** Fields in wire order: ascending id. */
export function byId(fields: readonly model.Field[]): model.Field[] {
  return [...fields].sort((a, b) => a.id - b.id);
}

/** A loop: its body without braces when it is a single statement (as one would write it). */
function loop(head: string, body: readonly string[]): string[] {
  return body.length === 1 ? [`${head} ${body[0]}`] : [`${head} {`, ...body, `}`];
}

/** `x` may be repeated in generated code without evaluating anything twice. */
function isPlain(x: string): boolean {
  return /^[\w$]+(\.[\w$]+)*$/.test(x);
}

// ---- Writing -------------------------------------------------------------------------------

/** Statements that write `x`, a value of type `type`; `d` numbers the temporaries of nested containers. */
export function writeValue(type: model.Type, x: string, d: number, ctx: EmitContext): string[] {
  const t = resolveType(type);
  switch (t.kind) {
    case "base":
      return [`w.${t.name === "i8" ? "i8" : t.name}(${x});`];
    case "enum":
      return [`w.i32(${x});`];
    case "struct":
      return [`${ctx.ref(t.definition, true)}.write(w, ${x});`];
    case "list": {
      const [bind, list] = isPlain(x) ? [[], x] : [[`const list${d} = ${x};`], `list${d}`];
      const i = `i${d}`;
      return [
        ...bind,
        `w.listBegin(${wireType(t.element, ctx)}, ${list}.length);`,
        ...loop(
          `for (let ${i} = 0; ${i} < ${list}.length; ${i}++)`,
          element(t.element, `${list}[${i}]!`, d, ctx),
        ),
      ];
    }
    case "set": {
      const [bind, set] = isPlain(x) ? [[], x] : [[`const set${d} = ${x};`], `set${d}`];
      return [
        ...bind,
        `w.setBegin(${wireType(t.element, ctx)}, ${set}.size);`,
        ...loop(`for (const e${d} of ${set})`, writeValue(t.element, `e${d}`, d + 1, ctx)),
      ];
    }
    case "map": {
      const [bind, map] = isPlain(x) ? [[], x] : [[`const map${d} = ${x};`], `map${d}`];
      return [
        ...bind,
        `w.mapBegin(${wireType(t.key, ctx)}, ${wireType(t.value, ctx)}, ${map}.size);`,
        `for (const [k${d}, v${d}] of ${map}) {`,
        ...writeValue(t.key, `k${d}`, d + 1, ctx),
        ...writeValue(t.value, `v${d}`, d + 1, ctx),
        `}`,
      ];
    }
    case "unresolved":
      return [];
  }
}

/** A list element: bound to a local first when writing it uses it more than once. */
function element(type: model.Type, x: string, d: number, ctx: EmitContext): string[] {
  const kind = resolveType(type).kind;
  if (kind === "list" || kind === "set" || kind === "map")
    return [`const e${d} = ${x};`, ...writeValue(type, `e${d}`, d + 1, ctx)];
  return writeValue(type, x, d + 1, ctx);
}

/** How a `write` function reaches one field's value and names it in error paths. */
export interface WriteField {
  readonly field: model.Field;
  /** The expression of the value, e.g. `v.total` or `args[0] as Money` (only ever an argument or initializer). */
  readonly access: string;
  /** The expression tested against `undefined`, when it differs from `access`. */
  readonly check?: string;
}

/**
 * Statements that write one field: `at` names it for error paths; a missing required field is
 * an EncodeError; other fields are written when they have a value. The list outermost in a field
 * counts its elements in `i`, so an error inside names the element (`lines[2]`).
 */
export function writeField({ field, access, check }: WriteField, ctx: EmitContext): string[] {
  const out = [`at = ${stringLiteral(field.name)};`];
  const header = `w.field(${wireType(field.type, ctx)}, ${field.id});`;
  const t = resolveType(field.type);
  let body: string[];
  if (t.kind === "list") {
    const plain = isPlain(access);
    const list = plain ? access : "list0";
    body = [
      ...(plain ? [] : [`const list0 = ${access};`]),
      header,
      `w.listBegin(${wireType(t.element, ctx)}, ${list}.length);`,
      ...loop(`for (i = 0; i < ${list}.length; i++)`, element(t.element, `${list}[i]!`, 1, ctx)),
      `i = -1;`,
    ];
  } else {
    body = [header, ...writeValue(field.type, access, 1, ctx)];
  }
  if (field.requiredness === "required") {
    out.push(
      `if (${check ?? access} === undefined) throw ${ctx.rt("requiredFieldUnset")}();`,
      ...body,
    );
  } else {
    out.push(`if (${check ?? access} !== undefined) {`, ...body, `}`);
  }
  return out;
}

/** A write function body: `at`/`i` tracking, the fields, and the error path on failure. */
export function writeBody(
  name: string,
  fields: readonly string[][],
  hasList: boolean,
  ctx: EmitContext,
): string[] {
  if (fields.length === 0) return [`w.structBegin();`, `w.structEnd();`];
  return [
    `let at = "";`,
    ...(hasList ? [`let i = -1;`] : []),
    `try {`,
    `w.structBegin();`,
    ...fields.flat(),
    `w.structEnd();`,
    `} catch (e) {`,
    `throw ${ctx.rt("withFieldPath")}(e, ${stringLiteral(name)}, at${hasList ? ", i" : ""});`,
    `}`,
  ];
}

/** Whether a field is a list (its elements are counted in `i` for error paths). */
export function isList(f: model.Field): boolean {
  return resolveType(f.type).kind === "list";
}

// ---- Reading -------------------------------------------------------------------------------

/** Statements that read a value of `type`, and the expression that holds it afterwards. */
export function readValue(
  type: model.Type,
  d: number,
  fieldName: string,
  ctx: EmitContext,
): { stmts: string[]; expr: string } {
  const t = resolveType(type);
  switch (t.kind) {
    case "base":
      return { stmts: [], expr: `r.${t.name}()` };
    case "enum":
      return { stmts: [], expr: "r.i32()" };
    case "struct":
      return { stmts: [], expr: `${ctx.ref(t.definition, true)}.read(r)` };
    case "list":
    case "set": {
      const isSet = t.kind === "set";
      const n = `n${d}`;
      const acc = isSet ? `set${d}` : `list${d}`;
      const el = readValue(t.element, d + 1, fieldName, ctx);
      const init = isSet ? `new Set<${tsType(t.element, ctx)}>()` : "[]";
      const decl = isSet ? `const ${acc} = ${init};` : `const ${acc}: ${tsType(t, ctx)} = ${init};`;
      return {
        stmts: [
          `const ${n} = r.${isSet ? "setBegin" : "listBegin"}();`,
          `if (${n} > 0 && r.elementType !== ${wireType(t.element, ctx)}) throw ${mismatch(fieldName, ctx)};`,
          decl,
          ...loop(`for (let i${d} = 0; i${d} < ${n}; i${d}++)`, [
            ...el.stmts,
            `${acc}.${isSet ? "add" : "push"}(${el.expr});`,
          ]),
          `r.containerEnd();`,
        ],
        expr: acc,
      };
    }
    case "map": {
      const n = `n${d}`;
      const k = readValue(t.key, d + 1, fieldName, ctx);
      // The key's temporaries live in the same block as the value's: number them apart.
      const v = readValue(t.value, d + 1 + nesting(t.key), fieldName, ctx);
      const setEntry =
        k.stmts.length === 0 && v.stmts.length === 0
          ? [`map${d}.set(${k.expr}, ${v.expr});`]
          : [...k.stmts, `const k${d} = ${k.expr};`, ...v.stmts, `map${d}.set(k${d}, ${v.expr});`];
      const types = `${wireType(t.key, ctx)} || r.valueType !== ${wireType(t.value, ctx)}`;
      return {
        stmts: [
          `const ${n} = r.mapBegin();`,
          `if (${n} > 0 && (r.keyType !== ${types})) throw ${mismatch(fieldName, ctx)};`,
          `const map${d} = new Map<${tsType(t.key, ctx)}, ${tsType(t.value, ctx)}>();`,
          ...loop(`for (let i${d} = 0; i${d} < ${n}; i${d}++)`, setEntry),
          `r.containerEnd();`,
        ],
        expr: `map${d}`,
      };
    }
    case "unresolved":
      return { stmts: [], expr: "undefined as never" };
  }
}

/** How many containers deep a type is (0 for a struct or base type). */
function nesting(type: model.Type): number {
  const t = resolveType(type);
  if (t.kind === "list" || t.kind === "set") return 1 + nesting(t.element);
  if (t.kind === "map") return 1 + Math.max(nesting(t.key), nesting(t.value));
  return 0;
}

function mismatch(fieldName: string, ctx: EmitContext): string {
  return `${ctx.rt("elementTypeMismatch")}(r, ${stringLiteral(fieldName)})`;
}

/**
 * One `case` of a reader's switch: if the wire type matches, read the value and `store` it;
 * otherwise `r.skipMismatch` (skips it, or rejects it in strict mode).
 */
export function readCase(
  field: model.Field,
  store: (expr: string) => string[],
  ctx: EmitContext,
): string[] {
  const type = wireType(field.type, ctx);
  const value = readValue(field.type, 1, field.name, ctx);
  const body = [...value.stmts, ...store(value.expr)];
  const skip = `r.skipMismatch(t, ${type}, ${stringLiteral(field.name)});`;
  const branch =
    body.length === 1
      ? [`if (t === ${type}) ${body[0]}`, `else ${skip}`]
      : [`if (t === ${type}) {`, ...body, `} else ${skip}`];
  return [`case ${field.id}:`, ...branch, `break;`];
}

/** The field loop of a reader: structBegin, a switch per field header, structEnd. */
export function readLoop(cases: readonly string[][], ctx: EmitContext): string[] {
  const stop = `${ctx.rt("TType")}.STOP`;
  const dispatch =
    cases.length === 0
      ? [`r.skip(t);`]
      : [`switch (r.fieldId) {`, ...cases.flat(), `default:`, `r.skip(t);`, `}`];
  return [
    `r.structBegin();`,
    `for (let t = r.fieldBegin(); t !== ${stop}; t = r.fieldBegin()) {`,
    ...dispatch,
    `}`,
    `r.structEnd();`,
  ];
}

/** Names that a read function's field locals must not take: its own locals and module names. */
export function readerTaken(ctx: EmitContext): TakenNames {
  const own = ["r", "t", "w", "v", "e", "at", "i", "init", "value", "args"];
  return scopeNames(own, ctx.names.all, ctx.includeAliases);
}

/** A local for a field's value while reading (never one of the reader's temporaries `n1`, `list2`, …). */
export function fieldLocal(name: string, taken: TakenNames): string {
  let id = localName(name, taken);
  while (/^(n|i|e|k|v|list|set|map)\d+$/.test(id)) id = localName(`${id}$`, taken);
  return id;
}

/** Locals of a reader, the read loop that fills them, and the required-field checks. */
export function readFields(
  structName: string,
  fields: readonly model.Field[],
  ctx: EmitContext,
  taken: TakenNames,
): { locals: Map<model.Field, string>; stmts: string[] } {
  const locals = new Map<model.Field, string>();
  for (const f of fields) locals.set(f, fieldLocal(f.name, taken));
  const decls = fields.map((f) => `let ${locals.get(f)}: ${tsType(f.type, ctx)} | undefined;`);
  const cases = byId(fields).map((f) => readCase(f, (x) => [`${locals.get(f)} = ${x};`], ctx));
  const checks = fields
    .filter((f) => f.requiredness === "required")
    .map(
      (f) =>
        `if (${locals.get(f)} === undefined) throw ${ctx.rt("requiredFieldMissing")}(r, ${stringLiteral(structName)}, ${stringLiteral(f.name)});`,
    );
  return { locals, stmts: [...decls, ...readLoop(cases, ctx), ...checks] };
}

/** The value of a field after reading: its local, or its default when it was absent. */
export function filled(f: model.Field, local: string, ctx: EmitContext): string {
  return f.defaultValue === undefined || f.requiredness === "required"
    ? local
    : `${local} ?? ${constExpr(f.defaultValue, f.type, ctx)}`;
}

/** `key: value` or the shorthand `key` in an object literal. */
function prop(key: string, value: string): string {
  return key === value ? key : `${objectKey(key)}: ${value}`;
}

/** A key of `fieldAnnotations`: the IDL field name (which may contain dots). */
function fieldNameKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? objectKey(name) : stringLiteral(name);
}

/** The IDL field names and annotations of the annotated fields, as an object literal. */
export function fieldAnnotationsLiteral(fields: readonly model.Field[]): string {
  const entries = fields
    .filter((f) => f.annotations.length > 0)
    .map((f) => `${fieldNameKey(f.name)}: ${annotationsLiteral(f.annotations)}`);
  return objectLiteral(entries);
}

/** A codec spec's annotation members: only those the IDL gives (defineStruct fills the rest). */
function annotationMembers(s: model.Struct): string[] {
  const members: string[] = [];
  if (s.annotations.length > 0) members.push(`annotations: ${annotationsLiteral(s.annotations)},`);
  if (s.fields.some((f) => f.annotations.length > 0))
    members.push(`fieldAnnotations: ${fieldAnnotationsLiteral(s.fields)},`);
  return members;
}

// ---- Structs -------------------------------------------------------------------------------

/** The interface and the codec of a struct. */
export function emitStruct(s: model.Struct, ctx: EmitContext): string {
  const name = ctx.ref(s, true);
  const props = new Map(s.fields.map((f) => [f, propertyName(f.name)] as const));
  const defaulted = s.fields.filter((f) => hasDefault(f) && !mayBeAbsent(f));
  const init = defaulted.length
    ? `${ctx.rtType("WithDefaults")}<${name}, ${defaulted.map((f) => stringLiteral(props.get(f)!)).join(" | ")}>`
    : name;
  const members = s.fields.map((f) => fieldMember(f, props.get(f)!, ctx));
  const write = writeBody(
    s.name,
    byId(s.fields).map((f) => writeField({ field: f, access: `v.${props.get(f)}` }, ctx)),
    s.fields.some(isList),
    ctx,
  );
  const { locals, stmts } = readFields(s.name, s.fields, ctx, readerTaken(ctx));
  const result = s.fields.map((f) => prop(props.get(f)!, filled(f, locals.get(f)!, ctx)));
  const created = s.fields.map((f) => {
    const p = props.get(f)!;
    const given = `init.${p}`;
    const value =
      f.defaultValue === undefined
        ? given
        : `${given} ?? ${constExpr(f.defaultValue, f.type, ctx)}`;
    return `${objectKey(p)}: ${value}`;
  });
  const typeArgs = init === name ? name : `${name}, ${init}`;
  return [
    `${tsDoc(s.doc)}export interface ${name} {`,
    ...members,
    `}`,
    ``,
    `${tsDoc(`Codec of {@link ${name}}: \`encode\`, \`decode\`, and \`create\` (fills IDL defaults).`)}export const ${name}: ${ctx.rtType("StructCodec")}<${typeArgs}> = ${ctx.rt("defineStruct")}<${typeArgs}>({`,
    `name: ${stringLiteral(s.name)},`,
    ...annotationMembers(s),
    `write(w, v) {`,
    ...write,
    `},`,
    `read(r) {`,
    ...stmts,
    `return ${objectLiteral(result)};`,
    `},`,
    s.fields.length ? `create(init) {` : `create() {`,
    `return ${objectLiteral(created)};`,
    `},`,
    `});`,
    ``,
  ].join("\n");
}

// ---- Unions --------------------------------------------------------------------------------

/** The codec of a union (its type comes from types.ts `emitUnionType`). */
export function emitUnionCodec(u: model.Struct, ctx: EmitContext): string {
  const name = ctx.ref(u, true);
  const members = byId(u.fields);
  const cases = members.map((f) => {
    const t = resolveType(f.type);
    const body = writeValue(f.type, "v.value", 1, ctx);
    return [
      `case ${stringLiteral(f.name)}:`,
      `at = ${stringLiteral(f.name)};`,
      `w.field(${wireType(f.type, ctx)}, ${f.id});`,
      ...(t.kind === "list" ? rewriteTopList(body) : body),
      `break;`,
    ];
  });
  const hasList = members.some(isList);
  const write =
    members.length === 0
      ? [`throw ${ctx.rt("invalidUnionValue")}(v);`]
      : [
          `let at = "";`,
          ...(hasList ? [`let i = -1;`] : []),
          `try {`,
          `if (v.value === undefined) throw ${ctx.rt("invalidUnionValue")}(v);`,
          `w.structBegin();`,
          `switch (v.kind) {`,
          ...cases.flat(),
          `default:`,
          `throw ${ctx.rt("invalidUnionValue")}(v);`,
          `}`,
          `w.structEnd();`,
          `} catch (e) {`,
          `throw ${ctx.rt("withFieldPath")}(e, ${stringLiteral(u.name)}, at${hasList ? ", i" : ""});`,
          `}`,
        ];
  const arity = ctx.rt("unionArityError");
  const readCases = members.map((f) =>
    readCase(
      f,
      (x) => [
        `if (value !== undefined) throw ${arity}(r, ${stringLiteral(u.name)}, value.kind, ${stringLiteral(f.name)});`,
        `value = { kind: ${stringLiteral(f.name)}, value: ${x} };`,
      ],
      ctx,
    ),
  );
  return [
    `${tsDoc(`Codec of {@link ${name}}: decoding rejects zero or several members, encoding an unknown \`kind\`.`)}export const ${name}: ${ctx.rtType("StructCodec")}<${name}> = ${ctx.rt("defineStruct")}<${name}>({`,
    `name: ${stringLiteral(u.name)},`,
    ...annotationMembers(u),
    `write(w, v) {`,
    ...write,
    `},`,
    `read(r) {`,
    `let value: ${name} | undefined;`,
    ...readLoop(readCases, ctx),
    `if (value === undefined) throw ${arity}(r, ${stringLiteral(u.name)});`,
    `return value;`,
    `},`,
    `create(init) {`,
    `return init;`,
    `},`,
    `});`,
    ``,
  ].join("\n");
}

/** A union member's list uses the function-level `i` like a struct field's list does. */
function rewriteTopList(body: string[]): string[] {
  return body.map((line) => line.replace("let i1 = 0", "i = 0").replace(/\bi1\b/g, "i"));
}

/** A one-line object type from members that end in `;`, spelled as prettier prints it. */
function typeLiteral(members: readonly string[]): string {
  return members.length === 0 ? "{}" : `{ ${members.join(" ").slice(0, -1)} }`;
}

// ---- Exceptions ----------------------------------------------------------------------------

/** An exception: a class extending ThriftException whose statics make it a codec too. */
export function emitException(x: model.Struct, ctx: EmitContext): string {
  const name = ctx.ref(x, true);
  const props = new Map(
    x.fields.map((f) => [f, exceptionPropertyName(f.name, isStringType(f.type))] as const),
  );
  const messageField = x.fields.find((f) => props.get(f) === "message");
  const own = x.fields.filter((f) => f !== messageField);
  const initMembers = x.fields.map((f) => {
    const p = props.get(f)!;
    const optional = mayBeAbsent(f) || hasDefault(f);
    const type = tsType(f.type, ctx);
    return optional ? `${objectKey(p)}?: ${type} | undefined;` : `${objectKey(p)}: ${type};`;
  });
  const superArg =
    messageField === undefined
      ? stringLiteral(x.name)
      : messageField.defaultValue !== undefined
        ? `init.message ?? ${constExpr(messageField.defaultValue, messageField.type, ctx)}`
        : mayBeAbsent(messageField)
          ? `init.message ?? ""`
          : "init.message";
  const assigns = own.map((f) => {
    const p = props.get(f)!;
    const d = f.defaultValue === undefined ? "" : ` ?? ${constExpr(f.defaultValue, f.type, ctx)}`;
    return `this.${p} = init.${p}${d};`;
  });
  const members = own.map((f) => fieldMember(f, props.get(f)!, ctx));
  const write = writeBody(
    x.name,
    byId(x.fields).map((f) => writeField({ field: f, access: `v.${props.get(f)!}` }, ctx)),
    x.fields.some(isList),
    ctx,
  );
  const { locals, stmts } = readFields(x.name, x.fields, ctx, readerTaken(ctx));
  const result = x.fields.map((f) => prop(props.get(f)!, filled(f, locals.get(f)!, ctx)));
  const initType = `ConstructorParameters<typeof ${name}>[0]`;
  const noInit = x.fields.every((f) => mayBeAbsent(f) || hasDefault(f));
  const doc = tsDoc(x.doc, [
    ...(x.doc === undefined ? [] : [""]),
    `Throwable (\`instanceof ${name}\` works) and its own codec: \`${name}.encode(e)\`, \`${name}.decode(bytes)\`.`,
  ]);
  return [
    `${doc}export class ${name} extends ${ctx.rt("ThriftException")} {`,
    `override readonly name: string = ${stringLiteral(x.name)};`,
    ...members,
    ``,
    `/** The IDL annotations of the exception, in source order. */`,
    `static readonly annotations: ${ctx.rtType("Annotations")} = ${annotationsLiteral(x.annotations)};`,
    ``,
    `/** The IDL annotations of its annotated fields, by IDL field name. */`,
    `static readonly fieldAnnotations: ${ctx.rtType("FieldAnnotations")} = ${fieldAnnotationsLiteral(x.fields)};`,
    ``,
    `constructor(init: ${typeLiteral(initMembers)}${noInit ? " = {}" : ""}) {`,
    `super(${superArg});`,
    ...assigns,
    `}`,
    ``,
    `/** Writes the exception as a struct. */`,
    `static write(w: ${ctx.rtType("ProtocolWriter")}, v: ${name}): void {`,
    ...write,
    `}`,
    ``,
    `/** Reads the exception from a struct; checks required fields. */`,
    `static read(r: ${ctx.rtType("ProtocolReader")}): ${name} {`,
    ...stmts,
    `return new ${name}(${objectLiteral(result)});`,
    `}`,
    ``,
    `/** Builds an exception, filling IDL defaults. */`,
    `static create(init: ${initType}): ${name} {`,
    `return new ${name}(init);`,
    `}`,
    ``,
    `/** Encodes to bytes (compact unless \`options.protocol\` says otherwise). */`,
    `static encode(value: ${name}, options?: ${ctx.rtType("EncodeOptions")}): Uint8Array {`,
    `return ${name}.#codec.encode(value, options);`,
    `}`,
    ``,
    `/** Decodes one exception value; throws ProtocolError on bad bytes. */`,
    `static decode(bytes: Uint8Array, options?: ${ctx.rtType("DecodeOptions")}): ${name} {`,
    `return ${name}.#codec.decode(bytes, options);`,
    `}`,
    ``,
    `static readonly #codec: ${ctx.rtType("StructCodec")}<${name}, ${initType}> = ${ctx.rt("defineStruct")}({`,
    `name: ${stringLiteral(x.name)},`,
    `annotations: ${name}.annotations,`,
    `fieldAnnotations: ${name}.fieldAnnotations,`,
    `write: ${name}.write,`,
    `read: ${name}.read,`,
    `create: ${name}.create,`,
    `});`,
    `}`,
    ``,
  ].join("\n");
}
