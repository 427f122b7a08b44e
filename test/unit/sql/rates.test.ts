import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Row } from "../../../functions/ports.ts";
import {
  attempt,
  type MeasureFixture,
  makeCuratedDir,
  removeDir,
  runQuery,
  writeLog,
  writeMeasures,
  writeOccupancy,
} from "./fixtures.ts";

let dir: string;
const m = (start: string, type: number): MeasureFixture => ({ youth: "p1", start, type });
let id = 0;
const accepted = (location: string, quarter: string, scope: "all" | "seclusion", processedAt: string) =>
  writeLog(dir, {
    attempt_id: attempt(++id),
    location,
    quarter,
    status: "accepted",
    scope,
    processed_at: processedAt,
  });

beforeAll(async () => {
  dir = makeCuratedDir();
  // AB: all types (a later accepted delivery replaces an earlier seclusion-only one).
  accepted("AB", "2023-Q1", "seclusion", "2023-04-01T09:00:00.000Z");
  accepted("AB", "2023-Q1", "all", "2023-04-02T09:00:00.000Z");
  await writeMeasures(dir, "AB", "2023-Q1", [
    m("2023-01-03 10:00", 3),
    m("2023-01-04 10:00", 3),
    m("2023-01-05 10:00", 6),
    m("2023-02-01 10:00", 6),
    m("2023-02-02 10:00", 10),
  ]);
  // CD: seclusion only: counts for seclusion rates, not for all-type rates.
  accepted("CD", "2023-Q1", "seclusion", "2023-04-03T09:00:00.000Z");
  await writeMeasures(dir, "CD", "2023-Q1", [
    m("2023-01-10 10:00", 6),
    m("2023-01-11 10:00", 6),
    m("2023-02-10 10:00", 11),
    m("2023-03-10 10:00", 7),
  ]);
  // EF: all types; a later rejected attempt changes nothing; no occupancy for January.
  accepted("EF", "2023-Q1", "all", "2023-04-03T09:00:00.000Z");
  writeLog(dir, {
    attempt_id: attempt(++id),
    location: "EF",
    quarter: "2023-Q1",
    status: "rejected",
    processed_at: "2023-04-09T09:00:00.000Z",
  });
  await writeMeasures(dir, "EF", "2023-Q1", [m("2023-01-15 10:00", 3), m("2023-02-15 10:00", 6)]);
  // GH: no accepted delivery, only occupancy: never counts.
  writeLog(dir, {
    attempt_id: attempt(++id),
    location: "GH",
    quarter: "2023-Q1",
    status: "rejected",
    processed_at: "2023-04-03T09:00:00.000Z",
  });
  // AB 2023-Q2: occupancy 0 in April -> per10 NULL; no occupancy for May and June.
  accepted("AB", "2023-Q2", "all", "2023-07-02T09:00:00.000Z");
  await writeMeasures(dir, "AB", "2023-Q2", [m("2023-04-20 10:00", 3), m("2023-05-20 10:00", 3)]);

  await writeOccupancy(dir, "load1", "2024-01-01 09:00:00", [
    ["AB", "2023-01", 10],
    ["AB", "2023-02", 10],
    ["AB", "2023-03", 8],
    ["CD", "2023-01", 5],
    ["CD", "2023-02", 5],
    ["EF", "2023-02", 4],
    ["GH", "2023-01", 6],
    ["AB", "2023-04", 0],
  ]);
  // A newer load overrides AB February and adds CD March.
  await writeOccupancy(dir, "load2", "2024-02-01 09:00:00", [
    ["AB", "2023-02", 12],
    ["CD", "2023-03", 6],
  ]);
  // An older load (loaded before load1) does not override AB January.
  await writeOccupancy(dir, "load0", "2023-12-01 09:00:00", [["AB", "2023-01", 99]]);
});
afterAll(() => removeDir(dir));

function expectRates(rows: Row[], expected: [string, string, number, number, number | null][]): void {
  expect(rows.map((r) => [r.month, r.scope, r.measures, r.occupancy])).toEqual(
    expected.map(([a, b, c, d]) => [a, b, c, d]),
  );
  rows.forEach((r, i) => {
    const per10 = expected[i]?.[4];
    if (per10 === null) expect(r.per10).toBeNull();
    else expect(r.per10).toBeCloseTo(per10 as number, 12);
  });
}

describe("rates.sql", () => {
  it("computes national rates per month for both scope groups", async () => {
    const rows = await runQuery(dir, "rates", { from: "2023-Q1", to: "2023-Q2", location: null });
    expectRates(rows, [
      // all: AB (10, 3 measures); EF has no January occupancy and is left out.
      ["2023-01", "all", 3, 10, 3],
      // seclusion: AB (10, 1) + CD (5, 2)
      ["2023-01", "seclusion", 3, 15, 2],
      // all: AB (12 from the newer load, 2) + EF (4, 1)
      ["2023-02", "all", 3, 16, 30 / 16],
      // seclusion: AB (12, 2) + CD (5, 1) + EF (4, 1)
      ["2023-02", "seclusion", 4, 21, 40 / 21],
      // all: AB (8, 0)
      ["2023-03", "all", 0, 8, 0],
      // seclusion: AB (8, 0) + CD (6, 1)
      ["2023-03", "seclusion", 1, 14, 10 / 14],
      // AB April: occupancy 0 -> no rate
      ["2023-04", "all", 1, 0, null],
      ["2023-04", "seclusion", 0, 0, null],
    ]);
  });

  it("computes the rates of one location", async () => {
    expectRates(await runQuery(dir, "rates", { from: "2023-Q1", to: "2023-Q2", location: "CD" }), [
      ["2023-01", "seclusion", 2, 5, 4],
      ["2023-02", "seclusion", 1, 5, 2],
      ["2023-03", "seclusion", 1, 6, 10 / 6],
    ]);
    expectRates(await runQuery(dir, "rates", { from: "2023-Q1", to: "2023-Q1", location: "GH" }), []);
  });

  it("uses the seclusion category passed as parameter", async () => {
    const rows = await runQuery(dir, "rates", {
      from: "2023-Q1",
      to: "2023-Q1",
      location: "AB",
      seclusionCategory: "beperken_bewegingsvrijheid",
    });
    expectRates(rows, [
      ["2023-01", "all", 3, 10, 3],
      ["2023-01", "seclusion", 2, 10, 2],
      ["2023-02", "all", 2, 12, 20 / 12],
      ["2023-02", "seclusion", 0, 12, 0],
      ["2023-03", "all", 0, 8, 0],
      ["2023-03", "seclusion", 0, 8, 0],
    ]);
  });

  it("maps every month to its quarter (no occupancy is joined to another quarter's delivery)", async () => {
    // Only Q2 in range: the Q1 occupancy of AB must not appear.
    expectRates(await runQuery(dir, "rates", { from: "2023-Q2", to: "2023-Q2", location: null }), [
      ["2023-04", "all", 1, 0, null],
      ["2023-04", "seclusion", 0, 0, null],
    ]);
  });
});
