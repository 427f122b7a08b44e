/**
 * Trends per location (location × period), for the network facilitator only — never in the
 * national report: per location and period the number of seclusions and the rate per 10 places
 * of average occupancy per month, over the location-months that count for the trend models
 * (delivered, with occupancy). The counts go through disclosure control as a table with
 * location and period totals: a count of 1…threshold−1 is `<5` (its rate is not shown), a
 * count hidden to protect it is `x`, so no cell rests on fewer than 5 measures.
 */
import type { Cell } from "../../schemas/documents.ts";
import { defaultSuppression, type SuppressionSettings, suppressTable } from "./disclosure.ts";
import { assembleTrendRows, type Period, type TrendData } from "./trend.ts";

export interface LocationPeriodCell {
  period: string;
  /** Delivered location-months with occupancy in the period (0: no data, no rate). */
  locationMonths: number;
  seclusions: Cell;
  /** Seclusions per 10 places of average occupancy per month; null when hidden or no data. */
  per10: number | null;
}

export interface LocationTrend {
  location: string;
  periods: LocationPeriodCell[];
}

export function perLocationTrend(
  data: TrendData,
  periods: readonly Period[],
  settings: SuppressionSettings = defaultSuppression,
): LocationTrend[] {
  const { months } = assembleTrendRows(data, periods);
  const locations = [...new Set(months.map((m) => m.location))].sort();
  const sum = (location: string, period: string, f: (r: (typeof months)[number]) => number) =>
    months.filter((m) => m.location === location && m.period === period).reduce((a, m) => a + f(m), 0);
  const counts = locations.map((l) => periods.map((p) => sum(l, p.label, (m) => m.seclusions)));
  const table = suppressTable(counts, true, true, settings);
  return locations.map((location, li) => ({
    location,
    periods: periods.map((p, pi) => {
      const seclusions = table.cells[li]?.[pi] as Cell;
      const occupancy = sum(location, p.label, (m) => m.occupancy);
      return {
        period: p.label,
        locationMonths: months.filter((m) => m.location === location && m.period === p.label).length,
        seclusions,
        per10: seclusions.suppressed || occupancy <= 0 ? null : (10 * (seclusions.value ?? 0)) / occupancy,
      };
    }),
  }));
}

const one = new Intl.NumberFormat("nl-NL", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** The table for the terminal (Dutch), with a line saying it is not for publication. */
export function formatPerLocation(
  rows: readonly LocationTrend[],
  threshold = defaultSuppression.threshold,
): string {
  const periods = rows[0]?.periods.map((p) => p.period.replace(/^P/, "Periode ")) ?? [];
  const cell = (c: LocationPeriodCell) => {
    if (c.locationMonths === 0) return ["geen", "–"];
    const n = c.seclusions.suppressed
      ? c.seclusions.secondary
        ? "x"
        : `<${threshold}`
      : String(c.seclusions.value);
    return [n, c.per10 === null ? "–" : one.format(c.per10)];
  };
  const header = ["Locatie", ...periods.flatMap((p) => [`${p}: aantal`, "per 10/mnd"])];
  const body = rows.map((r) => [r.location, ...r.periods.flatMap(cell)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [
    "Per locatie en periode: afzonderingen en afzonderingen per 10 plaatsen gemiddelde bezetting per maand",
    `Alleen voor de netwerkbegeleider, niet publiceren. <${threshold}: minder dan ${threshold}; x: verborgen om zo'n klein aantal te beschermen; –: geen cijfer; geen: geen geleverde maand met bezetting.`,
    "",
    line(header),
    ...body.map(line),
  ].join("\n");
}
