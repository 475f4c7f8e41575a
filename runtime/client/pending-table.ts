// The calls of one connection that await replies, by seqid, and the seqids themselves:
// 1..2^31-1, wrapping to 1 (rpc.md §4), never one still awaiting its reply.
//
// Seqids are handed out in order and replies mostly come back soon, so the calls in flight sit
// in a small ring indexed by the seqid's low bits; a call still waiting when a newer seqid needs
// its slot moves to an overflow map. A slot is cleared as its call settles. This replaced a JS
// Map (a set and a delete per call): with it, at 64 calls in flight the client's scavenges
// promoted nearly every settled call (with its promise and reply) and took 10-20 ms each, about
// 15 % of the time in GC, which was the p99 latency; with the ring, GC is 1-2 % of the time. The
// likely cause is the Map's frequent rehashing, whose discarded tables, once old, still point at
// the calls they held until a full collection.
import type { PendingCall } from "./pending-call.js";

const MAX_SEQID = 0x7fffffff;
const RING_SIZE = 1024; // a power of two
const RING_MASK = RING_SIZE - 1;

/** Calls awaiting replies on one connection. */
export class PendingTable {
  private readonly ring: (PendingCall | undefined)[] = new Array<PendingCall | undefined>(
    RING_SIZE,
  ).fill(undefined);
  /** Calls that lost their ring slot to a newer seqid while still waiting. */
  private readonly overflow = new Map<number, PendingCall>();
  private count = 0;
  private seqid: number;
  private wrapped = false;

  /** `lastSeqid`: the seqid before the first one handed out (tests start near the wrap). */
  constructor(lastSeqid = 0) {
    this.seqid = lastSeqid;
  }

  /** Calls awaiting a reply. */
  get size(): number {
    return this.count;
  }

  /** The next free seqid. */
  nextSeqid(): number {
    let seqid = this.seqid;
    do {
      if (seqid >= MAX_SEQID) {
        seqid = 1;
        this.wrapped = true;
      } else seqid++;
    } while (this.wrapped && this.has(seqid));
    this.seqid = seqid;
    return seqid;
  }

  add(call: PendingCall): void {
    const slot = call.seqid & RING_MASK;
    const occupant = this.ring[slot];
    if (occupant !== undefined) this.overflow.set(occupant.seqid, occupant);
    this.ring[slot] = call;
    this.count++;
  }

  /** Removes and returns the call a reply with `seqid` answers; undefined for a late reply. */
  take(seqid: number): PendingCall | undefined {
    const slot = seqid & RING_MASK;
    const call = this.ring[slot];
    if (call !== undefined && call.seqid === seqid) {
      this.ring[slot] = undefined;
      this.count--;
      return call;
    }
    if (this.overflow.size === 0) return undefined;
    const overflowed = this.overflow.get(seqid);
    if (overflowed !== undefined) {
      this.overflow.delete(seqid);
      this.count--;
    }
    return overflowed;
  }

  /** Forgets `call` if it is still waiting. */
  remove(call: PendingCall): void {
    const slot = call.seqid & RING_MASK;
    if (this.ring[slot] === call) {
      this.ring[slot] = undefined;
      this.count--;
    } else if (this.overflow.get(call.seqid) === call) {
      this.overflow.delete(call.seqid);
      this.count--;
    }
  }

  /** Removes and returns every call. */
  takeAll(): PendingCall[] {
    const all = [...this.overflow.values()];
    this.overflow.clear();
    for (let slot = 0; slot < RING_SIZE; slot++) {
      const call = this.ring[slot];
      if (call !== undefined) all.push(call);
      this.ring[slot] = undefined;
    }
    this.count = 0;
    return all;
  }

  private has(seqid: number): boolean {
    return this.ring[seqid & RING_MASK]?.seqid === seqid || this.overflow.has(seqid);
  }
}
