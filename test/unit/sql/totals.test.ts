import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCuratedDir, removeDir, runQuery, writeMeasures } from "./fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = makeCuratedDir();
  const m = (youth: string, start: string) => ({ youth, start, type: 3 });
  await writeMeasures(dir, "AB", "2023-Q1", [
    m("p1", "2023-01-02 10:00"),
    m("p1", "2023-01-03 10:00"),
    m("p1", "2023-02-01 10:00"),
    m("p2", "2023-03-01 10:00"),
  ]);
  await writeMeasures(dir, "AB", "2023-Q2", [
    m("p1", "2023-04-02 10:00"),
    m("p3", "2023-05-02 10:00"),
    m("p3", "2023-06-02 10:00"),
  ]);
  await writeMeasures(dir, "CD", "2023-Q1", [m("p4", "2023-01-05 10:00"), m("p4", "2023-01-06 10:00")]);
  await writeMeasures(dir, "EF", "2022-Q4", [m("p5", "2022-12-05 10:00")]);
  await writeMeasures(dir, "GH", "2023-Q1", []); // header-only delivery: no measures
});
afterAll(() => removeDir(dir));

describe("totals.sql", () => {
  it("counts measures and distinct young people nationally", async () => {
    // 4 + 3 + 2 measures; p1, p2, p3, p4 (p5 is outside the range)
    expect(await runQuery(dir, "totals", { from: "2023-Q1", to: "2023-Q2", location: null })).toEqual([
      { total: 9, unique_youth: 4 },
    ]);
  });

  it("filters on location and quarter range", async () => {
    expect(await runQuery(dir, "totals", { from: "2023-Q1", to: "2023-Q2", location: "AB" })).toEqual([
      { total: 7, unique_youth: 3 },
    ]);
    expect(await runQuery(dir, "totals", { from: "2023-Q2", to: "2023-Q2", location: "AB" })).toEqual([
      { total: 3, unique_youth: 2 },
    ]);
    expect(await runQuery(dir, "totals", { from: "2023-Q1", to: "2023-Q1", location: "GH" })).toEqual([
      { total: 0, unique_youth: 0 },
    ]);
    expect(await runQuery(dir, "totals", { from: "2025-Q1", to: "2025-Q4", location: null })).toEqual([
      { total: 0, unique_youth: 0 },
    ]);
  });

  it("gives zeros without any measures file", async () => {
    const empty = makeCuratedDir();
    try {
      expect(await runQuery(empty, "totals", { from: "2023-Q1", to: "2023-Q4", location: null })).toEqual([
        { total: 0, unique_youth: 0 },
      ]);
    } finally {
      removeDir(empty);
    }
  });
});
