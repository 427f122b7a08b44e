import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDuckDbEngine } from "../../../functions/adapters/local/duckdb-engine.ts";
import { buildFigures, type FiguresOptions } from "../../../functions/core/figures.ts";
import type { FiguresModel } from "../../../schemas/figures.ts";
import {
  attempt,
  makeCuratedDir,
  removeDir,
  writeLog,
  writeMeasures,
  writeOccupancy,
} from "../sql/fixtures.ts";

/*
 * Fixture (2023-Q1..Q2, known locations AB, CD, EF):
 *   AB Q1 all types, 5 measures:
 *     #1 p1 2023-01-10 08:15 type 3  10 min  care plan yes
 *     #2 p1 2023-01-10 13:00 type 6  60 min  no
 *     #3 p1 2023-02-01 13:30 type 15 (point in time, no end)  unknown
 *     #4 p2 2023-03-31 23:10 type 11 no end (missing!)  unknown, no reason
 *     #5 p2 2023-02-14 00:00 type 3  0 min  yes
 *   AB Q2 nothing delivered.
 *   CD Q1 seclusion only, 2 measures:
 *     #6 p3 2023-01-20 13:05 type 10 30 min no
 *     #7 p3 2023-01-21 13:45 type 6  20 min yes
 *   CD Q2 all types, header-only (0 measures).
 *   EF nothing at all.
 *   Occupancy: AB Jan-Mar 10; CD Jan-Jun 5.
 */
let dir: string;
beforeAll(async () => {
  dir = makeCuratedDir();
  writeLog(dir, {
    attempt_id: attempt(1),
    location: "AB",
    quarter: "2023-Q1",
    status: "accepted",
    scope: "all",
    rows: 5,
    processed_at: "2023-04-02T09:00:00.000Z",
  });
  writeLog(dir, {
    attempt_id: attempt(2),
    location: "AB",
    quarter: "2023-Q2",
    status: "rejected",
    processed_at: "2023-07-02T09:00:00.000Z",
  });
  writeLog(dir, {
    attempt_id: attempt(3),
    location: "CD",
    quarter: "2023-Q1",
    status: "accepted",
    scope: "seclusion",
    rows: 2,
    processed_at: "2023-04-03T09:00:00.000Z",
  });
  writeLog(dir, {
    attempt_id: attempt(4),
    location: "CD",
    quarter: "2023-Q2",
    status: "accepted",
    scope: "all",
    rows: 0,
    processed_at: "2023-07-03T09:00:00.000Z",
  });
  await writeMeasures(dir, "AB", "2023-Q1", [
    {
      youth: "p1",
      start: "2023-01-10 08:15",
      end: "2023-01-10 08:25",
      duration: 10,
      type: 3,
      carePlan: "yes",
    },
    {
      youth: "p1",
      start: "2023-01-10 13:00",
      end: "2023-01-10 14:00",
      duration: 60,
      type: 6,
      carePlan: "no",
    },
    { youth: "p1", start: "2023-02-01 13:30", type: 15, carePlan: "unknown" },
    { youth: "p2", start: "2023-03-31 23:10", type: 11, carePlan: "unknown", hasReason: false },
    {
      youth: "p2",
      start: "2023-02-14 00:00",
      end: "2023-02-14 00:00",
      duration: 0,
      type: 3,
      carePlan: "yes",
    },
  ]);
  await writeMeasures(dir, "CD", "2023-Q1", [
    {
      youth: "p3",
      start: "2023-01-20 13:05",
      end: "2023-01-20 13:35",
      duration: 30,
      type: 10,
      carePlan: "no",
    },
    {
      youth: "p3",
      start: "2023-01-21 13:45",
      end: "2023-01-21 14:05",
      duration: 20,
      type: 6,
      carePlan: "yes",
    },
  ]);
  await writeMeasures(dir, "CD", "2023-Q2", []);
  await writeOccupancy(dir, "load1", "2024-01-01 09:00:00", [
    ["AB", "2023-01", 10],
    ["AB", "2023-02", 10],
    ["AB", "2023-03", 10],
    ...["01", "02", "03", "04", "05", "06"].map((mm): [string, string, number] => ["CD", `2023-${mm}`, 5]),
  ]);
});
afterAll(() => removeDir(dir));

async function figures(opts: Partial<FiguresOptions>): Promise<FiguresModel> {
  const engine = await createDuckDbEngine({ curatedDir: dir });
  try {
    return await buildFigures(engine, {
      from: "2023-Q1",
      to: "2023-Q2",
      location: null,
      locations: ["AB", "CD", "EF"],
      ...opts,
    });
  } finally {
    await engine.close();
  }
}

const months = ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"];

describe("buildFigures, national", () => {
  let f: FiguresModel;
  beforeAll(async () => {
    f = await figures({});
  });

  it("lists every location x quarter with its delivery status", () => {
    expect(f.location).toBeNull();
    expect(f.deliveries).toEqual([
      { location: "AB", quarter: "2023-Q1", status: "all", rows: 5 },
      { location: "AB", quarter: "2023-Q2", status: "missing", rows: 0 },
      { location: "CD", quarter: "2023-Q1", status: "seclusion", rows: 2 },
      { location: "CD", quarter: "2023-Q2", status: "all", rows: 0 },
      { location: "EF", quarter: "2023-Q1", status: "missing", rows: 0 },
      { location: "EF", quarter: "2023-Q2", status: "missing", rows: 0 },
    ]);
  });

  it("counts totals, months (zero-filled) and codebook versions", () => {
    expect(f.codebookVersions).toEqual(["2023"]);
    expect(f.total).toBe(7);
    expect(f.uniqueYouth).toBe(3);
    expect(f.byMonth).toEqual([
      { month: "2023-01", count: 4 },
      { month: "2023-02", count: 2 },
      { month: "2023-03", count: 1 },
      { month: "2023-04", count: 0 },
      { month: "2023-05", count: 0 },
      { month: "2023-06", count: 0 },
    ]);
  });

  it("zero-fills all 19 types and 6 categories, with shares summing to 1", () => {
    // Shares of all measures count only deliveries with all types: AB Q1 (5 measures) and CD Q2
    // (header-only); CD Q1 (seclusion only: types 6 and 10) counts in the counts, not the shares.
    // Shares within seclusion count every seclusion measure (AB: 6, 11; CD: 10, 6 → 4).
    expect(f.allScopeTotal).toBe(5);
    expect(f.byType.map((t) => t.type)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    const counts = Object.fromEntries(f.byType.filter((t) => t.count > 0).map((t) => [t.type, t.count]));
    expect(counts).toEqual({ 3: 2, 6: 2, 10: 1, 11: 1, 15: 1 });
    expect(f.byType.find((t) => t.type === 3)).toEqual({
      type: 3,
      label: "Vastpakken en/of vasthouden",
      category: "beperken_bewegingsvrijheid",
      count: 2,
      allScopeCount: 2,
      share: 2 / 5,
      seclusionShare: null,
    });
    expect(f.byType.find((t) => t.type === 6)).toMatchObject({
      count: 2,
      allScopeCount: 1,
      share: 1 / 5,
      seclusionShare: 2 / 4,
    });
    expect(f.byType.find((t) => t.type === 10)).toMatchObject({
      count: 1,
      allScopeCount: 0,
      share: 0,
      seclusionShare: 1 / 4,
    });
    expect(f.byType.find((t) => t.type === 1)?.share).toBe(0);
    expect(f.byCategory).toEqual([
      {
        category: "elektronisch_toezicht",
        label: "Elektronisch toezicht",
        count: 0,
        allScopeCount: 0,
        share: 0,
      },
      {
        category: "beperken_bewegingsvrijheid",
        label: "Beperken bewegingsvrijheid",
        count: 2,
        allScopeCount: 2,
        share: 2 / 5,
      },
      {
        category: "gedwongen_afzonderen",
        label: "Gedwongen afzonderen",
        count: 4,
        allScopeCount: 2,
        share: 2 / 5,
      },
      {
        category: "geneeskundige_behandeling",
        label: "Geneeskundige behandeling",
        count: 0,
        allScopeCount: 0,
        share: 0,
      },
      { category: "beperken_contacten", label: "Beperken contacten", count: 0, allScopeCount: 0, share: 0 },
      { category: "controles", label: "Controles", count: 1, allScopeCount: 1, share: 1 / 5 },
    ]);
    expect(f.byType.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1, 12);
    expect(f.byCategory.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 12);
    expect(f.byType.reduce((s, t) => s + (t.seclusionShare ?? 0), 0)).toBeCloseTo(1, 12);
  });

  it("gives every seclusion room x locked combination", () => {
    expect(f.seclusionByRoom).toEqual([
      { room: "isoleer_separeerruimte", label: "Isoleer-/separeerruimte", locked: true, count: 2 },
      { room: "isoleer_separeerruimte", label: "Isoleer-/separeerruimte", locked: false, count: 0 },
      { room: "overige_ruimte", label: "Overige ruimte", locked: true, count: 0 },
      { room: "overige_ruimte", label: "Overige ruimte", locked: false, count: 0 },
      { room: "eigen_kamer", label: "Eigen kamer", locked: true, count: 1 },
      { room: "eigen_kamer", label: "Eigen kamer", locked: false, count: 1 },
    ]);
  });

  it("gives 24 start hours", () => {
    expect(f.byStartHour).toHaveLength(24);
    expect(f.byStartHour.map((h) => h.hour)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    const nonZero = f.byStartHour.filter((h) => h.count > 0);
    expect(nonZero).toEqual([
      { hour: 0, count: 1 },
      { hour: 8, count: 1 },
      { hour: 13, count: 4 },
      { hour: 23, count: 1 },
    ]);
  });

  it("gives durations per type with an end", () => {
    expect(f.duration).toEqual([
      { type: 3, label: "Vastpakken en/of vasthouden", n: 2, min: 0, max: 10, mean: 5, median: 5 },
      { type: 6, label: "Isoleer-/separeerruimte op slot", n: 2, min: 20, max: 60, mean: 40, median: 40 },
      { type: 10, label: "Eigen kamer op slot", n: 1, min: 30, max: 30, mean: 30, median: 30 },
    ]);
  });

  it("gives care plan, youth frequency and data quality", () => {
    expect(f.carePlan).toEqual({ yes: 3, no: 2, unknown: 2 });
    expect(f.youthFrequency).toEqual([
      { measures: 2, youth: 2 },
      { measures: 3, youth: 1 },
    ]);
    // missing end: only #4 (type 11); #3 is a point-in-time search
    expect(f.dataQuality).toEqual({ missingEnd: 1, zeroDuration: 1, carePlanUnknown: 2, missingReason: 1 });
  });

  it("gives rates for every month and both scope groups", () => {
    expect(f.rates.map((r) => [r.month, r.scope, r.measures, r.occupancy])).toEqual([
      // all: AB only in Q1 (CD delivered seclusion only)
      ["2023-01", "all", 2, 10],
      // seclusion: AB #2 + CD #6, #7 over 10 + 5
      ["2023-01", "seclusion", 3, 15],
      ["2023-02", "all", 2, 10],
      ["2023-02", "seclusion", 0, 15],
      ["2023-03", "all", 1, 10],
      ["2023-03", "seclusion", 1, 15],
      // Q2: AB missing; CD all types with 0 measures over occupancy 5
      ["2023-04", "all", 0, 5],
      ["2023-04", "seclusion", 0, 5],
      ["2023-05", "all", 0, 5],
      ["2023-05", "seclusion", 0, 5],
      ["2023-06", "all", 0, 5],
      ["2023-06", "seclusion", 0, 5],
    ]);
    const per10 = f.rates.map((r) => r.per10);
    expect(per10.slice(0, 5)).toEqual([2, 2, 2, 0, 1]);
    expect(per10[5]).toBeCloseTo(10 / 15, 12);
    expect(per10.slice(6)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("also lists a delivering location that is not in the known list", async () => {
    const g = await figures({ locations: ["AB"] });
    expect(g.deliveries.map((d) => `${d.location} ${d.quarter} ${d.status}`)).toEqual([
      "AB 2023-Q1 all",
      "AB 2023-Q2 missing",
      "CD 2023-Q1 seclusion",
      "CD 2023-Q2 all",
    ]);
  });
});

describe("buildFigures, one location", () => {
  it("restricts everything to the location", async () => {
    const f = await figures({ location: "AB" });
    expect(f.location).toBe("AB");
    expect(f.deliveries).toEqual([
      { location: "AB", quarter: "2023-Q1", status: "all", rows: 5 },
      { location: "AB", quarter: "2023-Q2", status: "missing", rows: 0 },
    ]);
    expect(f.total).toBe(5);
    expect(f.uniqueYouth).toBe(2);
    expect(f.byMonth.map((m) => m.count)).toEqual([2, 2, 1, 0, 0, 0]);
    expect(f.carePlan).toEqual({ yes: 2, no: 1, unknown: 2 });
    expect(f.byCategory.map((c) => c.count)).toEqual([0, 2, 2, 0, 0, 1]);
    expect(f.byCategory.map((c) => c.share)).toEqual([0, 2 / 5, 2 / 5, 0, 0, 1 / 5]);
    expect(f.rates.map((r) => [r.month, r.scope, r.measures, r.occupancy, r.per10])).toEqual([
      ["2023-01", "all", 2, 10, 2],
      ["2023-01", "seclusion", 1, 10, 1],
      ["2023-02", "all", 2, 10, 2],
      ["2023-02", "seclusion", 0, 10, 0],
      ["2023-03", "all", 1, 10, 1],
      ["2023-03", "seclusion", 1, 10, 1],
      // AB did not deliver Q2: no rate
      ...months.slice(3).flatMap((month) => [
        [month, "all", 0, 0, null],
        [month, "seclusion", 0, 0, null],
      ]),
    ]);
  });

  it("gives a complete, zero-filled model for a location without any data", async () => {
    const f = await figures({ location: "EF" });
    expect(f.deliveries.map((d) => d.status)).toEqual(["missing", "missing"]);
    expect(f.total).toBe(0);
    expect(f.uniqueYouth).toBe(0);
    expect(f.codebookVersions).toEqual([]);
    expect(f.byMonth).toEqual(months.map((month) => ({ month, count: 0 })));
    expect(f.byType).toHaveLength(19);
    expect(f.byType.every((t) => t.count === 0 && t.share === 0)).toBe(true);
    expect(f.byCategory).toHaveLength(6);
    expect(f.seclusionByRoom).toHaveLength(6);
    expect(f.byStartHour).toEqual(Array.from({ length: 24 }, (_, hour) => ({ hour, count: 0 })));
    expect(f.duration).toEqual([]);
    expect(f.youthFrequency).toEqual([]);
    expect(f.carePlan).toEqual({ yes: 0, no: 0, unknown: 0 });
    expect(f.rates).toHaveLength(12);
    expect(f.rates.every((r) => r.measures === 0 && r.occupancy === 0 && r.per10 === null)).toBe(true);
    expect(f.dataQuality).toEqual({ missingEnd: 0, zeroDuration: 0, carePlanUnknown: 0, missingReason: 0 });
  });
});

describe("buildFigures on an empty curated area", () => {
  it("reports every known location as missing", async () => {
    const empty = makeCuratedDir();
    const engine = await createDuckDbEngine({ curatedDir: empty });
    try {
      const f = await buildFigures(engine, {
        from: "2023-Q3",
        to: "2023-Q3",
        location: null,
        locations: ["CD", "AB"],
      });
      expect(f.deliveries).toEqual([
        { location: "AB", quarter: "2023-Q3", status: "missing", rows: 0 },
        { location: "CD", quarter: "2023-Q3", status: "missing", rows: 0 },
      ]);
      expect(f.total).toBe(0);
      expect(f.byMonth.map((m) => m.month)).toEqual(["2023-07", "2023-08", "2023-09"]);
    } finally {
      await engine.close();
      removeDir(empty);
    }
  });
});
