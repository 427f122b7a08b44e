import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDuckDbEngine } from "../../../functions/adapters/local/duckdb-engine.ts";
import { type MonthlyRate, monthlyRates } from "../../../functions/core/trend.ts";
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

/** The three queries of the trend analysis on one small curated folder (historical quarter included). */
let dir: string;
const m = (start: string, type: number, duration?: number): MeasureFixture => ({
  youth: "p1",
  start,
  type,
  ...(duration === undefined ? {} : { duration, end: start }),
});
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
  // Prepare
  dir = makeCuratedDir();
  // AB: a historical seclusion-only quarter, then all types.
  accepted("AB", "2022-Q4", "seclusion", "2023-01-10T09:00:00.000Z");
  await writeMeasures(dir, "AB", "2022-Q4", [m("2022-12-05 10:00", 6, 45)]);
  accepted("AB", "2023-Q1", "all", "2023-04-02T09:00:00.000Z");
  await writeMeasures(dir, "AB", "2023-Q1", [
    m("2023-01-03 10:00", 3, 5),
    m("2023-01-04 10:00", 6, 60),
    m("2023-01-05 10:00", 10),
    m("2023-02-01 10:00", 6, 0),
    m("2023-02-02 10:00", 7, 15),
  ]);
  // CD: seclusion only; March has occupancy 0 (no exposure: left out).
  accepted("CD", "2023-Q1", "seclusion", "2023-04-03T09:00:00.000Z");
  await writeMeasures(dir, "CD", "2023-Q1", [
    m("2023-01-10 10:00", 6, 60),
    m("2023-01-11 10:00", 11, 30),
    m("2023-03-10 10:00", 8, 30),
  ]);
  // EF: all types; no occupancy in January; a later rejected attempt changes nothing.
  accepted("EF", "2023-Q1", "all", "2023-04-03T09:00:00.000Z");
  writeLog(dir, {
    attempt_id: attempt(++id),
    location: "EF",
    quarter: "2023-Q1",
    status: "rejected",
    processed_at: "2023-04-09T09:00:00.000Z",
  });
  await writeMeasures(dir, "EF", "2023-Q1", [m("2023-01-15 10:00", 10, 30), m("2023-02-15 10:00", 3, 10)]);
  // GH: only a rejected attempt, and occupancy: never counts.
  writeLog(dir, {
    attempt_id: attempt(++id),
    location: "GH",
    quarter: "2023-Q1",
    status: "rejected",
    processed_at: "2023-04-03T09:00:00.000Z",
  });

  await writeOccupancy(dir, "load1", "2024-01-01 09:00:00", [
    ["AB", "2022-12", 7],
    ["AB", "2023-01", 10],
    ["AB", "2023-02", 10],
    ["AB", "2023-03", 8],
    ["AB", "2023-04", 9], // 2023-Q2 not delivered
    ["CD", "2023-01", 5],
    ["CD", "2023-02", 5],
    ["CD", "2023-03", 0],
    ["EF", "2023-02", 4],
    ["GH", "2023-01", 6],
  ]);
  // A newer load overrides AB February.
  await writeOccupancy(dir, "load2", "2024-02-01 09:00:00", [["AB", "2023-02", 12]]);
});
afterAll(() => removeDir(dir));

describe("trend_location_months.sql", () => {
  it("gives one row per delivered location-month with occupancy, 0 for a month without seclusions", async () => {
    // Act
    const rows = await runQuery(dir, "trend_location_months", {
      from: "2022-Q4",
      to: "2023-Q2",
      location: null,
    });
    // Assess
    expect(rows.map((r) => [r.location, r.month, r.quarter, r.scope, r.occupancy, r.seclusions])).toEqual([
      ["AB", "2022-12", "2022-Q4", "seclusion", 7, 1],
      ["AB", "2023-01", "2023-Q1", "all", 10, 2], // type 3 is no seclusion
      ["AB", "2023-02", "2023-Q1", "all", 12, 2], // the newer occupancy load counts
      ["AB", "2023-03", "2023-Q1", "all", 8, 0], // delivered, no seclusions: a 0
      ["CD", "2023-01", "2023-Q1", "seclusion", 5, 2],
      ["CD", "2023-02", "2023-Q1", "seclusion", 5, 0],
      // CD March: occupancy 0; EF January: no occupancy; AB April: quarter not delivered; GH: rejected only.
      ["EF", "2023-02", "2023-Q1", "all", 4, 0],
    ]);
  });

  it("keeps to the quarter range", async () => {
    const rows = await runQuery(dir, "trend_location_months", {
      from: "2022-Q4",
      to: "2022-Q4",
      location: null,
    });
    expect(rows.map((r) => [r.location, r.month, r.seclusions])).toEqual([["AB", "2022-12", 1]]);
  });
});

describe("trend_measures.sql", () => {
  it("lists the seclusion measures with start month, duration, type and room", async () => {
    const rows = await runQuery(dir, "trend_measures", { from: "2022-Q4", to: "2023-Q1", location: null });
    expect(rows.map((r) => [r.location, r.month, r.duration_min, r.type_code, r.room, r.n])).toEqual([
      ["AB", "2022-12", 45, 6, "isoleer_separeerruimte", 1],
      ["AB", "2023-01", 60, 6, "isoleer_separeerruimte", 1],
      ["AB", "2023-01", null, 10, "eigen_kamer", 1],
      ["AB", "2023-02", 0, 6, "isoleer_separeerruimte", 1],
      ["AB", "2023-02", 15, 7, "isoleer_separeerruimte", 1],
      ["CD", "2023-01", 60, 6, "isoleer_separeerruimte", 1],
      ["CD", "2023-01", 30, 11, "eigen_kamer", 1],
      ["CD", "2023-03", 30, 8, "overige_ruimte", 1],
      // EF January has no occupancy, but duration and room do not need it.
      ["EF", "2023-01", 30, 10, "eigen_kamer", 1],
    ]);
  });

  it("counts identical measures in n", async () => {
    const rows = await runQuery(dir, "trend_measures", { from: "2023-Q1", to: "2023-Q1", location: null });
    expect(rows.reduce((s, r) => s + Number(r.n), 0)).toBe(8);
  });
});

describe("trend_monthly_rates.sql", () => {
  it("gives the occupancy per month and scope and the measures per category of the same location-months", async () => {
    const rows = await runQuery(dir, "trend_monthly_rates", {
      from: "2023-Q1",
      to: "2023-Q1",
      location: null,
    });
    expect(rows.map((r) => [r.kind, r.month, r.scope, r.category, r.measures, r.occupancy])).toEqual([
      ["measures", "2023-01", "all", "beperken_bewegingsvrijheid", 1, null],
      ["measures", "2023-01", "all", "gedwongen_afzonderen", 2, null],
      ["occupancy", "2023-01", "all", null, null, 10],
      ["measures", "2023-01", "seclusion", "gedwongen_afzonderen", 2, null],
      ["occupancy", "2023-01", "seclusion", null, null, 5],
      ["measures", "2023-02", "all", "beperken_bewegingsvrijheid", 1, null],
      ["measures", "2023-02", "all", "gedwongen_afzonderen", 2, null],
      ["occupancy", "2023-02", "all", null, null, 16],
      ["occupancy", "2023-02", "seclusion", null, null, 5],
      ["occupancy", "2023-03", "all", null, null, 8],
    ]);
  });
});

describe("monthlyRates (trend_monthly_rates.sql + scope-aware groups)", () => {
  it("gives per month every category and all types per 10 places, seclusion over seclusion-only deliveries too", async () => {
    // Act
    const engine = await createDuckDbEngine({ curatedDir: dir });
    let rates: MonthlyRate[];
    try {
      rates = await monthlyRates(engine, { from: "2023-Q1", to: "2023-Q2" });
    } finally {
      await engine.close();
    }
    // Assess
    const pick = (month: string, group: string) => {
      const r = rates.find((x) => x.month === month && x.group === group);
      return r && [r.measures, r.occupancy, r.per10];
    };
    expect(new Set(rates.map((r) => r.month))).toEqual(
      new Set(["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]),
    );
    expect(rates.filter((r) => r.month === "2023-01").map((r) => r.group)).toEqual([
      "all",
      "elektronisch_toezicht",
      "beperken_bewegingsvrijheid",
      "gedwongen_afzonderen",
      "geneeskundige_behandeling",
      "beperken_contacten",
      "controles",
    ]);
    // January: AB (all types, occupancy 10: 1 holding, 2 seclusions) + CD (seclusion only, 5: 2)
    expect(pick("2023-01", "all")).toEqual([3, 10, 3]);
    expect(pick("2023-01", "gedwongen_afzonderen")).toEqual([4, 15, 40 / 15]);
    expect(pick("2023-01", "beperken_bewegingsvrijheid")).toEqual([1, 10, 1]);
    expect(pick("2023-01", "controles")).toEqual([0, 10, 0]);
    // February: AB (12) + EF (4) with all types, CD (5) seclusion only
    expect(pick("2023-02", "gedwongen_afzonderen")).toEqual([2, 21, 20 / 21]);
    expect(pick("2023-02", "beperken_bewegingsvrijheid")).toEqual([1, 16, 10 / 16]);
    // March: CD's occupancy 0 does not count
    expect(pick("2023-03", "gedwongen_afzonderen")).toEqual([0, 8, 0]);
    // April: no delivered quarter -> no rate
    expect(pick("2023-04", "all")).toEqual([0, 0, null]);
  });
});
