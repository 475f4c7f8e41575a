// The parser machinery under the grammar: Chevrotain's CstParser with our error recovery and
// tree building. Overrides Chevrotain internals (pinned at 11.2.0): a cap on errors, innermost-
// first resynchronisation with one scan per error, no insertion deep inside nesting (it needs a
// deep recursive grammar walk), fast-property tree nodes, top-level nodes handed out as soon as
// they are complete, and tokens read from a TokenVector (made into objects as the parser reaches
// them). None of it runs on valid input except the last three.
import {
  CstParser,
  EOF,
  createTokenInstance,
  tokenMatcher,
  type CstNode,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from "chevrotain";
import type { TokenVector } from "./scanner.js";

/** Rule nesting beyond which error recovery stops inserting missing tokens (see below). */
const INSERTION_RECOVERY_MAX_DEPTH = 40;

/** Thrown from inside the parser to stop it once a file has this many syntax errors. */
export const MAX_SYNTAX_ERRORS = 100;

/** Signals that parsing stopped early because of {@link MAX_SYNTAX_ERRORS}. */
export class TooManySyntaxErrors extends Error {
  constructor() {
    super("too many syntax errors");
    this.name = "TooManySyntaxErrors";
  }
}

/** Chevrotain's end-of-file token: what reading past either end of the input gives. */
const END_OF_FILE = createTokenInstance(EOF, "", NaN, NaN, NaN, NaN, NaN, NaN);

/** Token objects kept for reuse, by index modulo this (a power of two). */
const RECENT_TOKENS = 16;

/** A CstParser that recovers from errors the way idlc wants (see the file comment). */
export abstract class RecoveringCstParser extends CstParser {
  /** The tokens being parsed (Chevrotain's own `input` stays empty). */
  private tokens: TokenVector | undefined;
  /** The token objects made most recently, at `index % RECENT_TOKENS`, and their indices. */
  private readonly recent: IToken[] = [];
  private readonly recentIndex = new Int32Array(RECENT_TOKENS).fill(-1);

  /**
   * Sets the tokens to parse. They stay numbers (scanner.ts) until the parser looks at them: a
   * token object is made when first read and dies young with its definition's tree.
   */
  setTokens(tokens: TokenVector | undefined): void {
    const self = this as unknown as IdlParserInternals;
    this.input = []; // resets the parser
    this.tokens = tokens;
    self.tokVectorLength = tokens?.length ?? 0;
    this.recentIndex.fill(-1);
    this.recent.length = 0;
  }

  /** The token `howMuch` ahead (0: the last one consumed); the end of file past either end. */
  override LA(howMuch: number): IToken {
    const self = this as unknown as IdlParserInternals;
    const index = self.currIdx + howMuch;
    const tokens = this.tokens;
    if (tokens === undefined || index < 0 || index >= tokens.length) return END_OF_FILE;
    const slot = index & (RECENT_TOKENS - 1);
    if (this.recentIndex[slot] === index) return this.recent[slot]!;
    const token = tokens.at(index);
    this.recent[slot] = token;
    this.recentIndex[slot] = index;
    return token;
  }

  /** Chevrotain's unchecked `LA`, which relies on padding the token array: the same here. */
  override LA_FAST(howMuch: number): IToken {
    return this.LA(howMuch);
  }

  /**
   * Chevrotain's hook for every recognition error. Recovery can cost a scan ahead per error, so a
   * file of garbage is cut short after {@link MAX_SYNTAX_ERRORS} instead of taking quadratic time.
   */
  SAVE_ERROR(e: IRecognitionException): IRecognitionException {
    if (this.errors.length >= MAX_SYNTAX_ERRORS) throw new TooManySyntaxErrors();
    return (CstParser.prototype as unknown as IdlParserInternals).SAVE_ERROR.call(this, e);
  }

  /** The resynchronisation scan of the latest error, reused while its rules unwind. */
  private resync: ResyncScan | undefined;

  /** Chevrotain calls this whenever `input` is set: nothing may outlive a parse. */
  override reset(): void {
    super.reset();
    this.resync = undefined;
  }

  /**
   * Where to resume after an error: the first token some enclosing rule can continue with.
   * Chevrotain prefers the outermost rule that can continue; we prefer the innermost, so a bad
   * key type in `map<string> x` resumes at the field name `x` instead of making `x` a new field
   * (and a second error). Chevrotain also asks again, scanning again, in every enclosing rule as
   * the error unwinds, which is quadratic inside deep nesting; one scan per error serves all.
   */
  findReSyncTokenType(): TokenType {
    const self = this as unknown as IdlParserInternals;
    const follows = self
      .buildFullFollowKeyStack()
      .map((key) => self.getFollowSetFromFollowKey(key) ?? NO_FOLLOWS);
    let scan = this.resync;
    if (scan === undefined || !scan.serves(self.currIdx, follows)) {
      scan = this.resync = new ResyncScan(self.currIdx, follows);
    }
    return scan.resumeAt(follows.length - 1, (k) => this.LA(k));
  }

  /**
   * The tokens that may follow `tokType` here, for single-token insertion. Chevrotain finds them
   * by walking the grammar along the whole rule stack, recursively, which inside deeply nested
   * brackets needs far more stack than parsing does; that deep, we go without insertion (deletion
   * and resynchronisation still work).
   */
  getFollowsForInRuleRecovery(tokType: TokenType, tokIdxInRule: number): TokenType[] {
    const self = this as unknown as IdlParserInternals;
    if (self.RULE_STACK_IDX > INSERTION_RECOVERY_MAX_DEPTH) return [];
    return (CstParser.prototype as unknown as IdlParserInternals).getFollowsForInRuleRecovery.call(
      this,
      tokType,
      tokIdxInRule,
    );
  }

  /**
   * Where each child of the start rule (a header or definition) goes as soon as it is complete,
   * instead of into the tree: the AST builder takes it while it is young, so the garbage
   * collector never has to copy a whole file's tree (parse.ts). Undefined: keep the whole tree.
   */
  topLevelSink: ((node: CstNode) => void) | undefined;

  /** Chevrotain adds each finished rule node (or, after an error, partial one) to its parent here. */
  cstPostNonTerminal(node: CstNode, ruleName: string): void {
    const self = this as unknown as IdlParserInternals;
    if (this.topLevelSink !== undefined && self.CST_STACK.length === 1) {
      this.topLevelSink(node);
      return;
    }
    (CstParser.prototype as unknown as IdlParserInternals).cstPostNonTerminal.call(
      this,
      node,
      ruleName,
    );
  }

  /**
   * Starts a tree node. Chevrotain makes `children` with `Object.create(null)`, a dictionary-mode
   * object in V8; a plain `{}` keeps fast properties and makes parsing about a third faster.
   * Safe because no token, rule or label name here is an `Object.prototype` member (tested).
   * (Giving each rule's nodes one shape, all keys present from the start, was measured slower.)
   */
  cstInvocationStateUpdate(fullRuleName: string): void {
    const self = this as unknown as IdlParserInternals;
    const node = { name: fullRuleName, children: {} };
    self.setInitialNodeLocation(node);
    self.CST_STACK.push(node);
  }
}

const NO_FOLLOWS: TokenType[] = [];

/**
 * One scan ahead from an error, shared by every rule the error unwinds through. Level `i` is the
 * i-th rule on the stack (0: the start rule, whose follow set is the end of file); a rule at
 * level `top` resumes at the first token that any level up to `top` can continue with, and
 * prefers the innermost such level. Scanning is incremental and each token type's matching
 * levels are computed once, so an error costs one pass however deep it is.
 */
class ResyncScan {
  private readonly index: number;
  private readonly follows: readonly TokenType[][];
  /** Lookahead positions examined so far (1 is the token after the error). */
  private scanned = 0;
  /** For each level, the first position whose token it can continue with. */
  private readonly firstMatch: (number | undefined)[] = [];
  private readonly levelsByType = new Map<number, number[]>();

  constructor(index: number, follows: readonly TokenType[][]) {
    this.index = index;
    this.follows = follows;
  }

  /** Whether this scan answers for the parser at `index` with this rule stack. */
  serves(index: number, follows: readonly TokenType[][]): boolean {
    if (index !== this.index || follows.length > this.follows.length) return false;
    // Level 0 (end of file) is a fresh array each time; the others are Chevrotain's own.
    for (let i = 1; i < follows.length; i++) if (follows[i] !== this.follows[i]) return false;
    return true;
  }

  /** The token type to resynchronise on for the rule at level `top`. */
  resumeAt(top: number, lookahead: (k: number) => IToken): TokenType {
    for (;;) {
      let best = Infinity;
      for (let i = 0; i <= top; i++) best = Math.min(best, this.firstMatch[i] ?? Infinity);
      if (best !== Infinity) {
        const token = lookahead(best);
        const levels = this.levelsOf(token);
        let level = 0;
        for (const l of levels) if (l <= top) level = l; // ascending: the last is innermost
        for (const type of this.follows[level]!) if (tokenMatcher(token, type)) return type;
      }
      const k = ++this.scanned;
      for (const level of this.levelsOf(lookahead(k))) this.firstMatch[level] ??= k;
    }
  }

  /** The levels (ascending) whose follow set holds a token of this one's type. */
  private levelsOf(token: IToken): number[] {
    let levels = this.levelsByType.get(token.tokenTypeIdx);
    if (levels === undefined) {
      levels = [];
      for (let i = 0; i < this.follows.length; i++) {
        if (this.follows[i]!.some((type) => tokenMatcher(token, type))) levels.push(i);
      }
      this.levelsByType.set(token.tokenTypeIdx, levels);
    }
    return levels;
  }
}

/** Chevrotain internals we build on (present at run time, absent from its type declarations). */
interface IdlParserInternals {
  RULE_STACK_IDX: number;
  currIdx: number;
  tokVectorLength: number;
  getFollowsForInRuleRecovery(
    this: RecoveringCstParser,
    tokType: TokenType,
    idx: number,
  ): TokenType[];
  setInitialNodeLocation(node: object): void;
  CST_STACK: object[];
  cstPostNonTerminal(this: RecoveringCstParser, node: CstNode, ruleName: string): void;
  SAVE_ERROR(this: RecoveringCstParser, e: IRecognitionException): IRecognitionException;
  buildFullFollowKeyStack(): unknown[];
  getFollowSetFromFollowKey(key: unknown): TokenType[] | undefined;
}
