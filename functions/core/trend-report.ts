/**
 * What the national report's "Verloop in de tijd" shows, after disclosure control:
 *
 * - the occupancy-corrected rate per month and measure group ("Alle maatregelen" and each
 *   category of the codebook), measures per 10 places of average occupancy **per month**
 *   (`monthlyRates`: seclusion over deliveries with all types or seclusion only, every other
 *   group over deliveries with all types);
 * - the trend models of `trend.ts` over periods of the report's range.
 *
 * Periods: by default one period per quarter of the range, the first quarter the reference
 * (`defaultReportPeriods`); a caller may pass its own. A range of one quarter has no analysis
 * (the section says so in one line), nor has a range without usable data.
 *
 * Disclosure: a monthly rate is a count divided by occupancy, so it is shown only when its
 * count may be shown. The counts month × category are protected as a table with month totals
 * and category totals (`suppressTable`: a count of 1…threshold−1 is hidden, and a partner is
 * hidden so that no hidden count follows from a total); "Alle maatregelen" of a month is hidden
 * when its own count is small or the month's total is hidden. A hidden rate is null (the report
 * writes "–", as for every rate that rests on a hidden or small count).
 */
import { quarterBounds, quarterRange } from "../../schemas/quarter.ts";
import { UserError } from "../errors.ts";
import type { QueryEngine } from "../ports.ts";
import { defaultSuppression, isSmallCount, type SuppressionSettings, suppressTable } from "./disclosure.ts";
import { buildTrend, type MonthlyRate, monthlyRates, type Period, type TrendResult } from "./trend.ts";

/** The trend models the report shows (the within-period slope is left to `vbm-monitor trend`). */
export const REPORT_MODELS = ["seclusion-count", "seclusion-duration", "isolation-room"] as const;

/** One period per quarter of `from`..`to`, labelled P0 (the first quarter, the reference), P1, … */
export function defaultReportPeriods(from: string, to: string): Period[] {
  return quarterRange(from, to).map((q, i) => {
    const b = quarterBounds(q);
    return { label: `P${i}`, from: b.first.slice(0, 7), to: b.last.slice(0, 7) };
  });
}

/** A monthly rate that may be published: `per10` null when hidden or without occupancy. */
export interface ProtectedMonthlyRate {
  month: string;
  group: string;
  label: string;
  /** Measures per 10 places of average occupancy in this month. */
  per10: number | null;
  /** Why the rate is not shown: its count is small, it is hidden to protect another, or no occupancy. */
  hidden: "small" | "secondary" | "no-occupancy" | null;
}

/** The monthly rates after disclosure control (see the module comment). */
export function protectMonthlyRates(
  rates: readonly MonthlyRate[],
  settings: SuppressionSettings = defaultSuppression,
): ProtectedMonthlyRate[] {
  const months = [...new Set(rates.map((r) => r.month))];
  const groups = [...new Set(rates.filter((r) => r.group !== "all").map((r) => r.group))];
  const at = (month: string, group: string) => rates.find((r) => r.month === month && r.group === group);
  const table = suppressTable(
    months.map((m) => groups.map((g) => at(m, g)?.measures ?? 0)),
    true,
    true,
    settings,
  );
  return rates.map((r) => {
    const mi = months.indexOf(r.month);
    let hidden: ProtectedMonthlyRate["hidden"] = null;
    if (r.group === "all") {
      if (isSmallCount(r.measures, settings)) hidden = "small";
      else if (table.rowTotals?.[mi]?.suppressed) hidden = "secondary";
    } else {
      const c = table.cells[mi]?.[groups.indexOf(r.group)];
      if (c?.suppressed) hidden = c.secondary ? "secondary" : "small";
    }
    if (hidden === null && r.per10 === null) hidden = "no-occupancy";
    return {
      month: r.month,
      group: r.group,
      label: r.label,
      per10: hidden === null ? r.per10 : null,
      hidden,
    };
  });
}

/** The section's content; `omitted` is the one Dutch line said instead when there is no analysis. */
export interface ReportTrend {
  from: string;
  to: string;
  periods: Period[];
  rates: ProtectedMonthlyRate[];
  /** The trend analysis restricted to REPORT_MODELS; null when omitted. */
  trend: TrendResult | null;
  omitted: string | null;
}

/**
 * The "Verloop in de tijd" of the national report over the quarters `from`..`to`, with the
 * given periods (default: one per quarter). Never throws for too little data: it says why in
 * `omitted`.
 */
export async function reportTrend(
  engine: QueryEngine,
  opts: { from: string; to: string; periods?: readonly Period[] | undefined },
  settings: SuppressionSettings = defaultSuppression,
): Promise<ReportTrend> {
  const periods = [...(opts.periods ?? defaultReportPeriods(opts.from, opts.to))];
  const base = { from: opts.from, to: opts.to, periods };
  if (periods.length < 2)
    return {
      ...base,
      rates: [],
      trend: null,
      omitted:
        "Voor het verloop in de tijd zijn minstens twee perioden nodig; deze rapportage beslaat één kwartaal.",
    };
  const rates = protectMonthlyRates(await monthlyRates(engine, opts), settings);
  let trend: TrendResult;
  try {
    // Only the models the report shows: the within-period slope is left to `vbm-monitor trend`.
    trend = await buildTrend(engine, { from: opts.from, to: opts.to, periods, models: REPORT_MODELS });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return {
      ...base,
      rates,
      trend: null,
      omitted:
        "Het verloop in de tijd is niet getoetst: in deze kwartalen is geen locatie-maand geleverd met een bekende bezetting.",
    };
  }
  return { ...base, rates, trend, omitted: null };
}
