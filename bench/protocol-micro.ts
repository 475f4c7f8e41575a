// Micro-benchmark of the protocol layer alone: the benchmark Order (bench/schema/order.thrift,
// sample in bench/sample.ts) encoded and decoded through hand-written codecs shaped like the
// generated ones, for compact and binary; protobufjs static code alongside when its generated
// peer exists. Run: npx tsx --conditions=idlc-source bench/protocol-micro.ts [--seconds N]
// With heap bytes per encode: node --expose-gc --max-semi-space-size=64 --min-semi-space-size=64
//   --import tsx/esm --conditions=idlc-source bench/protocol-micro.ts
import { isDeepStrictEqual } from "node:util";
import { TType } from "idlc/runtime";
import { defineStruct } from "idlc/runtime/codegen";
import type { ProtocolName, ProtocolReader, ProtocolWriter, StructCodec } from "idlc/runtime";
import { ORDER } from "./sample.js";

interface Address {
  recipient: string;
  street: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}
interface LineItem {
  productId: bigint;
  sku: string;
  title: string;
  quantity: number;
  unitPriceCents: bigint;
  attributes: Map<string, string>;
}
interface Order {
  id: bigint;
  customerId: bigint;
  createdAtMs: bigint;
  items: LineItem[];
  shippingAddress: Address;
  tags: string[];
  note: string;
  currency: string;
}

function missing(struct: string, field: string): never {
  throw new Error(`${struct}.${field} is required`);
}

const Address = defineStruct<Address>({
  name: "Address",
  write(w, v) {
    w.structBegin();
    w.field(TType.STRING, 1);
    w.string(v.recipient);
    w.field(TType.STRING, 2);
    w.string(v.street);
    w.field(TType.STRING, 3);
    w.string(v.city);
    w.field(TType.STRING, 4);
    w.string(v.region);
    w.field(TType.STRING, 5);
    w.string(v.postalCode);
    w.field(TType.STRING, 6);
    w.string(v.country);
    w.structEnd();
  },
  read(r) {
    let recipient: string | undefined;
    let street: string | undefined;
    let city: string | undefined;
    let region: string | undefined;
    let postalCode: string | undefined;
    let country: string | undefined;
    r.structBegin();
    for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
      switch (r.fieldId) {
        case 1:
          if (t === TType.STRING) recipient = r.string();
          else r.skipMismatch(t, TType.STRING, "recipient");
          break;
        case 2:
          if (t === TType.STRING) street = r.string();
          else r.skipMismatch(t, TType.STRING, "street");
          break;
        case 3:
          if (t === TType.STRING) city = r.string();
          else r.skipMismatch(t, TType.STRING, "city");
          break;
        case 4:
          if (t === TType.STRING) region = r.string();
          else r.skipMismatch(t, TType.STRING, "region");
          break;
        case 5:
          if (t === TType.STRING) postalCode = r.string();
          else r.skipMismatch(t, TType.STRING, "postalCode");
          break;
        case 6:
          if (t === TType.STRING) country = r.string();
          else r.skipMismatch(t, TType.STRING, "country");
          break;
        default:
          r.skip(t);
      }
    }
    r.structEnd();
    return {
      recipient: recipient ?? missing("Address", "recipient"),
      street: street ?? missing("Address", "street"),
      city: city ?? missing("Address", "city"),
      region: region ?? missing("Address", "region"),
      postalCode: postalCode ?? missing("Address", "postalCode"),
      country: country ?? missing("Address", "country"),
    };
  },
  create: (init) => init,
});

const LineItem = defineStruct<LineItem>({
  name: "LineItem",
  write(w, v) {
    w.structBegin();
    w.field(TType.I64, 1);
    w.i64(v.productId);
    w.field(TType.STRING, 2);
    w.string(v.sku);
    w.field(TType.STRING, 3);
    w.string(v.title);
    w.field(TType.I32, 4);
    w.i32(v.quantity);
    w.field(TType.I64, 5);
    w.i64(v.unitPriceCents);
    w.field(TType.MAP, 6);
    w.mapBegin(TType.STRING, TType.STRING, v.attributes.size);
    for (const [key, value] of v.attributes) {
      w.string(key);
      w.string(value);
    }
    w.structEnd();
  },
  read(r) {
    let productId: bigint | undefined;
    let sku: string | undefined;
    let title: string | undefined;
    let quantity: number | undefined;
    let unitPriceCents: bigint | undefined;
    let attributes: Map<string, string> | undefined;
    r.structBegin();
    for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
      switch (r.fieldId) {
        case 1:
          if (t === TType.I64) productId = r.i64();
          else r.skipMismatch(t, TType.I64, "productId");
          break;
        case 2:
          if (t === TType.STRING) sku = r.string();
          else r.skipMismatch(t, TType.STRING, "sku");
          break;
        case 3:
          if (t === TType.STRING) title = r.string();
          else r.skipMismatch(t, TType.STRING, "title");
          break;
        case 4:
          if (t === TType.I32) quantity = r.i32();
          else r.skipMismatch(t, TType.I32, "quantity");
          break;
        case 5:
          if (t === TType.I64) unitPriceCents = r.i64();
          else r.skipMismatch(t, TType.I64, "unitPriceCents");
          break;
        case 6:
          if (t === TType.MAP) {
            const size = r.mapBegin();
            attributes = new Map();
            for (let i = 0; i < size; i++) attributes.set(r.string(), r.string());
            r.containerEnd();
          } else r.skipMismatch(t, TType.MAP, "attributes");
          break;
        default:
          r.skip(t);
      }
    }
    r.structEnd();
    return {
      productId: productId ?? missing("LineItem", "productId"),
      sku: sku ?? missing("LineItem", "sku"),
      title: title ?? missing("LineItem", "title"),
      quantity: quantity ?? missing("LineItem", "quantity"),
      unitPriceCents: unitPriceCents ?? missing("LineItem", "unitPriceCents"),
      attributes: attributes ?? missing("LineItem", "attributes"),
    };
  },
  create: (init) => init,
});

const Order: StructCodec<Order> = defineStruct<Order>({
  name: "Order",
  write(w: ProtocolWriter, v: Order) {
    w.structBegin();
    w.field(TType.I64, 1);
    w.i64(v.id);
    w.field(TType.I64, 2);
    w.i64(v.customerId);
    w.field(TType.I64, 3);
    w.i64(v.createdAtMs);
    w.field(TType.LIST, 4);
    w.listBegin(TType.STRUCT, v.items.length);
    for (const item of v.items) LineItem.write(w, item);
    w.field(TType.STRUCT, 5);
    Address.write(w, v.shippingAddress);
    w.field(TType.LIST, 6);
    w.listBegin(TType.STRING, v.tags.length);
    for (const tag of v.tags) w.string(tag);
    w.field(TType.STRING, 7);
    w.string(v.note);
    w.field(TType.STRING, 8);
    w.string(v.currency);
    w.structEnd();
  },
  read(r: ProtocolReader): Order {
    let id: bigint | undefined;
    let customerId: bigint | undefined;
    let createdAtMs: bigint | undefined;
    let items: LineItem[] | undefined;
    let shippingAddress: Address | undefined;
    let tags: string[] | undefined;
    let note: string | undefined;
    let currency: string | undefined;
    r.structBegin();
    for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
      switch (r.fieldId) {
        case 1:
          if (t === TType.I64) id = r.i64();
          else r.skipMismatch(t, TType.I64, "id");
          break;
        case 2:
          if (t === TType.I64) customerId = r.i64();
          else r.skipMismatch(t, TType.I64, "customerId");
          break;
        case 3:
          if (t === TType.I64) createdAtMs = r.i64();
          else r.skipMismatch(t, TType.I64, "createdAtMs");
          break;
        case 4:
          if (t === TType.LIST) {
            const size = r.listBegin();
            items = [];
            for (let i = 0; i < size; i++) items.push(LineItem.read(r));
            r.containerEnd();
          } else r.skipMismatch(t, TType.LIST, "items");
          break;
        case 5:
          if (t === TType.STRUCT) shippingAddress = Address.read(r);
          else r.skipMismatch(t, TType.STRUCT, "shippingAddress");
          break;
        case 6:
          if (t === TType.LIST) {
            const size = r.listBegin();
            tags = [];
            for (let i = 0; i < size; i++) tags.push(r.string());
            r.containerEnd();
          } else r.skipMismatch(t, TType.LIST, "tags");
          break;
        case 7:
          if (t === TType.STRING) note = r.string();
          else r.skipMismatch(t, TType.STRING, "note");
          break;
        case 8:
          if (t === TType.STRING) currency = r.string();
          else r.skipMismatch(t, TType.STRING, "currency");
          break;
        default:
          r.skip(t);
      }
    }
    r.structEnd();
    return {
      id: id ?? missing("Order", "id"),
      customerId: customerId ?? missing("Order", "customerId"),
      createdAtMs: createdAtMs ?? missing("Order", "createdAtMs"),
      items: items ?? missing("Order", "items"),
      shippingAddress: shippingAddress ?? missing("Order", "shippingAddress"),
      tags: tags ?? missing("Order", "tags"),
      note: note ?? missing("Order", "note"),
      currency: currency ?? missing("Order", "currency"),
    };
  },
  create: (init) => init,
});

const order: Order = {
  id: BigInt(ORDER.id),
  customerId: BigInt(ORDER.customerId),
  createdAtMs: BigInt(ORDER.createdAtMs),
  items: ORDER.items.map((item) => ({
    productId: BigInt(item.productId),
    sku: item.sku,
    title: item.title,
    quantity: item.quantity,
    unitPriceCents: BigInt(item.unitPriceCents),
    attributes: new Map(Object.entries(item.attributes)),
  })),
  shippingAddress: { ...ORDER.shippingAddress },
  tags: [...ORDER.tags],
  note: ORDER.note,
  currency: ORDER.currency,
};

/** One system under test: encode and decode of the sample. */
interface Subject {
  name: string;
  size: number;
  encode(): unknown;
  decode(): unknown;
}

function idlcSubject(protocol: ProtocolName): Subject {
  const bytes = Order.encode(order, { protocol });
  if (!isDeepStrictEqual(Order.decode(bytes, { protocol }), order))
    throw new Error(`${protocol}: decode(encode(order)) differs from the sample`);
  return {
    name: `idlc ${protocol}`,
    size: bytes.length,
    encode: () => Order.encode(order, { protocol }),
    decode: () => Order.decode(bytes, { protocol }),
  };
}

async function protobufjsSubject(): Promise<Subject | undefined> {
  try {
    const { loadPbjs, pbjsSample } = await import("./codecs/protobufjs.js");
    const { pb, Long } = loadPbjs();
    const sample = pbjsSample(pb, Long);
    const bytes = pb.Order.encode(sample).finish();
    return {
      name: "protobufjs static",
      size: bytes.length,
      encode: () => pb.Order.encode(sample).finish(),
      decode: () => pb.Order.decode(bytes),
    };
  } catch (error) {
    console.log(`(protobufjs skipped: ${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

/** Calls of `op` that take about 100 ms. */
function calibrate(op: () => unknown): number {
  for (let n = 1000; ; n *= 2) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) op();
    const ms = performance.now() - t0;
    if (ms > 50) return Math.ceil((n * 100) / ms);
  }
}

/** Operations per CPU second of `n` calls of `op`. CPU time (user + system, all threads, so GC
 * counts) rather than wall time: this machine is shared, and a stalled process burns no CPU. */
function rate(op: () => unknown, n: number): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) op();
  const used = process.cpuUsage(t0);
  return (n * 1e6) / (used.user + used.system);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Heap bytes allocated per call of `op`, median of 5 trials (needs --expose-gc, and a young
 * generation big enough that no scavenge runs inside a trial; a trial that saw one, and so
 * shrank the heap, is dropped). The output's backing store is off-heap and not counted. */
function heapPerOp(op: () => unknown): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  const n = 5_000;
  const trials: number[] = [];
  for (let trial = 0; trial < 5; trial++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < n; i++) op();
    const grown = process.memoryUsage().heapUsed - before;
    if (grown >= 0) trials.push(grown / n);
  }
  return trials.length === 0 ? undefined : median(trials);
}

/** Whether npm thrift (its generated peer) writes the same bytes for the sample. */
async function sameBytesAsNpmThrift(protocol: ProtocolName): Promise<string> {
  try {
    const { loadThriftCompact, loadThriftBinary } = await import("./codecs/thrift.js");
    const peer = await (protocol === "compact" ? loadThriftCompact() : loadThriftBinary());
    const theirs = peer.encode(peer.sample) as Uint8Array;
    return Buffer.compare(Buffer.from(theirs), Buffer.from(Order.encode(order, { protocol }))) === 0
      ? "identical"
      : "DIFFERENT";
  } catch (error) {
    return `not compared (${error instanceof Error ? error.message : String(error)})`;
  }
}

const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1] ?? 0) || 3;
const subjects = [idlcSubject("compact"), idlcSubject("binary")];
const pbjs = await protobufjsSubject();
if (pbjs) subjects.push(pbjs);

for (const s of subjects) {
  // Warm-up: let every call site reach its optimized state.
  for (let i = 0; i < 20_000; i++) {
    s.encode();
    s.decode();
  }
}
const rounds = Math.max(3, Math.round(seconds * 5));
const results = new Map<string, { enc: number[]; dec: number[] }>();
const batches = new Map<string, { enc: number; dec: number }>();
for (const s of subjects) {
  results.set(s.name, { enc: [], dec: [] });
  batches.set(s.name, { enc: calibrate(s.encode), dec: calibrate(s.decode) });
}
// Interleave systems round by round so machine noise hits them alike.
for (let round = 0; round < rounds; round++) {
  for (const s of subjects) {
    const r = results.get(s.name)!;
    const b = batches.get(s.name)!;
    r.enc.push(rate(s.encode, b.enc));
    r.dec.push(rate(s.decode, b.dec));
  }
}
console.log(
  `node ${process.version}, ${rounds} interleaved rounds of ~100 ms per figure; median operations per CPU second`,
);
console.log("system              bytes   encodes/s   decodes/s   heap B/encode");
for (const s of subjects) {
  const r = results.get(s.name)!;
  const heap = heapPerOp(s.encode);
  console.log(
    `${s.name.padEnd(18)} ${String(s.size).padStart(6)} ${Math.round(median(r.enc)).toLocaleString("en").padStart(11)} ${Math.round(median(r.dec)).toLocaleString("en").padStart(11)} ${heap === undefined ? "(--expose-gc)" : heap.toFixed(0).padStart(10)}`,
  );
}
for (const protocol of ["compact", "binary"] as const)
  console.log(`${protocol} bytes vs npm thrift: ${await sameBytesAsNpmThrift(protocol)}`);
