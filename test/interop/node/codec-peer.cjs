// npm thrift 0.24 as a codec oracle; the same JSON-lines protocol as ../py/codec_peer.py:
//   {"id"?, "op": "encode", "type", "protocol": "compact"|"binary", "value"} → {"ok", "hex"}
//   {"id"?, "op": "decode", "type", "protocol", "hex"} → {"ok", "value"}
//   failure → {"ok": false, "error"}
// Usage: node codec-peer.cjs --gen DIR --model FILE.json [--model ...]
//   DIR: `thrift --gen js:node,es6 -out DIR`; FILE: `thrift --gen json` of each IDL.
// Bytes come from the generated write() through a TBufferedTransport; decoding feeds them to a
// TBufferedTransport receiver and fails on trailing bytes. Prints READY; exits on stdin EOF.
"use strict";

const readline = require("node:readline");
const thrift = require("thrift");
const { Schema, structFromJson, structToJson } = require("./jsonmap.cjs");

const PROTOCOLS = { compact: thrift.TCompactProtocol, binary: thrift.TBinaryProtocol };

function protocolClass(name) {
  const cls = PROTOCOLS[name];
  if (!cls) throw new Error(`unknown protocol ${JSON.stringify(name)}`);
  return cls;
}

function parseArgs(argv) {
  const out = { gen: undefined, models: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--gen") out.gen = argv[++i];
    else if (argv[i] === "--model") out.models.push(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!out.gen || out.models.length === 0) throw new Error("usage: --gen DIR --model FILE.json…");
  return out;
}

function encode(schema, typeName, protocolName, value) {
  const obj = structFromJson(schema, typeName, value);
  const chunks = [];
  const transport = new thrift.TBufferedTransport(undefined, (buf) => chunks.push(buf));
  const protocol = new (protocolClass(protocolName))(transport);
  obj.write(protocol);
  protocol.flush();
  return Buffer.concat(chunks).toString("hex");
}

function decode(schema, typeName, protocolName, hex) {
  const { cls } = schema.struct(typeName);
  const data = Buffer.from(hex, "hex");
  let result;
  let failure;
  const feed = thrift.TBufferedTransport.receiver((transport) => {
    try {
      const obj = new cls();
      obj.read(new (protocolClass(protocolName))(transport));
      const rest = transport.writeCursor - transport.readCursor;
      if (rest !== 0) throw new Error(`${rest} trailing byte(s) after ${typeName}`);
      result = structToJson(schema, typeName, obj);
    } catch (e) {
      failure = e;
    }
  });
  feed(data);
  if (failure) throw failure;
  return result;
}

function answer(schema, command) {
  switch (command.op) {
    case "encode":
      return { hex: encode(schema, command.type, command.protocol, command.value) };
    case "decode":
      return { value: decode(schema, command.type, command.protocol, command.hex) };
    default:
      throw new Error(`unknown op ${JSON.stringify(command.op)}`);
  }
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const schema = new Schema(args.gen, args.models);
  process.stdout.write("READY\n");
  const lines = readline.createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    if (line.trim() === "") return;
    let command = {};
    let reply;
    try {
      command = JSON.parse(line);
      reply = { ...answer(schema, command), ok: true };
    } catch (e) {
      reply = { ok: false, error: `${e && e.name}: ${e && e.message}` };
    }
    if (command && "id" in command) reply.id = command.id;
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  });
  lines.on("close", () => process.exit(0));
}

main();
