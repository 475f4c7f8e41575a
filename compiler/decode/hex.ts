// `idlc decode --hex`: captured bytes written as hex digits, as tcpdump -x, Wireshark's "copy as
// hex stream" or a log line gives them. Whitespace, `:` and `,` between bytes and a `0x` before a
// byte are ignored; anything else is an error naming the character and where it is.

/** The bytes of a hex dump, or why it is not one (`offset` counts characters of the text). */
export function parseHex(
  text: string,
): { readonly bytes: Uint8Array } | { readonly error: string; readonly offset: number } {
  const out = new Uint8Array(text.length >> 1);
  let n = 0;
  let high = -1;
  let highAt = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x30 && (text[i + 1] === "x" || text[i + 1] === "X") && high < 0) {
      i++; // a 0x prefix
      continue;
    }
    const digit = hexDigit(c);
    if (digit < 0) {
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x3a || c === 0x2c) {
        if (high >= 0) return { error: "a hex byte needs two digits", offset: highAt };
        continue;
      }
      return { error: `${JSON.stringify(text[i])} is not a hex digit`, offset: i };
    }
    if (high < 0) {
      high = digit;
      highAt = i;
    } else {
      out[n++] = (high << 4) | digit;
      high = -1;
    }
  }
  if (high >= 0) return { error: "a hex byte needs two digits", offset: highAt };
  return { bytes: out.subarray(0, n) };
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
