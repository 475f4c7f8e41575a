// An npm thrift 0.24 RPC client running the same fixed script as ../py/client.py and printing the
// same JSON lines (see there for the format and the list of calls).
//
// Usage: node client.cjs --gen DIR --model interop.json --port N [--host H]
//            [--protocol compact|binary] [--transport framed|buffered|header] [--multiplexed]
//            [--echo JSON] [--header KEY=VALUE ...]
// A connection error exits 2; the whole script is bounded by a 15 s timer.
"use strict";

const thrift = require("thrift");
const { parseFlags, stackFor, loadGenerated, recordHeaders } = require("./common.cjs");
const { Schema, toJson, structFromJson, structToJson } = require("./jsonmap.cjs");

const flags = parseFlags(process.argv.slice(2), {
  gen: "string",
  model: "string",
  host: "string",
  port: "string",
  protocol: "string",
  transport: "string",
  multiplexed: "bool",
  echo: "string",
  header: "list",
});
const protocol = flags.protocol ?? "compact";
const transport = flags.transport ?? "framed";
const { Calc, Greeter, ttypes } = loadGenerated(flags.gen);
const schema = new Schema(flags.gen, [flags.model]);
const lastRead = recordHeaders();

function emit(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const deadline = setTimeout(() => {
  emit({ transportError: "client script timed out" });
  process.exit(3);
}, 15_000);

const connection = thrift.createConnection(flags.host ?? "127.0.0.1", Number(flags.port), {
  ...stackFor(protocol, transport),
  connect_timeout: 5_000,
});
connection.on("error", (e) => {
  emit({ transportError: String(e && e.message) });
  process.exit(2);
});

let calc;
let greeter;
if (flags.multiplexed) {
  const mux = new thrift.Multiplexer();
  calc = mux.createClient("Calc", Calc, connection);
  greeter = mux.createClient("Greeter", Greeter, connection);
} else {
  calc = thrift.createClient(Calc, connection);
}

/**
 * npm thrift 0.24's generated send_* flush the *transport*, so THeaderProtocol.flush (which
 * prepends the THeader frame) never runs and the client sends bare binary. This makes the
 * transport do what THeaderProtocol.flush would, so the client really speaks THeader.
 */
function speakTHeader(client) {
  const output = client.output;
  // THeader subprotocol ids (HeaderFormat.md): 0 binary, 2 compact
  output.setProtocolId(protocol === "compact" ? 2 : 0);
  const flush = output.flush;
  output.flush = function () {
    if (this.outCount > 0) this.writeHeaders();
    return flush.call(this);
  };
}
if (transport === "header") {
  speakTHeader(calc);
  if (greeter) speakTHeader(greeter);
}

/** A call to a method the service does not have: written by hand, reply read like recv_*. */
function unknownMethod(client, name) {
  return new Promise((resolve, reject) => {
    client[`recv_${name}`] = function (input, mtype, rseqid) {
      const callback = this._reqs[rseqid] || function () {};
      delete this._reqs[rseqid];
      if (mtype === thrift.Thrift.MessageType.EXCEPTION) {
        const x = new thrift.Thrift.TApplicationException();
        x.read(input);
        input.readMessageEnd();
        return callback(x);
      }
      input.skip(thrift.Thrift.Type.STRUCT);
      input.readMessageEnd();
      return callback(null, "unexpected reply");
    };
    client._seqid = client.new_seqid();
    const seqid = client.seqid();
    client._reqs[seqid] = (err, result) => (err ? reject(err) : resolve(result));
    const output = new client.pClass(client.output);
    output.writeMessageBegin(name, thrift.Thrift.MessageType.CALL, seqid);
    output.writeStructBegin("args");
    output.writeFieldStop();
    output.writeStructEnd();
    output.writeMessageEnd();
    client.output.flush();
  });
}

async function run(name, thunk, resultType) {
  try {
    const value = await thunk();
    emit({ call: name, result: resultType ? toJson(schema, resultType, value) : (value ?? null) });
  } catch (e) {
    if (e instanceof ttypes.DivideByZero || e instanceof ttypes.NotFound) {
      const kind = e instanceof ttypes.DivideByZero ? "DivideByZero" : "NotFound";
      emit({ call: name, error: { type: kind, value: structToJson(schema, kind, e) } });
    } else if (e instanceof thrift.Thrift.TApplicationException) {
      emit({
        call: name,
        error: { type: "TApplicationException", code: e.type, message: e.message },
      });
    } else {
      emit({
        call: name,
        error: { type: "other", message: String(e && e.message ? e.message : e) },
      });
    }
  }
}

async function main() {
  const i64 = { typeId: "i64" };
  const everything = { typeId: "struct", class: "Everything" };
  await run("ping", () => calc.ping());
  await run("add(1,2)", () => calc.add(1, 2));
  await run("add(2147483647,1)", () => calc.add(2147483647, 1));
  await run("divide(7,2)", () => calc.divide(7, 2));
  await run("divide(-7,2)", () => calc.divide(-7, 2));
  await run("divide(1,0)", () => calc.divide(1, 0));
  await run("lookup(5)", () => calc.lookup(thrift.fromBigInt(5n)));
  await run("lookup(9007199254740993)", () => calc.lookup(thrift.fromBigInt(9007199254740993n)));
  await run("lookup(-1)", () => calc.lookup(thrift.fromBigInt(-1n)));
  if (flags.echo !== undefined) {
    const value = structFromJson(schema, "Everything", JSON.parse(flags.echo));
    await run("echo", () => calc.echo(value), everything);
  }
  await run("fire", () => calc.fire("fired-by-node"));
  await run("lastFired", () => calc.lastFired());
  await run("slow(20,7)", () => calc.slow(20, 7));
  await run("fail", () => calc.fail());
  await run("nope", () => unknownMethod(calc, "nope"));
  if (transport === "header") {
    for (const pair of flags.header) {
      const at = pair.indexOf("=");
      calc.output.setWriteHeader(pair.slice(0, at), pair.slice(at + 1));
    }
  }
  await run("echoHeaders", () => calc.echoHeaders());
  if (transport === "header") emit({ call: "replyHeaders", result: { ...lastRead.headers } });
  if (greeter) {
    await run("greet", () => greeter.greet("node"));
    await run("twice", () => greeter.twice(thrift.fromBigInt(-4611686018427387904n)), i64);
  }
  emit("DONE");
  clearTimeout(deadline);
  connection.end();
}

main().catch((e) => {
  emit({ transportError: String(e && e.stack) });
  process.exit(2);
});
