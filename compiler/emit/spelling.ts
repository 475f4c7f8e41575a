// Literals spelled as prettier spells them, so that a line the emitter writes is already the line
// prettier would print: strings in double quotes unless they hold more double quotes than single
// ones (prettier's getPreferredQuote and makeString), numbers in prettier's printNumber form.

/** U+2028 and U+2029, which JSON leaves as they are and prettier escapes. */
const LINE_SEPARATOR = /[\u2028\u2029]/;

/** A string literal for `text`, in prettier's quotes and escapes. */
export function stringLiteral(text: string): string {
  const json = LINE_SEPARATOR.test(text)
    ? JSON.stringify(text)
        .replace(/\u2028/g, "\\u2028")
        .replace(/\u2029/g, "\\u2029")
    : JSON.stringify(text);
  if (!text.includes('"')) return json; // the common case: no quote to count
  let doubles = 0;
  let singles = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) doubles++;
    else if (c === 0x27) singles++;
  }
  if (doubles <= singles) return json;
  // More double quotes than single ones: single quotes, `\"` unescaped, `'` escaped.
  const content = json
    .slice(1, -1)
    .replace(/\\(.)|(')/gs, (match, escaped?: string) =>
      escaped === '"' ? '"' : escaped === undefined ? "\\'" : match,
    );
  return `'${content}'`;
}

/** A number literal for `n` (NaN and the infinities by name), in prettier's spelling. */
export function numberLiteral(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  if (Object.is(n, -0)) return "-0";
  return String(n)
    .toLowerCase()
    .replace(/^([+-]?[\d.]+e)(?:\+|(-))?0*(\d)/, "$1$2$3") // 1e+21 → 1e21
    .replace(/^([+-]?[\d.]+)e[+-]?0+$/, "$1")
    .replace(/^([+-])?\./, "$10.")
    .replace(/(\.\d+?)0+(?=e|$)/, "$1")
    .replace(/\.(?=e|$)/, "");
}

/** Whether `text` is printable ASCII only: its width in columns is then its length. */
export function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

/**
 * Whether a line of `text` surely fits in `width` columns. Non-ASCII text is measured by its
 * upper bound (a UTF-16 unit is at most two columns); a line that may not fit goes to the printer,
 * which measures it exactly.
 */
export function surelyFits(text: string, width: number): boolean {
  if (text.length > width) return false;
  return 2 * text.length <= width || isAscii(text); // the cheap bound first: most lines are short
}
