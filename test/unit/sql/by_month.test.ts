import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCuratedDir, removeDir, runQuery, writeMeasures } from "./fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = makeCuratedDir();
  const m = (start: string) => ({ youth: "p1", start, type: 6 });
  await writeMeasures(dir, "AB", "2023-Q1", [
    m("2023-01-01 00:00"),
    m("2023-01-31 23:59"),
    m("2023-03-15 12:00"),
  ]);
  await writeMeasures(dir, "CD", "2023-Q1", [
    m("2023-01-10 08:00"),
    m("2023-02-01 08:00"),
    m("2023-02-02 08:00"),
    m("2023-02-28 08:00"),
  ]);
  await writeMeasures(dir, "CD", "2023-Q2", [m("2023-04-10 08:00")]);
});
afterAll(() => removeDir(dir));

describe("by_month.sql", () => {
  it("counts per start month, nationally", async () => {
    expect(await runQuery(dir, "by_month", { from: "2023-Q1", to: "2023-Q1", location: null })).toEqual([
      { start_month: "2023-01", n: 3 },
      { start_month: "2023-02", n: 3 },
      { start_month: "2023-03", n: 1 },
    ]);
  });

  it("counts per start month for one location (months without measures are absent)", async () => {
    expect(await runQuery(dir, "by_month", { from: "2023-Q1", to: "2023-Q2", location: "AB" })).toEqual([
      { start_month: "2023-01", n: 2 },
      { start_month: "2023-03", n: 1 },
    ]);
    expect(await runQuery(dir, "by_month", { from: "2023-Q2", to: "2023-Q2", location: null })).toEqual([
      { start_month: "2023-04", n: 1 },
    ]);
  });
});
