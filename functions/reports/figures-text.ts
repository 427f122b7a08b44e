/**
 * Helpers shared by the factsheet and the national report that turn figures into what a reader
 * sees: quarterly rates per 10 places, youth-frequency bands, delivery status in words.
 */

import type { ProtectedFigures } from "../../schemas/documents.ts";
import type { FiguresModel } from "../../schemas/figures.ts";

/** Young people by number of measures, in the bands of the national report (schemas/documents.ts). */
export const YOUTH_BANDS: readonly { band: string; min: number; max: number }[] = [
  { band: "1", min: 1, max: 1 },
  { band: "2", min: 2, max: 2 },
  { band: "3–5", min: 3, max: 5 },
  { band: "6–10", min: 6, max: 10 },
  { band: "11–20", min: 11, max: 20 },
  { band: "meer dan 20", min: 21, max: Number.POSITIVE_INFINITY },
];

export function youthBands(frequency: FiguresModel["youthFrequency"]): { band: string; youth: number }[] {
  return YOUTH_BANDS.map((b) => ({
    band: b.band,
    youth: frequency
      .filter((f) => f.measures >= b.min && f.measures <= b.max)
      .reduce((a, f) => a + f.youth, 0),
  }));
}

export interface QuarterRate {
  /** Measures per quarter per 10 places of average occupancy; null when no month has occupancy. */
  per10: number | null;
  /** Average occupancy over the months with a known occupancy. */
  meanOccupancy: number | null;
  /** Sum of the measures of those months. */
  measures: number | null;
  monthsWithOccupancy: number;
  months: number;
}

/**
 * The rate of a quarter: the measures of its months divided by the mean occupancy of those
 * months, times 10 (= 30 × Σ measures / Σ occupancy, so a quarter with a month without
 * occupancy is scaled to three months). Over a range of quarters the same formula gives the
 * average rate per quarter. A month without occupancy is left out; when a month's count is
 * not known (suppressed) the rate is not known either.
 */
export function quarterRate(
  rates: readonly {
    month: string;
    scope: "all" | "seclusion";
    measures: number | null;
    occupancy: number;
    per10: number | null;
  }[],
  scope: "all" | "seclusion",
): QuarterRate {
  const ofScope = rates.filter((r) => r.scope === scope);
  // A month without occupancy has occupancy 0 (and per10 null); a month whose count is
  // suppressed keeps its occupancy but has no count, which makes the whole rate unknown.
  const known = ofScope.filter((r) => r.occupancy > 0);
  const base = { months: ofScope.length, monthsWithOccupancy: known.length };
  if (known.length === 0 || known.some((r) => r.measures === null))
    return {
      ...base,
      per10: null,
      meanOccupancy: known.length ? mean(known.map((r) => r.occupancy)) : null,
      measures: null,
    };
  const measures = known.reduce((a, r) => a + (r.measures ?? 0), 0);
  const occupancy = known.reduce((a, r) => a + r.occupancy, 0);
  return { ...base, per10: (30 * measures) / occupancy, meanOccupancy: occupancy / known.length, measures };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The rates of protected figures with the measure counts as plain numbers (null = suppressed). */
export function protectedRates(p: ProtectedFigures) {
  return p.rates.map((r) => ({ ...r, measures: r.measures.suppressed ? null : r.measures.value }));
}

export type DeliveryStatus = "all" | "seclusion" | "zero" | "missing";

export const STATUS_WORDS: Record<DeliveryStatus, string> = {
  all: "alle typen",
  seclusion: "alleen afzonderen",
  zero: "nullevering",
  missing: "ontbreekt",
};
