/**
 * Deterministic synthetic data for the demo: 16 fictional locations delivering their VBM
 * registrations for 2023 Q1–Q3, calibrated on the 2023 national figures, with the realities of
 * real deliveries (a seclusion-only location, a missing quarter, a zero delivery, a file with
 * errors and its correction, Windows-1252, comma CSV, xlsx, the DST change). Nothing here is real
 * data: locations, youth numbers, names and texts are invented.
 */
import type { Scope } from "../../schemas/delivery.ts";
import type { LocationConfig } from "../../schemas/locations.ts";
import { monthRange, quarterBounds, quarterMonths } from "../../schemas/quarter.ts";
import {
  CATEGORY_SHARES,
  type CategoryId,
  NATIONAL_MONTHLY_TOTALS,
  POINT_IN_TIME_CODES,
} from "./calibration.ts";
import {
  type CsvFormat,
  EXCEL_ANSI,
  EXCEL_UTF8,
  encodeCsv,
  encodeText,
  encodeXlsx,
  QUOTED_COMMA,
} from "./formats.ts";
import { dateCell, HEADER, type Measure, MeasureSampler, minutesAt, timeCell, toCells } from "./model.ts";
import { apportion, Rng, WeightedTable } from "./random.ts";

export { generateDeliveryCsv } from "./bulk.ts";

export interface DemoDelivery {
  location: string;
  quarter: string;
  scope: "all" | "seclusion";
  /** e.g. "AB_2023-Q1.csv" / ".xlsx" */
  fileName: string;
  bytes: Uint8Array;
  expected: "accepted" | "rejected";
  /** Dutch, one line: how the file looks and what is special about it. */
  note: string;
}

export interface DemoData {
  /** 16 fictional locations. */
  locations: LocationConfig[];
  /** CSV `Locatie;Maand;Gemiddelde bezetting`, decimal comma. */
  occupancy: { fileName: string; bytes: Uint8Array };
  /** In delivery order. */
  deliveries: DemoDelivery[];
}

export const DEMO_QUARTERS = ["2023-Q1", "2023-Q2", "2023-Q3"] as const;
const MONTHS = monthRange("2023-Q1", "2023-Q3");

/** Which fictional location plays which part in the demo. */
export const DEMO_ROLES = {
  /** Delivers seclusion only (codes 6–11), every quarter. */
  seclusionOnly: "VB",
  /** Delivers nothing for this quarter (EPD migration). */
  missing: { location: "RD", quarter: "2023-Q3" },
  /** A small location that registered no measures this quarter: header-only file. */
  zeroDelivery: { location: "OZ", quarter: "2023-Q2" },
  /** First delivers a file with errors (rejected), later the corrected file. */
  rejectedThenCorrected: { location: "HB", quarter: "2023-Q1" },
  /** Switched EPD: this quarter as an Excel workbook. */
  xlsx: { location: "KB", quarter: "2023-Q3" },
  /** Deliver plain "CSV (gescheiden door lijstscheidingsteken)": Windows-1252. */
  windows1252: ["DW", "ST"],
  /** An EPD report export: comma separated, every field quoted. */
  commaCsv: { location: "MH", quarter: "2023-Q2" },
  /** Has a measure across the start of summer time (26.03.2023 01:30 → 03:30). */
  dst: { location: "DL", quarter: "2023-Q1" },
  /** Have one measure longer than 24 hours (a warning, not an error). */
  over24h: [
    { location: "ED", quarter: "2023-Q2" },
    { location: "WH", quarter: "2023-Q3" },
  ],
} as const;

interface LocationPlan {
  code: string;
  name: string;
  /** Average number of young people present (before month-to-month variation). */
  occupancy: number;
  /** Relative number of measures per young person present. */
  intensity: number;
  /** Share of measures where this location leaves the care plan answer empty. */
  carePlanEmpty: number;
  /** How the EPD sorts the export. */
  order: "start" | "youth";
  /** A second address for the factsheet. */
  quality?: boolean;
}

/** The 16 fictional locations. Names and codes are invented. */
const PLANS: readonly LocationPlan[] = [
  {
    code: "DL",
    name: "De Linde",
    occupancy: 24,
    intensity: 1.2,
    carePlanEmpty: 0.4,
    order: "start",
    quality: true,
  },
  { code: "HB", name: "Het Baken", occupancy: 32, intensity: 1.3, carePlanEmpty: 0.55, order: "youth" },
  { code: "VB", name: "Vennebrug", occupancy: 18, intensity: 1.1, carePlanEmpty: 0.35, order: "start" },
  { code: "DW", name: "De Wissel", occupancy: 28, intensity: 0.9, carePlanEmpty: 0.5, order: "start" },
  {
    code: "HA",
    name: "Het Anker",
    occupancy: 14,
    intensity: 1.5,
    carePlanEmpty: 0.3,
    order: "start",
    quality: true,
  },
  { code: "ED", name: "De Esdoorn", occupancy: 36, intensity: 1.0, carePlanEmpty: 0.45, order: "start" },
  { code: "KV", name: "De Kraanvogel", occupancy: 22, intensity: 0.8, carePlanEmpty: 0.6, order: "youth" },
  { code: "ZW", name: "Zilverwilg", occupancy: 12, intensity: 1.6, carePlanEmpty: 0.35, order: "start" },
  { code: "MH", name: "Meerhoeve", occupancy: 26, intensity: 1.0, carePlanEmpty: 0.45, order: "start" },
  { code: "BL", name: "De Beukelaar", occupancy: 16, intensity: 0.7, carePlanEmpty: 0.5, order: "start" },
  { code: "ST", name: "De Sterrenwacht", occupancy: 20, intensity: 1.1, carePlanEmpty: 0.4, order: "start" },
  {
    code: "WH",
    name: "Wilgenhof",
    occupancy: 30,
    intensity: 0.9,
    carePlanEmpty: 0.5,
    order: "youth",
    quality: true,
  },
  { code: "RD", name: "Het Roerdomp", occupancy: 10, intensity: 1.2, carePlanEmpty: 0.45, order: "start" },
  { code: "OZ", name: "De Oeverzwaluw", occupancy: 7, intensity: 0.35, carePlanEmpty: 0.3, order: "start" },
  { code: "KB", name: "Klaverblad", occupancy: 38, intensity: 0.8, carePlanEmpty: 0.45, order: "start" },
  {
    code: "PW",
    name: "De Populierenwaard",
    occupancy: 15,
    intensity: 1.0,
    carePlanEmpty: 0.4,
    order: "start",
  },
];

/** A young person at a location: months (0 = January … 8 = September) present, and how prone to measures. */
interface Youth {
  number: string;
  from: number;
  to: number;
  weight: number;
  /** Measures drawn so far (over all quarters). */
  measures: number;
}

/** The most measures one young person gets in the nine months (2023: at most 72 in a year). */
const MAX_MEASURES_PER_YOUTH = 70;

/** Average stay in months of a young person in closed youth care (for admissions per month). */
const MEAN_STAY_MONTHS = 6;

/**
 * The young people of one location over the nine months, numbered `<LOC>0001…` in order of
 * admission, so the same young person keeps the same number in every quarter. A few are very
 * prone to measures (together they account for the 30–70 measures some young people get);
 * most get a handful or none.
 */
function createYouths(rng: Rng, plan: LocationPlan): Youth[] {
  const youths: Youth[] = [];
  const add = (from: number, to: number): void => {
    const number = `${plan.code}${String(youths.length + 1).padStart(4, "0")}`;
    youths.push({ number, from, to: Math.min(to, MONTHS.length - 1), weight: proneness(rng), measures: 0 });
  };
  const present = Math.round(plan.occupancy);
  for (let i = 0; i < present; i++) add(0, rng.int(0, 8));
  for (let month = 1; month < MONTHS.length; month++) {
    const admissions = Math.round((plan.occupancy / MEAN_STAY_MONTHS) * rng.uniform(0.6, 1.4));
    for (let i = 0; i < admissions; i++) add(month, month + rng.int(1, 8));
  }
  return youths;
}

/** Relative proneness to measures: heavy-tailed. */
function proneness(rng: Rng): number {
  const u = rng.next();
  if (u < 0.3) return 0.03;
  if (u < 0.8) return rng.uniform(0.1, 0.5);
  if (u < 0.93) return rng.uniform(1, 2.5);
  if (u < 0.975) return rng.uniform(2.5, 5);
  return rng.uniform(5, 9);
}

/** Occupancy per location and month: the location's average with a small random walk, 6–40, one decimal. */
function createOccupancy(rng: Rng, plan: LocationPlan): number[] {
  let level = plan.occupancy;
  return MONTHS.map(() => {
    level = Math.min(40, Math.max(6, level + rng.normal() * 0.7));
    return Math.round(level * 10) / 10;
  });
}

/** A location's own category mix: the national shares, each varied a little. */
function categoryFactors(rng: Rng, plan: LocationPlan): Partial<Record<CategoryId, number>> {
  if (plan.code === DEMO_ROLES.seclusionOnly) return { gedwongen_afzonderen: 1 };
  const factors: Partial<Record<CategoryId, number>> = {};
  for (const c of Object.keys(CATEGORY_SHARES) as CategoryId[]) factors[c] = rng.lognormal(0, 0.15);
  // The seclusion-only location adds seclusion only (about 3% of all measures); the others
  // seclude a little less, so the national seclusion share stays at the 2023 level.
  factors.gedwongen_afzonderen = (factors.gedwongen_afzonderen ?? 1) * 0.95;
  return factors;
}

const isRole = (role: { location: string; quarter: string }, code: string, quarter: string): boolean =>
  role.location === code && role.quarter === quarter;

/** Does this location deliver a file with measures for this quarter? */
function deliversMeasures(code: string, quarter: string): boolean {
  return !isRole(DEMO_ROLES.missing, code, quarter) && !isRole(DEMO_ROLES.zeroDelivery, code, quarter);
}

/**
 * Number of measures per location and month. Each month's national total is split over the
 * locations that deliver measures, in proportion to occupancy × intensity with some monthly
 * noise, so the delivered national totals equal the 2023 figures. The seclusion-only location
 * counts with its seclusion share only: the rest of its measures are never delivered.
 */
function monthlyCounts(rng: Rng, occupancy: Map<string, number[]>): Map<string, number[]> {
  const counts = new Map<string, number[]>(PLANS.map((p) => [p.code, MONTHS.map(() => 0)]));
  MONTHS.forEach((month, mi) => {
    const quarter = `2023-Q${Math.floor(mi / 3) + 1}`;
    const weights = PLANS.map((p) => {
      if (!deliversMeasures(p.code, quarter)) return 0;
      const scopeShare = p.code === DEMO_ROLES.seclusionOnly ? CATEGORY_SHARES.gedwongen_afzonderen / 100 : 1;
      return (occupancy.get(p.code)?.[mi] ?? 0) * p.intensity * scopeShare * rng.lognormal(0, 0.2);
    });
    const parts = apportion(NATIONAL_MONTHLY_TOTALS[month] ?? 0, weights);
    PLANS.forEach((p, i) => {
      const row = counts.get(p.code);
      if (row) row[mi] = parts[i] ?? 0;
    });
  });
  return counts;
}

/**
 * Draws the measures of one location and month, each for a young person present that month
 * (weighted by proneness; someone at the cap is passed over).
 */
function drawMeasures(
  rng: Rng,
  sampler: MeasureSampler,
  youths: Youth[],
  mi: number,
  count: number,
): Measure[] {
  if (count === 0) return [];
  const present = youths.filter((y) => y.from <= mi && y.to >= mi);
  const pool = present.length > 0 ? present : youths;
  // Someone who already had many measures gets fewer new ones: a soft cap below the hard one.
  const table = new WeightedTable(
    pool.map((y) => y.weight * Math.max(0.01, 1 - y.measures / MAX_MEASURES_PER_YOUTH)),
  );
  const [year, month] = (MONTHS[mi] as string).split("-").map(Number) as [number, number];
  const drawYouth = (): Youth => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const youth = pool[table.draw(rng)] as Youth;
      if (youth.measures < MAX_MEASURES_PER_YOUTH) return youth;
    }
    return pool.reduce((a, b) => (b.measures < a.measures ? b : a));
  };
  const measures: Measure[] = [];
  for (let i = 0; i < count; i++) {
    const youth = drawYouth();
    youth.measures++;
    const type = sampler.type(rng);
    measures.push({
      youth: youth.number,
      start: sampler.start(rng, year, month),
      duration: sampler.duration(rng, type),
      type,
      reason: sampler.reason(rng, type),
      carePlan: sampler.carePlan(rng),
    });
  }
  return measures;
}

/** Notes for the special measures, in Dutch, added to the delivery note. */
function applySpecials(code: string, quarter: string, measures: Measure[], rng: Rng): string[] {
  const notes: string[] = [];
  if (isRole(DEMO_ROLES.dst, code, quarter)) {
    // Replace one March measure (the count stays calibrated): 01:30 → 03:30 wall clock is one real hour.
    const march = measures.filter((m) => dateCell(m.start).endsWith(".03.2023"));
    const target = march.length > 0 ? rng.pick(march) : measures[0];
    if (target) {
      Object.assign(target, {
        start: minutesAt(2023, 3, 26, 1, 30),
        duration: 120,
        type: 10,
        reason: "Escalatie in de nacht, onrust op de gang",
      });
      notes.push("met maatregel over de zomertijdovergang (26.03.2023 01:30–03:30)");
    }
  }
  const long = DEMO_ROLES.over24h.findIndex((r) => isRole(r, code, quarter));
  if (long >= 0 && measures.length > 0) {
    const target = rng.pick(measures);
    Object.assign(
      target,
      long === 0
        ? { type: 5, duration: 26 * 60 + 15, reason: "Tijdelijk overgeplaatst na ernstig incident" }
        : { type: 1, duration: 25 * 60 + 40, reason: "Cameratoezicht i.v.m. suïcidaliteit" },
    );
    notes.push("met een maatregel langer dan 24 uur");
  }
  return notes;
}

/**
 * Turns measures into rows that are valid under the codebook rules: no exact duplicates (a
 * duplicate gets its start moved by a minute, staying inside the quarter), sorted as the
 * location's EPD sorts.
 */
function toRows(measures: Measure[], quarter: string, order: LocationPlan["order"]): string[][] {
  const { first, last } = quarterBounds(quarter);
  const [fy, fm, fd] = first.split("-").map(Number) as [number, number, number];
  const [ly, lm, ld] = last.split("-").map(Number) as [number, number, number];
  const lo = minutesAt(fy, fm, fd);
  const hi = minutesAt(ly, lm, ld, 23, 59);
  const seen = new Set<string>();
  for (const m of measures) {
    const original = m.start;
    for (let step = 1; seen.has(toCells(m).join("\u0000")); step++) {
      const offset = step % 2 === 1 ? (step + 1) / 2 : -step / 2;
      m.start = Math.min(hi, Math.max(lo, original + offset));
    }
    seen.add(toCells(m).join("\u0000"));
  }
  const sorted = [...measures].sort((a, b) =>
    order === "youth"
      ? a.youth.localeCompare(b.youth) || a.start - b.start || a.type - b.type
      : a.start - b.start || a.youth.localeCompare(b.youth) || a.type - b.type,
  );
  return sorted.map(toCells);
}

/** Column positions in a row (codebook order). */
const COL = {
  youth: 0,
  startDate: 1,
  startTime: 2,
  endDate: 3,
  endTime: 4,
  reason: 5,
  type: 6,
  carePlan: 7,
} as const;

/**
 * The rejected version of a correct file: seven different mistakes, each on its own row, as
 * they happen when a file is edited by hand.
 */
function withMistakes(rows: string[][], foreignCode: string, rng: Rng): string[][] {
  const bad = rows.map((r) => [...r]);
  const used = new Set<number>();
  const take = (accept: (r: string[]) => boolean): string[] => {
    const free = bad.map((_, i) => i).filter((i) => !used.has(i));
    const candidates = free.filter((i) => accept(bad[i] as string[]));
    const pool = candidates.length > 0 ? candidates : free;
    const i = rng.pick(pool);
    used.add(i);
    return bad[i] as string[];
  };
  const pointInTime = (r: string[]): boolean => POINT_IN_TIME_CODES.includes(Number(r[COL.type]));
  const hasEnd = (r: string[]): boolean => r[COL.endDate] !== "" && !pointInTime(r);
  const clearEnd = (r: string[]): void => {
    r[COL.endDate] = "";
    r[COL.endTime] = "";
  };

  // A date that does not exist (on a search, so the end cannot hide it).
  const invalid = take(pointInTime);
  invalid[COL.startDate] = "31.02.2023";
  clearEnd(invalid);
  // End 45 minutes before the start.
  const reversed = take(hasEnd);
  const [d, mo, y] = (reversed[COL.startDate] as string).split(".").map(Number) as [number, number, number];
  const [h, mi] = (reversed[COL.startTime] as string).split(":").map(Number) as [number, number];
  const endBefore = minutesAt(y, mo, d, h, mi) - 45;
  reversed[COL.endDate] = dateCell(endBefore);
  reversed[COL.endTime] = timeCell(endBefore);
  // A type that is not in the codebook.
  take(() => true)[COL.type] = "23";
  // "ja" instead of 1.
  take(() => true)[COL.carePlan] = "ja";
  // A young person of another location.
  take(() => true)[COL.youth] = `${foreignCode}0012`;
  // Start in the next quarter (typed a wrong month).
  const outside = take(pointInTime);
  outside[COL.startDate] = "03.04.2023";
  clearEnd(outside);
  // The same row twice (copy-paste).
  const duplicated = bad.indexOf(take(() => true));
  bad.splice(duplicated + 1, 0, [...(bad[duplicated] as string[])]);
  return bad;
}

/** Windows-1252 files should show why the encoding matters: make sure one reason has an accent. */
function ensureAccent(rows: string[][]): void {
  if (rows.some((r) => /[^\x20-\x7e]/.test(r[COL.reason] ?? ""))) return;
  const row = rows.find((r) => r[COL.reason] !== "") ?? rows[0];
  if (row) row[COL.reason] = "Na overleg met coördinator, zie rapportage";
}

const FORMAT_NOTES = new Map<CsvFormat, string>([
  [EXCEL_UTF8, "UTF-8 met BOM, puntkomma, CRLF"],
  [EXCEL_ANSI, "Windows-1252, puntkomma, CRLF"],
  [QUOTED_COMMA, "UTF-8 zonder BOM, komma, alle velden tussen aanhalingstekens, LF"],
]);
const XLSX_NOTE = "Excel-werkmap (.xlsx, nieuw EPD): datums als datumcellen, tijden als tijdcellen (uu:mm)";

function csvFormatOf(code: string, quarter: string): CsvFormat {
  if (isRole(DEMO_ROLES.commaCsv, code, quarter)) return QUOTED_COMMA;
  if ((DEMO_ROLES.windows1252 as readonly string[]).includes(code)) return EXCEL_ANSI;
  return EXCEL_UTF8;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z]+/g, "-")
    .replace(/^-|-$/g, "");
}

function locationConfigs(): LocationConfig[] {
  return PLANS.map((p) => ({
    code: p.code,
    name: p.name,
    emails: [
      `registratie.${slug(p.name)}@example.org`,
      ...(p.quality ? [`kwaliteit.${slug(p.name)}@example.org`] : []),
    ],
  }));
}

function occupancyFile(occupancy: Map<string, number[]>): { fileName: string; bytes: Uint8Array } {
  let text = "Locatie;Maand;Gemiddelde bezetting\r\n";
  for (const p of PLANS) {
    occupancy.get(p.code)?.forEach((value, mi) => {
      text += `${p.code};${MONTHS[mi]};${value.toFixed(1).replace(".", ",")}\r\n`;
    });
  }
  return { fileName: "bezetting_2023-Q1-Q3.csv", bytes: encodeText(text, "utf-8-bom") };
}

/**
 * The complete demo: locations, occupancy and the quarterly deliveries in the order they arrive.
 * Same seed → byte-identical output.
 */
export async function generateDemo(seed = 2023): Promise<DemoData> {
  const root = new Rng(seed);
  const occupancy = new Map(PLANS.map((p) => [p.code, createOccupancy(root.fork(`occupancy/${p.code}`), p)]));
  const counts = monthlyCounts(root.fork("counts"), occupancy);

  // Rows per location and quarter (without the files' encoding yet).
  const files = new Map<string, { rows: string[][]; notes: string[] }>();
  for (const plan of PLANS) {
    const rng = root.fork(`location/${plan.code}`);
    const youths = createYouths(rng.fork("youths"), plan);
    const sampler = new MeasureSampler(categoryFactors(rng.fork("mix"), plan), plan.carePlanEmpty);
    for (const quarter of DEMO_QUARTERS) {
      const qrng = rng.fork(quarter);
      const measures = quarterMonths(quarter).flatMap((month) => {
        const mi = MONTHS.indexOf(month);
        return drawMeasures(qrng, sampler, youths, mi, counts.get(plan.code)?.[mi] ?? 0);
      });
      const notes = applySpecials(plan.code, quarter, measures, qrng);
      const rows = toRows(measures, quarter, plan.order);
      if (csvFormatOf(plan.code, quarter) === EXCEL_ANSI) ensureAccent(rows);
      files.set(`${plan.code}/${quarter}`, { rows, notes });
    }
  }

  const deliveries: DemoDelivery[] = [];
  const orderRng = root.fork("order");
  for (const quarter of DEMO_QUARTERS) {
    const late: DemoDelivery[] = [];
    for (const plan of orderRng.shuffle([...PLANS])) {
      if (isRole(DEMO_ROLES.missing, plan.code, quarter)) continue;
      const file = files.get(`${plan.code}/${quarter}`);
      if (!file) continue;
      const scope: Scope = plan.code === DEMO_ROLES.seclusionOnly ? "seclusion" : "all";
      const roleNotes = [...file.notes];
      if (scope === "seclusion") roleNotes.unshift("alleen afzonderen (codes 6–11)");
      if (isRole(DEMO_ROLES.zeroDelivery, plan.code, quarter))
        roleNotes.unshift("nullevering: alleen de kopregel, dit kwartaal geen maatregelen");
      const base = `${plan.code}_${quarter}`;

      if (isRole(DEMO_ROLES.xlsx, plan.code, quarter)) {
        deliveries.push({
          location: plan.code,
          quarter,
          scope,
          fileName: `${base}.xlsx`,
          bytes: await encodeXlsx(HEADER, file.rows),
          expected: "accepted",
          note: [XLSX_NOTE, ...roleNotes].join("; "),
        });
        continue;
      }
      const format = csvFormatOf(plan.code, quarter);
      const formatNote = FORMAT_NOTES.get(format) ?? "";
      const accepted: DemoDelivery = {
        location: plan.code,
        quarter,
        scope,
        fileName: `${base}.csv`,
        bytes: encodeCsv(HEADER, file.rows, format),
        expected: "accepted",
        note: [formatNote, ...roleNotes].join("; "),
      };
      if (isRole(DEMO_ROLES.rejectedThenCorrected, plan.code, quarter)) {
        const foreign = PLANS.find((p) => p.code !== plan.code)?.code ?? "AA";
        const bad = withMistakes(file.rows, foreign, orderRng.fork("mistakes"));
        deliveries.push({
          ...accepted,
          bytes: encodeCsv(HEADER, bad, format),
          expected: "rejected",
          note: [
            formatNote,
            "bevat fouten: ongeldige datum 31.02.2023, einde vóór start, type 23, hulpverleningsplan 'ja', " +
              `nummer jongere van ${foreign}, startdatum buiten het kwartaal, dubbele regel`,
          ].join("; "),
        });
        late.push({
          ...accepted,
          fileName: `${base}_gecorrigeerd.csv`,
          note: [formatNote, "gecorrigeerde levering na afkeuring", ...roleNotes].join("; "),
        });
        continue;
      }
      deliveries.push(accepted);
    }
    deliveries.push(...late);
  }

  return { locations: locationConfigs(), occupancy: occupancyFile(occupancy), deliveries };
}
