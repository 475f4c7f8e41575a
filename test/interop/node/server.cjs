// An npm thrift 0.24 RPC server for the interop services Calc and Greeter; the counterpart of
// ../py/server.py with the same flags and handlers.
//
// Usage: node server.cjs --gen DIR [--port N] [--protocol compact|binary]
//            [--transport framed|buffered|header] [--multiplexed]
//   DIR: `thrift --gen js:node,es6` output for interop.thrift
// Listens on 127.0.0.1 (port 0 unless --port), prints "LISTENING <port>", exits on stdin EOF or
// SIGTERM.
// Known npm behaviour: an undeclared handler error goes out as TApplicationException UNKNOWN
// with no type field; --transport header answers THeader clients only (it does not detect
// plain framed clients).
"use strict";

const thrift = require("thrift");
const {
  parseFlags,
  stackFor,
  loadGenerated,
  recordHeaders,
  exitOnStdinEnd,
} = require("./common.cjs");

const flags = parseFlags(process.argv.slice(2), {
  gen: "string",
  port: "string",
  protocol: "string",
  transport: "string",
  multiplexed: "bool",
});
const protocol = flags.protocol ?? "compact";
const transport = flags.transport ?? "framed";
const { Calc, Greeter, ttypes } = loadGenerated(flags.gen);
const lastRead = recordHeaders();

function wrap32(n) {
  return n | 0;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const blockFor = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// Handlers return a value, a Promise, or throw; `callbackStyle` adapts them to npm's callback
// form. Why not promise-style handlers: npm's server answers a promise-style handler after its
// read loop has already probed the (empty) buffer for the next THeader frame, which resets
// "this client speaks THeader", so THeader replies would go out unframed. Callbacks invoked
// synchronously reply before that probe, so with --transport header `slow` blocks instead of
// awaiting (replies then come in request order; without THeader they come as handlers finish).
let lastFired = "";
const calcHandler = {
  add: (a, b) => wrap32(a + b),
  ping: () => undefined,
  divide(a, b) {
    if (b === 0) throw new ttypes.DivideByZero({ dividend: a, why: "division by zero" });
    return wrap32(Math.trunc(a / b));
  },
  echo: (e) => e,
  lookup(key) {
    const k = thrift.toBigInt(key);
    if (k < 0n) throw new ttypes.NotFound({ message: "no such key", key: thrift.fromBigInt(k) });
    return k.toString();
  },
  fire(what) {
    lastFired = what;
  },
  lastFired: () => lastFired,
  // THeader: a blocking sleep, so the reply is still written synchronously (see above)
  slow: (ms, tag) => (transport === "header" ? (blockFor(ms), tag) : sleep(ms).then(() => tag)),
  echoHeaders() {
    // called inside process(), right after readMessageBegin recorded the headers
    if (transport !== "header") return {};
    lastRead.transport?.setWriteHeader("x-served-by", "node");
    return { ...lastRead.headers };
  },
  fail() {
    throw new Error("deliberate failure");
  },
};

const greeterHandler = {
  greet: (name) => `hello, ${name}`,
  twice: (v) => thrift.fromBigInt(BigInt.asIntN(64, thrift.toBigInt(v) * 2n)),
};

/** Wraps each handler as `(…args, callback)`; generated code picks the style by `length`. */
function callbackStyle(handler) {
  const out = {};
  for (const [name, impl] of Object.entries(handler)) {
    const adapted = (...args) => {
      // oneway methods are called without a callback
      if (typeof args[args.length - 1] !== "function") return void impl(...args);
      const callback = args.pop();
      let value;
      try {
        value = impl(...args);
      } catch (e) {
        callback(e);
        return;
      }
      if (value && typeof value.then === "function")
        value.then(
          (v) => callback(null, v),
          (e) => callback(e),
        );
      else callback(null, value);
    };
    Object.defineProperty(adapted, "length", { value: impl.length + 1 });
    out[name] = adapted;
  }
  return out;
}

const options = stackFor(protocol, transport);
let server;
if (flags.multiplexed) {
  const processor = new thrift.MultiplexedProcessor();
  processor.registerProcessor("Calc", new Calc.Processor(callbackStyle(calcHandler)));
  processor.registerProcessor("Greeter", new Greeter.Processor(callbackStyle(greeterHandler)));
  server = thrift.createMultiplexServer(processor, options);
} else {
  server = thrift.createServer(Calc, callbackStyle(calcHandler), options);
}
server.on("error", (e) => process.stderr.write(`server error: ${e && e.stack}\n`));
server.listen(Number(flags.port ?? 0), "127.0.0.1", () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
exitOnStdinEnd();
