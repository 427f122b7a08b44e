import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCuratedDir, removeDir, runQuery, writeMeasures } from "./fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = makeCuratedDir();
  const m = (start: string) => ({ youth: "p1", start, type: 3 });
  await writeMeasures(dir, "AB", "2023-Q1", [
    m("2023-01-01 00:05"),
    m("2023-01-02 00:59"),
    m("2023-01-03 13:00"),
    m("2023-01-04 23:59"),
  ]);
  await writeMeasures(dir, "CD", "2023-Q1", [m("2023-02-01 13:30")]);
});
afterAll(() => removeDir(dir));

describe("by_start_hour.sql", () => {
  it("counts per hour of the start, nationally", async () => {
    expect(await runQuery(dir, "by_start_hour", { from: "2023-Q1", to: "2023-Q1", location: null })).toEqual([
      { start_hour: 0, n: 2 },
      { start_hour: 13, n: 2 },
      { start_hour: 23, n: 1 },
    ]);
  });

  it("filters on location", async () => {
    expect(await runQuery(dir, "by_start_hour", { from: "2023-Q1", to: "2023-Q1", location: "AB" })).toEqual([
      { start_hour: 0, n: 2 },
      { start_hour: 13, n: 1 },
      { start_hour: 23, n: 1 },
    ]);
  });
});
