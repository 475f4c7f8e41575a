// The client certificate of a mutual-TLS connection, copied out of node:tls's object into the
// plain shape `CallContext.peerCertificate` promises (no Node type in the public API).
import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import type { PeerCertificate } from "../service.js";

function fields(name: object | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(name ?? {}))
    out[key] = Array.isArray(value) ? value.join(", ") : String(value);
  return out;
}

/** The certificate the peer presented on `socket`, or undefined (plain TCP, or none sent). */
export function readPeerCertificate(socket: Socket): PeerCertificate | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  const cert = socket.getPeerCertificate();
  // node:tls answers {} when the peer sent no certificate.
  if (cert === null || typeof cert !== "object" || cert.fingerprint256 === undefined)
    return undefined;
  return {
    subject: fields(cert.subject),
    issuer: fields(cert.issuer),
    subjectAltName: cert.subjectaltname,
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    validTo: cert.valid_to,
    authorized: socket.authorized,
  };
}
