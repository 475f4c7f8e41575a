import { expect, test } from "vitest";
import { TType } from "idlc/runtime";

test("idlc/runtime resolves to the runtime sources", () => {
  expect(TType.STRUCT).toBe(12);
});
