import { describe, expect, it } from "vitest";
import type { LocationMonth, TrendData } from "../../../functions/core/trend.ts";
import { formatPerLocation, perLocationTrend } from "../../../functions/core/trend-locations.ts";

const lm = (location: string, month: string, seclusions: number, occupancy = 10): LocationMonth => ({
  location,
  month,
  quarter: `2023-Q${Math.ceil(Number(month.slice(5)) / 3)}`,
  scope: "all",
  occupancy,
  seclusions,
});
const periods = [
  { label: "P0", from: "2023-01", to: "2023-02" },
  { label: "P1", from: "2023-03", to: "2023-04" },
];

describe("trend per location (facilitator only)", () => {
  it("counts and rates per location and period; a cell under 5 is <5, its partners x, never a rate", () => {
    // AB: P0 6+6 = 12 (occupancy 20 → 10 × 12 / 20 = 6,0), P1 3+0 = 3 (small).
    // CD: P0 10+10 = 20 (occupancy 40 → 5,0), P1 8+8 = 16 (occupancy 40 → 4,0).
    // EF: P0 7+7 = 14 (→ 7,0), P1 9+9 = 18 (→ 9,0). The month 2023-05 lies outside every period.
    // AB P1 (3) is small. Row AB then has one hidden cell: AB P0 (12) goes; column P0 has one:
    // its smallest other, EF P0 (14), goes; column P1 has one: CD P1 (16) goes. Rows CD and EF
    // then have one each: CD P0 (20) and EF P1 (18) go. In so small a table everything hides.
    const data: TrendData = {
      locationMonths: [
        lm("AB", "2023-01", 6),
        lm("AB", "2023-02", 6),
        lm("AB", "2023-03", 3),
        lm("AB", "2023-04", 0),
        lm("CD", "2023-01", 10, 20),
        lm("CD", "2023-02", 10, 20),
        lm("CD", "2023-03", 8, 20),
        lm("CD", "2023-04", 8, 20),
        lm("CD", "2023-05", 2, 20),
        lm("EF", "2023-01", 7),
        lm("EF", "2023-02", 7),
        lm("EF", "2023-03", 9),
        lm("EF", "2023-04", 9),
      ],
      measures: [],
    };
    const rows = perLocationTrend(data, periods);
    const view = rows.map((r) => [
      r.location,
      ...r.periods.map((p) =>
        p.seclusions.suppressed ? (p.seclusions.secondary ? "x" : "<5") : p.seclusions.value,
      ),
      ...r.periods.map((p) => p.per10),
    ]);
    expect(view).toEqual([
      ["AB", "x", "<5", null, null],
      ["CD", "x", "x", null, null],
      ["EF", "x", "x", null, null],
    ]);
    const text = formatPerLocation(rows);
    expect(text).toContain("niet publiceren");
    expect(text).toMatch(/AB\s+x\s+–\s+<5\s+–/);
  });

  it("shows counts of 5 and more with their rate per 10 places per month", () => {
    const data: TrendData = {
      locationMonths: [
        lm("AB", "2023-01", 6),
        lm("AB", "2023-02", 6),
        lm("AB", "2023-03", 5),
        lm("AB", "2023-04", 0),
        lm("CD", "2023-01", 10, 20),
        lm("CD", "2023-02", 10, 20),
      ],
      measures: [],
    };
    const text = formatPerLocation(perLocationTrend(data, periods));
    // AB: P0 12 / 20 × 10 = 6,0; P1 5 / 20 × 10 = 2,5. CD: P0 20 / 40 × 10 = 5,0; P1 no data.
    expect(text).toMatch(/AB\s+12\s+6,0\s+5\s+2,5/);
    expect(text).toMatch(/CD\s+20\s+5,0\s+geen\s+–/);
  });
});
