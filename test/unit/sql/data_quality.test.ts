import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCuratedDir, removeDir, runQuery, writeMeasures } from "./fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = makeCuratedDir();
  const start = "2023-01-05 10:00";
  await writeMeasures(dir, "AB", "2023-Q1", [
    // holding without an end, no reason, care plan unknown
    { youth: "p1", start, type: 3, carePlan: "unknown", hasReason: false },
    // holding with start = end
    { youth: "p1", start, end: start, duration: 0, type: 3, carePlan: "yes" },
    // body search: point-in-time, no end by design (the SQL still reports it; the caller decides)
    { youth: "p1", start, type: 15, carePlan: "no" },
    // seclusion with duration 0, no reason, care plan unknown
    { youth: "p2", start, end: start, duration: 0, type: 6, carePlan: "unknown", hasReason: false },
    // own room: one of 13:30 (> 12 h) and one of 4 days (> 12 h and > 3 days)
    { youth: "p4", start, end: "2023-01-05 23:30", duration: 810, type: 10, carePlan: "yes" },
    {
      youth: "p4",
      start: "2023-01-06 10:00",
      end: "2023-01-10 10:00",
      duration: 5760,
      type: 10,
      carePlan: "yes",
    },
  ]);
  await writeMeasures(dir, "CD", "2023-Q1", [
    { youth: "p3", start, end: "2023-01-05 10:30", duration: 30, type: 6, carePlan: "yes" },
  ]);
});
afterAll(() => removeDir(dir));

describe("data_quality.sql", () => {
  it("counts quality issues per codebook version and type, nationally", async () => {
    expect(await runQuery(dir, "data_quality", { from: "2023-Q1", to: "2023-Q1", location: null })).toEqual([
      {
        codebook_version: "2023",
        type_code: 3,
        n: 2,
        missing_end: 1,
        zero_duration: 1,
        care_plan_unknown: 1,
        missing_reason: 1,
        over_12h: 0,
        over_3days: 0,
      },
      {
        codebook_version: "2023",
        type_code: 6,
        n: 2,
        missing_end: 0,
        zero_duration: 1,
        care_plan_unknown: 1,
        missing_reason: 1,
        over_12h: 0,
        over_3days: 0,
      },
      {
        codebook_version: "2023",
        type_code: 10,
        n: 2,
        missing_end: 0,
        zero_duration: 0,
        care_plan_unknown: 0,
        missing_reason: 0,
        over_12h: 2,
        over_3days: 1,
      },
      {
        codebook_version: "2023",
        type_code: 15,
        n: 1,
        missing_end: 1,
        zero_duration: 0,
        care_plan_unknown: 0,
        missing_reason: 0,
        over_12h: 0,
        over_3days: 0,
      },
    ]);
  });

  it("filters on location", async () => {
    expect(await runQuery(dir, "data_quality", { from: "2023-Q1", to: "2023-Q1", location: "CD" })).toEqual([
      {
        codebook_version: "2023",
        type_code: 6,
        n: 1,
        missing_end: 0,
        zero_duration: 0,
        care_plan_unknown: 0,
        missing_reason: 0,
        over_12h: 0,
        over_3days: 0,
      },
    ]);
  });
});
