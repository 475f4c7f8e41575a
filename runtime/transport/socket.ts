// node:net / node:tls plumbing shared by client and server: opening a connection, listening,
// naming peers. Everything above this file sees a net.Socket (a TLSSocket is one).
import * as net from "node:net";
import * as tls from "node:tls";

/** Opens a TCP (or, with `tlsOptions`, TLS) connection; `onOpen` runs once it can carry data. */
export function openSocket(
  host: string,
  port: number,
  tlsOptions: tls.ConnectionOptions | undefined,
  onOpen: () => void,
): net.Socket {
  let socket: net.Socket;
  if (tlsOptions === undefined) {
    socket = net.connect({ host, port, noDelay: true }, onOpen);
  } else {
    socket = tls.connect({ host, port, ...tlsOptions }, onOpen);
    socket.setNoDelay(true);
  }
  return socket;
}

/** A listening server that hands each new connection (TLS handshake done) to `onConnection`. */
export function createListener(
  tlsOptions: tls.TlsOptions | undefined,
  onConnection: (socket: net.Socket) => void,
): net.Server {
  return tlsOptions === undefined
    ? net.createServer({ noDelay: true }, onConnection)
    : tls.createServer(tlsOptions, onConnection);
}

/** `host:port` of the far end of a socket, for messages and `CallContext.peer`. */
export function peerName(socket: net.Socket): string {
  const host = socket.remoteAddress;
  const port = socket.remotePort;
  if (host === undefined || port === undefined) return "unknown peer";
  return hostPort(host, port);
}

/** `host:port`, with an IPv6 host in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
