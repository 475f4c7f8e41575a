// One-line syntax error messages for the parser (Chevrotain's defaults span several lines):
// what was expected, after what, and what was found, e.g.
// `expected ":" after field id 3, found "i32"`.
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import { DEFINITION_KEYWORDS, closestName } from "../suggest.js";
import type { TokenVector } from "./scanner.js";

/** Names the token a message is about: `"struct"`, `"}"`, `'a string'`, `end of file`. */
export function describeToken(token: IToken | undefined): string {
  if (token === undefined || token.tokenType === EOF) return "end of file";
  const image = token.image.length > 24 ? `${token.image.slice(0, 24)}…` : token.image;
  const first = image[0];
  // String literals already carry their quotes.
  if (first === '"' || first === "'") return image;
  return JSON.stringify(image);
}

function label(type: TokenType): string {
  if (type === EOF) return "end of file";
  return type.LABEL ?? type.name;
}

function isReal(token: IToken | undefined): token is IToken {
  return token !== undefined && token.tokenType !== EOF && Number.isFinite(token.startOffset);
}

// The tokens being parsed. Chevrotain hands the message builder the token *before the
// parser's position*, which after a recovery skip is not the token before the error; we look
// up the real one.
let currentTokens: TokenVector | undefined;

/** Tells the message builder which tokens the parser is reading (set before each parse). */
export function setMessageTokens(tokens: TokenVector | undefined): void {
  currentTokens = tokens;
}

/** The token just before `token` in the input (the last one if `token` is the end of file). */
function tokenBefore(token: IToken | undefined): IToken | undefined {
  const tokens = currentTokens;
  if (tokens === undefined) return undefined;
  const index = isReal(token) ? tokens.indexAt(token.startOffset) : tokens.length;
  return index > 0 ? tokens.at(index - 1) : undefined;
}

/** ` after "x"`, or ` after field id 3` for the id of a field; empty at the start of the file. */
function after(previous: IToken | undefined, ruleName: string): string {
  if (!isReal(previous)) return "";
  if (ruleName === "field" && /^[+-]?(?:[0-9]|0x)/.test(previous.image)) {
    return ` after field id ${previous.image}`;
  }
  return ` after ${describeToken(previous)}`;
}

/** What each rule stands for when none of its alternatives fits the input. */
const ruleExpectation: Readonly<Record<string, string>> = {
  function: 'a return type or "void"',
  fieldType: "a type",
  field: "a type",
  constValue: "a value",
  namespace: 'a language name or "*"',
};

/**
 * What a list may continue with when its closing token is missing, by the rule holding the list
 * and that token: `expected a field or "}"` reads better than `expected "}"` after a stray token.
 */
const listItem: Readonly<Record<string, string>> = {
  "structDefinition }": "a field",
  "exceptionDefinition }": "a field",
  "field }": "a field", // xsd_attrs { … }
  "serviceDefinition }": "a function",
  "enumDefinition }": "an enum value",
  "senumDefinition }": "a string",
  "function )": "a parameter",
  "annotations )": "an annotation",
  "constCollection ]": "a value",
  "constCollection }": "a key",
};

function topLevelJunk(actual: IToken, previous: IToken | undefined): string {
  if (
    isReal(previous) &&
    previous.image === "}" &&
    (actual.image === ";" || actual.image === ",")
  ) {
    return `unexpected ${describeToken(actual)} after "}": a definition ends at its "}", without a separator`;
  }
  // A misspelt keyword (`sturct`) reads as a stray word: say which keyword it looks like.
  const keyword = /^[A-Za-z_]\w*$/.test(actual.image)
    ? closestName(actual.image, DEFINITION_KEYWORDS)
    : undefined;
  const hint = keyword === undefined ? "" : `; did you mean "${keyword}"?`;
  return `expected a header or definition (include, namespace, const, typedef, enum, struct, union, exception, service), found ${describeToken(actual)}${hint}`;
}

/** Plugs our messages into the parser (`IParserConfig.errorMessageProvider`). */
export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    const previous = tokenBefore(actual);
    // Only the top-level repetition expects the end of the file: a stray token between definitions.
    if (expected === EOF) return topLevelJunk(actual, previous);
    let wanted = label(expected);
    const item = listItem[`${ruleName} ${expected.LABEL?.slice(1, -1)}`];
    if (item !== undefined) {
      // `;;`, `(,`: a separator where a list item or the list's end must be.
      if (actual.image === "," || actual.image === ";") {
        return `unexpected ${describeToken(actual)}${after(previous, ruleName)}`;
      }
      wanted = `${item} or ${wanted}`;
    }
    return `expected ${wanted}${after(previous, ruleName)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return topLevelJunk(firstRedundant, tokenBefore(firstRedundant));
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const previous = tokenBefore(actual[0]);
    // A field holds two alternations (its type, and its default value after "=").
    let expected =
      ruleName === "field" && previous?.image === "=" ? "a value" : ruleExpectation[ruleName];
    if (expected === undefined) {
      const firsts = new Set<string>();
      for (const paths of expectedPathsPerAlt)
        for (const path of paths) if (path[0]) firsts.add(label(path[0]));
      expected = `one of ${[...firsts].join(", ")}`;
    }
    return `expected ${expected}${after(previous, ruleName)}, found ${describeToken(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const previous = tokenBefore(actual[0]);
    const firsts = new Set<string>();
    for (const path of expectedIterationPaths) if (path[0]) firsts.add(label(path[0]));
    return `expected ${[...firsts].join(" or ")}${after(previous, ruleName)}, found ${describeToken(actual[0])}`;
  },
};
