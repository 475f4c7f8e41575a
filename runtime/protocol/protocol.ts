// The two interfaces generated codecs are written against. compact.ts and binary.ts implement
// them over one growable Uint8Array (writer) or a byte range (reader); no Node API, so the same
// code runs anywhere. Type arguments are always Thrift's TType numbers (ttype.ts).
import type { DecodeLimits } from "./limits.js";
import type { MessageType, ProtocolName } from "./ttype.js";

/** An RPC envelope: method name (possibly `Service:method`), message type and sequence id. */
export interface MessageHeader {
  readonly name: string;
  readonly type: MessageType;
  readonly seqid: number;
}

/**
 * Writes Thrift values into a growing buffer. One writer is reused for many values: `reset()`,
 * write, then take `bytes()` (a view) or `finish()` (a copy).
 */
export interface ProtocolWriter {
  readonly protocol: ProtocolName;
  /** Bytes written since the last reset. */
  readonly length: number;
  /** Forgets what was written; keeps the buffer for reuse. */
  reset(): void;
  /** A view of the bytes written; valid until the next write or reset. */
  bytes(): Uint8Array;
  /** A copy of the bytes written. */
  finish(): Uint8Array;

  /** Writes an RPC message header (strict header for binary). `seqid` is a signed i32. */
  messageBegin(name: string, type: MessageType, seqid: number): void;

  /** Starts a struct (compact: saves the last field id). */
  structBegin(): void;
  /**
   * Writes a field header. For a `TType.BOOL` field the next call must be `bool(value)`, which
   * completes the header (compact folds the value into it).
   */
  field(type: number, id: number): void;
  /** Writes STOP and ends the struct (compact: restores the last field id). */
  structEnd(): void;

  listBegin(elementType: number, size: number): void;
  setBegin(elementType: number, size: number): void;
  mapBegin(keyType: number, valueType: number, size: number): void;

  bool(value: boolean): void;
  /** Throws EncodeError unless `value` is an integer in [-128, 127]. */
  i8(value: number): void;
  /** Throws EncodeError unless `value` is an integer in [-32768, 32767]. */
  i16(value: number): void;
  /** Throws EncodeError unless `value` is an integer in the i32 range. */
  i32(value: number): void;
  /** Throws EncodeError unless `value` is in the i64 range. */
  i64(value: bigint): void;
  double(value: number): void;
  /** UTF-8 with a length prefix. */
  string(value: string): void;
  binary(value: Uint8Array): void;
  /** Canonical text `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` → 16 bytes; throws EncodeError on bad text. */
  uuid(value: string): void;
}

/**
 * Reads Thrift values from a byte range. Every failure is a ProtocolError with the byte offset;
 * sizes are checked against the bytes left and the limits before anything is allocated.
 */
export interface ProtocolReader {
  readonly protocol: ProtocolName;
  readonly limits: DecodeLimits;
  /** When true, a known field arriving with another wire type is an error instead of skipped. */
  readonly strict: boolean;
  /** Offset of the next byte to read. */
  readonly position: number;
  /** Points the reader at `bytes[start, end)` and clears its state, for reuse. */
  reset(bytes: Uint8Array, start?: number, end?: number): void;

  messageBegin(): MessageHeader;

  /** Enters a struct: counts depth against `limits.maxDepth` (compact: saves the last field id). */
  structBegin(): void;
  /** Reads a field header; returns its TType (`TType.STOP` at the end). The id is in `fieldId`. */
  fieldBegin(): number;
  /** Id of the field whose header `fieldBegin()` just read. */
  readonly fieldId: number;
  /** Leaves a struct (after STOP was read). */
  structEnd(): void;

  /** Reads a list header; returns the size, element type in `elementType`. Counts depth. */
  listBegin(): number;
  /** Reads a set header; returns the size, element type in `elementType`. Counts depth. */
  setBegin(): number;
  /** Reads a map header; returns the size, types in `keyType`/`valueType`. Counts depth. */
  mapBegin(): number;
  /** Leaves a list, set or map. */
  containerEnd(): void;
  readonly elementType: number;
  readonly keyType: number;
  readonly valueType: number;

  /** A bool value; right after `fieldBegin()` returned `TType.BOOL` it returns that field's value. */
  bool(): boolean;
  i8(): number;
  i16(): number;
  i32(): number;
  i64(): bigint;
  double(): number;
  string(): string;
  /** A copy of the bytes (never a view into the input, which the transport reuses). */
  binary(): Uint8Array;
  uuid(): string;

  /** Skips one value of the given wire type, depth-limited. */
  skip(type: number): void;
  /**
   * Called by generated code when a known field arrives with another wire type: skips it, as
   * Apache's generated readers do, or throws a ProtocolError naming the field when `strict`.
   */
  skipMismatch(type: number, expectedType: number, fieldName: string): void;
}
