import { IANAZone } from "luxon";

/**
 * Local wall time in Europe/Amsterdam, represented as "wall milliseconds": the UTC epoch the
 * same calendar reading would have in UTC (Date.UTC(y, m, d, h, mi)). This is what the curated
 * TIMESTAMP columns store (isAdjustedToUTC=false). Real elapsed time needs the zone offset,
 * which only changes at DST transitions, so offsets are cached per local date and hour.
 */
export const ZONE = "Europe/Amsterdam";
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const DATE_PATTERNS = [
  /^(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})$/, // DD.MM.JJJJ (also - and /)
];
const XLSX_DATE_TIME = /^(\d{2}\.\d{2}\.\d{4}) (\d{2}:\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(year: number, month: number, day: number): LocalDate | null {
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) return null;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= last ? { year, month, day } : null;
}

/**
 * Parses a date as the codebook writes it (`DD.MM.JJJJ`; `-` or `/` also accepted, and ISO
 * `JJJJ-MM-DD`). With `allowSerial` (xlsx files) an Excel serial day number is accepted too.
 */
export function parseDate(text: string, allowSerial = false): LocalDate | null {
  // An xlsx date-time cell in a date column reads "DD.MM.JJJJ HH:MM": the date part counts.
  const s = allowSerial ? text.trim().replace(XLSX_DATE_TIME, "$1") : text.trim();
  for (const p of DATE_PATTERNS) {
    const m = p.exec(s);
    if (m) return validDate(Number(m[3]), Number(m[2]), Number(m[1]));
  }
  const iso = ISO_DATE.exec(s);
  if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  if (allowSerial && /^\d{5}(\.0+)?$/.test(s)) {
    // Excel's day 0 is 1899-12-30 (with the 1900 leap-year bug already folded in for dates after March 1900).
    const ms = Date.UTC(1899, 11, 30) + Number.parseInt(s, 10) * 86_400_000;
    const d = new Date(ms);
    return validDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }
  return null;
}

/**
 * Parses a time `HH:MM` (also `H:MM`, `HH:MM:SS` and `HH.MM`). Seconds are dropped.
 * With `allowFraction` (xlsx files) a day fraction like `0.5` (12:00) is accepted too.
 * Returns minutes since midnight.
 */
export function parseTime(text: string, allowFraction = false): number | null {
  // An xlsx date-time cell in a time column reads "DD.MM.JJJJ HH:MM": the time part counts.
  const s = allowFraction ? text.trim().replace(XLSX_DATE_TIME, "$2") : text.trim();
  // In xlsx files a time cell arrives as a day fraction ("0.5"); check that first there.
  if (allowFraction && /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(s)) {
    const minutes = Math.round(Number(s) * 1440);
    return minutes < 1440 ? minutes : null;
  }
  const m = /^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$/.exec(s);
  if (m) {
    const h = Number(m[1]);
    const mi = Number(m[2]);
    const sec = m[3] === undefined ? 0 : Number(m[3]);
    if (h > 23 || mi > 59 || sec > 59) return null;
    return h * 60 + mi;
  }
  return null;
}

export function wallMs(date: LocalDate, minutes: number): number {
  return Date.UTC(date.year, date.month - 1, date.day) + minutes * MINUTE;
}

const zone = IANAZone.create(ZONE);
/** Per wall day: the offset delta of all its hours, or NaN when a DST change is near (then per hour). */
const dayCache = new Map<number, number>();
const utcCache = new Map<number, number>();

/**
 * The UTC instant of a wall time in Europe/Amsterdam, resolved like Temporal's "compatible"
 * disambiguation (and RFC 5545): a wall time inside the skipped hour in March (e.g. 02:30) is
 * read with the offset from before the change, so it lands at the same instant as 03:30 summer
 * time; a wall time that occurs twice in October is read as its first (summer-time) occurrence.
 * Offsets only change at DST transitions, so results are cached per wall day, or per wall hour on
 * the days around a change (asking the time zone for an offset is slow).
 */
function wallToUtc(wall: number): number {
  const dayKey = Math.floor(wall / DAY);
  let dayDelta = dayCache.get(dayKey);
  if (dayDelta === undefined) {
    // The hours of this day look one day back and forward: with the same offset a day before it
    // and two days after its start, no change is near any of them (changes are months apart).
    const dayStart = dayKey * DAY;
    const before = zone.offset(dayStart - DAY);
    dayDelta = before === zone.offset(dayStart + 2 * DAY) ? before * MINUTE : Number.NaN;
    dayCache.set(dayKey, dayDelta);
  }
  if (!Number.isNaN(dayDelta)) return wall - dayDelta;
  const hourKey = Math.floor(wall / HOUR);
  let delta = utcCache.get(hourKey);
  if (delta === undefined) {
    const hourStart = hourKey * HOUR;
    const before = zone.offset(hourStart - DAY);
    const after = zone.offset(hourStart + DAY);
    const valid = [before, after].filter((o) => zone.offset(hourStart - o * MINUTE) === o);
    // Two valid offsets (October overlap): the larger one gives the earlier instant.
    const offset = valid.length === 0 ? before : Math.max(...valid);
    delta = offset * MINUTE;
    utcCache.set(hourKey, delta);
  }
  return wall - delta;
}

/** Real elapsed minutes between two wall times in Europe/Amsterdam. */
export function elapsedMinutes(startWall: number, endWall: number): number {
  return Math.round((wallToUtc(endWall) - wallToUtc(startWall)) / MINUTE);
}

export function isoDate(d: LocalDate): string {
  return `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}
