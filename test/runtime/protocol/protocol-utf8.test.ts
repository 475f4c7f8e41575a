// readUtf8 takes different paths by length (one String.fromCharCode call up to 16 bytes, runs of
// 16 up to 48, TextDecoder beyond) and bails out to TextDecoder at the first non-ASCII byte:
// every length on both sides of each boundary, with a non-ASCII byte at every position, must
// read exactly as non-fatal TextDecoder reads it.
import { describe, expect, test } from "vitest";
import { readUtf8 } from "../../../runtime/protocol/utf8.js";

const decoder = new TextDecoder();

/** Bytes `offset` padding, then `length` ASCII letters (the range under test), then padding. */
function asciiRange(offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(offset + length + 3).fill(0x2e);
  for (let i = 0; i < length; i++) bytes[offset + i] = 0x41 + ((i * 7) % 58); // A–z and some punctuation
  return bytes;
}

describe("readUtf8", () => {
  test("ASCII ranges of every length 0–80 read as TextDecoder reads them", () => {
    for (let length = 0; length <= 80; length++) {
      for (const offset of [0, 1, 5]) {
        const bytes = asciiRange(offset, length);
        const expected = decoder.decode(bytes.subarray(offset, offset + length));
        expect(readUtf8(bytes, offset, offset + length)).toBe(expected);
        expect(expected.length).toBe(length);
      }
    }
  });

  test("a non-ASCII byte at any position of any length 1–64 hands over to TextDecoder", () => {
    // A valid two-byte sequence, a lone continuation byte, an invalid lead byte, and a lead
    // byte whose continuation is cut off by the end of the range.
    const insertions = [[0xc3, 0xa9], [0x80], [0xff], [0xe2, 0x82]];
    for (let length = 1; length <= 64; length++) {
      for (let at = 0; at < length; at++) {
        for (const insert of insertions) {
          const bytes = asciiRange(2, length);
          for (let k = 0; k < insert.length && at + k < length; k++) bytes[2 + at + k] = insert[k]!;
          const expected = decoder.decode(bytes.subarray(2, 2 + length));
          expect(readUtf8(bytes, 2, 2 + length), `length ${length}, at ${at}`).toBe(expected);
        }
      }
    }
  });

  test("bytes past the end of the range are never read into the string", () => {
    const bytes = new Uint8Array(40).fill(0x78);
    for (let length = 0; length <= 20; length++)
      expect(readUtf8(bytes, 10, 10 + length)).toBe("x".repeat(length));
  });
});
