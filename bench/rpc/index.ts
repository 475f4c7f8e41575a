// Every RPC system's loader, by name, imported lazily so one missing system leaves the others.
import type { RpcLoader, RpcSystem } from "./rpc.js";

/** How to load each RPC system. */
export const RPC_LOADERS: Record<RpcSystem, RpcLoader> = {
  "echo-batched": async () => (await import("./raw-tcp.js")).loadRawTcp(true),
  "raw-tcp": async () => (await import("./raw-tcp.js")).loadRawTcp(false),
  idlc: async () => (await import("./idlc.js")).loadIdlcRpc(),
  "idlc-hop": async () => (await import("./idlc-hop.js")).loadIdlcHop(false),
  "idlc-hop-parent": async () => (await import("./idlc-hop.js")).loadIdlcHop(true),
  thrift: async () => (await import("./thrift.js")).loadThriftRpc(),
  "grpc-js": async () => (await import("./grpc-js.js")).loadGrpcJs(),
};
