"""An Apache Thrift (Python 0.17) RPC server for the interop services Calc and Greeter.

Usage: /usr/bin/python3 server.py --gen DIR [--port N] [--protocol compact|binary]
           [--transport framed|buffered|header] [--multiplexed]
  DIR   the output of `thrift --gen py` for interop.thrift

Listens on 127.0.0.1 (port 0 unless --port), prints "LISTENING <port>" when ready, serves each
connection on its own thread (TThreadedServer), exits on stdin EOF or SIGTERM.
--multiplexed serves "Calc" and "Greeter" through TMultiplexedProcessor; otherwise Calc alone.
--transport header uses THeaderProtocol, which also accepts framed/unframed binary/compact
clients (it detects the dialect from the first bytes) and answers in the client's dialect.

Handlers are deterministic (see CalcHandler); echoHeaders returns the THeader headers the call
arrived with and sets the reply header "x-served-by: python".
"""

import argparse
import os
import sys
import threading
import time

from thrift.protocol.TBinaryProtocol import TBinaryProtocolFactory
from thrift.protocol.TCompactProtocol import TCompactProtocolFactory
from thrift.protocol.THeaderProtocol import THeaderProtocolFactory
from thrift.server.TServer import TThreadedServer
from thrift.TMultiplexedProcessor import TMultiplexedProcessor
from thrift.transport.THeaderTransport import THeaderClientType, THeaderSubprotocolID
from thrift.transport.TSocket import TServerSocket
from thrift.transport.TTransport import (
    TBufferedTransportFactory,
    TFramedTransportFactory,
    TTransportFactoryBase,
)

# the protocol object of the connection this thread serves (THeader only): handlers read headers
current = threading.local()


def wrap(value, bits):
    """Two's-complement wrap-around, as i32/i64 arithmetic does."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


class CalcHandler(object):
    def __init__(self, ttypes):
        self.ttypes = ttypes
        self.last = ""

    def add(self, a, b):
        return wrap(a + b, 32)

    def ping(self):
        return None

    def divide(self, a, b):
        if b == 0:
            raise self.ttypes.DivideByZero(dividend=a, why="division by zero")
        quotient = abs(a) // abs(b)  # truncate towards zero, as i32 division does
        return wrap(quotient if (a < 0) == (b < 0) else -quotient, 32)

    def echo(self, e):
        return e

    def lookup(self, key):
        if key < 0:
            raise self.ttypes.NotFound(message="no such key", key=key)
        return str(key)

    def fire(self, what):
        self.last = what

    def lastFired(self):
        return self.last

    def slow(self, ms, tag):
        time.sleep(ms / 1000.0)
        return tag

    def echoHeaders(self):
        protocol = getattr(current, "protocol", None)
        if protocol is None:
            return {}
        headers = protocol.get_headers()
        protocol.set_header(b"x-served-by", b"python")
        return dict((k.decode("utf-8"), v.decode("utf-8")) for k, v in headers.items())

    def fail(self):
        raise RuntimeError("deliberate failure")


class GreeterHandler(object):
    def greet(self, name):
        return "hello, " + name

    def twice(self, v):
        return wrap(v * 2, 64)


class RecordingHeaderProtocolFactory(THeaderProtocolFactory):
    """THeaderProtocolFactory that remembers, per connection thread, the protocol it made."""

    def getProtocol(self, trans):
        protocol = THeaderProtocolFactory.getProtocol(self, trans)
        current.protocol = protocol
        return protocol


def protocol_factory(args):
    if args.transport == "header":
        sub = THeaderSubprotocolID.COMPACT if args.protocol == "compact" else THeaderSubprotocolID.BINARY
        every_client = (
            THeaderClientType.HEADERS,
            THeaderClientType.FRAMED_BINARY,
            THeaderClientType.UNFRAMED_BINARY,
            THeaderClientType.FRAMED_COMPACT,
            THeaderClientType.UNFRAMED_COMPACT,
        )
        return RecordingHeaderProtocolFactory(every_client, sub)
    return TCompactProtocolFactory() if args.protocol == "compact" else TBinaryProtocolFactory()


def transport_factory(args):
    if args.transport == "framed":
        return TFramedTransportFactory()
    if args.transport == "buffered":
        return TBufferedTransportFactory()
    # THeader does its own framing on the raw socket
    return TTransportFactoryBase()


def exit_on_stdin_eof():
    sys.stdin.read()
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--protocol", choices=["compact", "binary"], default="compact")
    parser.add_argument("--transport", choices=["framed", "buffered", "header"], default="framed")
    parser.add_argument("--multiplexed", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, args.gen)
    from interop import Calc, Greeter, ttypes

    calc = Calc.Processor(CalcHandler(ttypes))
    if args.multiplexed:
        processor = TMultiplexedProcessor()
        processor.registerProcessor("Calc", calc)
        processor.registerProcessor("Greeter", Greeter.Processor(GreeterHandler()))
    else:
        processor = calc

    socket = TServerSocket(host="127.0.0.1", port=args.port)
    server = TThreadedServer(
        processor, socket, transport_factory(args), protocol_factory(args), daemon=True
    )
    socket.listen()
    port = socket.handle.getsockname()[1]
    threading.Thread(target=exit_on_stdin_eof, daemon=True).start()
    print("LISTENING %d" % port, flush=True)

    # TThreadedServer.serve() would listen again; this is its accept loop on our socket
    while True:
        client = socket.accept()
        if client is None:
            continue
        threading.Thread(target=server.handle, args=(client,), daemon=True).start()


if __name__ == "__main__":
    main()
