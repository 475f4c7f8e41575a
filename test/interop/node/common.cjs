// Shared by the npm thrift peers: flags, the transport/protocol classes they name, and a hook
// that remembers the THeader headers of the last message read (npm thrift keeps them on the
// connection's transport, out of a handler's reach).
"use strict";

const path = require("node:path");
const thrift = require("thrift");

/** Parses `--name value` and `--flag` arguments against `spec` ({ name: "string"|"list"|"bool" }). */
function parseFlags(argv, spec) {
  const out = {};
  for (const [name, kind] of Object.entries(spec))
    out[name] = kind === "list" ? [] : kind === "bool" ? false : undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
    const name = arg.slice(2);
    const kind = spec[name];
    if (kind === undefined) throw new Error(`unknown flag ${arg}`);
    if (kind === "bool") out[name] = true;
    else if (kind === "list") out[name].push(argv[++i]);
    else out[name] = argv[++i];
  }
  return out;
}

/** The npm thrift options for --protocol and --transport. */
function stackFor(protocol, transport) {
  if (!["compact", "binary"].includes(protocol)) throw new Error(`unknown protocol ${protocol}`);
  switch (transport) {
    case "framed":
      return {
        transport: thrift.TFramedTransport,
        protocol: protocol === "compact" ? thrift.TCompactProtocol : thrift.TBinaryProtocol,
      };
    case "buffered":
      return {
        transport: thrift.TBufferedTransport,
        protocol: protocol === "compact" ? thrift.TCompactProtocol : thrift.TBinaryProtocol,
      };
    case "header":
      // THeader frames are parsed by THeaderProtocol from the raw stream (buffered receiver)
      return { transport: thrift.TBufferedTransport, protocol: thrift.THeaderProtocol };
    default:
      throw new Error(`unknown transport ${transport}`);
  }
}

/** Loads `thrift --gen js:node,es6` output from `dir`. */
function loadGenerated(dir) {
  return {
    Calc: require(path.resolve(dir, "Calc.js")),
    Greeter: require(path.resolve(dir, "Greeter.js")),
    ttypes: require(path.resolve(dir, "interop_types.js")),
  };
}

const lastRead = { headers: {}, transport: undefined };

/** Makes THeaderProtocol remember the headers (and transport) of the last message it read. */
function recordHeaders() {
  const readMessageBegin = thrift.THeaderProtocol.prototype.readMessageBegin;
  thrift.THeaderProtocol.prototype.readMessageBegin = function () {
    const begin = readMessageBegin.call(this);
    lastRead.headers = { ...this.trans.getReadHeaders() };
    lastRead.transport = this.trans;
    return begin;
  };
  return lastRead;
}

/** Exits when stdin ends (the test runner closed it). */
function exitOnStdinEnd() {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}

module.exports = { parseFlags, stackFor, loadGenerated, recordHeaders, exitOnStdinEnd };
