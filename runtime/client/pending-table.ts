// The calls of one connection that await replies, by seqid, and the seqids themselves:
// 1..2^31-1, wrapping to 1 (rpc.md §4), never one still awaiting its reply.
import type { PendingCall } from "./pending-call.js";

const MAX_SEQID = 0x7fffffff;

/** Calls awaiting replies on one connection. */
export class PendingTable {
  private readonly calls = new Map<number, PendingCall>();
  private seqid = 0;
  private wrapped = false;

  /** Calls awaiting a reply. */
  get size(): number {
    return this.calls.size;
  }

  /** The next free seqid. */
  nextSeqid(): number {
    let seqid = this.seqid;
    do {
      if (seqid >= MAX_SEQID) {
        seqid = 1;
        this.wrapped = true;
      } else seqid++;
    } while (this.wrapped && this.calls.has(seqid));
    this.seqid = seqid;
    return seqid;
  }

  add(call: PendingCall): void {
    this.calls.set(call.seqid, call);
  }

  /** Removes and returns the call a reply with `seqid` answers; undefined for a late reply. */
  take(seqid: number): PendingCall | undefined {
    const call = this.calls.get(seqid);
    if (call !== undefined) this.calls.delete(seqid);
    return call;
  }

  /** Forgets `call` if it is still waiting. */
  remove(call: PendingCall): void {
    if (this.calls.get(call.seqid) === call) this.calls.delete(call.seqid);
  }

  /** Removes and returns every call. */
  takeAll(): PendingCall[] {
    const all = [...this.calls.values()];
    this.calls.clear();
    return all;
  }
}
