import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCuratedDir, removeDir, runQuery, writeMeasures } from "./fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = makeCuratedDir();
  const m = (youth: string, start = "2023-01-05 10:00") => ({ youth, start, type: 3 });
  // p1: 2 in Q1 + 1 in Q2 = 3; p2: 1; p3: 1; p5: 2 (AB); p4: 3 (CD)
  await writeMeasures(dir, "AB", "2023-Q1", [m("p1"), m("p1"), m("p2"), m("p3"), m("p5"), m("p5")]);
  await writeMeasures(dir, "AB", "2023-Q2", [m("p1", "2023-04-01 10:00")]);
  await writeMeasures(dir, "CD", "2023-Q1", [m("p4"), m("p4"), m("p4")]);
});
afterAll(() => removeDir(dir));

describe("youth_frequency.sql", () => {
  it("counts young people per number of measures, nationally", async () => {
    expect(
      await runQuery(dir, "youth_frequency", { from: "2023-Q1", to: "2023-Q2", location: null }),
    ).toEqual([
      { measures: 1, youth: 2 },
      { measures: 2, youth: 1 },
      { measures: 3, youth: 2 },
    ]);
  });

  it("filters on location and quarter range", async () => {
    expect(
      await runQuery(dir, "youth_frequency", { from: "2023-Q1", to: "2023-Q2", location: "CD" }),
    ).toEqual([{ measures: 3, youth: 1 }]);
    // Q1 only: p1 has 2 there
    expect(
      await runQuery(dir, "youth_frequency", { from: "2023-Q1", to: "2023-Q1", location: "AB" }),
    ).toEqual([
      { measures: 1, youth: 2 },
      { measures: 2, youth: 2 },
    ]);
  });
});
