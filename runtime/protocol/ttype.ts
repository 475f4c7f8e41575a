// Wire type ids and message types, with Apache Thrift's names and numbers so they grep against
// its sources (lib/nodejs/lib/thrift/thrift.js `Type`, `MessageType`). The compact protocol
// has its own 4-bit ids; compact.ts translates (spec: compact-protocol.md §2).

/** Thrift's type ids (the binary protocol's numbering, used by generated code for both protocols). */
export const TType = {
  STOP: 0,
  VOID: 1,
  BOOL: 2,
  BYTE: 3,
  I08: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
  UUID: 16,
} as const;
/** One of Thrift's type ids. */
export type TType = (typeof TType)[keyof typeof TType];

/** The four RPC message types (rpc.md §1). */
export const MessageType = {
  CALL: 1,
  REPLY: 2,
  EXCEPTION: 3,
  ONEWAY: 4,
} as const;
/** One of the RPC message types. */
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** The two wire protocols idlc speaks. Compact is the default everywhere. */
export type ProtocolName = "compact" | "binary";
