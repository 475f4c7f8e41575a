/** Why bytes could not be read (Apache's TProtocolException kinds, as kebab ids). */
export type ProtocolErrorCode =
  "invalid-data" | "negative-size" | "size-limit" | "bad-version" | "depth-limit" | "truncated";

/** Bytes that cannot be decoded: the message says what was wrong and at which byte offset. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  /** What kind of problem it is. */
  readonly code: ProtocolErrorCode;
  /** Offset in the decoded buffer where the problem was found. */
  readonly offset: number;

  constructor(
    message: string,
    options: { code: ProtocolErrorCode; offset: number; cause?: unknown },
  ) {
    super(
      `${message} (at byte ${options.offset})`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = options.code;
    this.offset = options.offset;
  }
}

/** A value that cannot be written: the message names the field path, e.g. `Order.lines[2].price`. */
export class EncodeError extends Error {
  override readonly name = "EncodeError";
  /** Field path from the outermost value, e.g. `["lines", 2, "price"]`. */
  readonly path: readonly (string | number)[];

  constructor(
    message: string,
    options: { path?: readonly (string | number)[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.path = options.path ?? [];
  }
}
