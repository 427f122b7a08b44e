/**
 * Dutch formatting shared by the factsheet, the national report and their charts: decimal
 * comma, thousands with a dot, percentages with one decimal, durations as `h:mm`.
 * Everything here is pure and locale-independent (no Intl), so output is identical everywhere.
 */

import type { Cell } from "../../schemas/documents.ts";
import { quarterMonths, splitQuarter } from "../../schemas/quarter.ts";

/** Shown where a statistic does not exist (no measures, or hidden by disclosure control). */
export const DASH = "–";

/** Rounds half away from zero, robust against binary artefacts such as 7.55 → 7.549999…. */
function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  const scaled = Math.abs(value) * f;
  return (Math.sign(value) * Math.round(scaled + 1e-9 * Math.max(1, scaled))) / f;
}

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

/** A whole number: `3983` → `3.983`. */
export function formatCount(n: number): string {
  const r = roundTo(n, 0);
  return `${r < 0 ? "-" : ""}${group(String(Math.abs(r)))}`;
}

/** A decimal number with a comma: `54.545` → `54,5`; `1234.5` → `1.234,5`. */
export function formatDecimal(n: number, digits = 1): string {
  const r = roundTo(n, digits);
  const [intPart = "0", frac] = Math.abs(r).toFixed(digits).split(".");
  const sign = r < 0 ? "-" : "";
  return `${sign}${group(intPart)}${frac ? `,${frac}` : ""}`;
}

/** A fraction (0..1) as a percentage with one decimal: `0.531` → `53,1%`. */
export function formatShare(fraction: number): string {
  return `${formatDecimal(fraction * 100, 1)}%`;
}

/** `part` as a percentage of `whole` (one decimal), or the dash when `whole` is 0. */
export function formatPercentOf(part: number, whole: number): string {
  return whole > 0 ? formatShare(part / whole) : DASH;
}

/** Minutes as `h:mm`, rounded to the whole minute: `75` → `1:15`, `1441` → `24:01`. */
export function hmm(minutes: number): string {
  const total = Math.round(minutes);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/** A signed whole number: `+22`, `-5`, `0`. */
export function formatSigned(n: number): string {
  if (n === 0) return "0";
  return `${n > 0 ? "+" : "-"}${formatCount(Math.abs(n))}`;
}

export interface Change {
  /** Signed absolute difference, e.g. `+22`. */
  absolute: string;
  /** Signed relative difference with one decimal, e.g. `+7,6%`; null when previous is 0. */
  percent: string | null;
}

/** The change from `previous` to `current`, absolute and in percent of `previous`. */
export function formatChange(previous: number, current: number): Change {
  const diff = current - previous;
  if (previous === 0) return { absolute: formatSigned(diff), percent: null };
  const pct = (diff / previous) * 100;
  const rounded = roundTo(pct, 1);
  const text = rounded === 0 ? "0,0%" : `${rounded > 0 ? "+" : "-"}${formatDecimal(Math.abs(pct), 1)}%`;
  return { absolute: formatSigned(diff), percent: text };
}

/** Shown for a count hidden to protect another one (secondary suppression): not a small count. */
export const HIDDEN = "x";

/**
 * A count after disclosure control: the number; `<threshold` for a small count (primary
 * suppression); {@link HIDDEN} for a cell hidden to protect another one (secondary).
 */
export function formatCell(cell: Cell, threshold: number): string {
  if (cell.suppressed && cell.secondary) return HIDDEN;
  if (cell.suppressed || cell.value === null) return `<${threshold}`;
  return formatCount(cell.value);
}

/** A statistic that may be missing: `format(value)` or the dash. */
export function orDash<T>(value: T | null | undefined, format: (v: T) => string): string {
  return value === null || value === undefined ? DASH : format(value);
}

const MONTHS = [
  "januari",
  "februari",
  "maart",
  "april",
  "mei",
  "juni",
  "juli",
  "augustus",
  "september",
  "oktober",
  "november",
  "december",
] as const;

/** `2023-07` → `juli 2023`. */
export function monthLong(month: string): string {
  const [y, m] = month.split("-");
  return `${MONTHS[Number(m) - 1] ?? month} ${y}`;
}

const MONTHS_SHORT = [
  "jan",
  "feb",
  "mrt",
  "apr",
  "mei",
  "jun",
  "jul",
  "aug",
  "sep",
  "okt",
  "nov",
  "dec",
] as const;

/** `2023-07` → `jul 2023` (for chart axes). */
export function monthShort(month: string): string {
  const [y, m] = month.split("-");
  const name = MONTHS_SHORT[Number(m) - 1];
  return name ? `${name} ${y}` : month;
}

/** `2023-Q3` → `3e kwartaal 2023`. */
export function quarterLong(quarter: string): string {
  const { year, q } = splitQuarter(quarter);
  return `${q}e kwartaal ${year}`;
}

/** `2023-Q3` → `K3 2023` (for chart axes and table headers). */
export function quarterShort(quarter: string): string {
  const { year, q } = splitQuarter(quarter);
  return `K${q} ${year}`;
}

/** `2023-Q3` → `juli t/m september 2023`. */
export function quarterMonthsText(quarter: string): string {
  const months = quarterMonths(quarter);
  const first = months[0] ?? "";
  const last = months[months.length - 1] ?? "";
  const { year } = splitQuarter(quarter);
  return `${MONTHS[Number(first.slice(5)) - 1]} t/m ${MONTHS[Number(last.slice(5)) - 1]} ${year}`;
}

/** A range of quarters in words: one quarter, or `1e kwartaal 2023 t/m 3e kwartaal 2023`. */
export function rangeLong(from: string, to: string): string {
  return from === to ? quarterLong(from) : `${quarterLong(from)} t/m ${quarterLong(to)}`;
}

/** `2024-01-15T10:00:00Z` → `15 januari 2024` (UTC date part). */
export function dateLong(date: Date): string {
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** Dutch count noun: `1 maatregel`, `2 maatregelen`. */
export function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
