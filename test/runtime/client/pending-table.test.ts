// The client's table of calls awaiting replies, against a plain Map as the model: random
// sequences of sends, replies (in any order, late and unknown ones too), cancellations and
// closes, with calls that outlive the ring (overflow) and seqids that wrap past 2^31-1.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PendingCall } from "../../../runtime/client/pending-call.js";
import { PendingTable } from "../../../runtime/client/pending-table.js";

const MAX_SEQID = 0x7fffffff;

type Step =
  | { kind: "send"; count: number }
  | { kind: "reply"; pick: number }
  | { kind: "late"; seqid: number }
  | { kind: "cancel"; pick: number }
  | { kind: "closeAll" };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("send" as const),
      count: fc.integer({ min: 1, max: 1500 }),
    }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("reply" as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("late" as const),
      seqid: fc.integer({ min: 1, max: MAX_SEQID }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: "closeAll" as const }) },
);

function call(seqid: number): PendingCall {
  return { seqid } as PendingCall;
}

describe("PendingTable", () => {
  it("behaves as a map from seqid to call, whatever the order of replies", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, MAX_SEQID - 2_000),
        fc.array(step, { maxLength: 60 }),
        (start, steps) => {
          const table = new PendingTable(start);
          const model = new Map<number, PendingCall>();
          for (const s of steps) {
            switch (s.kind) {
              case "send":
                for (let i = 0; i < s.count; i++) {
                  const seqid = table.nextSeqid();
                  // in range, and never one still waiting (plain checks: this loop is hot)
                  if (seqid < 1 || seqid > MAX_SEQID || model.has(seqid))
                    throw new Error(`bad seqid ${seqid}`);
                  const c = call(seqid);
                  table.add(c);
                  model.set(seqid, c);
                }
                break;
              case "reply":
              case "cancel": {
                if (model.size === 0) break;
                const seqids = [...model.keys()];
                const seqid = seqids[s.pick % seqids.length]!;
                const c = model.get(seqid)!;
                model.delete(seqid);
                if (s.kind === "reply") expect(table.take(seqid)).toBe(c);
                else table.remove(c);
                expect(table.take(seqid)).toBeUndefined(); // a second reply is late
                break;
              }
              case "late":
                expect(table.take(s.seqid)).toBe(model.get(s.seqid));
                model.delete(s.seqid);
                break;
              case "closeAll": {
                const all = table.takeAll();
                expect(new Set(all)).toEqual(new Set(model.values()));
                expect(all).toHaveLength(model.size);
                model.clear();
                break;
              }
            }
            expect(table.size).toBe(model.size);
          }
          for (const [seqid, c] of model) expect(table.take(seqid)).toBe(c);
          expect(table.size).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps a call that waits while thousands of later calls come and go", () => {
    const table = new PendingTable();
    const slow = call(table.nextSeqid());
    table.add(slow);
    for (let i = 0; i < 10_000; i++) {
      const quick = call(table.nextSeqid());
      table.add(quick);
      expect(table.take(quick.seqid)).toBe(quick);
    }
    expect(table.size).toBe(1);
    expect(table.take(slow.seqid)).toBe(slow);
    expect(table.size).toBe(0);
  });

  it("wraps after 2^31-1 to 1, skipping seqids still waiting", () => {
    const table = new PendingTable(MAX_SEQID - 1);
    table.add(call(1)); // still waiting from the previous time around
    table.add(call(2));
    expect(table.nextSeqid()).toBe(MAX_SEQID);
    expect(table.nextSeqid()).toBe(3);
    expect(table.size).toBe(2);
  });
});
