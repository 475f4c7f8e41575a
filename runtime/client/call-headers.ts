// The THeader headers a call carries (transport "header"): what is left of its deadline (ms,
// relative, so clocks need not agree), a request id (the parent call's, so one id follows a
// request across services, or a new one), then the channel's and the call's own headers.
import { THeaderKey, type HeaderEntry } from "../transport/header.js";
import type { CallOptions } from "../service.js";

// Request ids: a random prefix per process and a counter, so they are unique across clients.
const REQUEST_ID_PREFIX = Math.floor(Math.random() * 2 ** 32)
  .toString(16)
  .padStart(8, "0");
let requestCounter = 0;

/** A new request id, `xxxxxxxx-n` (hex). */
export function newRequestId(): string {
  return `${REQUEST_ID_PREFIX}-${(++requestCounter).toString(16)}`;
}

/** The headers of one call; `now` is when its deadline was computed (epoch ms). */
export function callHeaders(
  deadline: number | undefined,
  now: number,
  options: CallOptions | undefined,
  channelHeaders: readonly HeaderEntry[],
): HeaderEntry[] {
  const own = options?.headers;
  const headers: HeaderEntry[] = [];
  if (deadline !== undefined)
    headers.push([THeaderKey.TIMEOUT_MS, String(Math.max(1, Math.ceil(deadline - now)))]);
  const requestId =
    own?.[THeaderKey.REQUEST_ID] ??
    options?.parent?.headers.get(THeaderKey.REQUEST_ID) ??
    newRequestId();
  headers.push([THeaderKey.REQUEST_ID, requestId]);
  for (const entry of channelHeaders) if (own?.[entry[0]] === undefined) headers.push(entry);
  if (own !== undefined)
    for (const [key, value] of Object.entries(own))
      if (key !== THeaderKey.REQUEST_ID) headers.push([key, value]);
  return headers;
}
