import { describe, expect, it } from "vitest";
import type { MonthlyRate } from "../../../functions/core/trend.ts";
import { defaultReportPeriods, protectMonthlyRates } from "../../../functions/core/trend-report.ts";

/** A monthly rate as monthlyRates gives it: per10 = 10 × measures / occupancy. */
const rate = (month: string, group: string, measures: number, occupancy: number): MonthlyRate => ({
  month,
  group,
  label: group,
  measures,
  occupancy,
  per10: occupancy > 0 ? (10 * measures) / occupancy : null,
});

describe("the report's trend periods", () => {
  it("default: one period per quarter of the range, the first the reference", () => {
    expect(defaultReportPeriods("2023-Q1", "2023-Q3")).toEqual([
      { label: "P0", from: "2023-01", to: "2023-03" },
      { label: "P1", from: "2023-04", to: "2023-06" },
      { label: "P2", from: "2023-07", to: "2023-09" },
    ]);
    expect(defaultReportPeriods("2023-Q4", "2023-Q4")).toHaveLength(1);
  });
});

describe("disclosure of monthly rates", () => {
  it("hides a rate whose count is 1–4, and a partner so the small count does not follow from a total", () => {
    //            all   A   B   C   occupancy
    //  2023-01    40  30   7   3   20
    //  2023-02    47  25  12  10   25
    // C in January (3) is small. Row January then has one hidden cell: its smallest other
    // non-zero cell, B (7), goes too. Column C has one hidden cell: February C (10) goes; row
    // February then has one: February B (12). Every line now has two hidden cells.
    const rates = [
      rate("2023-01", "all", 40, 20),
      rate("2023-01", "A", 30, 20),
      rate("2023-01", "B", 7, 20),
      rate("2023-01", "C", 3, 20),
      rate("2023-02", "all", 47, 25),
      rate("2023-02", "A", 25, 25),
      rate("2023-02", "B", 12, 25),
      rate("2023-02", "C", 10, 25),
    ];
    const out = protectMonthlyRates(rates).map((r) => [r.month, r.group, r.per10, r.hidden]);
    expect(out).toEqual([
      ["2023-01", "all", 20, null],
      ["2023-01", "A", 15, null],
      ["2023-01", "B", null, "secondary"],
      ["2023-01", "C", null, "small"],
      ["2023-02", "all", 18.8, null],
      ["2023-02", "A", 10, null],
      ["2023-02", "B", null, "secondary"],
      ["2023-02", "C", null, "secondary"],
    ]);
  });

  it("hides 'all' when its own count is small; a month without occupancy has no rate; 0 is shown", () => {
    const rates = [
      rate("2023-01", "all", 3, 20),
      rate("2023-01", "A", 3, 20),
      rate("2023-01", "B", 0, 20),
      rate("2023-02", "all", 0, 0),
      rate("2023-02", "A", 0, 0),
      rate("2023-02", "B", 0, 0),
      rate("2023-03", "all", 20, 40),
      rate("2023-03", "A", 20, 40),
      rate("2023-03", "B", 0, 40),
    ];
    const out = protectMonthlyRates(rates).map((r) => [r.month, r.group, r.per10, r.hidden]);
    expect(out).toEqual([
      ["2023-01", "all", null, "small"],
      ["2023-01", "A", null, "small"],
      ["2023-01", "B", 0, null],
      ["2023-02", "all", null, "no-occupancy"],
      ["2023-02", "A", null, "no-occupancy"],
      ["2023-02", "B", null, "no-occupancy"],
      // Column A: January (3) is hidden, so March (20) goes with it; the month's total
      // (20, = March A) goes too, so 'all' in March is hidden as well.
      ["2023-03", "all", null, "secondary"],
      ["2023-03", "A", null, "secondary"],
      ["2023-03", "B", 0, null],
    ]);
  });
});
