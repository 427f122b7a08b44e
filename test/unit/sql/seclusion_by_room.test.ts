import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCuratedDir, removeDir, runQuery, writeMeasures } from "./fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = makeCuratedDir();
  const m = (type: number) => ({ youth: "p1", start: "2023-01-05 10:00", type });
  // 6 = isolation room locked, 7 = isolation room not locked, 10 = own room locked,
  // 11 = own room not locked; 3 (holding) is not seclusion.
  await writeMeasures(dir, "AB", "2023-Q1", [m(6), m(6), m(7), m(10), m(3)]);
  await writeMeasures(dir, "CD", "2023-Q1", [m(11), m(11), m(11)]);
});
afterAll(() => removeDir(dir));

describe("seclusion_by_room.sql", () => {
  it("counts seclusion per room and locked, nationally", async () => {
    expect(
      await runQuery(dir, "seclusion_by_room", { from: "2023-Q1", to: "2023-Q1", location: null }),
    ).toEqual([
      { room: "eigen_kamer", locked: false, n: 3 },
      { room: "eigen_kamer", locked: true, n: 1 },
      { room: "isoleer_separeerruimte", locked: false, n: 1 },
      { room: "isoleer_separeerruimte", locked: true, n: 2 },
    ]);
  });

  it("filters on location", async () => {
    expect(
      await runQuery(dir, "seclusion_by_room", { from: "2023-Q1", to: "2023-Q1", location: "CD" }),
    ).toEqual([{ room: "eigen_kamer", locked: false, n: 3 }]);
  });
});
