import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCuratedDir, removeDir, runQuery, writeMeasures } from "./fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = makeCuratedDir();
  const m = (start: string, type: number) => ({ youth: "p1", start, type });
  // 6 = isolation room locked, 10 = own room locked, 11 = own room not locked; 3 (holding) and
  // 15 (body search) are not seclusion and are left out.
  await writeMeasures(dir, "AB", "2023-Q1", [
    m("2023-01-01 20:05", 6),
    m("2023-01-02 20:59", 6),
    m("2023-01-03 21:00", 6),
    m("2023-01-04 20:30", 10),
    m("2023-01-05 08:15", 11),
    m("2023-01-06 20:10", 3),
    m("2023-01-07 08:00", 15),
  ]);
  await writeMeasures(dir, "CD", "2023-Q1", [m("2023-02-01 08:45", 11), m("2023-02-02 00:00", 11)]);
  // Another quarter: outside the range below.
  await writeMeasures(dir, "CD", "2023-Q2", [m("2023-04-01 08:45", 11)]);
});
afterAll(() => removeDir(dir));

describe("seclusion_by_start_hour.sql", () => {
  it("counts seclusion per hour of the start, room and locked, nationally", async () => {
    expect(
      await runQuery(dir, "seclusion_by_start_hour", { from: "2023-Q1", to: "2023-Q1", location: null }),
    ).toEqual([
      { start_hour: 0, room: "eigen_kamer", locked: false, n: 1 },
      { start_hour: 8, room: "eigen_kamer", locked: false, n: 2 },
      { start_hour: 20, room: "eigen_kamer", locked: true, n: 1 },
      { start_hour: 20, room: "isoleer_separeerruimte", locked: true, n: 2 },
      { start_hour: 21, room: "isoleer_separeerruimte", locked: true, n: 1 },
    ]);
  });

  it("filters on location and quarter", async () => {
    expect(
      await runQuery(dir, "seclusion_by_start_hour", { from: "2023-Q1", to: "2023-Q1", location: "CD" }),
    ).toEqual([
      { start_hour: 0, room: "eigen_kamer", locked: false, n: 1 },
      { start_hour: 8, room: "eigen_kamer", locked: false, n: 1 },
    ]);
    expect(
      await runQuery(dir, "seclusion_by_start_hour", { from: "2023-Q1", to: "2023-Q2", location: "CD" }),
    ).toEqual([
      { start_hour: 0, room: "eigen_kamer", locked: false, n: 1 },
      { start_hour: 8, room: "eigen_kamer", locked: false, n: 2 },
    ]);
  });
});
