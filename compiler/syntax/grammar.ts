// The IDL grammar (spec thrift-idl.md §2, `thrifty.yy` at 0.18+) as a Chevrotain CstParser.
// Rules only recognise; build-ast.ts gives the tree its meaning. One instance, built once.
import {
  LLkLookaheadStrategy,
  tokenMatcher,
  type CstNode,
  type ILookaheadStrategy,
  type IOrAlt,
  type IRecognitionException,
  type ISerializedGast,
} from "chevrotain";
import { errorMessageProvider, setMessageTokens } from "./error-messages.js";
import { RecoveringCstParser, TooManySyntaxErrors } from "./recovering-parser.js";
import type { TokenVector } from "./scanner.js";
import {
  allTokens,
  Ampersand,
  Async,
  BaseTypeKeyword,
  Colon,
  Comma,
  Const,
  CppInclude,
  CppType,
  DoubleConstant,
  Enum,
  Equals,
  Exception,
  Extends,
  FieldName,
  Identifier,
  Include,
  IntConstant,
  LAngle,
  LBracket,
  LCurly,
  LegacyHeader,
  ListKeyword,
  Literal,
  LParen,
  MapKeyword,
  Namespace,
  Oneway,
  Optional,
  RAngle,
  RBracket,
  RCurly,
  Required,
  RParen,
  Senum,
  Separator,
  Service,
  SetKeyword,
  Star,
  Struct,
  Throws,
  Typedef,
  Union,
  Void,
  XsdAll,
  XsdAttrs,
  XsdNillable,
  XsdOptional,
} from "./tokens.js";

/**
 * Whether Chevrotain skips checking the grammar as it builds the parser (a tenth of a second at
 * every start). The checks only catch mistakes in idlc's own grammar, and every run from source
 * (tests, `npm run idlc`) still makes them; the bundled bin skips them (scripts/build-cli.js
 * defines `process.env.IDLC_BUNDLED` as "1").
 */
const SKIP_GRAMMAR_CHECKS = process.env.IDLC_BUNDLED === "1";

// The options of the rules that run per field, made once rather than at every use (see
// `structParts`).
const TYPE_NAME = { LABEL: "typeName" };
const TYPE_ANNOTATIONS = { LABEL: "typeAnnotations" };
const ELEMENT_TYPE = { LABEL: "elementType" };
const KEY_TYPE = { LABEL: "keyType" };
const VALUE_TYPE = { LABEL: "valueType" };
const INT_VALUE = { LABEL: "intValue" };
const DOUBLE_VALUE = { LABEL: "doubleValue" };
const STRING_VALUE = { LABEL: "stringValue" };
const REF_VALUE = { LABEL: "refValue" };
const COLLECTION = { LABEL: "collection" };

/**
 * Chevrotain's LL(1) lookahead, each function built the first time its `OR` or `OPTION` runs
 * instead of all of them when the parser is made: a start no longer pays for the rules a file
 * does not use.
 */
function lazyLookahead(maxLookahead: number): ILookaheadStrategy {
  const eager = new LLkLookaheadStrategy({ maxLookahead });
  type Alternation = ReturnType<ILookaheadStrategy["buildLookaheadForAlternation"]>;
  type Optional = ReturnType<ILookaheadStrategy["buildLookaheadForOptional"]>;
  return {
    validate: (options) => eager.validate(options),
    initialize: (options) => eager.initialize?.(options),
    buildLookaheadForAlternation(options) {
      let built: Alternation | undefined;
      return function (this: unknown, alternatives) {
        built ??= eager.buildLookaheadForAlternation(options);
        return built.call(this, alternatives);
      };
    },
    buildLookaheadForOptional(options) {
      let built: Optional | undefined;
      return function (this: unknown) {
        built ??= eager.buildLookaheadForOptional(options);
        return built.call(this);
      };
    },
  };
}

/** The grammar is LL(1); Chevrotain passes this to the strategy for each `OR` and `OPTION`. */
const MAX_LOOKAHEAD = 1;

class IdlParser extends RecoveringCstParser {
  constructor() {
    super(allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: "onlyOffset",
      maxLookahead: MAX_LOOKAHEAD,
      lookaheadStrategy: lazyLookahead(MAX_LOOKAHEAD),
      errorMessageProvider,
      skipValidations: SKIP_GRAMMAR_CHECKS,
    });
    this.performSelfAnalysis();
  }

  /** After a named type: `(` name `=`/`)`/separator opens annotations, not an argument list. */
  private looksLikeAnnotations(): boolean {
    const third = this.LA(3);
    return (
      tokenMatcher(this.LA(2), Identifier) &&
      (tokenMatcher(third, Equals) || tokenMatcher(third, RParen) || tokenMatcher(third, Separator))
    );
  }

  // Alternatives are built once and reused (Chevrotain's advice: an `OR` otherwise allocates
  // its array and closures on every call, and this parser runs over megabytes).
  private documentAlts?: IOrAlt<unknown>[];
  private fieldTypeAlts?: IOrAlt<unknown>[];
  private fieldTypeInFieldAlts?: IOrAlt<unknown>[];
  private containerTypeAlts?: IOrAlt<unknown>[];
  private constValueAlts?: IOrAlt<unknown>[];
  private defaultValueAlts?: IOrAlt<unknown>[];
  private returnTypeAlts?: IOrAlt<unknown>[];

  // Document ::= (Header | Definition)*, the alternatives inlined to keep the tree shallow.
  // Headers after definitions are reported by the builder, clearer than a syntax error.
  readonly document = this.RULE("document", () => {
    this.MANY(() => {
      this.OR(
        (this.documentAlts ??= [
          { ALT: () => this.SUBRULE(this.include) },
          { ALT: () => this.SUBRULE(this.cppInclude) },
          { ALT: () => this.SUBRULE(this.namespace) },
          { ALT: () => this.SUBRULE(this.legacyHeader) },
          { ALT: () => this.SUBRULE(this.constDefinition) },
          { ALT: () => this.SUBRULE(this.typedefDefinition) },
          { ALT: () => this.SUBRULE(this.enumDefinition) },
          { ALT: () => this.SUBRULE(this.senumDefinition) },
          { ALT: () => this.SUBRULE(this.structDefinition) },
          { ALT: () => this.SUBRULE(this.exceptionDefinition) },
          { ALT: () => this.SUBRULE(this.serviceDefinition) },
        ]),
      );
    });
  });

  readonly include = this.RULE("include", () => {
    this.CONSUME(Include);
    this.CONSUME(Literal);
  });

  readonly cppInclude = this.RULE("cppInclude", () => {
    this.CONSUME(CppInclude);
    this.CONSUME(Literal);
  });

  // 'namespace' '*' Identifier | 'namespace' Identifier Identifier Annotations?
  readonly namespace = this.RULE("namespace", () => {
    this.CONSUME(Namespace);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Star);
          this.CONSUME(Identifier, { LABEL: "value" });
          // Not allowed after `namespace *` (spec §8): parsed so the builder can say so.
          this.OPTION2(() => this.SUBRULE2(this.annotations));
        },
      },
      {
        ALT: () => {
          this.CONSUME2(Identifier, { LABEL: "scope" });
          this.CONSUME3(Identifier, { LABEL: "value" });
          this.OPTION(() => this.SUBRULE(this.annotations));
        },
      },
    ]);
  });

  // `java_package x` and friends (removed in 0.18): parsed so the builder can say what to write.
  readonly legacyHeader = this.RULE("legacyHeader", () => {
    this.CONSUME(LegacyHeader);
    this.OPTION(() => {
      this.OR([{ ALT: () => this.CONSUME(Identifier) }, { ALT: () => this.CONSUME(Literal) }]);
    });
  });

  readonly constDefinition = this.RULE("constDefinition", () => {
    this.CONSUME(Const);
    this.SUBRULE(this.fieldType);
    this.CONSUME(Identifier);
    this.CONSUME(Equals);
    this.SUBRULE(this.constValue);
    // Not allowed on a const (spec §8): parsed so the builder can say so.
    this.OPTION(() => this.SUBRULE(this.annotations));
    this.OPTION2(() => this.CONSUME(Separator));
  });

  readonly typedefDefinition = this.RULE("typedefDefinition", () => {
    this.CONSUME(Typedef);
    this.SUBRULE(this.fieldType);
    this.CONSUME(Identifier);
    this.OPTION(() => this.SUBRULE(this.annotations));
    this.OPTION2(() => this.CONSUME(Separator));
  });

  readonly enumDefinition = this.RULE("enumDefinition", () => {
    this.CONSUME(Enum);
    this.CONSUME(Identifier);
    this.CONSUME(LCurly);
    this.MANY(() => {
      this.SUBRULE(this.enumValue);
      this.OPTION2(() => this.CONSUME(Separator));
    });
    this.CONSUME(RCurly);
    this.OPTION(() => this.SUBRULE(this.annotations));
  });

  // EnumDef ::= Identifier ('=' IntConstant)? Annotations? (its separator: in the list)
  readonly enumValue = this.RULE("enumValue", () => {
    this.CONSUME(Identifier);
    this.OPTION(() => {
      this.CONSUME(Equals);
      this.CONSUME(IntConstant);
    });
    this.OPTION2(() => this.SUBRULE(this.annotations));
  });

  // `senum Name { "a", "b" }` (removed in 0.17): parsed so the builder can report it once.
  readonly senumDefinition = this.RULE("senumDefinition", () => {
    this.CONSUME(Senum);
    this.CONSUME(Identifier);
    this.CONSUME(LCurly);
    this.MANY(() => {
      this.CONSUME(Literal);
      this.OPTION(() => this.CONSUME(Separator));
    });
    this.CONSUME(RCurly);
    this.OPTION2(() => this.SUBRULE(this.annotations));
  });

  // ('struct' | 'union') Identifier 'xsd_all'? '{' Field* '}' Annotations?
  readonly structDefinition = this.RULE("structDefinition", () => {
    const parts = this.structParts;
    this.OR(parts.keyword);
    this.CONSUME(Identifier);
    this.OPTION(parts.xsdAll);
    this.CONSUME(LCurly);
    this.MANY(parts.field);
    this.CONSUME(RCurly);
    this.OPTION2(parts.annotations);
  });

  // The bodies of the DSL calls of `structDefinition`, `field` and the type and value
  // alternatives, made once. Written inline, each `OPTION(() => …)` makes a closure at every
  // use, and these rules run for every field: on the 2.2 MB benchmark IDL that was some 50 MB of
  // garbage for the scavenger to sweep, for a check of 0.5 s.
  private readonly structParts = {
    keyword: [{ ALT: () => this.CONSUME(Struct) }, { ALT: () => this.CONSUME(Union) }],
    xsdAll: () => this.CONSUME(XsdAll),
    field: () => {
      this.SUBRULE(this.field);
      this.OPTION3(this.structParts.separator);
    },
    separator: () => this.CONSUME(Separator),
    annotations: () => this.SUBRULE(this.annotations),
  };

  readonly exceptionDefinition = this.RULE("exceptionDefinition", () => {
    this.CONSUME(Exception);
    this.CONSUME(Identifier);
    this.CONSUME(LCurly);
    this.MANY(() => {
      this.SUBRULE(this.field);
      this.OPTION2(() => this.CONSUME(Separator));
    });
    this.CONSUME(RCurly);
    this.OPTION(() => this.SUBRULE(this.annotations));
  });

  readonly serviceDefinition = this.RULE("serviceDefinition", () => {
    this.CONSUME(Service);
    this.CONSUME(Identifier);
    this.OPTION(() => {
      this.CONSUME(Extends);
      this.CONSUME2(Identifier, { LABEL: "base" });
    });
    this.CONSUME(LCurly);
    this.MANY(() => {
      this.SUBRULE(this.function);
      this.OPTION3(() => this.CONSUME(Separator));
    });
    this.CONSUME(RCurly);
    this.OPTION2(() => this.SUBRULE(this.annotations));
  });

  // ('oneway' | 'async')? ('void' | FieldType) Identifier '(' Field* ')'
  //   ('throws' '(' Field* ')')? Annotations?   (its separator: in the service's list)
  readonly function = this.RULE("function", () => {
    this.OPTION(() => {
      this.OR([{ ALT: () => this.CONSUME(Oneway) }, { ALT: () => this.CONSUME(Async) }]);
    });
    // 'void' | FieldType, the type inlined as in `field`.
    this.OR2(
      (this.returnTypeAlts ??= [{ ALT: () => this.CONSUME(Void) }, ...this.typeAlternatives()]),
    );
    this.CONSUME(Identifier);
    this.CONSUME(LParen);
    this.MANY(() => {
      this.SUBRULE2(this.field, { LABEL: "param" });
      this.OPTION5(() => this.CONSUME(Separator));
    });
    this.CONSUME(RParen);
    this.OPTION2(() => {
      this.CONSUME(Throws);
      this.CONSUME2(LParen, { LABEL: "throwsOpen" });
      this.MANY2(() => {
        this.SUBRULE3(this.field, { LABEL: "throwsField" });
        this.OPTION6(() => this.CONSUME2(Separator));
      });
      this.CONSUME2(RParen, { LABEL: "throwsClose" });
    });
    this.OPTION3(() => this.SUBRULE(this.annotations));
  });

  // (IntConstant ':')? ('required' | 'optional')? FieldType '&'? FieldName ('=' ConstValue)?
  //   'xsd_optional'? 'xsd_nillable'? ('xsd_attrs' '{' Field* '}')? Annotations?
  // (its separator: in the list holding it, so the field's location ends at the field)
  readonly field = this.RULE("field", () => {
    const parts = this.fieldParts;
    this.OPTION(parts.id);
    this.OPTION2(parts.requiredness);
    // FieldType, inlined: most fields have a simple type, and a tree node fewer per field is
    // a fifth less tree to build for typical files.
    this.OR2((this.fieldTypeInFieldAlts ??= this.typeAlternatives()));
    this.OPTION3(parts.reference);
    this.CONSUME(FieldName);
    this.OPTION4(parts.defaultValue);
    this.OPTION5(parts.xsdOptional);
    this.OPTION6(parts.xsdNillable);
    this.OPTION7(parts.xsdAttrs);
    this.OPTION8(parts.annotations);
  });

  private readonly fieldParts = {
    id: () => {
      this.CONSUME(IntConstant);
      this.CONSUME(Colon);
    },
    requiredness: () => this.OR(this.fieldParts.requirednessKeyword),
    requirednessKeyword: [
      { ALT: () => this.CONSUME(Required) },
      { ALT: () => this.CONSUME(Optional) },
    ],
    reference: () => this.CONSUME(Ampersand),
    defaultValue: () => {
      this.CONSUME(Equals);
      this.OR3((this.defaultValueAlts ??= this.valueAlternatives(true))); // ConstValue, inlined
    },
    xsdOptional: () => this.CONSUME(XsdOptional),
    xsdNillable: () => this.CONSUME(XsdNillable),
    xsdAttrs: () => {
      this.CONSUME(XsdAttrs);
      this.CONSUME(LCurly);
      this.MANY(() => {
        this.SUBRULE2(this.field, { LABEL: "xsdAttribute" });
        this.OPTION9(() => this.CONSUME(Separator));
      });
      this.CONSUME(RCurly);
    },
    annotations: () => this.SUBRULE(this.annotations),
  };

  // FieldType ::= Identifier | BaseType | ContainerType, where BaseType ::= BaseTypeKeyword
  // Annotations?. The same alternatives are inlined in `field` and `function` (fewer tree nodes
  // on the hot path), hence the shared labels and builder. Only base and container types take annotations. `1: T (a="b") t` is a syntax error
  // in Apache, but we parse what is clearly an annotation list there (`(name =`, `(name)`,
  // `(name,`) so the builder can say exactly that where a syntax error would cascade;
  // `T f()` and `T (1: x)` stay syntax errors.
  readonly fieldType = this.RULE("fieldType", () => {
    this.OR((this.fieldTypeAlts ??= this.typeAlternatives()));
  });

  /**
   * The alternatives of FieldType, for `fieldType`, `field` and `function`. Their DSL indices
   * (20+) are unused elsewhere in those rules, as Chevrotain requires within one rule.
   */
  private typeAlternatives(): IOrAlt<unknown>[] {
    const namedTypeAnnotations = {
      GATE: () => this.looksLikeAnnotations(),
      DEF: () => this.subrule(20, this.annotations, TYPE_ANNOTATIONS),
    };
    const baseTypeAnnotations = () => this.subrule(21, this.annotations, TYPE_ANNOTATIONS);
    return [
      {
        ALT: () => {
          this.consume(20, Identifier, TYPE_NAME);
          this.option(20, namedTypeAnnotations);
        },
      },
      {
        ALT: () => {
          this.consume(21, BaseTypeKeyword);
          this.option(21, baseTypeAnnotations);
        },
      },
      { ALT: () => this.subrule(22, this.containerType) },
    ];
  }

  //   'map' CppType? '<' FieldType ',' FieldType '>' Annotations?
  //   'set' CppType? '<' FieldType '>' Annotations?
  //   'list' CppType? '<' FieldType '>' CppType? Annotations?   (the trailing cpp_type: < 0.18)
  readonly containerType = this.RULE("containerType", () => {
    this.OR((this.containerTypeAlts ??= this.containerAlternatives()));
  });

  private containerAlternatives(): IOrAlt<unknown>[] {
    const mapCppType = () => this.SUBRULE(this.cppType);
    const mapAnnotations = () => this.SUBRULE3(this.annotations, TYPE_ANNOTATIONS);
    const setCppType = () => this.SUBRULE2(this.cppType);
    const setAnnotations = () => this.SUBRULE4(this.annotations, TYPE_ANNOTATIONS);
    const listCppType = () => this.SUBRULE3(this.cppType);
    const listTrailingCppType = () => this.SUBRULE4(this.cppType);
    const listAnnotations = () => this.SUBRULE5(this.annotations, TYPE_ANNOTATIONS);
    return [
      {
        ALT: () => {
          this.CONSUME(MapKeyword);
          this.OPTION3(mapCppType);
          this.CONSUME(LAngle);
          this.SUBRULE(this.fieldType, KEY_TYPE);
          this.CONSUME(Comma);
          this.SUBRULE2(this.fieldType, VALUE_TYPE);
          this.CONSUME(RAngle);
          this.OPTION4(mapAnnotations);
        },
      },
      {
        ALT: () => {
          this.CONSUME(SetKeyword);
          this.OPTION5(setCppType);
          this.CONSUME2(LAngle);
          this.SUBRULE3(this.fieldType, ELEMENT_TYPE);
          this.CONSUME2(RAngle);
          this.OPTION6(setAnnotations);
        },
      },
      {
        ALT: () => {
          this.CONSUME(ListKeyword);
          this.OPTION7(listCppType);
          this.CONSUME3(LAngle);
          this.SUBRULE4(this.fieldType, ELEMENT_TYPE);
          this.CONSUME3(RAngle);
          this.OPTION8(listTrailingCppType);
          this.OPTION9(listAnnotations);
        },
      },
    ];
  }

  readonly cppType = this.RULE("cppType", () => {
    this.CONSUME(CppType);
    this.CONSUME(Literal);
  });

  // '(' (Identifier ('=' Literal)? Sep?)* ')'
  readonly annotations = this.RULE("annotations", () => {
    this.CONSUME(LParen);
    this.MANY(() => {
      this.SUBRULE(this.annotation);
      this.OPTION(() => this.CONSUME(Separator));
    });
    this.CONSUME(RParen);
  });

  readonly annotation = this.RULE("annotation", () => {
    this.CONSUME(Identifier);
    this.OPTION(() => {
      this.CONSUME(Equals);
      this.CONSUME(Literal);
    });
  });

  // ConstValue ::= IntConstant | DoubleConstant | Literal | Identifier | ConstList | ConstMap
  // (the scalars are also inlined in `field`, for defaults, hence the shared builder and labels)
  readonly constValue = this.RULE("constValue", () => {
    this.OR((this.constValueAlts ??= this.valueAlternatives()));
  });

  /**
   * The alternatives of ConstValue, for `constValue` and `field` (DSL indices 30+, as above).
   * In a field's default (`fieldDefault`), an integer followed by ":" is not the value but the
   * next field's id (`1: string name =` then `2: i32 count`): without this gate the parser would
   * take `2` as the default, then report the ":", and the next field would seem to have no id.
   */
  private valueAlternatives(fieldDefault = false): IOrAlt<unknown>[] {
    const intValue = () => this.consume(30, IntConstant, INT_VALUE);
    return [
      fieldDefault
        ? { GATE: () => !tokenMatcher(this.LA(2), Colon), ALT: intValue }
        : { ALT: intValue },
      { ALT: () => this.consume(31, DoubleConstant, DOUBLE_VALUE) },
      { ALT: () => this.consume(32, Literal, STRING_VALUE) },
      { ALT: () => this.consume(33, Identifier, REF_VALUE) },
      { ALT: () => this.subrule(30, this.constCollection, COLLECTION) },
    ];
  }

  // ConstList ::= '[' (ConstValue Sep?)* ']'     ConstMap ::= '{' (ConstValue ':' ConstValue Sep?)* '}'
  readonly constCollection = this.RULE("constCollection", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LBracket);
          this.MANY(() => {
            this.SUBRULE(this.constValue, { LABEL: "item" });
            this.OPTION(() => this.CONSUME(Separator));
          });
          this.CONSUME(RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(LCurly);
          this.MANY2(() => {
            this.SUBRULE(this.constMapEntry, { LABEL: "entry" });
            this.OPTION2(() => this.CONSUME2(Separator));
          });
          this.CONSUME(RCurly);
        },
      },
    ]);
  });

  readonly constMapEntry = this.RULE("constMapEntry", () => {
    this.SUBRULE(this.constValue, { LABEL: "key" });
    this.CONSUME(Colon);
    this.SUBRULE2(this.constValue, { LABEL: "value" });
  });
}

const parser = new IdlParser();

/** The grammar as data (rules, their terminals and labels), for tests and documentation. */
export function serializedGrammar(): ISerializedGast[] {
  return parser.getSerializedGastProductions();
}

/** What the parser made of one token vector: the tree (possibly partial) and its errors. */
export interface CstResult {
  /** Undefined only when parsing stopped at {@link MAX_SYNTAX_ERRORS}. */
  readonly cst: CstNode | undefined;
  readonly errors: IRecognitionException[];
}

/**
 * Parses tokens into a concrete syntax tree with the one shared parser instance. With `onItem`,
 * each header and definition goes there as soon as it is parsed, in source order, and the tree
 * returned holds none of them.
 */
export function parseTokens(tokens: TokenVector, onItem?: (node: CstNode) => void): CstResult {
  parser.setTokens(tokens); // also resets the parser's state and error list
  parser.topLevelSink = onItem;
  setMessageTokens(tokens);
  try {
    const cst = parser.document();
    return { cst, errors: parser.errors };
  } catch (e) {
    if (e instanceof TooManySyntaxErrors) return { cst: undefined, errors: parser.errors };
    throw e;
  } finally {
    parser.setTokens(undefined);
    parser.topLevelSink = undefined;
    setMessageTokens(undefined);
  }
}
