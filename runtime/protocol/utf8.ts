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
/** Byte runs longer than this are decoded with TextDecoder even when they are ASCII. */
const DECODE_IN_JS_MAX = 48;

/**
 * Writes `value` as UTF-8 at `pos` and returns the end offset. The caller guarantees room for
 * `3 * value.length` bytes (the most UTF-8 any UTF-16 string needs).
 */
export function writeUtf8(buf: Uint8Array, pos: number, value: string): number {
  const length = value.length;
  if (length > ENCODE_IN_JS_MAX) return pos + encoder.encodeInto(value, buf.subarray(pos)).written;
  for (let i = 0; i < length; i++) {
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
  if (end - start > DECODE_IN_JS_MAX) return decoder.decode(buf.subarray(start, end));
  // ASCII in JS, 8 bytes per String.fromCharCode call; the first non-ASCII byte hands the whole
  // range to TextDecoder, which alone knows every replacement rule.
  let out = "";
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = buf[i]!;
    const b = buf[i + 1]!;
    const c = buf[i + 2]!;
    const d = buf[i + 3]!;
    const e = buf[i + 4]!;
    const f = buf[i + 5]!;
    const g = buf[i + 6]!;
    const h = buf[i + 7]!;
    if ((a | b | c | d | e | f | g | h) >= 0x80) return decoder.decode(buf.subarray(start, end));
    out += String.fromCharCode(a, b, c, d, e, f, g, h);
  }
  // The 0–7 bytes left, in one call too.
  switch (end - i) {
    case 0:
      return out;
    case 1: {
      const a = buf[i]!;
      if (a < 0x80) return out + String.fromCharCode(a);
      break;
    }
    case 2: {
      const a = buf[i]!;
      const b = buf[i + 1]!;
      if ((a | b) < 0x80) return out + String.fromCharCode(a, b);
      break;
    }
    case 3: {
      const a = buf[i]!;
      const b = buf[i + 1]!;
      const c = buf[i + 2]!;
      if ((a | b | c) < 0x80) return out + String.fromCharCode(a, b, c);
      break;
    }
    case 4: {
      const a = buf[i]!;
      const b = buf[i + 1]!;
      const c = buf[i + 2]!;
      const d = buf[i + 3]!;
      if ((a | b | c | d) < 0x80) return out + String.fromCharCode(a, b, c, d);
      break;
    }
    case 5: {
      const a = buf[i]!;
      const b = buf[i + 1]!;
      const c = buf[i + 2]!;
      const d = buf[i + 3]!;
      const e = buf[i + 4]!;
      if ((a | b | c | d | e) < 0x80) return out + String.fromCharCode(a, b, c, d, e);
      break;
    }
    case 6: {
      const a = buf[i]!;
      const b = buf[i + 1]!;
      const c = buf[i + 2]!;
      const d = buf[i + 3]!;
      const e = buf[i + 4]!;
      const f = buf[i + 5]!;
      if ((a | b | c | d | e | f) < 0x80) return out + String.fromCharCode(a, b, c, d, e, f);
      break;
    }
    default: {
      const a = buf[i]!;
      const b = buf[i + 1]!;
      const c = buf[i + 2]!;
      const d = buf[i + 3]!;
      const e = buf[i + 4]!;
      const f = buf[i + 5]!;
      const g = buf[i + 6]!;
      if ((a | b | c | d | e | f | g) < 0x80) return out + String.fromCharCode(a, b, c, d, e, f, g);
    }
  }
  return decoder.decode(buf.subarray(start, end));
}
