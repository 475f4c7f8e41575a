// Specialized codecs: for each struct, union and exception, straight-line `write` and `read`
// functions over the protocol writer and reader, with no descriptor walking at run time.
// Writers write fields in ascending id order (Apache's Java/Python/C++ order, thrift-idl.md §5.4)
// so bytes match theirs; readers switch on the field id, skip unknown ids and mismatched types.
import { resolveType } from "../check/model.js";
import type * as model from "../check/model.js";
import { annotationsLiteral, constExpr, constText, isStringType, objectKey } from "./consts.js";
import type { EmitContext } from "./context.js";
import {
  STUB_PROPERTY,
  binary,
  call,
  flatExpr,
  name,
  newCall,
  object,
  ref,
  str,
  type Expr,
  type Property,
  type Type,
  type Unit,
} from "./layout.js";
import { exceptionPropertyName, localName, propertyName, scopeNames } from "./names.js";
import type { TakenNames } from "./names.js";
import { stringLiteral } from "./spelling.js";
import {
  fieldMember,
  hasDefault,
  mayBeAbsent,
  tsDoc,
  tsType,
  tsTypeOf,
  wireType,
} from "./types.js";
import { block, body, caseOf, lines, type Code } from "./writer.js";

/** Fields in wire order: ascending id. */
export function byId(fields: readonly model.Field[]): model.Field[] {
  return [...fields].sort((a, b) => a.id - b.id);
}

/** `x` may be repeated in generated code without evaluating anything twice. */
function isPlain(x: string): boolean {
  return /^[\w$]+(\.[\w$]+)*$/.test(x);
}

/** `if (test) throw error;` */
export function ifThrow(test: Expr, error: Expr): Unit {
  return { kind: "ifThrow", test, argument: error };
}

/** `return value;` */
export function returns(value: Expr): Unit {
  return { kind: "return", argument: value };
}

/** `const name: type = init;` (no type when undefined). */
function constUnit(local: string, type: Type | undefined, init: Expr): Unit {
  return { kind: "const", exported: false, name: local, type, init };
}

// ---- Writing -------------------------------------------------------------------------------

/** Statements that write `x`, a value of type `type`; `d` numbers the temporaries of nested containers. */
export function writeValue(type: model.Type, x: string, d: number, ctx: EmitContext): Code[] {
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
        ...body(
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
        ...body(`for (const e${d} of ${set})`, writeValue(t.element, `e${d}`, d + 1, ctx)),
      ];
    }
    case "map": {
      const [bind, map] = isPlain(x) ? [[], x] : [[`const map${d} = ${x};`], `map${d}`];
      return [
        ...bind,
        `w.mapBegin(${wireType(t.key, ctx)}, ${wireType(t.value, ctx)}, ${map}.size);`,
        // Keys, then a lookup: `for (const [k, v] of map)` allocated an entry array per entry
        // in generated code (about 130 B per map of two), which V8 did not optimize away.
        block(
          `for (const k${d} of ${map}.keys()) {`,
          [
            `const v${d} = ${map}.get(k${d})!;`,
            ...writeValue(t.key, `k${d}`, d + 1, ctx),
            ...writeValue(t.value, `v${d}`, d + 1, ctx),
          ],
          "}",
        ),
      ];
    }
    case "unresolved":
      return [];
  }
}

/** A list element: bound to a local first when writing it uses it more than once. */
function element(type: model.Type, x: string, d: number, ctx: EmitContext): Code[] {
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
  /** The expression tested against `undefined` (`v.total`, `args[0]`). */
  readonly check: Expr;
}

/**
 * Statements that write one field: `at` names it for error paths; a missing required field is
 * an EncodeError; other fields are written when they have a value. The list outermost in a field
 * counts its elements in `i`, so an error inside names the element (`lines[2]`).
 */
export function writeField({ field, access, check }: WriteField, ctx: EmitContext): Code[] {
  const out: Code[] = [`at = ${stringLiteral(field.name)};`];
  const header = `w.field(${wireType(field.type, ctx)}, ${field.id});`;
  const t = resolveType(field.type);
  let statements: Code[];
  if (t.kind === "list") {
    const plain = isPlain(access);
    const list = plain ? access : "list0";
    statements = [
      ...(plain ? [] : [`const list0 = ${access};`]),
      header,
      `w.listBegin(${wireType(t.element, ctx)}, ${list}.length);`,
      ...body(`for (i = 0; i < ${list}.length; i++)`, element(t.element, `${list}[i]!`, 1, ctx)),
      `i = -1;`,
    ];
  } else {
    statements = [header, ...writeValue(field.type, access, 1, ctx)];
  }
  if (field.requiredness === "required") {
    const unset = call(ctx.rt("requiredFieldUnset"), []);
    out.push(ifThrow(binary(check, "===", name("undefined")), unset), ...statements);
  } else {
    out.push(block(`if (${flatExpr(check)} !== undefined) {`, statements, "}"));
  }
  return out;
}

/** A write function body: `at`/`i` tracking, the fields, and the error path on failure. */
export function writeBody(
  structName: string,
  fields: readonly Code[][],
  hasList: boolean,
  ctx: EmitContext,
): Code[] {
  if (fields.length === 0) return [`w.structBegin();`, `w.structEnd();`];
  const path = `${ctx.rt("withFieldPath")}(e, ${stringLiteral(structName)}, at${hasList ? ", i" : ""})`;
  return [
    `let at = "";`,
    ...(hasList ? [`let i = -1;`] : []),
    tryCatch([`w.structBegin();`, ...fields.flat(), `w.structEnd();`], [`throw ${path};`]),
  ];
}

/** `try { … } catch (e) { … }`. */
function tryCatch(attempt: readonly Code[], recover: readonly Code[]): Code {
  return block("try {", attempt, block("} catch (e) {", recover, "}"));
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
): { stmts: Code[]; expr: string } {
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
      const decl = isSet
        ? constUnit(acc, undefined, newCall("Set", [], [tsTypeOf(t.element, ctx)]))
        : constUnit(acc, tsTypeOf(t, ctx), { kind: "array", elements: [] });
      const mismatched = binary(name("r.elementType"), "!==", name(wireType(t.element, ctx)));
      return {
        stmts: [
          `const ${n} = r.${isSet ? "setBegin" : "listBegin"}();`,
          ifThrow(binary(binary(name(n), ">", zero), "&&", mismatched), mismatch(fieldName, ctx)),
          decl,
          ...body(`for (let i${d} = 0; i${d} < ${n}; i${d}++)`, [
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
      const types = binary(
        binary(name("r.keyType"), "!==", name(wireType(t.key, ctx))),
        "||",
        binary(name("r.valueType"), "!==", name(wireType(t.value, ctx))),
      );
      const test = binary(binary(name(n), ">", zero), "&&", { kind: "paren", expression: types });
      const init = newCall("Map", [], [tsTypeOf(t.key, ctx), tsTypeOf(t.value, ctx)]);
      return {
        stmts: [
          `const ${n} = r.mapBegin();`,
          ifThrow(test, mismatch(fieldName, ctx)),
          constUnit(`map${d}`, undefined, init),
          ...body(`for (let i${d} = 0; i${d} < ${n}; i${d}++)`, setEntry),
          `r.containerEnd();`,
        ],
        expr: `map${d}`,
      };
    }
    case "unresolved":
      return { stmts: [], expr: "undefined as never" };
  }
}

const zero: Expr = { kind: "number", text: "0" };

/** How many containers deep a type is (0 for a struct or base type). */
function nesting(type: model.Type): number {
  const t = resolveType(type);
  if (t.kind === "list" || t.kind === "set") return 1 + nesting(t.element);
  if (t.kind === "map") return 1 + Math.max(nesting(t.key), nesting(t.value));
  return 0;
}

function mismatch(fieldName: string, ctx: EmitContext): Expr {
  return call(ctx.rt("elementTypeMismatch"), [name("r"), str(stringLiteral(fieldName))]);
}

/**
 * One `case` of a reader's switch: if the wire type matches, read the value and `store` it;
 * otherwise `r.skipMismatch` (skips it, or rejects it in strict mode).
 */
export function readCase(
  field: model.Field,
  store: (expr: string) => Code[],
  ctx: EmitContext,
): Code {
  const type = wireType(field.type, ctx);
  const value = readValue(field.type, 1, field.name, ctx);
  const statements = [...value.stmts, ...store(value.expr)];
  const skip = `r.skipMismatch(t, ${type}, ${stringLiteral(field.name)});`;
  const only = statements[0];
  const branch =
    statements.length === 1 && typeof only === "string"
      ? lines(`if (t === ${type}) ${only}`, `else ${skip}`)
      : block(`if (t === ${type}) {`, statements, `} else ${skip}`);
  return caseOf(`case ${field.id}:`, [branch, `break;`]);
}

/** The field loop of a reader: structBegin, a switch per field header, structEnd. */
export function readLoop(cases: readonly Code[], ctx: EmitContext): Code[] {
  const stop = `${ctx.rt("TType")}.STOP`;
  const dispatch: Code[] =
    cases.length === 0
      ? [`r.skip(t);`]
      : [
          block(
            `switch (r.fieldId) {`,
            [...cases, caseOf(`default:`, [`r.skip(t);`])],
            "}",
            "cases",
          ),
        ];
  return [
    `r.structBegin();`,
    block(`for (let t = r.fieldBegin(); t !== ${stop}; t = r.fieldBegin()) {`, dispatch, "}"),
    `r.structEnd();`,
  ];
}

/** Names that a read function's field locals must not take: its own locals and module names. */
export function readerTaken(ctx: EmitContext): TakenNames {
  const own = ["r", "t", "w", "v", "e", "at", "i", "init", "value", "args"];
  return scopeNames(own, ctx.names.all, ctx.includeAliases);
}

/** A local for a field's value while reading (never one of the reader's temporaries `n1`, `list2`, …). */
export function fieldLocal(fieldName: string, taken: TakenNames): string {
  let id = localName(fieldName, taken);
  while (/^(n|i|e|k|v|list|set|map)\d+$/.test(id)) id = localName(`${id}$`, taken);
  return id;
}

/** Locals of a reader, the read loop that fills them, and the required-field checks. */
export function readFields(
  structName: string,
  fields: readonly model.Field[],
  ctx: EmitContext,
  taken: TakenNames,
): { locals: Map<model.Field, string>; stmts: Code[] } {
  const locals = new Map<model.Field, string>();
  for (const f of fields) locals.set(f, fieldLocal(f.name, taken));
  const decls = fields.map((f) => `let ${locals.get(f)}: ${tsType(f.type, ctx)} | undefined;`);
  const cases = byId(fields).map((f) => readCase(f, (x) => [`${locals.get(f)} = ${x};`], ctx));
  const checks = fields
    .filter((f) => f.requiredness === "required")
    .map((f) =>
      ifThrow(
        binary(name(locals.get(f)!), "===", name("undefined")),
        call(ctx.rt("requiredFieldMissing"), [
          name("r"),
          str(stringLiteral(structName)),
          str(stringLiteral(f.name)),
        ]),
      ),
    );
  return { locals, stmts: [...decls, ...readLoop(cases, ctx), ...checks] };
}

/** The value of a field after reading: its local, or its default when it was absent. */
export function filled(f: model.Field, local: string, ctx: EmitContext): Expr {
  return f.defaultValue === undefined || f.requiredness === "required"
    ? name(local)
    : binary(name(local), "??", constExpr(f.defaultValue, f.type, ctx));
}

/** `key: value` or the shorthand `key` in an object literal. */
function prop(key: string, value: Expr): Property {
  return value.kind === "name" && value.text === key
    ? { key, value: undefined }
    : { key: objectKey(key), value };
}

/** A key of `fieldAnnotations`: the IDL field name (which may contain dots). */
function fieldNameKey(fieldName: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(fieldName) ? objectKey(fieldName) : stringLiteral(fieldName);
}

/** The IDL field names and annotations of the annotated fields, as an object literal. */
export function fieldAnnotationsLiteral(fields: readonly model.Field[]): Expr {
  return object(
    fields
      .filter((f) => f.annotations.length > 0)
      .map((f) => ({ key: fieldNameKey(f.name), value: annotationsLiteral(f.annotations) })),
  );
}

/** `key: value,` in an object literal written over several lines. */
export function property(key: string, value: Expr): Unit {
  return { kind: "objectProperty", key, value };
}

/** A codec spec's annotation members: only those the IDL gives (defineStruct fills the rest). */
function annotationMembers(s: model.Struct): Code[] {
  const members: Code[] = [];
  if (s.annotations.length > 0)
    members.push(property("annotations", annotationsLiteral(s.annotations)));
  if (s.fields.some((f) => f.annotations.length > 0))
    members.push(property("fieldAnnotations", fieldAnnotationsLiteral(s.fields)));
  return members;
}

/**
 * `export const name: type = define({` … `});`: a codec or descriptor opener. The type arguments
 * are inferred from the constant's type, unless given (`typeArgs`: inference cannot see them).
 */
export function definition(
  constName: string,
  type: Type,
  define: string,
  members: readonly Code[],
  typeArgs?: readonly Type[],
): Code {
  const init = call(define, [object([STUB_PROPERTY], true)], typeArgs);
  const head: Unit = { kind: "const", exported: true, name: constName, type, init };
  return block(head, members, "});", "object");
}

// ---- Structs -------------------------------------------------------------------------------

/** A definition's declarations a user reads (`api`) and its wire code (`wire`, maybe none). */
export interface Emitted {
  readonly api: Code[];
  readonly wire: Code[];
}

/** The interface and the codec of a struct. */
export function emitStruct(s: model.Struct, ctx: EmitContext): Emitted {
  const structName = ctx.ref(s, true);
  const props = new Map(s.fields.map((f) => [f, propertyName(f.name)] as const));
  const defaulted = s.fields.filter((f) => hasDefault(f) && !mayBeAbsent(f));
  const self = ref(structName);
  const keys: Type[] = defaulted.map((f) => ({
    kind: "literal",
    text: stringLiteral(props.get(f)!),
  }));
  const typeArgs: Type[] = defaulted.length
    ? [
        self,
        ref(ctx.rtType("WithDefaults"), [
          self,
          keys.length === 1 ? keys[0]! : { kind: "union", types: keys },
        ]),
      ]
    : [self];
  const members = s.fields.map((f) => fieldMember(f, props.get(f)!, ctx));
  const write = writeBody(
    s.name,
    byId(s.fields).map((f) => {
      const access = `v.${props.get(f)}`;
      return writeField({ field: f, access, check: name(access) }, ctx);
    }),
    s.fields.some(isList),
    ctx,
  );
  const { locals, stmts } = readFields(s.name, s.fields, ctx, readerTaken(ctx));
  const result = s.fields.map((f) => prop(props.get(f)!, filled(f, locals.get(f)!, ctx)));
  const created = s.fields.map((f): Property => {
    const p = props.get(f)!;
    const given = name(`init.${p}`);
    const value =
      f.defaultValue === undefined
        ? given
        : binary(given, "??", constExpr(f.defaultValue, f.type, ctx));
    return { key: objectKey(p), value };
  });
  const codecDoc = tsDoc(
    `Codec of {@link ${structName}}: \`encode\`, \`decode\`, and \`create\` (fills IDL defaults).`,
  );
  const api = [block(`${tsDoc(s.doc)}export interface ${structName} {`, members, "}", "members")];
  const wire = [
    codecDoc,
    definition(structName, ref(ctx.rtType("StructCodec"), typeArgs), ctx.rt("defineStruct"), [
      `name: ${stringLiteral(s.name)},`,
      ...annotationMembers(s),
      block(s.fields.length ? `write(w, v) {` : `write(w) {`, write, "},"),
      block(`read(r) {`, [...stmts, returns(object(result))], "},"),
      block(s.fields.length ? `create(init) {` : `create() {`, [returns(object(created))], "},"),
    ]),
  ];
  return { api, wire };
}

// ---- Unions --------------------------------------------------------------------------------

/** The codec of a union (its type comes from types.ts `emitUnionType`). */
export function emitUnionCodec(u: model.Struct, ctx: EmitContext): Code[] {
  const unionName = ctx.ref(u, true);
  const members = byId(u.fields);
  const invalid = `throw ${ctx.rt("invalidUnionValue")}(v);`;
  const cases = members.map((f) => {
    const t = resolveType(f.type);
    const statements = writeValue(f.type, "v.value", 1, ctx);
    return caseOf(`case ${stringLiteral(f.name)}:`, [
      `at = ${stringLiteral(f.name)};`,
      `w.field(${wireType(f.type, ctx)}, ${f.id});`,
      ...(t.kind === "list" ? rewriteTopList(statements) : statements),
      `break;`,
    ]);
  });
  const hasList = members.some(isList);
  const path = `${ctx.rt("withFieldPath")}(e, ${stringLiteral(u.name)}, at${hasList ? ", i" : ""})`;
  const write: Code[] =
    members.length === 0
      ? [invalid]
      : [
          `let at = "";`,
          ...(hasList ? [`let i = -1;`] : []),
          tryCatch(
            [
              `if (v.value === undefined) ${invalid}`,
              `w.structBegin();`,
              block(`switch (v.kind) {`, [...cases, caseOf(`default:`, [invalid])], "}", "cases"),
              `w.structEnd();`,
            ],
            [`throw ${path};`],
          ),
        ];
  const arity = ctx.rt("unionArityError");
  const unionStr = str(stringLiteral(u.name));
  const readCases = members.map((f) =>
    readCase(
      f,
      (x) => [
        ifThrow(
          binary(name("value"), "!==", name("undefined")),
          call(arity, [name("r"), unionStr, name("value.kind"), str(stringLiteral(f.name))]),
        ),
        `value = { kind: ${stringLiteral(f.name)}, value: ${x} };`,
      ],
      ctx,
    ),
  );
  const doc = tsDoc(
    `Codec of {@link ${unionName}}: decoding rejects zero or several members, encoding an unknown \`kind\`.`,
  );
  const self = ref(unionName);
  return [
    doc,
    definition(unionName, ref(ctx.rtType("StructCodec"), [self]), ctx.rt("defineStruct"), [
      `name: ${stringLiteral(u.name)},`,
      ...annotationMembers(u),
      block(members.length ? `write(w, v) {` : `write(_w, v) {`, write, "},"),
      block(
        `read(r) {`,
        [
          `let value: ${unionName} | undefined;`,
          ...readLoop(readCases, ctx),
          ifThrow(
            binary(name("value"), "===", name("undefined")),
            call(arity, [name("r"), unionStr]),
          ),
          `return value;`,
        ],
        "},",
      ),
      block(`create(init) {`, [`return init;`], "},"),
    ]),
  ];
}

/** A union member's list uses the function-level `i` like a struct field's list does. */
function rewriteTopList(statements: Code[]): Code[] {
  const rewrite = (line: string) => line.replace("let i1 = 0", "i = 0").replace(/\bi1\b/g, "i");
  return statements.map((c) =>
    typeof c === "string"
      ? rewrite(c)
      : c.kind === "block" && typeof c.head === "string"
        ? { ...c, head: rewrite(c.head), body: rewriteTopList([...c.body]) }
        : c,
  );
}

// ---- Exceptions ----------------------------------------------------------------------------

/** An exception: a class extending ThriftException whose statics make it a codec too. */
export function emitException(x: model.Struct, ctx: EmitContext): Code[] {
  const className = ctx.ref(x, true);
  const props = new Map(
    x.fields.map((f) => [f, exceptionPropertyName(f.name, isStringType(f.type))] as const),
  );
  const messageField = x.fields.find((f) => props.get(f) === "message");
  const own = x.fields.filter((f) => f !== messageField);
  const initMembers = x.fields.map((f) => {
    const p = props.get(f)!;
    const optional = mayBeAbsent(f) || hasDefault(f);
    const type = tsTypeOf(f.type, ctx);
    return {
      name: objectKey(p),
      optional,
      type: optional ? ({ kind: "union", types: [type, ref("undefined")] } as const) : type,
    };
  });
  const superArg =
    messageField === undefined
      ? stringLiteral(x.name)
      : messageField.defaultValue !== undefined
        ? `init.message ?? ${constText(messageField.defaultValue, messageField.type, ctx)}`
        : mayBeAbsent(messageField)
          ? `init.message ?? ""`
          : "init.message";
  const assigns = own.map((f) => {
    const p = props.get(f)!;
    const d = f.defaultValue === undefined ? "" : ` ?? ${constText(f.defaultValue, f.type, ctx)}`;
    return `this.${p} = init.${p}${d};`;
  });
  const members = own.map((f) => fieldMember(f, props.get(f)!, ctx));
  const write = writeBody(
    x.name,
    byId(x.fields).map((f) => {
      const access = `v.${props.get(f)!}`;
      return writeField({ field: f, access, check: name(access) }, ctx);
    }),
    x.fields.some(isList),
    ctx,
  );
  const { locals, stmts } = readFields(x.name, x.fields, ctx, readerTaken(ctx));
  const result = x.fields.map((f) => prop(props.get(f)!, filled(f, locals.get(f)!, ctx)));
  const initType = `ConstructorParameters<typeof ${className}>[0]`;
  const initTypeTree: Type = {
    kind: "indexed",
    object: ref("ConstructorParameters", [{ kind: "typeof", name: className }]),
    index: "0",
  };
  const noInit = x.fields.every((f) => mayBeAbsent(f) || hasDefault(f));
  const doc = tsDoc(x.doc, [
    ...(x.doc === undefined ? [] : [""]),
    `Throwable (\`instanceof ${className}\` works) and its own codec: \`${className}.encode(e)\`, \`${className}.decode(bytes)\`.`,
  ]);
  const hasFields = x.fields.length > 0;
  const constructorHead: Unit = {
    kind: "constructor",
    param: { name: "init", optional: false, type: { kind: "object", members: initMembers } },
    init: noInit ? "{}" : undefined,
  };
  const staticProperty = (key: string, type: Type, init: Expr): Unit => ({
    kind: "property",
    modifiers: "static readonly ",
    name: key,
    type,
    init,
  });
  const codec: Unit = staticProperty(
    "#codec",
    ref(ctx.rtType("StructCodec"), hasFields ? [ref(className), initTypeTree] : [ref(className)]),
    call(ctx.rt("defineStruct"), [object([STUB_PROPERTY], true)]),
  );
  // Without fields there is nothing to initialize or write: no parameter left unused.
  const construct = hasFields
    ? block(constructorHead, [`super(${superArg});`, ...assigns], "}")
    : block(`constructor() {`, [`super(${superArg});`], "}");
  const v = hasFields ? `, v: ${className}` : "";
  return [
    block(
      `${doc}export class ${className} extends ${ctx.rt("ThriftException")} {`,
      [
        `override readonly name: string = ${stringLiteral(x.name)};`,
        ...members,
        "",
        `/** The IDL annotations of the exception, in source order. */`,
        staticProperty(
          "annotations",
          ref(ctx.rtType("Annotations")),
          annotationsLiteral(x.annotations),
        ),
        "",
        `/** The IDL annotations of its annotated fields, by IDL field name. */`,
        staticProperty(
          "fieldAnnotations",
          ref(ctx.rtType("FieldAnnotations")),
          fieldAnnotationsLiteral(x.fields),
        ),
        "",
        construct,
        "",
        `/** Writes the exception as a struct. */`,
        block(`static write(w: ${ctx.rtType("ProtocolWriter")}${v}): void {`, write, "}"),
        "",
        `/** Reads the exception from a struct; checks required fields. */`,
        block(
          `static read(r: ${ctx.rtType("ProtocolReader")}): ${className} {`,
          [...stmts, returns(newCall(className, hasFields ? [object(result)] : []))],
          "}",
        ),
        "",
        `/** Builds an exception, filling IDL defaults. */`,
        hasFields
          ? block(
              `static create(init: ${initType}): ${className} {`,
              [`return new ${className}(init);`],
              "}",
            )
          : block(`static create(): ${className} {`, [`return new ${className}();`], "}"),
        "",
        `/** Encodes to bytes (compact unless \`options.protocol\` says otherwise). */`,
        block(
          `static encode(value: ${className}, options?: ${ctx.rtType("EncodeOptions")}): Uint8Array {`,
          [`return ${className}.#codec.encode(value, options);`],
          "}",
        ),
        "",
        `/** Decodes one exception value; throws ProtocolError on bad bytes. */`,
        block(
          `static decode(bytes: Uint8Array, options?: ${ctx.rtType("DecodeOptions")}): ${className} {`,
          [`return ${className}.#codec.decode(bytes, options);`],
          "}",
        ),
        "",
        block(
          codec,
          [
            `name: ${stringLiteral(x.name)},`,
            `annotations: ${className}.annotations,`,
            `fieldAnnotations: ${className}.fieldAnnotations,`,
            `write: ${className}.write,`,
            `read: ${className}.read,`,
            `create: ${className}.create,`,
          ],
          "});",
          "object",
        ),
      ],
      "}",
      "class",
    ),
  ];
}
