import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCuratedDir, removeDir, runQuery, writeMeasures } from "./fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = makeCuratedDir();
  const m = (start: string, type: number) => ({ youth: "p1", start, type });
  await writeMeasures(dir, "AB", "2023-Q1", [
    m("2023-01-01 00:05", 3), // beperken bewegingsvrijheid
    m("2023-01-02 00:59", 10), // gedwongen afzonderen
    m("2023-01-03 00:10", 11), // gedwongen afzonderen
    m("2023-01-04 13:00", 15), // controles
  ]);
  await writeMeasures(dir, "CD", "2023-Q1", [m("2023-02-01 13:30", 16)]);
});
afterAll(() => removeDir(dir));

describe("by_start_hour_category.sql", () => {
  it("counts per hour of the start and category, nationally", async () => {
    expect(
      await runQuery(dir, "by_start_hour_category", { from: "2023-Q1", to: "2023-Q1", location: null }),
    ).toEqual([
      { start_hour: 0, category: "beperken_bewegingsvrijheid", n: 1 },
      { start_hour: 0, category: "gedwongen_afzonderen", n: 2 },
      { start_hour: 13, category: "controles", n: 2 },
    ]);
  });

  it("filters on location", async () => {
    expect(
      await runQuery(dir, "by_start_hour_category", { from: "2023-Q1", to: "2023-Q1", location: "CD" }),
    ).toEqual([{ start_hour: 13, category: "controles", n: 1 }]);
  });
});
