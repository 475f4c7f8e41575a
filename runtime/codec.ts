// The helpers generated struct, union and exception codecs are built with. The generated code
// supplies specialized `write`/`read` functions; this module adds encode/decode around them.
import type { DecodeLimits } from "./protocol/limits.js";
import type { ProtocolReader, ProtocolWriter } from "./protocol/protocol.js";
import type { ProtocolName } from "./protocol/ttype.js";
import type { Annotations } from "./service.js";
import { createReader, createWriter } from "./protocol/index.js";

/** Options of `T.encode`. */
export interface EncodeOptions {
  /** Default "compact". */
  readonly protocol?: ProtocolName;
}

/** Options of `T.decode`. */
export interface DecodeOptions {
  /** Default "compact". */
  readonly protocol?: ProtocolName;
  /** Overrides of DEFAULT_DECODE_LIMITS. */
  readonly limits?: Partial<DecodeLimits>;
  /** Reject a known field that arrives with another wire type (default: skip it, as Apache does). */
  readonly strict?: boolean;
}

/** The annotations of a struct's fields, by IDL field name; fields without any are left out. */
export type FieldAnnotations = Readonly<Record<string, Annotations>>;

/** What generated code supplies for one struct, union or exception. */
export interface StructSpec<T, Init> {
  /** The IDL name, for messages. */
  readonly name: string;
  /** The IDL annotations of the struct itself, in source order; generated code omits none. */
  readonly annotations?: Annotations;
  /** The IDL annotations of its fields; generated code omits it when no field has any. */
  readonly fieldAnnotations?: FieldAnnotations;
  /** Writes the value as a struct (structBegin … structEnd); throws EncodeError naming the field. */
  write(w: ProtocolWriter, value: T): void;
  /** Reads a struct (structBegin … structEnd); checks required fields and union arity. */
  read(r: ProtocolReader): T;
  /** Builds a value from a partial one, filling IDL defaults. */
  create(init: Init): T;
}

/** The value exported beside every generated struct, union and exception type. */
export interface StructCodec<T, Init = T> extends StructSpec<T, Init> {
  /** `(key = "value")` annotations of the IDL definition, in source order (empty when none). */
  readonly annotations: Annotations;
  /** Annotations of each annotated field, by IDL field name (`{}` when no field has any). */
  readonly fieldAnnotations: FieldAnnotations;
  /** Encodes to a fresh Uint8Array (compact unless `options.protocol` says otherwise). */
  encode(value: T, options?: EncodeOptions): Uint8Array;
  /** Decodes one value; throws ProtocolError on bad bytes. */
  decode(bytes: Uint8Array, options?: DecodeOptions): T;
}

/** Turns generated write/read/create functions into a full codec. */
export function defineStruct<T, Init = T>(spec: StructSpec<T, Init>): StructCodec<T, Init> {
  const { write, read } = spec;
  return {
    name: spec.name,
    annotations: spec.annotations ?? NO_ANNOTATIONS,
    fieldAnnotations: spec.fieldAnnotations ?? NO_FIELD_ANNOTATIONS,
    write,
    read,
    create: spec.create,
    encode(value, options) {
      const protocol = options?.protocol ?? "compact";
      const w = takeWriter(protocol);
      try {
        write(w, value);
        return w.finish();
      } finally {
        idleWriters[protocol] = w;
      }
    },
    decode(bytes, options) {
      const protocol = options?.protocol ?? "compact";
      if (options?.limits !== undefined || options?.strict === true)
        return read(createReader(protocol, bytes, options));
      const r = takeReader(protocol, bytes);
      try {
        return read(r);
      } finally {
        r.reset(EMPTY); // drop the input: the caller may reuse or free it
        idleReaders[protocol] = r;
      }
    },
  };
}

const NO_ANNOTATIONS: Annotations = Object.freeze([]);
const NO_FIELD_ANNOTATIONS: FieldAnnotations = Object.freeze({});

// One idle writer and reader per protocol, shared by every codec, so an encode allocates only
// its output and a decode only its values. Taking one leaves the slot empty, so a nested
// encode/decode (e.g. from inside a `create`) gets a fresh instance instead of a busy one.
const idleWriters: Record<ProtocolName, ProtocolWriter | undefined> = {
  compact: undefined,
  binary: undefined,
};
const idleReaders: Record<ProtocolName, ProtocolReader | undefined> = {
  compact: undefined,
  binary: undefined,
};
const EMPTY = new Uint8Array(0);

function takeWriter(protocol: ProtocolName): ProtocolWriter {
  const w = idleWriters[protocol];
  if (w === undefined) return createWriter(protocol);
  idleWriters[protocol] = undefined;
  w.reset();
  return w;
}

function takeReader(protocol: ProtocolName, bytes: Uint8Array): ProtocolReader {
  const r = idleReaders[protocol];
  if (r === undefined) return createReader(protocol, bytes);
  idleReaders[protocol] = undefined;
  r.reset(bytes);
  return r;
}
