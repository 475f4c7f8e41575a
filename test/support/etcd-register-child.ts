// A child process that registers one endpoint in etcd and then idles until killed: the way a
// server that crashes leaves its registration behind (renewals stop, the lease runs out).
// Usage: etcd-register-child.ts <etcd url> <service> <port> <ttlSeconds>
import { registerEndpoint } from "idlc/runtime";

const [url, service, port, ttl] = process.argv.slice(2);
if (url === undefined || service === undefined || port === undefined || ttl === undefined) {
  console.error("usage: etcd-register-child.ts <etcd url> <service> <port> <ttlSeconds>");
  process.exit(2);
}
const registration = await registerEndpoint({
  etcd: { endpoints: [url] },
  service,
  address: { host: "127.0.0.1", port: Number(port) },
  ttlSeconds: Number(ttl),
  onError: (error) => console.error(`registration error: ${error.message}`),
});
console.log(`registered ${registration.key}`);
// Keep running (renewing) until the test kills this process; stdin closing means the test is gone.
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
