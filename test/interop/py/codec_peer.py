"""Apache Thrift (Python 0.17) as a codec oracle: JSON-lines commands in, JSON-lines answers out.

Usage: /usr/bin/python3 codec_peer.py --gen DIR --model FILE.json [--model ...]
  DIR     the output of `thrift --gen py -out DIR` for every IDL
  FILE    the output of `thrift --gen json` for each IDL (the type model)

Commands, one JSON object per line on stdin; one answer per line on stdout, in order:
  {"id"?, "op": "encode", "type": "Everything", "protocol": "compact"|"binary", "value": <json>}
      → {"id"?, "ok": true, "hex": "15ac0200"}
  {"id"?, "op": "decode", "type": "Everything", "protocol": ..., "hex": "..."}
      → {"id"?, "ok": true, "value": <json>}
  any failure → {"id"?, "ok": false, "error": "..."}
The value mapping is in jsonmap.py. Decoding fails on trailing bytes. Protocols are the pure
Python TCompactProtocol / TBinaryProtocol (strict write), never the C accelerator.
Prints "READY" once loaded; exits on stdin EOF.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from thrift.protocol.TBinaryProtocol import TBinaryProtocol  # noqa: E402
from thrift.protocol.TCompactProtocol import TCompactProtocol  # noqa: E402
from thrift.transport.TTransport import TMemoryBuffer  # noqa: E402

import jsonmap  # noqa: E402

PROTOCOLS = {"compact": TCompactProtocol, "binary": TBinaryProtocol}


def protocol_for(name, buffer):
    if name not in PROTOCOLS:
        raise ValueError("unknown protocol %r" % name)
    protocol = PROTOCOLS[name](buffer)
    assert protocol._fast_encode is None and protocol._fast_decode is None
    return protocol


def encode(schema, type_name, protocol_name, value):
    obj = jsonmap.struct_from_json(schema, type_name, value)
    buffer = TMemoryBuffer()
    obj.write(protocol_for(protocol_name, buffer))
    return buffer.getvalue().hex()


def decode(schema, type_name, protocol_name, hex_bytes):
    _, cls = schema.struct(type_name)
    data = bytes.fromhex(hex_bytes)
    buffer = TMemoryBuffer(data)
    obj = cls()
    # exceptions are immutable in 0.17: their read is a classmethod returning a new instance
    returned = obj.read(protocol_for(protocol_name, buffer))
    if returned is not None:
        obj = returned
    rest = len(data) - buffer._buffer.tell()
    if rest != 0:
        raise ValueError("%d trailing byte(s) after %s" % (rest, type_name))
    return jsonmap.struct_to_json(schema, type_name, obj)


def answer(schema, command):
    op = command.get("op")
    if op == "encode":
        return {"hex": encode(schema, command["type"], command["protocol"], command["value"])}
    if op == "decode":
        return {"value": decode(schema, command["type"], command["protocol"], command["hex"])}
    raise ValueError("unknown op %r" % op)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen", required=True)
    parser.add_argument("--model", action="append", required=True)
    args = parser.parse_args()
    schema = jsonmap.Schema(args.gen, args.model)
    print("READY", flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        command = {}
        try:
            command = json.loads(line)
            reply = answer(schema, command)
            reply["ok"] = True
        except Exception as e:  # every failure is an answer, never a crash
            reply = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        if "id" in command:
            reply["id"] = command["id"]
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
