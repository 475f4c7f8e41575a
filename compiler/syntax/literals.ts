// Values of literal tokens (spec thrift-idl.md §1.7): strings with exactly six escapes,
// integers as Apache's strtoll reads them, doubles.

const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  r: "\r",
  t: "\t",
  '"': '"',
  "'": "'",
  "\\": "\\",
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Offsets (within the token image) of backslashes that start an escape Apache rejects. */
export function findBadEscapes(image: string): number[] {
  const bad: number[] = [];
  for (let i = image.indexOf("\\"); i !== -1 && i + 1 < image.length; i = image.indexOf("\\", i)) {
    if (ESCAPES[image[i + 1]!] === undefined) bad.push(i);
    i += 2;
  }
  return bad;
}

/**
 * The value of a string literal token (quotes removed, escapes decoded). A bad escape keeps the
 * escaped character (the lexer has already reported it); an unterminated literal runs to its end.
 */
export function stringValue(image: string): string {
  const quote = image[0];
  const closed = image.length >= 2 && image[image.length - 1] === quote && !endsInEscape(image);
  const body = image.slice(1, closed ? -1 : undefined);
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\" || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const next = body[++i]!;
    out += ESCAPES[next] ?? next;
  }
  return out;
}

/** Whether the last quote of an image is escaped (`"abc\"` is unterminated). */
function endsInEscape(image: string): boolean {
  let backslashes = 0;
  for (let i = image.length - 2; i > 0 && image[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * The value of an integer token: decimal, `0x` hex (digits read as a signed int64, then the sign
 * applied, as `thriftl.ll` does), or `true`/`false`.
 */
export function integerValue(image: string): bigint {
  const small = smallInteger(image);
  if (small !== undefined) return small;
  if (image === "true") return 1n;
  if (image === "false") return 0n;
  // Signed decimal is BigInt syntax already; only hex (sign first) and huge literals need work.
  if (image.length <= 40 && !image.includes("x")) return BigInt(image);
  const negative = image.startsWith("-");
  const unsigned = image[0] === "-" || image[0] === "+" ? image.slice(1) : image;
  const hex = unsigned.startsWith("0x");
  const digits = (hex ? unsigned.slice(2) : unsigned).replace(/^0+/, "");
  // A literal of thousands of digits is out of range anyway (and reported); skip the costly
  // conversion and return a value just past int64 that keeps the sign.
  if (digits.length > 40) return negative ? INT64_MIN - 1n : INT64_MAX + 1n;
  const magnitude = digits === "" ? 0n : BigInt(hex ? `0x${digits}` : digits);
  return negative ? -magnitude : magnitude;
}

/** Small non-negative integers, made once: field ids and enum values are mostly these. */
const SMALL_INTEGERS: bigint[] = Array.from({ length: 1000 }, (_, i) => BigInt(i));

/** The value of `0` … `999` (leading zeros allowed: decimal), or undefined for anything else. */
function smallInteger(image: string): bigint | undefined {
  if (image.length > 3) return undefined;
  let value = 0;
  for (let i = 0; i < image.length; i++) {
    const digit = image.charCodeAt(i) - 48; // "0"
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return image.length === 0 ? undefined : SMALL_INTEGERS[value];
}

/** Whether an integer literal is out of int64 range, which Apache rejects ("too big"). */
export function integerTooBig(image: string): boolean {
  const value = integerValue(image);
  // Hex digits are parsed as a signed int64 before the sign is applied: -0x8000000000000000
  // overflows even though -2^63 itself fits.
  if (image.includes("0x")) return (value < 0n ? -value : value) > INT64_MAX;
  return value < INT64_MIN || value > INT64_MAX;
}

/** The value of a double token (`1.5`, `.5`, `1e3`, `+1E+2`). */
export function doubleValue(image: string): number {
  return Number(image);
}
