/**
 * Large synthetic delivery files for the benchmark (up to millions of rows). Valid under the
 * codebook rules, built in chunks straight into one growing byte buffer.
 */
import { quarterBounds } from "../../schemas/quarter.ts";
import {
  CARE_PLAN_SHARES,
  CATEGORY_SHARES,
  type CategoryId,
  FIRST_NAMES,
  POINT_IN_TIME_CODES,
  REASONS,
  reasonGroupOf,
  TYPE_WEIGHTS,
} from "./calibration.ts";
import { csvField } from "./formats.ts";
import { EMPTY_REASON_SHARE, HEADER, sampleDuration } from "./model.ts";
import { Rng, WeightedTable } from "./random.ts";

export interface BulkOptions {
  /** Two capital letters; the youth numbers are `<location>0001…`. */
  location: string;
  /** `YYYY-Qn`; every start date lies inside it. */
  quarter: string;
  /** Number of measure rows (after the header). */
  rows: number;
  /** Default 1. */
  seed?: number;
  /** Number of distinct young people, 1–9999 (default 500). */
  youth?: number;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * A delivery file with `rows` measures: UTF-8 with BOM, `;`, CRLF, the codebook header.
 * Types follow the national mix, durations the national duration profiles, point-in-time types
 * have no end. Rows are never exact duplicates: row i gets start minute
 * `(i·P + offset) mod M` (P coprime to the M minutes of the quarter, so each pass over M rows
 * visits every minute once) and in pass r a youth number that differs per pass; hence
 * rows ≤ M × youth. Start times are therefore spread evenly over the quarter. Returns one
 * Uint8Array (a view on the generated buffer, without a final copy).
 */
export function generateDeliveryCsv(opts: BulkOptions): Uint8Array {
  const { location, quarter, rows } = opts;
  const youthCount = opts.youth ?? 500;
  if (!/^[A-Z]{2}$/.test(location)) throw new RangeError(`not a location code: ${location}`);
  if (!Number.isInteger(rows) || rows < 0)
    throw new RangeError(`rows must be a non-negative integer: ${rows}`);
  if (!Number.isInteger(youthCount) || youthCount < 1 || youthCount > 9999)
    throw new RangeError(`youth must be an integer from 1 to 9999: ${youthCount}`);
  const { first, last } = quarterBounds(quarter);
  const firstDay = Date.parse(`${first}T00:00:00Z`);
  const days = (Date.parse(`${last}T00:00:00Z`) - firstDay) / 86_400_000 + 1;
  const minutes = days * 1440;
  if (rows > minutes * youthCount)
    throw new RangeError(`at most ${minutes * youthCount} distinct rows fit ${youthCount} young people`);

  const rng = new Rng(opts.seed ?? 1);

  // Lookup tables, so the row loop only concatenates strings.
  const dates = Array.from({ length: days + 2 }, (_, d) => {
    const date = new Date(firstDay + d * 86_400_000);
    return `${pad2(date.getUTCDate())}.${pad2(date.getUTCMonth() + 1)}.${date.getUTCFullYear()}`;
  });
  const times = Array.from({ length: 1440 }, (_, m) => `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`);
  const youths = Array.from({ length: youthCount }, (_, y) => `${location}${String(y + 1).padStart(4, "0")}`);
  const typeCodes: number[] = [];
  const typeWeights: number[] = [];
  for (const [category, share] of Object.entries(CATEGORY_SHARES) as [CategoryId, number][]) {
    const within = TYPE_WEIGHTS[category];
    const sum = Object.values(within).reduce((a, b) => a + b, 0);
    for (const [code, w] of Object.entries(within)) {
      typeCodes.push(Number(code));
      typeWeights.push((share * w) / sum);
    }
  }
  const typeTable = new WeightedTable(typeWeights);
  const pointInTime = typeCodes.map((c) => POINT_IN_TIME_CODES.includes(c));
  // Reasons that fit each type, already quoted where needed; "" = left empty.
  const reasonsByType = typeCodes.map((code) => {
    const texts = REASONS[reasonGroupOf(code)].flatMap((text) =>
      text.includes("{naam}") ? FIRST_NAMES.slice(0, 4).map((name) => text.replace("{naam}", name)) : [text],
    );
    return texts.map((text) => csvField(text, ";", false));
  });
  const emptyCare = CARE_PLAN_SHARES.empty;
  const yesCare = CARE_PLAN_SHARES.empty + CARE_PLAN_SHARES.yes;

  // Summer time starts at 02:00 on the last Sunday of March: the clock skips to 03:00. A
  // measure that starts before 03:00 and runs past 02:00 that night ends an hour later on the
  // clock than start + duration, so no row gets an end before its start.
  const year = Number(quarter.slice(0, 4));
  const lastSunday = 31 - new Date(Date.UTC(year, 2, 31)).getUTCDay();
  const gapStart = (Date.UTC(year, 2, lastSunday) - firstDay) / 60_000 + 120;

  let step = 104_729; // a prime; moved on until it is coprime with the quarter's minutes
  while (greatestCommonDivisor(step, minutes) !== 1) step++;
  const offset = rng.int(0, minutes - 1);

  const encoder = new TextEncoder();
  let buffer = new Uint8Array(Math.max(4096, rows * 96));
  let length = 0;
  const write = (text: string): void => {
    const worst = text.length * 3; // UTF-8 bytes per UTF-16 code unit, at most
    if (length + worst > buffer.length) {
      const grown = new Uint8Array(Math.max(buffer.length * 2, length + worst));
      grown.set(buffer.subarray(0, length));
      buffer = grown;
    }
    length += encoder.encodeInto(text, buffer.subarray(length)).written;
  };

  write(`\uFEFF${HEADER.join(";")}\r\n`);
  const chunkRows = 4096;
  for (let from = 0; from < rows; from += chunkRows) {
    let chunk = "";
    const to = Math.min(rows, from + chunkRows);
    for (let i = from; i < to; i++) {
      const slot = (i * step + offset) % minutes;
      const pass = Math.floor(i / minutes);
      const youth = youths[(pass + slot * 31) % youthCount] as string;
      const day = Math.floor(slot / 1440);
      const time = slot % 1440;
      const t = typeTable.draw(rng);
      const type = typeCodes[t] as number;
      let end = ";";
      if (!pointInTime[t]) {
        let endMinute = slot + sampleDuration(rng, type);
        if (slot < gapStart + 60 && endMinute >= gapStart) endMinute += 60;
        end = `${dates[Math.floor(endMinute / 1440)]};${times[endMinute % 1440]}`;
      }
      const u = rng.next();
      const care = u < emptyCare ? "" : u < yesCare ? "1" : "2";
      const reasons = reasonsByType[t] as string[];
      const reason =
        rng.next() < EMPTY_REASON_SHARE ? "" : (reasons[Math.floor(rng.next() * reasons.length)] as string);
      chunk += `${youth};${dates[day]};${times[time]};${end};${reason};${type};${care}\r\n`;
    }
    write(chunk);
  }
  return buffer.subarray(0, length);
}
