// uuid values: canonical text `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` ⇄ 16 bytes in RFC 4122
// order, no length prefix (compact-protocol.md §3, binary-protocol.md §1).
import { badValue } from "./byte-buffer.js";

/** Offsets in the canonical text where each of the 16 bytes' two hex digits start. */
const BYTE_OFFSETS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34] as const;

const HEX_PAIRS: string[] = [];
for (let b = 0; b < 256; b++) HEX_PAIRS.push(b.toString(16).padStart(2, "0"));

/** Value of a hex digit's char code, or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87; // a-f, A-F
  return -1;
}

/** Writes the 16 bytes of uuid text `value` at `pos`; throws EncodeError on anything but
 * canonical text (hex digits in either case). The caller guarantees 16 bytes of room. */
export function writeUuid(buf: Uint8Array, pos: number, value: string): void {
  if (
    typeof value !== "string" ||
    value.length !== 36 ||
    value.charCodeAt(8) !== 45 ||
    value.charCodeAt(13) !== 45 ||
    value.charCodeAt(18) !== 45 ||
    value.charCodeAt(23) !== 45
  )
    badValue("uuid", value, "canonical text xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
  for (let i = 0; i < 16; i++) {
    const at = BYTE_OFFSETS[i]!;
    const high = hexValue(value.charCodeAt(at));
    const low = hexValue(value.charCodeAt(at + 1));
    if (high < 0 || low < 0)
      badValue("uuid", value, "canonical text xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
    buf[pos + i] = (high << 4) | low;
  }
}

/** The lower-case canonical text of the 16 bytes at `pos` (the caller checked the bounds). */
export function readUuid(buf: Uint8Array, pos: number): string {
  let text = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += "-";
    text += HEX_PAIRS[buf[pos + i]!]!;
  }
  return text;
}
