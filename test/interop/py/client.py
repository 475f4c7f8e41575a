"""An Apache Thrift (Python 0.17) RPC client that runs a fixed script of calls and prints one JSON
line per call, so a test can check what an idlc (or any) server answered.

Usage: /usr/bin/python3 client.py --gen DIR --model interop.json --port N [--host H]
           [--protocol compact|binary] [--transport framed|buffered|header] [--multiplexed]
           [--echo JSON] [--header KEY=VALUE ...]
  DIR    `thrift --gen py` output for interop.thrift; --model its `thrift --gen json` file
  JSON   the Everything value (JSON mapping, see jsonmap.py) sent to Calc.echo

Each line: {"call": "<name>", "result": <json>} or {"call": "<name>", "error": {...}} where the
error is {"type": "DivideByZero"|"NotFound", "value": <json>} for declared exceptions and
{"type": "TApplicationException", "code": n, "message": "..."} for application errors.
Calls, in order: ping, add(1,2), add(2147483647,1), divide(7,2), divide(-7,2), divide(1,0),
lookup(5), lookup(9007199254740993), lookup(-1), echo(JSON) if given, fire("fired-by-python")
then lastFired, slow(20,7), fail, an unknown method "nope", echoHeaders (with the --header
pairs when --transport header), and with --multiplexed Greeter.greet("python") and
Greeter.twice(-4611686018427387904). Ends with "DONE"; a transport failure exits 2.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from thrift.protocol.TBinaryProtocol import TBinaryProtocol  # noqa: E402
from thrift.protocol.TCompactProtocol import TCompactProtocol  # noqa: E402
from thrift.protocol.THeaderProtocol import THeaderProtocol  # noqa: E402
from thrift.protocol.TMultiplexedProtocol import TMultiplexedProtocol  # noqa: E402
from thrift.Thrift import TApplicationException, TMessageType, TType  # noqa: E402
from thrift.transport.THeaderTransport import THeaderClientType, THeaderSubprotocolID  # noqa: E402
from thrift.transport.TSocket import TSocket  # noqa: E402
from thrift.transport.TTransport import (  # noqa: E402
    TBufferedTransport,
    TFramedTransport,
    TTransportException,
)

import jsonmap  # noqa: E402


def emit(line):
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def open_protocol(args):
    socket = TSocket(args.host, args.port)
    socket.setTimeout(10000)
    if args.transport == "header":
        sub = THeaderSubprotocolID.COMPACT if args.protocol == "compact" else THeaderSubprotocolID.BINARY
        protocol = THeaderProtocol(socket, (THeaderClientType.HEADERS,), sub)
        socket.open()
        return protocol, protocol
    transport = TFramedTransport(socket) if args.transport == "framed" else TBufferedTransport(socket)
    protocol = TCompactProtocol(transport) if args.protocol == "compact" else TBinaryProtocol(transport)
    transport.open()
    return protocol, None


def unknown_method(protocol, name):
    """Sends a call to a method the server does not have and reads the reply."""
    protocol.writeMessageBegin(name, TMessageType.CALL, 0)
    protocol.writeStructBegin("args")
    protocol.writeFieldStop()
    protocol.writeStructEnd()
    protocol.writeMessageEnd()
    protocol.trans.flush()
    _, mtype, _ = protocol.readMessageBegin()
    if mtype == TMessageType.EXCEPTION:
        x = TApplicationException()
        x.read(protocol)
        protocol.readMessageEnd()
        raise x
    protocol.skip(TType.STRUCT)
    protocol.readMessageEnd()
    return "unexpected reply"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--protocol", choices=["compact", "binary"], default="compact")
    parser.add_argument("--transport", choices=["framed", "buffered", "header"], default="framed")
    parser.add_argument("--multiplexed", action="store_true")
    parser.add_argument("--echo")
    parser.add_argument("--header", action="append", default=[])
    args = parser.parse_args()

    schema = jsonmap.Schema(args.gen, [args.model])
    from interop import Calc, Greeter, ttypes

    protocol, header_protocol = open_protocol(args)
    calc_protocol = TMultiplexedProtocol(protocol, "Calc") if args.multiplexed else protocol
    calc = Calc.Client(calc_protocol)
    greeter = Greeter.Client(TMultiplexedProtocol(protocol, "Greeter")) if args.multiplexed else None
    everything = {"typeId": "struct", "class": "Everything"}

    def run(name, thunk, result_type=None):
        try:
            value = thunk()
            emit({"call": name, "result": jsonmap.to_json(schema, result_type, value) if result_type else value})
        except (ttypes.DivideByZero, ttypes.NotFound) as e:
            kind = type(e).__name__
            emit({"call": name, "error": {"type": kind, "value": jsonmap.struct_to_json(schema, kind, e)}})
        except TApplicationException as e:
            emit({"call": name, "error": {"type": "TApplicationException", "code": e.type, "message": e.message}})

    i64 = {"typeId": "i64"}
    try:
        run("ping", calc.ping)
        run("add(1,2)", lambda: calc.add(1, 2))
        run("add(2147483647,1)", lambda: calc.add(2147483647, 1))
        run("divide(7,2)", lambda: calc.divide(7, 2))
        run("divide(-7,2)", lambda: calc.divide(-7, 2))
        run("divide(1,0)", lambda: calc.divide(1, 0))
        run("lookup(5)", lambda: calc.lookup(5))
        run("lookup(9007199254740993)", lambda: calc.lookup(9007199254740993))
        run("lookup(-1)", lambda: calc.lookup(-1))
        if args.echo is not None:
            value = jsonmap.struct_from_json(schema, "Everything", json.loads(args.echo))
            run("echo", lambda: calc.echo(value), everything)
        run("fire", lambda: calc.fire("fired-by-python"))
        run("lastFired", calc.lastFired)
        run("slow(20,7)", lambda: calc.slow(20, 7))
        run("fail", calc.fail)
        run("nope", lambda: unknown_method(calc_protocol, "nope"))
        if header_protocol is not None:
            for pair in args.header:
                key, _, value = pair.partition("=")
                header_protocol.set_header(key.encode("utf-8"), value.encode("utf-8"))
        run("echoHeaders", calc.echoHeaders)
        if header_protocol is not None:
            reply_headers = header_protocol.get_headers()
            emit({"call": "replyHeaders", "result": dict((k.decode(), v.decode()) for k, v in reply_headers.items())})
        if greeter is not None:
            run("greet", lambda: greeter.greet("python"))
            run("twice", lambda: greeter.twice(-4611686018427387904), i64)
    except TTransportException as e:
        emit({"transportError": str(e)})
        sys.exit(2)
    emit("DONE")


if __name__ == "__main__":
    main()
