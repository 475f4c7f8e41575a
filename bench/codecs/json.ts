// JSON: the order as plain data (i64 as decimal strings, since JSON numbers lose precision above
// 2^53), through JSON.stringify/parse and UTF-8, so it is bytes in and out like the others.
import { ORDER } from "../sample.js";
import type { CodecAdapter } from "./codec.js";

/** JSON with UTF-8 bytes. */
export async function loadJson(): Promise<CodecAdapter> {
  return {
    system: "json",
    description: `JSON.stringify + Buffer.from / JSON.parse + buffer.toString, i64 as strings`,
    sample: structuredClone(ORDER),
    encode: (order) => Buffer.from(JSON.stringify(order), "utf8"),
    decode: (bytes) =>
      JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8")),
  };
}
