import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attempt, makeCuratedDir, removeDir, runQuery, writeLog, writeMeasures } from "./fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = makeCuratedDir();
  const m = (type: number) => ({ youth: "p1", start: "2023-01-05 10:00", type });
  // AB all types; CD seclusion only (a later accepted delivery replaces an earlier all-types one).
  await writeMeasures(dir, "AB", "2023-Q1", [m(3), m(3), m(6), m(15)]);
  writeLog(dir, {
    attempt_id: attempt(1),
    location: "CD",
    quarter: "2023-Q1",
    status: "accepted",
    scope: "all",
    rows: 1,
    processed_at: "2023-04-01T09:00:00.000Z",
  });
  writeLog(dir, {
    attempt_id: attempt(2),
    location: "CD",
    quarter: "2023-Q1",
    status: "accepted",
    scope: "seclusion",
    rows: 2,
    processed_at: "2023-04-02T09:00:00.000Z",
  });
  await writeMeasures(dir, "CD", "2023-Q1", [m(6), m(11)]);
});
afterAll(() => removeDir(dir));

describe("by_type_scope.sql", () => {
  it("counts per type code and the scope of the current delivery, nationally", async () => {
    expect(await runQuery(dir, "by_type_scope", { from: "2023-Q1", to: "2023-Q1", location: null })).toEqual([
      { type_code: 3, category: "beperken_bewegingsvrijheid", scope: "all", n: 2 },
      { type_code: 6, category: "gedwongen_afzonderen", scope: "all", n: 1 },
      { type_code: 6, category: "gedwongen_afzonderen", scope: "seclusion", n: 1 },
      { type_code: 11, category: "gedwongen_afzonderen", scope: "seclusion", n: 1 },
      { type_code: 15, category: "controles", scope: "all", n: 1 },
    ]);
  });

  it("filters on location", async () => {
    expect(await runQuery(dir, "by_type_scope", { from: "2023-Q1", to: "2023-Q1", location: "CD" })).toEqual([
      { type_code: 6, category: "gedwongen_afzonderen", scope: "seclusion", n: 1 },
      { type_code: 11, category: "gedwongen_afzonderen", scope: "seclusion", n: 1 },
    ]);
  });
});
