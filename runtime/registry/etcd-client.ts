// A tiny etcd v3 client over etcd's JSON gateway (`POST /v3/<service>/<method>`, node:http, no
// npm dependency): the few calls service discovery needs. Keys and values travel base64 in
// JSON; int64 fields (lease ids, revisions) are JSON strings and stay strings here, since lease
// ids exceed 2^53. The watch is a streaming response of newline-delimited JSON objects.
import { Agent, request, type IncomingMessage } from "node:http";

/** Where etcd is and how long a request may take. */
export interface EtcdOptions {
  /** Client URLs of etcd members, e.g. `["http://127.0.0.1:2379"]`; tried in order. */
  readonly endpoints: readonly string[];
  /** Time allowed for one request (connect included), in milliseconds. Default 5_000. */
  readonly timeoutMs?: number;
}

/** A failed etcd request: unreachable, timed out, or refused, naming the etcd endpoint. */
export class EtcdError extends Error {
  override readonly name: string = "EtcdError";
  /** The etcd URL the request went to. */
  readonly endpoint: string;
  constructor(message: string, options: { endpoint: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.endpoint = options.endpoint;
  }
}

/** One key-value pair as etcd returns it, decoded to text. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
  /** Id of the lease the key is attached to, if any. */
  readonly lease: string | undefined;
}

/** A change seen by a watch: a put carries the new value, a delete only the key. */
export type WatchEvent =
  | { readonly kind: "put"; readonly key: string; readonly value: string }
  | { readonly kind: "delete"; readonly key: string };

/** What a watch reports, until it ends. */
export interface WatchHandlers {
  /** The watch is registered: events after `startRevision` will follow. */
  onCreated(): void;
  /** Changes of one revision (or several), in order. */
  onEvents(events: readonly WatchEvent[]): void;
  /** The watch ended (stream broke, etcd cancelled it, or compacted past the start). Called once. */
  onEnd(error: EtcdError): void;
}

/** A running watch. */
export interface Watch {
  /** Stops the watch; `onEnd` is not called. */
  cancel(): void;
}

const DEFAULT_TIMEOUT_MS = 5_000;

const toBase64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");
const fromBase64 = (text: string | undefined): string =>
  Buffer.from(text ?? "", "base64").toString("utf8");

/** The first key after every key that starts with `prefix` (etcd's `range_end` for a prefix). */
function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix, "utf8");
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      const end = bytes.subarray(0, i + 1);
      end[i] = end[i]! + 1;
      return end.toString("base64");
    }
  }
  return toBase64("\0"); // all 0xff: to the end of the key space
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface JsonObject {
  readonly [key: string]: unknown;
}

interface RawKeyValue {
  readonly key?: string;
  readonly value?: string;
  readonly lease?: string;
}

/** etcd over its JSON gateway. One keep-alive HTTP agent; `close()` releases its sockets. */
export class EtcdClient {
  private readonly urls: readonly string[];
  private readonly timeoutMs: number;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });
  /** Index in `urls` of the member that answered last: tried first next time. */
  private preferred = 0;

  constructor(options: EtcdOptions) {
    if (options.endpoints.length === 0)
      throw new TypeError("etcd.endpoints must name at least one etcd URL");
    this.urls = options.endpoints.map((url) => {
      const parsed = new URL(url);
      if (parsed.protocol !== "http:")
        throw new TypeError(`etcd endpoint "${url}" must be an http:// URL`);
      return parsed.origin;
    });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0))
      throw new RangeError(`etcd.timeoutMs must be a positive number, got ${this.timeoutMs}`);
  }

  /** The etcd URLs, for messages. */
  get endpoints(): readonly string[] {
    return this.urls;
  }

  /** Every key starting with `prefix`, sorted by key, and the store's revision at the read. */
  async rangePrefix(prefix: string): Promise<{ revision: bigint; kvs: KeyValue[] }> {
    const reply = await this.call("/v3/kv/range", {
      key: toBase64(prefix),
      range_end: prefixEnd(prefix),
    });
    const kvs = ((reply.kvs ?? []) as RawKeyValue[]).map((kv) => ({
      key: fromBase64(kv.key),
      value: fromBase64(kv.value),
      lease: kv.lease,
    }));
    return { revision: revisionOf(reply), kvs };
  }

  /** Sets `key` to `value`, attached to `lease` (an id from `grantLease`) if given. */
  async put(key: string, value: string, lease?: string): Promise<void> {
    await this.call("/v3/kv/put", {
      key: toBase64(key),
      value: toBase64(value),
      ...(lease === undefined ? {} : { lease }),
    });
  }

  /** Deletes `key`. */
  async delete(key: string): Promise<void> {
    await this.call("/v3/kv/deleterange", { key: toBase64(key) });
  }

  /** Grants a lease of `ttlSeconds`; resolves with its id and the TTL etcd granted (it may raise it). */
  async grantLease(ttlSeconds: number): Promise<{ id: string; ttlSeconds: number }> {
    const reply = await this.call("/v3/lease/grant", { TTL: String(ttlSeconds) });
    if (typeof reply.ID !== "string") throw this.malformed("/v3/lease/grant", reply);
    return { id: reply.ID, ttlSeconds: Number(reply.TTL ?? ttlSeconds) };
  }

  /**
   * Renews a lease; resolves with its remaining TTL in seconds, 0 when it no longer exists.
   * `timeoutMs` may shorten the request timeout (a late renewal is a failed one).
   */
  async keepAlive(lease: string, timeoutMs?: number): Promise<number> {
    const reply = await this.call(
      "/v3/lease/keepalive",
      { ID: lease },
      Math.min(timeoutMs ?? this.timeoutMs, this.timeoutMs),
    );
    // A streaming call: one `{ result }` per request sent. An expired lease comes back without TTL.
    const result = reply.result as JsonObject | undefined;
    return Number(result?.TTL ?? 0);
  }

  /** Revokes a lease, deleting its keys; a lease already gone is not an error. */
  async revokeLease(lease: string): Promise<void> {
    try {
      await this.call("/v3/lease/revoke", { ID: lease });
    } catch (error) {
      if (error instanceof EtcdReplyError && error.grpcCode === GRPC_NOT_FOUND) return;
      throw error;
    }
  }

  /** Watches every key starting with `prefix`, from `startRevision` on. */
  watchPrefix(prefix: string, startRevision: bigint, handlers: WatchHandlers): Watch {
    const url = this.urls[this.preferred]!;
    const body = JSON.stringify({
      create_request: {
        key: toBase64(prefix),
        range_end: prefixEnd(prefix),
        start_revision: String(startRevision),
      },
    });
    let ended = false;
    // No request timeout here: a watch stays open for as long as it is wanted.
    const req = request(`${url}/v3/watch`, {
      method: "POST",
      agent: false, // its own socket, closed with the watch, not returned to the pool
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    const end = (message: string, cause?: unknown): void => {
      if (ended) return;
      ended = true;
      req.destroy();
      handlers.onEnd(new EtcdError(message, { endpoint: url, cause }));
    };
    req.on("error", (error) => end(unreachable(url, error), error));
    req.on("response", (res) => {
      if (res.statusCode !== 200) {
        readBody(res).then(
          (text) => end(`etcd at ${url}: /v3/watch failed: ${replyMessage(res, text)}`),
          (error: unknown) => end(unreachable(url, error), error),
        );
        return;
      }
      res.setEncoding("utf8");
      let buffered = "";
      res.on("data", (chunk: string) => {
        buffered += chunk;
        for (let nl = buffered.indexOf("\n"); nl >= 0 && !ended; nl = buffered.indexOf("\n")) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line !== "") this.watchLine(url, line, handlers, end);
        }
      });
      res.on("error", (error) => end(`etcd at ${url}: the watch broke: ${describe(error)}`, error));
      res.on("close", () => end(`etcd at ${url} closed the watch stream`));
    });
    req.end(body);
    return {
      cancel: () => {
        ended = true;
        req.destroy();
      },
    };
  }

  /** Closes idle sockets; requests still running fail. */
  close(): void {
    this.agent.destroy();
  }

  private watchLine(
    url: string,
    line: string,
    handlers: WatchHandlers,
    end: (message: string, cause?: unknown) => void,
  ): void {
    let message: JsonObject;
    try {
      message = JSON.parse(line) as JsonObject;
    } catch (error) {
      return end(`etcd at ${url}: unreadable watch message: ${line.slice(0, 200)}`, error);
    }
    const result = message.result as JsonObject | undefined;
    if (result === undefined) {
      const error = message.error as JsonObject | undefined;
      return end(`etcd at ${url}: the watch failed: ${String(error?.message ?? line)}`);
    }
    if (result.canceled === true) {
      const compacted = result.compact_revision;
      return end(
        compacted !== undefined && compacted !== "0"
          ? `etcd at ${url}: the watch start was compacted (compact revision ${String(compacted)})`
          : `etcd at ${url} cancelled the watch: ${String(result.cancel_reason ?? "no reason given")}`,
      );
    }
    if (result.created === true) handlers.onCreated();
    const events = (result.events ?? []) as { type?: string; kv?: RawKeyValue }[];
    if (events.length === 0) return;
    handlers.onEvents(
      events.map((e): WatchEvent => {
        const key = fromBase64(e.kv?.key);
        // PUT is the enum's zero value, which the gateway leaves out.
        return e.type === "DELETE"
          ? { kind: "delete", key }
          : { kind: "put", key, value: fromBase64(e.kv?.value) };
      }),
    );
  }

  /** One unary call: tries each member from the preferred one on until one answers. */
  private async call(path: string, body: JsonObject, timeoutMs?: number): Promise<JsonObject> {
    const text = JSON.stringify(body);
    let lastError: EtcdError | undefined;
    for (let i = 0; i < this.urls.length; i++) {
      const index = (this.preferred + i) % this.urls.length;
      const url = this.urls[index]!;
      try {
        const reply = await this.post(url, path, text, timeoutMs ?? this.timeoutMs);
        this.preferred = index;
        return reply;
      } catch (error) {
        if (error instanceof EtcdReplyError) throw error; // it answered: another member would too
        lastError = error as EtcdError;
      }
    }
    throw lastError!;
  }

  /** POSTs JSON to one member; a request on a reused keep-alive socket the server closed is retried once. */
  private post(url: string, path: string, body: string, timeoutMs: number): Promise<JsonObject> {
    return new Promise((resolve, reject) => {
      const attempt = (retry: boolean): void => {
        let settled = false;
        const fail = (error: Error): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          req.destroy();
          reject(error);
        };
        const timer = setTimeout(
          () =>
            fail(
              new EtcdError(`etcd at ${url} did not answer ${path} within ${timeoutMs} ms`, {
                endpoint: url,
              }),
            ),
          timeoutMs,
        );
        const req = request(`${url}${path}`, {
          method: "POST",
          agent: this.agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        });
        req.on("error", (error: NodeJS.ErrnoException) => {
          if (settled) return;
          if (retry && req.reusedSocket && error.code === "ECONNRESET") {
            settled = true;
            clearTimeout(timer);
            return attempt(false);
          }
          fail(new EtcdError(unreachable(url, error), { endpoint: url, cause: error }));
        });
        req.on("response", (res) => {
          readBody(res).then(
            (text) => {
              if (settled) return;
              settled = true;
              clearTimeout(timer);
              if (res.statusCode === 200) {
                try {
                  return resolve(JSON.parse(text) as JsonObject);
                } catch (error) {
                  return reject(this.malformed(path, text, error));
                }
              }
              reject(new EtcdReplyError(url, path, res, text));
            },
            (error: unknown) =>
              fail(
                new EtcdError(`etcd at ${url}: ${path} broke off: ${describe(error)}`, {
                  endpoint: url,
                  cause: error,
                }),
              ),
          );
        });
        req.end(body);
      };
      attempt(true);
    });
  }

  private malformed(path: string, reply: unknown, cause?: unknown): EtcdError {
    const url = this.urls[this.preferred]!;
    const text = typeof reply === "string" ? reply : JSON.stringify(reply);
    return new EtcdError(`etcd at ${url}: unexpected reply to ${path}: ${text.slice(0, 200)}`, {
      endpoint: url,
      cause,
    });
  }
}

const GRPC_NOT_FOUND = 5;

/** etcd answered with an error (gRPC status in `grpcCode`). */
class EtcdReplyError extends EtcdError {
  readonly grpcCode: number | undefined;
  constructor(url: string, path: string, res: IncomingMessage, text: string) {
    super(`etcd at ${url}: ${path} failed: ${replyMessage(res, text)}`, { endpoint: url });
    this.grpcCode = grpcCodeOf(text);
  }
}

function grpcCodeOf(text: string): number | undefined {
  try {
    const code = (JSON.parse(text) as JsonObject).code;
    return typeof code === "number" ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The gateway's error message (`{ error, message, code }`) or the HTTP status. */
function replyMessage(res: IncomingMessage, text: string): string {
  try {
    const reply = JSON.parse(text) as JsonObject;
    if (typeof reply.message === "string") return `${reply.message} (HTTP ${res.statusCode})`;
  } catch {
    // not JSON: report the status line
  }
  return `HTTP ${res.statusCode} ${res.statusMessage ?? ""}`.trim();
}

function unreachable(url: string, error: unknown): string {
  return `etcd at ${url} is unreachable: ${describe(error)}`;
}

function revisionOf(reply: JsonObject): bigint {
  const header = reply.header as JsonObject | undefined;
  return BigInt(typeof header?.revision === "string" ? header.revision : "0");
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => (text += chunk));
    res.on("end", () => resolve(text));
    res.on("error", reject);
    res.on("aborted", () => reject(new Error("the response was cut off")));
  });
}
