// Framed transport, sending side: an i32 big-endian payload length, then the payload
// (rpc.md §8.2). The receiving side is frame-decoder.ts.
import type { OutBuffer } from "./out-buffer.js";

/** Apache's default largest frame (rpc.md §8.2: 16000 KiB, not 16 MiB), in bytes. */
export const DEFAULT_MAX_FRAME_BYTES = 16_384_000;

/** Appends one frame carrying `payload` to `out`. */
export function writeFrame(out: OutBuffer, payload: Uint8Array): void {
  out.reserve(4 + payload.length);
  out.int32(payload.length);
  out.append(payload);
}
