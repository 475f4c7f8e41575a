// CST → AST for types, constant values and annotations (spec thrift-idl.md §6–§8): the parts
// of the tree that nest, built recursively (the parser has capped nesting, parse.ts).
import type { CstNode, IToken } from "chevrotain";
import { spanOf } from "../source.js";
import type * as ast from "./ast.js";
import { child, childNodes, CstReader, token } from "./cst-reader.js";
import { doubleValue, integerValue, stringValue } from "./literals.js";

/**
 * The annotations of the many nodes that have none: one shared empty list instead of one each
 * (a big file has a hundred thousand such nodes, all kept until the end of the run).
 */
const NO_ANNOTATIONS: readonly ast.Annotation[] = Object.freeze([]);

/** Builds types, values and annotations; build-ast.ts builds the rest on top of it. */
export class ValueBuilder extends CstReader {
  /** Names defined in this file, so a type named `slist` is only rejected when it is not one. */
  protected readonly definedNames = new Set<string>();

  protected misplacedAnnotations(node: CstNode, message: string): void {
    const span = this.span(node);
    if (span) this.report(span, "misplaced-annotations", message);
  }

  /**
   * The type in a `fieldType` node, or inlined in a `field` node (same labels): a name, a base
   * type, or a container, each possibly followed by `typeAnnotations`.
   */
  protected type(node: CstNode): ast.TypeNode | undefined {
    const annotationsNode = child(node.children.typeAnnotations);
    const name = token(node.children.typeName);
    if (name) return this.namedType(name, annotationsNode);
    const base = token(node.children.BaseTypeKeyword);
    if (base) {
      const end = annotationsNode?.location?.endOffset;
      const span = spanOf(
        this.file,
        base.startOffset,
        end !== undefined && Number.isFinite(end) ? end + 1 : base.startOffset + base.image.length,
      );
      const annotations = this.annotations(annotationsNode);
      return {
        kind: "base-type",
        name: base.image as ast.BaseTypeName,
        annotations,
        file: span.file,
        start: span.start,
        end: span.end,
      };
    }
    const container = child(node.children.containerType);
    return container && this.containerType(container);
  }

  private containerType(node: CstNode): ast.TypeNode | undefined {
    const span = this.span(node);
    if (!span) return undefined;
    const annotations = this.annotations(child(node.children.typeAnnotations));
    if (token(node.children.Map)) {
      const keyNode = child(node.children.keyType);
      const valueNode = child(node.children.valueType);
      const key = keyNode && this.type(keyNode);
      const value = valueNode && this.type(valueNode);
      return (
        key &&
        value && {
          kind: "map-type",
          key,
          value,
          annotations,
          file: span.file,
          start: span.start,
          end: span.end,
        }
      );
    }
    const elementNode = child(node.children.elementType);
    const element = elementNode && this.type(elementNode);
    const kind = token(node.children.Set) ? "set-type" : token(node.children.List) && "list-type";
    if (!element || !kind) return undefined;
    return { kind, element, annotations, file: span.file, start: span.start, end: span.end };
  }

  private namedType(t: IToken, annotationsNode: CstNode | undefined): ast.TypeNode {
    if (annotationsNode) {
      this.misplacedAnnotations(
        annotationsNode,
        `annotations are not allowed after the named type "${t.image}", only after base and container types`,
      );
    }
    const span = this.tokenSpan(t);
    // `slist` was removed in 0.17 (it was a string); at HEAD it is just a name, so it is only
    // an error when this file does not define it.
    if (t.image === "slist" && !this.definedNames.has("slist")) {
      this.report(
        span,
        "unsupported-slist",
        '"slist" is no longer supported, use "string" instead',
      );
      return {
        kind: "base-type",
        name: "string",
        annotations: [],
        file: span.file,
        start: span.start,
        end: span.end,
      };
    }
    return {
      kind: "named-type",
      name: t.image,
      file: span.file,
      start: span.start,
      end: span.end,
    };
  }

  // ---- annotations and constants -------------------------------------------------------------

  protected annotations(node: CstNode | undefined): readonly ast.Annotation[] {
    if (!node) return NO_ANNOTATIONS;
    const out: ast.Annotation[] = [];
    for (const entry of childNodes(node.children.annotation)) {
      const key = token(entry.children.Identifier);
      const hasValue = entry.children["Equals"] !== undefined;
      const value = token(entry.children.Literal);
      const span = this.span(entry);
      if (!key || !span || (hasValue && !value)) continue;
      out.push({
        kind: "annotation",
        key: this.identifier(key),
        value: value ? stringValue(value.image) : "1",
        file: span.file,
        start: span.start,
        end: span.end,
      });
    }
    return out;
  }

  protected intConst(t: IToken): ast.IntConstNode {
    const start = t.startOffset;
    const end = start + t.image.length;
    return {
      kind: "int-const",
      value: integerValue(t.image),
      text: t.image,
      file: this.file,
      start,
      end,
    };
  }

  /** The value in a `constValue` node, or inlined in a `field` node (same labels). */
  protected constValue(node: CstNode): ast.ConstNode | undefined {
    const int = token(node.children.intValue);
    if (int) return this.intConst(int);
    const double = token(node.children.doubleValue);
    if (double) {
      const span = this.tokenSpan(double);
      return {
        kind: "double-const",
        value: doubleValue(double.image),
        text: double.image,
        file: span.file,
        start: span.start,
        end: span.end,
      };
    }
    const literal = token(node.children.stringValue);
    if (literal) {
      const span = this.tokenSpan(literal);
      const value = stringValue(literal.image);
      return { kind: "string-const", value, file: span.file, start: span.start, end: span.end };
    }
    const name = token(node.children.refValue);
    if (name) {
      const span = this.tokenSpan(name);
      return {
        kind: "ref-const",
        name: name.image,
        file: span.file,
        start: span.start,
        end: span.end,
      };
    }
    const collection = child(node.children.collection);
    const span = collection && this.span(collection);
    if (!collection || !span) return undefined;
    if (token(collection.children.LBracket)) {
      const items: ast.ConstNode[] = [];
      for (const itemNode of childNodes(collection.children.item)) {
        const item = this.constValue(itemNode);
        if (item) items.push(item);
      }
      return { kind: "list-const", items, file: span.file, start: span.start, end: span.end };
    }
    if (token(collection.children.LCurly)) {
      const entries: { key: ast.ConstNode; value: ast.ConstNode }[] = [];
      for (const entryNode of childNodes(collection.children.entry)) {
        const keyNode = child(entryNode.children.key);
        const valueNode = child(entryNode.children.value);
        const key = keyNode && this.constValue(keyNode);
        const value = valueNode && this.constValue(valueNode);
        if (key && value) entries.push({ key, value });
      }
      return { kind: "map-const", entries, file: span.file, start: span.start, end: span.end };
    }
    return undefined;
  }
}
