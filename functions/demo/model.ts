/**
 * The measure model behind the demo data: how one synthetic measure is drawn (type, start,
 * duration, care plan, reason) and how it is written as a codebook row.
 */
import { codebookByVersion, columnIds } from "../../schemas/codebook.ts";
import {
  CARE_PLAN_SHARES,
  CATEGORY_SHARES,
  type CategoryId,
  DURATIONS,
  FIRST_NAMES,
  POINT_IN_TIME_CODES,
  REASONS,
  reasonGroupOf,
  START_HOUR_WEIGHTS,
  TYPE_WEIGHTS,
} from "./calibration.ts";
import { type Rng, WeightedTable } from "./random.ts";

/** The header row, exactly as the 2023 codebook names the columns, in codebook order. */
export const HEADER: readonly string[] = (() => {
  const codebook = codebookByVersion("2023");
  if (!codebook) throw new Error("codebook 2023 is not registered");
  return columnIds.map((id) => {
    const column = codebook.columns.find((c) => c.id === id);
    if (!column) throw new Error(`codebook 2023 has no column ${id}`);
    return column.header;
  });
})();

/** One synthetic measure. Times are local wall-clock minutes since 1 January 2023 00:00. */
export interface Measure {
  youth: string;
  start: number;
  /** Minutes between start and end (wall clock); null = no end registered. */
  duration: number | null;
  type: number;
  reason: string;
  carePlan: "" | "1" | "2";
}

const EPOCH = Date.UTC(2023, 0, 1);
const pad2 = (n: number): string => String(n).padStart(2, "0");

/** Wall-clock minutes since 1 January 2023 of a local date and time. */
export function minutesAt(year: number, month: number, day: number, hour = 0, minute = 0): number {
  return (Date.UTC(year, month - 1, day, hour, minute) - EPOCH) / 60_000;
}

/** `DD.MM.JJJJ` of a moment in wall-clock minutes. */
export function dateCell(minutes: number): string {
  const d = new Date(EPOCH + minutes * 60_000);
  return `${pad2(d.getUTCDate())}.${pad2(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
}

/** `HH:MM` of a moment in wall-clock minutes. */
export function timeCell(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`;
}

/** The eight codebook cells of a measure. Measures without an end get empty end cells. */
export function toCells(m: Measure): string[] {
  const end = m.duration === null ? null : m.start + m.duration;
  return [
    m.youth,
    dateCell(m.start),
    timeCell(m.start),
    end === null ? "" : dateCell(end),
    end === null ? "" : timeCell(end),
    m.reason,
    String(m.type),
    m.carePlan,
  ];
}

/** Share of non-point-in-time measures registered without an end (a known data quality gap). */
export const MISSING_END_SHARE = 0.015;
/** Share of reasons left empty. */
export const EMPTY_REASON_SHARE = 0.05;

/** Draws the parts of a measure; built once per location (its own category mix and care plan habit). */
export class MeasureSampler {
  private readonly categories: CategoryId[];
  private readonly categoryTable: WeightedTable;
  private readonly typeTables = new Map<CategoryId, { codes: number[]; table: WeightedTable }>();
  private static readonly hourTable = new WeightedTable(START_HOUR_WEIGHTS);

  /**
   * @param categoryFactors multiplies the national category shares (a location's own mix);
   *   a category missing from it is never drawn.
   * @param carePlanEmpty share of measures where this location leaves the care plan empty.
   */
  constructor(
    categoryFactors: Partial<Record<CategoryId, number>>,
    private readonly carePlanEmpty: number,
  ) {
    this.categories = (Object.keys(CATEGORY_SHARES) as CategoryId[]).filter(
      (c) => categoryFactors[c] !== undefined,
    );
    this.categoryTable = new WeightedTable(
      this.categories.map((c) => CATEGORY_SHARES[c] * (categoryFactors[c] ?? 0)),
    );
    for (const c of this.categories) {
      const weights = TYPE_WEIGHTS[c];
      const codes = Object.keys(weights).map(Number);
      this.typeTables.set(c, { codes, table: new WeightedTable(codes.map((code) => weights[code] ?? 0)) });
    }
  }

  type(rng: Rng): number {
    const category = this.categories[this.categoryTable.draw(rng)] as CategoryId;
    const t = this.typeTables.get(category);
    if (!t) throw new Error(`no types for category ${category}`);
    return t.codes[t.table.draw(rng)] as number;
  }

  /** A start moment on a random day of the given month, at a plausible hour. */
  start(rng: Rng, year: number, month: number): number {
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const hour = MeasureSampler.hourTable.draw(rng);
    // Registrations are mostly rounded to five minutes.
    const minute = rng.chance(0.65) ? 5 * rng.int(0, 11) : rng.int(0, 59);
    return minutesAt(year, month, rng.int(1, days), hour, minute);
  }

  /** Null for point-in-time types and for the small share with a missing end. */
  duration(rng: Rng, type: number): number | null {
    if (POINT_IN_TIME_CODES.includes(type)) return null;
    if (rng.chance(MISSING_END_SHARE)) return null;
    return sampleDuration(rng, type);
  }

  carePlan(rng: Rng): "" | "1" | "2" {
    if (rng.chance(this.carePlanEmpty)) return "";
    return rng.chance(CARE_PLAN_SHARES.yes / (CARE_PLAN_SHARES.yes + CARE_PLAN_SHARES.no)) ? "1" : "2";
  }

  reason(rng: Rng, type: number): string {
    if (rng.chance(EMPTY_REASON_SHARE)) return "";
    return rng.pick(REASONS[reasonGroupOf(type)]).replace("{naam}", () => rng.pick(FIRST_NAMES));
  }
}

/**
 * Durations follow a quantile function fixed by the national table, so the median is met
 * exactly and the mean closely (a lognormal fitted to median and mean overshoots the table's
 * maximum for most types):
 * - a share of exact zeros (start = end) where the table's minimum is 0:00;
 * - the rest of the lower half log-uniform from the minimum (at least 1 minute) up to the median;
 * - the upper half `median + (max − median) · t^k`, t uniform, with k chosen so that the mean of
 *   the whole distribution equals the table's mean (large k: a few long measures; small k:
 *   long measures are common).
 */
interface DurationShape {
  zero: number;
  low: number;
  median: number;
  max: number;
  k: number;
}

function durationShape(type: number): DurationShape {
  const p = DURATIONS[type];
  if (!p) throw new RangeError(`type ${type} has no duration profile`);
  const low = Math.max(p.min, 1);
  const logUniformMean = p.median > low ? (p.median - low) / Math.log(p.median / low) : low;
  const lowerHalfMean = ((0.5 - p.zeroShare) / 0.5) * logUniformMean;
  // Mean of the upper half is median + (max − median) / (k + 1).
  const upperExcess = 2 * p.mean - lowerHalfMean - p.median;
  const k = upperExcess > 0 ? (p.max - p.median) / upperExcess - 1 : 50;
  return { zero: p.zeroShare, low, median: p.median, max: p.max, k: Math.min(50, Math.max(0.05, k)) };
}

const shapes = new Map<number, DurationShape>();

/** A duration in whole minutes for a type with a duration profile (see DurationShape). */
export function sampleDuration(rng: Rng, type: number): number {
  let shape = shapes.get(type);
  if (!shape) {
    shape = durationShape(type);
    shapes.set(type, shape);
  }
  const u = rng.next();
  if (u < shape.zero) return 0;
  if (u < 0.5) {
    const f = (u - shape.zero) / (0.5 - shape.zero);
    return Math.round(shape.low * (shape.median / shape.low) ** f);
  }
  const t = (u - 0.5) / 0.5;
  return Math.round(shape.median + (shape.max - shape.median) * t ** shape.k);
}
