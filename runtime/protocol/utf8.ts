// UTF-8 for string values: ASCII and short strings in plain JS (a call into TextEncoder /
// TextDecoder costs more than the work on a few bytes), long ones through the platform codec.
// Both directions behave as the WHATWG encoding spec says, so they match TextEncoder and
// TextDecoder exactly: a lone surrogate is written as U+FFFD, and invalid input bytes read back
// as U+FFFD (non-fatal decoding, what Apache's Node library gets from Buffer#toString too).

// TextEncoder/TextDecoder are globals on every platform idlc runs on, but not part of lib
// ES2023; these minimal shapes keep protocol/ free of DOM and Node typings.
interface Utf8Encoder {
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
interface TextCodecs {
  TextEncoder: new () => Utf8Encoder;
  TextDecoder: new (label: "utf-8") => Utf8Decoder;
}
const codecs = globalThis as unknown as TextCodecs;
const encoder = new codecs.TextEncoder();
const decoder = new codecs.TextDecoder("utf-8");

/** Strings longer than this (UTF-16 units) are encoded with TextEncoder#encodeInto. */
const ENCODE_IN_JS_MAX = 64;
/** Byte runs longer than this are decoded with TextDecoder even when they are ASCII (a
 * TextDecoder call costs about as much as three String.fromCharCode calls of 16). */
const DECODE_IN_JS_MAX = 48;

/**
 * Writes `value` as UTF-8 at `pos` and returns the end offset. The caller guarantees room for
 * `3 * value.length` bytes (the most UTF-8 any UTF-16 string needs).
 */
export function writeUtf8(buf: Uint8Array, pos: number, value: string): number {
  const length = value.length;
  if (length > ENCODE_IN_JS_MAX) return pos + encoder.encodeInto(value, buf.subarray(pos)).written;
  // ASCII first, four characters per test: charCodeAt dominates, and one test of four codes
  // instead of a branch per character took a fifth off the Order's strings. The first non-ASCII
  // character drops into the general loop below, from where the ASCII run stopped.
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const a = value.charCodeAt(i);
    const b = value.charCodeAt(i + 1);
    const c = value.charCodeAt(i + 2);
    const d = value.charCodeAt(i + 3);
    if ((a | b | c | d) >= 0x80) break;
    buf[pos] = a;
    buf[pos + 1] = b;
    buf[pos + 2] = c;
    buf[pos + 3] = d;
    pos += 4;
  }
  for (; i < length; i++) {
    let c = value.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
    } else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      buf[pos++] = 0xe0 | (c >> 12);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else {
      const next = i + 1 < length ? value.charCodeAt(i + 1) : 0;
      if (c < 0xdc00 && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        buf[pos++] = 0xf0 | (c >> 18);
        buf[pos++] = 0x80 | ((c >> 12) & 0x3f);
        buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
        buf[pos++] = 0x80 | (c & 0x3f);
      } else {
        // A lone surrogate: U+FFFD, as TextEncoder writes it.
        buf[pos++] = 0xef;
        buf[pos++] = 0xbf;
        buf[pos++] = 0xbd;
      }
    }
  }
  return pos;
}

/** Decodes `buf[start, end)` as UTF-8 (invalid sequences become U+FFFD). */
export function readUtf8(buf: Uint8Array, start: number, end: number): string {
  // ASCII in JS, up to 16 bytes per String.fromCharCode call; the first non-ASCII byte hands the
  // whole range to TextDecoder, which alone knows every replacement rule.
  const length = end - start;
  if (length <= ASCII_RUN_MAX) return readAscii(buf, start, length) ?? decodeUtf8(buf, start, end);
  if (length > DECODE_IN_JS_MAX) return decodeUtf8(buf, start, end);
  let out = "";
  let i = start;
  for (; end - i > ASCII_RUN_MAX; i += ASCII_RUN_MAX) {
    const run = readAscii(buf, i, ASCII_RUN_MAX);
    if (run === undefined) return decodeUtf8(buf, start, end);
    out += run;
  }
  const run = readAscii(buf, i, end - i);
  return run === undefined ? decodeUtf8(buf, start, end) : out + run;
}

function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  return decoder.decode(buf.subarray(start, end));
}

/** Most bytes `readAscii` takes. */
const ASCII_RUN_MAX = 16;

/**
 * `buf[i, i + n)` (n ≤ 16) as a string if it is all ASCII, else undefined. One call with n
 * arguments: a String.fromCharCode call costs as much as some 20 characters, and a single call
 * gives a flat string where joining 8-byte runs made a cons string to flatten later (as a Map
 * key, say). Laid out by hand as a table, one case per length.
 */
// prettier-ignore
function readAscii(buf: Uint8Array, i: number, n: number): string | undefined {
  const from = String.fromCharCode;
  switch (n) {
    case 0:
      return "";
    case 1: {
      const a = buf[i]!;
      return a < 0x80 ? from(a) : undefined;
    }
    case 2: {
      const a = buf[i]!, b = buf[i + 1]!;
      return (a | b) < 0x80 ? from(a, b) : undefined;
    }
    case 3: {
      const a = buf[i]!, b = buf[i + 1]!, c = buf[i + 2]!;
      return (a | b | c) < 0x80 ? from(a, b, c) : undefined;
    }
    case 4: {
      const a = buf[i]!, b = buf[i + 1]!, c = buf[i + 2]!, d = buf[i + 3]!;
      return (a | b | c | d) < 0x80 ? from(a, b, c, d) : undefined;
    }
    case 5: {
      const a = buf[i]!, b = buf[i + 1]!, c = buf[i + 2]!, d = buf[i + 3]!, e = buf[i + 4]!;
      return (a | b | c | d | e) < 0x80 ? from(a, b, c, d, e) : undefined;
    }
    case 6: {
      const a = buf[i]!, b = buf[i + 1]!, c = buf[i + 2]!, d = buf[i + 3]!, e = buf[i + 4]!;
      const f = buf[i + 5]!;
      return (a | b | c | d | e | f) < 0x80 ? from(a, b, c, d, e, f) : undefined;
    }
    case 7: {
      const a = buf[i]!, b = buf[i + 1]!, c = buf[i + 2]!, d = buf[i + 3]!, e = buf[i + 4]!;
      const f = buf[i + 5]!, g = buf[i + 6]!;
      return (a | b | c | d | e | f | g) < 0x80 ? from(a, b, c, d, e, f, g) : undefined;
    }
  }
  // 8 to 16 bytes: the first 8, then the rest.
  const a = buf[i]!, b = buf[i + 1]!, c = buf[i + 2]!, d = buf[i + 3]!, e = buf[i + 4]!;
  const f = buf[i + 5]!, g = buf[i + 6]!, h = buf[i + 7]!;
  if ((a | b | c | d | e | f | g | h) >= 0x80) return undefined;
  switch (n) {
    case 8:
      return from(a, b, c, d, e, f, g, h);
    case 9: {
      const j = buf[i + 8]!;
      return j < 0x80 ? from(a, b, c, d, e, f, g, h, j) : undefined;
    }
    case 10: {
      const j = buf[i + 8]!, k = buf[i + 9]!;
      return (j | k) < 0x80 ? from(a, b, c, d, e, f, g, h, j, k) : undefined;
    }
    case 11: {
      const j = buf[i + 8]!, k = buf[i + 9]!, l = buf[i + 10]!;
      return (j | k | l) < 0x80 ? from(a, b, c, d, e, f, g, h, j, k, l) : undefined;
    }
    case 12: {
      const j = buf[i + 8]!, k = buf[i + 9]!, l = buf[i + 10]!, m = buf[i + 11]!;
      return (j | k | l | m) < 0x80 ? from(a, b, c, d, e, f, g, h, j, k, l, m) : undefined;
    }
    case 13: {
      const j = buf[i + 8]!, k = buf[i + 9]!, l = buf[i + 10]!, m = buf[i + 11]!;
      const o = buf[i + 12]!;
      return (j | k | l | m | o) < 0x80 ? from(a, b, c, d, e, f, g, h, j, k, l, m, o) : undefined;
    }
    case 14: {
      const j = buf[i + 8]!, k = buf[i + 9]!, l = buf[i + 10]!, m = buf[i + 11]!;
      const o = buf[i + 12]!, p = buf[i + 13]!;
      return (j | k | l | m | o | p) < 0x80
        ? from(a, b, c, d, e, f, g, h, j, k, l, m, o, p)
        : undefined;
    }
    case 15: {
      const j = buf[i + 8]!, k = buf[i + 9]!, l = buf[i + 10]!, m = buf[i + 11]!;
      const o = buf[i + 12]!, p = buf[i + 13]!, q = buf[i + 14]!;
      return (j | k | l | m | o | p | q) < 0x80
        ? from(a, b, c, d, e, f, g, h, j, k, l, m, o, p, q)
        : undefined;
    }
    default: {
      const j = buf[i + 8]!, k = buf[i + 9]!, l = buf[i + 10]!, m = buf[i + 11]!;
      const o = buf[i + 12]!, p = buf[i + 13]!, q = buf[i + 14]!, r = buf[i + 15]!;
      return (j | k | l | m | o | p | q | r) < 0x80
        ? from(a, b, c, d, e, f, g, h, j, k, l, m, o, p, q, r)
        : undefined;
    }
  }
}
