// The commerce services' shared state (examples/commerce/services/journal.ts): replicas that
// append to one log reach the same state, a check-and-set is decided once across them, a
// command's own result or exception goes to its writer only, the values generated types use
// survive, and a replica opened later replays the same state.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { openJournal } from "../../examples/commerce/services/journal.js";

type Command =
  | { op: "stock"; units: number }
  | { op: "take"; who: string; units: number; at: bigint; tags: Set<string> }
  | { op: "note"; value: { big: bigint; map: Map<string, bigint>; bytes: Uint8Array } };

/** A replica of a tiny stock service: units on hand, and who took how many. */
function replica(dir: string) {
  const state = { units: 0, taken: new Map<string, number>(), notes: [] as unknown[] };
  const journal = openJournal<Command>(
    "stock",
    (command) => {
      switch (command.op) {
        case "stock":
          state.units = command.units;
          return state.units;
        case "take":
          if (state.units < command.units) throw new RangeError(`only ${state.units} left`);
          state.units -= command.units;
          state.taken.set(command.who, (state.taken.get(command.who) ?? 0) + command.units);
          return { left: state.units, at: command.at, tags: command.tags };
        case "note":
          state.notes.push(command.value);
          return command.value;
      }
    },
    dir,
  );
  return { state, journal };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test("replicas on one log agree, and the last unit goes to one of them", () => {
  const dir = mkdtempSync(join(tmpdir(), "idlc-journal-"));
  dirs.push(dir);
  const a = replica(dir);
  const b = replica(dir);
  a.journal.run({ op: "stock", units: 3 });
  const take = (who: string) =>
    ({ op: "take", who, units: 1, at: 7n, tags: new Set([who]) }) as const;

  // b has not read the log since a wrote: its own command is still decided after a's.
  expect(b.journal.run(take("b"))).toEqual({ left: 2, at: 7n, tags: new Set(["b"]) });
  expect(a.journal.run(take("a"))).toEqual({ left: 1, at: 7n, tags: new Set(["a"]) });
  expect(b.journal.run(take("b"))).toMatchObject({ left: 0 });
  // The last unit is gone for everyone: the loser gets the exception, the winner is unaffected.
  expect(() => a.journal.run(take("a"))).toThrow(new RangeError("only 0 left"));
  b.journal.catchUp();
  for (const { state } of [a, b]) {
    expect(state.units).toBe(0);
    expect(state.taken).toEqual(
      new Map([
        ["b", 2],
        ["a", 1],
      ]),
    );
  }

  const value = { big: 2n ** 70n, map: new Map([["k", -1n]]), bytes: new Uint8Array([0, 255]) };
  expect(a.journal.run({ op: "note", value })).toEqual(value);
  b.journal.catchUp();
  expect(b.state.notes).toEqual([value]);

  // A replica started later replays the log into the same state.
  const c = replica(dir);
  expect(c.state.units).toBe(0);
  expect(c.state.taken).toEqual(a.state.taken);
  expect(c.state.notes).toEqual([value]);
  for (const r of [a, b, c]) r.journal.close();
});

test("without a directory the journal is in memory and applies at once", () => {
  const r = replica("");
  expect(r.journal.run({ op: "stock", units: 2 })).toBe(2);
  expect(r.state.units).toBe(2);
});
