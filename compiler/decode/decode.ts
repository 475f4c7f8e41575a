// `idlc decode`, the pure part: a capture (the bytes one side of a connection sent) → one JSON
// object per message. The runtime's own transport decoders find the messages and its protocol
// readers read them, with their limits, so the decoder sees the wire exactly as idlc peers do.
// A message that cannot be read becomes an object with `error` (and the byte offset) and the
// next message is tried; a stream whose framing is broken ends with such an object.
import {
  allMethods,
  resolveType,
  type Method,
  type Program,
  type Service,
  type Type,
} from "../check/model.js";
import { applicationTypeName, splitMessageName } from "../../runtime/message.js";
import { ProtocolError } from "../../runtime/protocol/errors.js";
import { createReader } from "../../runtime/protocol/index.js";
import type { ProtocolReader } from "../../runtime/protocol/protocol.js";
import { MessageType, type ProtocolName } from "../../runtime/protocol/ttype.js";
import { detectWire } from "../../runtime/transport/detect.js";
import type { TransportName } from "../../runtime/transport/transports.js";
import { FrameError } from "../../runtime/transport/frame-decoder.js";
import { HeaderDecoder } from "../../runtime/transport/header.js";
import { createMessageDecoder } from "../../runtime/transport/transports.js";
import { readTypedFields, readUntypedStruct, type Json } from "./values.js";

/** What to assume about the capture; `auto` detects it from the bytes. */
export interface DecodeOptions {
  readonly transport: TransportName | "auto";
  readonly protocol: ProtocolName | "auto";
  /** The checked IDL (`--idl`): fields by name with typed values. */
  readonly programs?: readonly Program[];
  /** Largest frame or message, in bytes (default 16_384_000, Apache's). */
  readonly maxFrameBytes?: number;
}

/** Largest frame or message `idlc decode` reads by default (Apache's max frame size). */
export const DEFAULT_MAX_FRAME_BYTES = 16_384_000;
/** Deepest nesting read (Apache's). */
const MAX_DEPTH = 64;

/** One output line: a message, or an error at `offset`. */
export type DecodedLine = { [key: string]: Json };

const TYPE_NAMES: Record<number, string> = {
  [MessageType.CALL]: "call",
  [MessageType.REPLY]: "reply",
  [MessageType.EXCEPTION]: "exception",
  [MessageType.ONEWAY]: "oneway",
};

/** Decodes every message of a capture, in order. Never throws for bad bytes. */
export function decodeCapture(capture: Uint8Array, options: DecodeOptions): DecodedLine[] {
  const bytes = capture.constructor === Uint8Array ? capture : new Uint8Array(capture);
  const lines: DecodedLine[] = [];
  if (bytes.length === 0) return lines;
  let transport = options.transport;
  let protocol = options.protocol;
  if (transport === "auto" || (protocol === "auto" && transport === "buffered")) {
    const found = detectWire(bytes);
    if (found.kind !== "detected") {
      const why =
        found.kind === "more"
          ? `only ${bytes.length} bytes: too short for a message`
          : found.reason;
      return [{ offset: 0, error: `cannot tell the transport: ${why}` }];
    }
    if (transport === "auto") transport = found.transport;
    if (protocol === "auto" && transport === found.transport) protocol = found.protocol;
  }
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  // A buffered stream must be scanned in its protocol; framed ones say theirs per message.
  const scanProtocol: ProtocolName = protocol === "auto" ? "binary" : protocol;
  const decoder = createMessageDecoder(transport, scanProtocol, maxFrameBytes, MAX_DEPTH);
  decoder.push(bytes);
  let offset = 0;
  for (;;) {
    let more: boolean;
    try {
      more = decoder.next();
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      lines.push({ offset, transport, error: `${e.message} (at byte ${offset})` });
      return lines;
    }
    if (!more) break;
    if (decoder.bytes !== bytes) throw new Error("a decoder copied the capture"); // offsets would lie
    const header = decoder instanceof HeaderDecoder ? decoder : undefined;
    const messageProtocol =
      header?.protocol ?? (protocol === "auto" ? sniff(bytes, decoder.start) : protocol);
    const line: DecodedLine = { offset, transport, protocol: messageProtocol };
    if (header?.headers !== undefined) line.headers = Object.fromEntries(header.headers);
    offset = decoder.end; // where the next frame or message starts
    decodeMessage(bytes, decoder.start, decoder.end, messageProtocol, options.programs, line);
    lines.push(line);
  }
  if (decoder.buffered > 0) {
    const left = bytes.length - offset;
    const what = transport === "buffered" ? "message" : "frame";
    lines.push({
      offset,
      transport,
      error: `truncated: the ${left} bytes from byte ${offset} are not a whole ${what}`,
    });
  }
  return lines;
}

/** The protocol of a message from its first byte: 0x82 compact, anything else binary. */
function sniff(bytes: Uint8Array, start: number): ProtocolName {
  return bytes[start] === 0x82 ? "compact" : "binary";
}

function decodeMessage(
  bytes: Uint8Array,
  start: number,
  end: number,
  protocol: ProtocolName,
  programs: readonly Program[] | undefined,
  line: DecodedLine,
): void {
  const r = createReader(protocol, bytes);
  r.reset(bytes, start, end);
  try {
    const { name, type, seqid } = r.messageBegin();
    line.type = TYPE_NAMES[type] ?? type;
    line.name = name;
    line.seqid = seqid;
    line.fields =
      programs === undefined ? readUntypedStruct(r) : readTyped(r, name, type, programs, line);
    if (r.position < end) line.trailingBytes = end - r.position;
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    line.error = e.message;
    line.errorOffset = e.offset;
  }
}

const STRING: Type = { kind: "base", name: "string", annotations: [] };
const I32: Type = { kind: "base", name: "i32", annotations: [] };
/** TApplicationException's fields (rpc.md §6). */
const APPLICATION_EXCEPTION = [
  { id: 1, name: "message", type: STRING },
  { id: 2, name: "type", type: I32 },
];

function readTyped(
  r: ProtocolReader,
  name: string,
  type: number,
  programs: readonly Program[],
  line: DecodedLine,
): Json {
  if (type === MessageType.EXCEPTION) {
    const fields = readTypedFields(r, APPLICATION_EXCEPTION);
    if (typeof fields.type === "number") fields.type = applicationTypeName(fields.type);
    return fields;
  }
  const found = findMethod(name, programs);
  if (found === undefined) {
    line.note = `no method "${name}" in the IDL: fields by id`;
    return readUntypedStruct(r);
  }
  const [service, method] = found;
  line.service = service.name;
  line.method = method.name;
  if (type === MessageType.CALL || type === MessageType.ONEWAY)
    return readTypedFields(r, method.params);
  const result = [
    ...(method.returnType === undefined
      ? []
      : [{ id: 0, name: "success", type: method.returnType }]),
    ...method.throws,
  ];
  const fields = readTypedFields(r, result);
  // A declared exception is named: which `throws` field was set, and its exception type.
  for (const t of method.throws) {
    const thrown = resolveType(t.type);
    if (t.name in fields && thrown.kind === "struct") line.exception = thrown.definition.name;
  }
  return fields;
}

/** The method a message name calls: `Service:method` when multiplexed, else the first service that has it. */
function findMethod(name: string, programs: readonly Program[]): [Service, Method] | undefined {
  const { service, method } = splitMessageName(name);
  for (const program of programs) {
    for (const d of program.definitions) {
      if (d.kind !== "service" || (service !== undefined && d.name !== service)) continue;
      const m = allMethods(d).find((x) => x.name === method);
      if (m !== undefined) return [d, m];
    }
  }
  return undefined;
}
