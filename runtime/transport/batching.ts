// When a connection writes part of a batch early. Calls made in one event-loop turn, and the
// replies to one received chunk, normally leave in one write. When this process had been
// waiting for its peers before the input it is handling, the peer is most likely waiting for
// it now, so the first PARTIAL_FLUSH_MESSAGES messages go out at once and the peer starts on
// them while this side makes the rest: client and server work at the same time instead of
// taking turns (a whole batch one way, then the whole answer back). A process that is busy
// without pause (many connections keep it fed) writes whole batches: there an early write
// only adds syscalls. Process-wide on purpose: the question is whether this process idles.
// bench/README.md has the measurements.

/** Messages of a batch after which a waited-on connection writes what it has so far. */
const PARTIAL_FLUSH_MESSAGES = 16;

/** A pause between two inputs at least this long (ms) means the process was waiting. */
const WAITED_MS = 0.05;

let inputEndedAt = 0;
let splitEvery = Infinity;

/** A chunk of input (calls or replies) is about to be handled. */
export function inputBegins(): void {
  splitEvery = performance.now() - inputEndedAt >= WAITED_MS ? PARTIAL_FLUSH_MESSAGES : Infinity;
}

/** The chunk was handled. */
export function inputEnded(): void {
  inputEndedAt = performance.now();
}

/** After how many messages of the current batch a connection writes early (Infinity: never). */
export function partialFlushEvery(): number {
  return splitEvery;
}
