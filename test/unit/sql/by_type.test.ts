import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCuratedDir, removeDir, runQuery, writeMeasures } from "./fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = makeCuratedDir();
  const m = (type: number) => ({ youth: "p1", start: "2023-01-05 10:00", type });
  await writeMeasures(dir, "AB", "2023-Q1", [m(3), m(3), m(6), m(15)]);
  await writeMeasures(dir, "CD", "2023-Q1", [m(6), m(11)]);
});
afterAll(() => removeDir(dir));

describe("by_type.sql", () => {
  it("counts per type code with its category, nationally", async () => {
    expect(await runQuery(dir, "by_type", { from: "2023-Q1", to: "2023-Q1", location: null })).toEqual([
      { type_code: 3, category: "beperken_bewegingsvrijheid", n: 2 },
      { type_code: 6, category: "gedwongen_afzonderen", n: 2 },
      { type_code: 11, category: "gedwongen_afzonderen", n: 1 },
      { type_code: 15, category: "controles", n: 1 },
    ]);
  });

  it("filters on location", async () => {
    expect(await runQuery(dir, "by_type", { from: "2023-Q1", to: "2023-Q1", location: "CD" })).toEqual([
      { type_code: 6, category: "gedwongen_afzonderen", n: 1 },
      { type_code: 11, category: "gedwongen_afzonderen", n: 1 },
    ]);
  });
});
