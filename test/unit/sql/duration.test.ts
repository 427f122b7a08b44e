import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MeasureFixture, makeCuratedDir, removeDir, runQuery, writeMeasures } from "./fixtures.ts";

let dir: string;
const m = (type: number, duration?: number): MeasureFixture =>
  duration === undefined
    ? { youth: "p1", start: "2023-01-05 10:00", type }
    : { youth: "p1", start: "2023-01-05 10:00", end: "2023-01-05 10:00", duration, type };

beforeAll(async () => {
  dir = makeCuratedDir();
  // Type 3 over both locations: [0, 90, 10] at AB and [20] at CD, plus one without an end.
  await writeMeasures(dir, "AB", "2023-Q1", [
    m(3, 0),
    m(3, 90),
    m(3, 10),
    m(3),
    m(6, 5),
    m(6, 1),
    m(6, 3),
    m(11, 2),
    m(11, 1),
    m(15),
  ]);
  await writeMeasures(dir, "CD", "2023-Q1", [m(3, 20), m(10, 7), m(12, 2), m(12, 1), m(12, 2)]);
});
afterAll(() => removeDir(dir));

describe("duration.sql", () => {
  it("gives n, min, max, mean and the exact median per type, nationally", async () => {
    expect(await runQuery(dir, "duration", { from: "2023-Q1", to: "2023-Q1", location: null })).toEqual([
      // [0, 10, 20, 90]: even n, median (10 + 20) / 2 = 15, mean 120 / 4 = 30
      { type_code: 3, n: 4, min_duration: 0, max_duration: 90, mean_duration: 30, median_duration: 15 },
      // [1, 3, 5]: odd n, median 3
      { type_code: 6, n: 3, min_duration: 1, max_duration: 5, mean_duration: 3, median_duration: 3 },
      // [7]: a single value
      { type_code: 10, n: 1, min_duration: 7, max_duration: 7, mean_duration: 7, median_duration: 7 },
      // [1, 2]: median 1.5 (not integer-divided)
      { type_code: 11, n: 2, min_duration: 1, max_duration: 2, mean_duration: 1.5, median_duration: 1.5 },
      // [1, 2, 2]: median 2, mean 5 / 3
      { type_code: 12, n: 3, min_duration: 1, max_duration: 2, mean_duration: 5 / 3, median_duration: 2 },
      // type 15 has no measure with an end: no row
    ]);
  });

  it("filters on location", async () => {
    expect(await runQuery(dir, "duration", { from: "2023-Q1", to: "2023-Q1", location: "AB" })).toEqual([
      // [0, 10, 90]: median 10, mean 100 / 3
      { type_code: 3, n: 3, min_duration: 0, max_duration: 90, mean_duration: 100 / 3, median_duration: 10 },
      { type_code: 6, n: 3, min_duration: 1, max_duration: 5, mean_duration: 3, median_duration: 3 },
      { type_code: 11, n: 2, min_duration: 1, max_duration: 2, mean_duration: 1.5, median_duration: 1.5 },
    ]);
    expect(await runQuery(dir, "duration", { from: "2023-Q2", to: "2023-Q4", location: null })).toEqual([]);
  });
});
