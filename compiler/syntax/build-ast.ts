// CST → AST: the document, its headers and definitions (types and values: build-values.ts).
// With cst-reader.ts and build-values.ts, the only reader of Chevrotain's tree. Every child is
// read as possibly missing (error recovery), and a node without its essential parts is dropped:
// the parser has already said why. Also reports what the grammar accepts only to reject it
// precisely: headers after definitions, `senum`, legacy namespace headers, misplaced annotations.
import type { CstNode, IToken } from "chevrotain";
import type { Diagnostic } from "../diagnostics.js";
import { spanOf, type SourceFile, type Span } from "../source.js";
import type * as ast from "./ast.js";
import { ValueBuilder } from "./build-values.js";
import { child, childNodes, isToken, startOf, token } from "./cst-reader.js";
import { DocAttacher } from "./doc-comments.js";
import { stringValue } from "./literals.js";

/** The document built from a CST, and what the builder found wrong with it. */
export interface BuildResult {
  readonly document: ast.Document;
  readonly diagnostics: Diagnostic[];
}

const legacyHeaderScopes: Readonly<Record<string, string>> = {
  cpp_namespace: "cpp",
  csharp_namespace: "csharp",
  delphi_namespace: "delphi",
  java_package: "java",
  perl_package: "perl",
  php_namespace: "php",
  py_module: "py",
  ruby_namespace: "ruby",
  smalltalk_category: "st",
  smalltalk_prefix: "st",
  xsd_namespace: "xsd",
};

const headerKinds = new Set(["include", "cppInclude", "namespace", "legacyHeader"]);

/** Builds the AST of one file from the parser's CST (undefined when parsing was cut short). */
export function buildDocument(
  file: SourceFile,
  cst: CstNode | undefined,
  docComments: readonly IToken[],
): BuildResult {
  const builder = new AstBuilder(file, docComments);
  const items = cst ? itemsInOrder(cst) : [];
  // Every definition's name first: a type named `slist` is an error only where it is not one.
  for (const item of items) {
    const name = !headerKinds.has(item.name) && token(item.children.Identifier);
    if (name) builder.defineName(name.image);
  }
  for (const item of items) builder.add(item);
  return builder.finish();
}

/**
 * Builds the AST one header or definition at a time, in source order, while the parser goes on
 * (parse.ts): each item's CST becomes garbage as soon as it is built, while it is young and
 * cheap to collect. Only for a file without the word `slist`, whose meaning depends on the names
 * of later definitions; {@link buildDocument} handles every file.
 */
export function createDocumentBuilder(
  file: SourceFile,
  docComments: readonly IToken[],
): { add(item: CstNode): void; finish(): BuildResult } {
  return new AstBuilder(file, docComments);
}

/** Headers and definitions back in source order (the CST groups children by rule). */
function itemsInOrder(cst: CstNode): CstNode[] {
  const items: CstNode[] = [];
  for (const key in cst.children) {
    for (const element of cst.children[key]!) {
      // A rule entered at the top level always starts with a real token (its keyword).
      if (!isToken(element) && startOf(element) !== undefined) items.push(element);
    }
  }
  return items.sort((a, b) => startOf(a)! - startOf(b)!);
}

class AstBuilder extends ValueBuilder {
  private readonly docs: DocAttacher;
  private readonly headers: ast.HeaderNode[] = [];
  private readonly definitions: ast.Definition[] = [];

  constructor(file: SourceFile, docComments: readonly IToken[]) {
    super(file);
    this.docs = new DocAttacher(file, docComments);
  }

  // ---- document and headers ----------------------------------------------------------------

  defineName(name: string): void {
    this.definedNames.add(name);
  }

  /** Builds the next header or definition (a child of the document node, in source order). */
  add(item: CstNode): void {
    if (startOf(item) === undefined) return; // as itemsInOrder: only located items
    if (headerKinds.has(item.name)) {
      const header = this.header(item, this.definitions[0]);
      if (header) this.headers.push(header);
    } else {
      const definition = this.definition(item);
      if (definition) this.definitions.push(definition);
    }
  }

  finish(): BuildResult {
    const { headers, definitions } = this;
    const document: ast.Document = {
      kind: "document",
      doc: this.docs.programDoc(headers[0]?.start, definitions[0]?.start),
      headers,
      definitions,
      file: this.file,
      start: 0,
      end: this.file.text.length,
    };
    return { document, diagnostics: this.diagnostics };
  }

  private header(
    node: CstNode,
    firstDefinition: ast.Definition | undefined,
  ): ast.HeaderNode | undefined {
    const span = this.span(node);
    if (!span) return undefined;
    this.docs.header(span.start);
    const keyword =
      token(node.children.Include) ??
      token(node.children.CppInclude) ??
      token(node.children.Namespace);
    if (firstDefinition && keyword) {
      this.report(
        this.tokenSpan(keyword),
        "headers-after-definitions",
        `${keyword.image} must come before the first definition`,
      );
    }
    switch (node.name) {
      case "include":
        return this.include(node, span);
      case "cppInclude": {
        const path = token(node.children.Literal);
        return (
          path && {
            kind: "cpp-include",
            path: stringValue(path.image),
            file: span.file,
            start: span.start,
            end: span.end,
          }
        );
      }
      case "namespace":
        return this.namespace(node, span);
      default:
        this.legacyHeader(node);
        return undefined;
    }
  }

  private include(node: CstNode, span: Span): ast.IncludeNode | undefined {
    const path = token(node.children.Literal);
    if (!path) return undefined;
    return {
      kind: "include",
      path: stringValue(path.image),
      pathSpan: this.tokenSpan(path),
      file: span.file,
      start: span.start,
      end: span.end,
    };
  }

  private namespace(node: CstNode, span: Span): ast.NamespaceNode | undefined {
    const star = token(node.children.Star);
    const scope = star ?? token(node.children.scope);
    const value = token(node.children.value);
    if (!scope || !value) return undefined;
    const annotationsNode = child(node.children.annotations);
    if (star && annotationsNode) {
      this.misplacedAnnotations(annotationsNode, 'annotations are not allowed after "namespace *"');
    }
    return {
      kind: "namespace",
      scope: scope.image,
      scopeSpan: this.tokenSpan(scope),
      value: this.identifier(value),
      annotations: star ? [] : this.annotations(annotationsNode),
      file: span.file,
      start: span.start,
      end: span.end,
    };
  }

  private legacyHeader(node: CstNode): void {
    const keyword = token(node.children.LegacyHeader);
    if (!keyword) return;
    const scope = legacyHeaderScopes[keyword.image] ?? keyword.image;
    this.report(
      this.tokenSpan(keyword),
      "unsupported-declaration",
      `unsupported declaration "${keyword.image}", use "namespace ${scope}" instead`,
    );
  }

  // ---- definitions ---------------------------------------------------------------------------

  private definition(node: CstNode): ast.Definition | undefined {
    // Apache captures the doc text before it parses the definition.
    const start = startOf(node);
    const doc = start === undefined ? undefined : this.docs.take(start);
    switch (node.name) {
      case "constDefinition":
        return this.constDefinition(node, doc);
      case "typedefDefinition":
        return this.typedefDefinition(node, doc);
      case "enumDefinition":
        return this.enumDefinition(node, doc);
      case "senumDefinition":
        return this.senumDefinition(node, doc);
      case "structDefinition":
      case "exceptionDefinition":
        return this.structDefinition(node, doc);
      case "serviceDefinition":
        return this.serviceDefinition(node, doc);
      default:
        return undefined;
    }
  }

  private constDefinition(
    node: CstNode,
    doc: ast.DocComment | undefined,
  ): ast.ConstDefinition | undefined {
    const typeNode = child(node.children.fieldType);
    const name = token(node.children.Identifier);
    const valueNode = child(node.children.constValue);
    const type = typeNode && this.type(typeNode);
    const value = valueNode && this.constValue(valueNode);
    const annotationsNode = child(node.children.annotations);
    if (annotationsNode) {
      this.misplacedAnnotations(annotationsNode, "annotations are not allowed on a const");
    }
    const span = this.definitionSpan(node);
    if (!type || !name || !value || !span) return undefined;
    return {
      kind: "const",
      type,
      name: this.identifier(name),
      value,
      doc,
      file: span.file,
      start: span.start,
      end: span.end,
    };
  }

  private typedefDefinition(
    node: CstNode,
    doc: ast.DocComment | undefined,
  ): ast.TypedefDefinition | undefined {
    const typeNode = child(node.children.fieldType);
    const name = token(node.children.Identifier);
    const type = typeNode && this.type(typeNode);
    const annotations = this.annotations(child(node.children.annotations));
    const span = this.definitionSpan(node);
    if (!type || !name || !span) return undefined;
    return {
      kind: "typedef",
      type,
      name: this.identifier(name),
      annotations,
      doc,
      file: span.file,
      start: span.start,
      end: span.end,
    };
  }

  private enumDefinition(
    node: CstNode,
    doc: ast.DocComment | undefined,
  ): ast.EnumDefinition | undefined {
    const name = token(node.children.Identifier);
    const values: ast.EnumValueNode[] = [];
    for (const valueNode of childNodes(node.children.enumValue)) {
      const value = this.enumValue(valueNode);
      if (value) values.push(value);
    }
    const annotations = this.annotations(child(node.children.annotations));
    const span = this.span(node);
    if (!name || !span) return undefined;
    return {
      kind: "enum",
      name: this.identifier(name),
      values,
      annotations,
      doc,
      file: span.file,
      start: span.start,
      end: span.end,
    };
  }

  private enumValue(node: CstNode): ast.EnumValueNode | undefined {
    const start = startOf(node);
    const doc = start === undefined ? undefined : this.docs.take(start);
    const name = token(node.children.Identifier);
    const valueToken = token(node.children.IntConstant);
    const annotations = this.annotations(child(node.children.annotations));
    const span = this.span(node);
    if (!name || !span) return undefined;
    return {
      kind: "enum-value",
      name: this.identifier(name),
      value: valueToken && this.intConst(valueToken),
      annotations,
      doc,
      file: span.file,
      start: span.start,
      end: span.end,
    };
  }

  /**
   * `senum` was removed in 0.17 (a string type with listed values). Reported once; the name
   * becomes a typedef of string so later uses of it raise no further errors.
   */
  private senumDefinition(
    node: CstNode,
    doc: ast.DocComment | undefined,
  ): ast.TypedefDefinition | undefined {
    const keyword = token(node.children.Senum);
    const name = token(node.children.Identifier);
    const span = this.span(node);
    if (keyword) {
      this.report(
        this.tokenSpan(keyword),
        "unsupported-senum",
        '"senum" is no longer supported, use "string" instead',
      );
    }
    if (!keyword || !name || !span) return undefined;
    const at = this.tokenSpan(keyword);
    const type: ast.BaseTypeNode = {
      kind: "base-type",
      name: "string",
      annotations: [],
      file: at.file,
      start: at.start,
      end: at.end,
    };
    return {
      kind: "typedef",
      type,
      name: this.identifier(name),
      annotations: this.annotations(child(node.children.annotations)),
      doc,
      file: span.file,
      start: span.start,
      end: span.end,
    };
  }

  private structDefinition(
    node: CstNode,
    doc: ast.DocComment | undefined,
  ): ast.StructDefinition | undefined {
    const kind = token(node.children.Union)
      ? "union"
      : token(node.children.Exception)
        ? "exception"
        : "struct";
    const name = token(node.children.Identifier);
    const fields = this.fields(childNodes(node.children.field));
    const annotations = this.annotations(child(node.children.annotations));
    const span = this.span(node);
    if (!name || !span) return undefined;
    return {
      kind,
      name: this.identifier(name),
      fields,
      annotations,
      doc,
      file: span.file,
      start: span.start,
      end: span.end,
    };
  }

  private serviceDefinition(
    node: CstNode,
    doc: ast.DocComment | undefined,
  ): ast.ServiceDefinition | undefined {
    const name = token(node.children.Identifier);
    const base = token(node.children.base);
    const functions: ast.FunctionNode[] = [];
    for (const functionNode of childNodes(node.children.function)) {
      const fn = this.function(functionNode);
      if (fn) functions.push(fn);
    }
    const annotations = this.annotations(child(node.children.annotations));
    const span = this.span(node);
    if (!name || !span) return undefined;
    return {
      kind: "service",
      name: this.identifier(name),
      extends: base && this.identifier(base),
      functions,
      annotations,
      doc,
      file: span.file,
      start: span.start,
      end: span.end,
    };
  }

  private function(node: CstNode): ast.FunctionNode | undefined {
    const start = startOf(node);
    const doc = start === undefined ? undefined : this.docs.take(start);
    const onewayToken = token(node.children.Oneway) ?? token(node.children.Async);
    const voidToken = token(node.children.Void);
    const returnType = voidToken ? undefined : this.type(node); // inlined (grammar.ts)
    const name = token(node.children.Identifier);
    const params = this.fields(childNodes(node.children.param));
    const throwsToken = token(node.children.Throws);
    const throws = throwsToken ? this.fields(childNodes(node.children.throwsField)) : undefined;
    const annotations = this.annotations(child(node.children.annotations));
    const span = this.span(node);
    const returnSpan = voidToken ? this.tokenSpan(voidToken) : returnType;
    if (!name || !returnSpan || !span || (!voidToken && !returnType)) return undefined;
    // The throws clause runs from `throws` to its `)` (or its last real token after recovery).
    let throwsSpan: Span | undefined;
    if (throwsToken) {
      const close = token(node.children.throwsClose);
      const last = throws?.[throws.length - 1];
      const end = close
        ? close.startOffset + 1
        : (last?.end ?? throwsToken.startOffset + throwsToken.image.length);
      throwsSpan = spanOf(this.file, throwsToken.startOffset, end);
    }
    return {
      kind: "function",
      oneway: onewayToken !== undefined,
      onewaySpan: onewayToken && this.tokenSpan(onewayToken),
      asyncKeyword: onewayToken?.image === "async",
      returnType: voidToken ? undefined : returnType,
      returnSpan,
      name: this.identifier(name),
      params,
      throws,
      throwsSpan,
      annotations,
      doc,
      file: span.file,
      start: span.start,
      end: span.end,
    };
  }

  // ---- fields ----------------------------------------------------------------------------------

  private fields(nodes: readonly CstNode[]): ast.FieldNode[] {
    // Mapped, not pushed: a list grown by `push` keeps room for 17 entries, and a big file keeps
    // tens of thousands of short field lists until the run ends.
    const fields = nodes.map((node) => this.field(node));
    return fields.every(isField) ? fields : fields.filter(isField);
  }

  private field(node: CstNode): ast.FieldNode | undefined {
    const start = startOf(node);
    const doc = start === undefined ? undefined : this.docs.take(start);
    const idToken = token(node.children.IntConstant);
    const requiredToken = token(node.children.Required);
    const optionalToken = token(node.children.Optional);
    const type = this.type(node); // inlined in the field (grammar.ts)
    const name = token(node.children.FieldName);
    const hasDefault = node.children.Equals !== undefined;
    const defaultValue = hasDefault ? this.constValue(node) : undefined; // inlined (grammar.ts)
    // `xsd_attrs { … }` means nothing; its fields are built only to keep doc comments in step.
    const xsdAttributes = node.children.xsdAttribute;
    if (xsdAttributes !== undefined) this.fields(childNodes(xsdAttributes));
    const annotations = this.annotations(child(node.children.annotations));
    const span = this.span(node);
    if (!type || !name || !span) return undefined; // recovered node: the parser already said why
    const requirednessToken = requiredToken ?? optionalToken;
    return {
      kind: "field",
      id: idToken && this.intConst(idToken),
      requiredness: requiredToken ? "required" : optionalToken ? "optional" : "default",
      requirednessSpan: requirednessToken && this.tokenSpan(requirednessToken),
      type,
      name: this.identifier(name),
      defaultValue,
      reference: token(node.children.Ampersand) !== undefined,
      annotations,
      doc,
      file: span.file,
      start: span.start,
      end: span.end,
    };
  }
}

function isField(field: ast.FieldNode | undefined): field is ast.FieldNode {
  return field !== undefined;
}
