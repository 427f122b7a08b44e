/**
 * Shares use a denominator that matches their numerator's scope (issue 9, section 2): a location
 * that delivered seclusion only counts for seclusion, never in the denominator of a share of all
 * measures. Hand-computed example, 2023-Q3 (numbers worked out here, not by the code):
 *
 *   AB all types:       type 3 ×10, type 6 ×5, type 11 ×15, type 15 ×10   = 40
 *   EF all types:       type 3 ×10,            type 11 ×5,  type 15 ×5    = 20
 *   CD seclusion only:              type 6 ×5, type 11 ×5                 = 10
 *
 *   all measures (T) = 70; measures of all-type deliveries (A) = 60
 *   share of all measures, all-type deliveries only (A = 60):
 *     Beperken bewegingsvrijheid 20/60 = 33,3%   (wrong, over T: 20/70 = 28,6%)
 *     Gedwongen afzonderen       25/60 = 41,7%   (wrong, over T: 35/70 = 50,0%)
 *     Controles                  15/60 = 25,0%   (wrong, over T: 15/70 = 21,4%)
 *     type 6  5/60 = 8,3%; type 11 20/60 = 33,3%
 *   share within seclusion, every location that delivered seclusion (S = 35):
 *     type 6  10/35 = 28,6%; type 11 25/35 = 71,4%
 *   AB's own shares (all types): Gedwongen afzonderen 20/40 = 50,0%
 *   CD's own shares (within seclusion): type 6 5/10 = 50,0%, type 11 5/10 = 50,0%
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDuckDbEngine } from "../../../functions/adapters/local/duckdb-engine.ts";
import { formatFigures } from "../../../functions/cli/format.ts";
import { protectFigures } from "../../../functions/core/disclosure.ts";
import { buildFigures } from "../../../functions/core/figures.ts";
import { toText } from "../../../functions/reports/blocks.ts";
import { buildFactsheet } from "../../../functions/reports/factsheet.ts";
import { buildNationalReport } from "../../../functions/reports/national.ts";
import type { FactsheetInput } from "../../../schemas/documents.ts";
import type { FiguresModel } from "../../../schemas/figures.ts";
import {
  attempt,
  type MeasureFixture,
  makeCuratedDir,
  removeDir,
  writeLog,
  writeMeasures,
} from "../sql/fixtures.ts";

let dir: string;
const measures = (spec: Record<number, number>, prefix: string): MeasureFixture[] =>
  Object.entries(spec).flatMap(([type, n]) =>
    Array.from({ length: n }, (_, i) => ({
      youth: `${prefix}${i % 7}`,
      start: `2023-0${7 + (i % 3)}-1${i % 10} 10:00`,
      type: Number(type),
    })),
  );

let national: FiguresModel;
let ab: FiguresModel;
let cd: FiguresModel;

beforeAll(async () => {
  dir = makeCuratedDir();
  await writeMeasures(dir, "AB", "2023-Q3", measures({ 3: 10, 6: 5, 11: 15, 15: 10 }, "ab"));
  await writeMeasures(dir, "EF", "2023-Q3", measures({ 3: 10, 11: 5, 15: 5 }, "ef"));
  // CD delivered seclusion only: its log line says so.
  writeLog(dir, {
    attempt_id: attempt(3),
    location: "CD",
    quarter: "2023-Q3",
    status: "accepted",
    scope: "seclusion",
    rows: 10,
    processed_at: "2023-10-02T09:00:00.000Z",
  });
  await writeMeasures(dir, "CD", "2023-Q3", measures({ 6: 5, 11: 5 }, "cd"));
  const engine = await createDuckDbEngine({ curatedDir: dir });
  try {
    const opts = { from: "2023-Q3", to: "2023-Q3", locations: ["AB", "CD", "EF"] };
    national = await buildFigures(engine, { ...opts, location: null });
    ab = await buildFigures(engine, { ...opts, location: "AB" });
    cd = await buildFigures(engine, { ...opts, location: "CD" });
  } finally {
    await engine.close();
  }
});
afterAll(() => removeDir(dir));

const flat = (s: string) => s.replace(/\s+/g, " ");
const category = (m: FiguresModel, id: string) => m.byCategory.find((c) => c.category === id);
const type = (m: FiguresModel, code: number) => m.byType.find((t) => t.type === code);

describe("figures model: scope-aware shares", () => {
  it("fixture: CD delivered seclusion only", () => {
    expect(national.deliveries.map((d) => [d.location, d.status, d.rows])).toEqual([
      ["AB", "all", 40],
      ["CD", "seclusion", 10],
      ["EF", "all", 20],
    ]);
  });

  it("counts all measures, and separately those of deliveries with all types", () => {
    expect(national.total).toBe(70);
    expect(national.allScopeTotal).toBe(60);
    expect(category(national, "gedwongen_afzonderen")).toMatchObject({ count: 35, allScopeCount: 25 });
    expect(type(national, 6)).toMatchObject({ count: 10, allScopeCount: 5 });
    expect(type(national, 11)).toMatchObject({ count: 25, allScopeCount: 20 });
    expect(type(national, 3)).toMatchObject({ count: 20, allScopeCount: 20 });
  });

  it("gives shares of all measures over deliveries with all types only", () => {
    expect(category(national, "beperken_bewegingsvrijheid")?.share).toBeCloseTo(20 / 60, 12);
    expect(category(national, "gedwongen_afzonderen")?.share).toBeCloseTo(25 / 60, 12);
    expect(category(national, "controles")?.share).toBeCloseTo(15 / 60, 12);
    expect(type(national, 6)?.share).toBeCloseTo(5 / 60, 12);
    expect(type(national, 11)?.share).toBeCloseTo(20 / 60, 12);
    expect(national.byCategory.reduce((a, c) => a + c.share, 0)).toBeCloseTo(1, 12);
  });

  it("gives shares within seclusion over every location that delivered seclusion", () => {
    expect(type(national, 6)?.seclusionShare).toBeCloseTo(10 / 35, 12);
    expect(type(national, 11)?.seclusionShare).toBeCloseTo(25 / 35, 12);
    expect(type(national, 3)?.seclusionShare).toBeNull();
  });

  it("gives a seclusion-only location no share of all measures, only shares within seclusion", () => {
    expect(cd.total).toBe(10);
    expect(cd.allScopeTotal).toBe(0);
    expect(cd.byCategory.every((c) => c.share === 0)).toBe(true);
    expect(type(cd, 6)?.seclusionShare).toBeCloseTo(0.5, 12);
    expect(ab.allScopeTotal).toBe(40);
    expect(category(ab, "gedwongen_afzonderen")?.share).toBeCloseTo(0.5, 12);
  });

  it("says in the CLI summary what the shares are shares of", () => {
    const text = formatFigures(national);
    expect(text).toMatch(/Gedwongen afzonderen\s+25\s+41,7%/);
    expect(flat(text)).toContain("locaties die alle typen leverden");
  });
});

describe("national report: scope-aware shares", () => {
  let text: string;
  beforeAll(async () => {
    const p = protectFigures(national);
    const doc = await buildNationalReport({
      range: {
        from: "2023-Q3",
        to: "2023-Q3",
        total: national,
        perQuarter: [national],
        matrix: [
          { location: "AB", quarter: "2023-Q3", status: "all" },
          { location: "CD", quarter: "2023-Q3", status: "seclusion" },
          { location: "EF", quarter: "2023-Q3", status: "all" },
        ],
        generatedAt: "2023-10-20T12:00:00.000Z",
        suppressionThreshold: 5,
      },
      total: p,
      perQuarter: [p],
    });
    text = toText(doc);
  });

  it("shows categories as counts and shares of the deliveries with all types", () => {
    expect(text).toMatch(/Gedwongen afzonderen\s+25\s+41,7%/);
    expect(text).toMatch(/Beperken bewegingsvrijheid\s+20\s+33,3%/);
    expect(text).toMatch(/Controles\s+15\s+25,0%/);
    expect(text).not.toMatch(/50,0%/);
    expect(flat(text)).toMatch(/aandeel van alle maatregelen bij locaties die alle typen leverden/i);
  });

  it("shows types as shares of all measures, and seclusion rooms within seclusion", () => {
    expect(text).toMatch(/6\. Isoleer-\/separeerruimte op slot\s+5\s+8,3%/);
    // Room × locked within all 35 seclusions (also CD's): type 6 = isolation room locked 10,
    // type 11 = own room not locked 25.
    expect(text).toMatch(/Isoleer-\/separeerruimte\s+10\s+28,6%\s+0\s+0,0%\s+10\s+28,6%/);
    expect(text).toMatch(/Eigen kamer\s+0\s+0,0%\s+25\s+71,4%\s+25\s+71,4%/);
    expect(text).toMatch(/Totaal\s+10\s+28,6%\s+25\s+71,4%\s+35\s+100,0%/);
    expect(flat(text)).toMatch(
      /aandeel \(%\) van al het afzonderen \(35 keer\)\. Bij alle locaties die afzonderen leverden, ook de locaties die alleen afzonderen leverden/i,
    );
  });
});

describe("factsheet: compares like with like", () => {
  const input = (current: FiguresModel, code: string): FactsheetInput => ({
    location: { code, name: `Locatie ${code}` },
    quarter: "2023-Q3",
    current,
    previous: null,
    national,
    signals: { lockedRooms: 0, over12h: 0, over3days: 0, youthRises: [] },
    warnings: [],
    generatedAt: "2023-10-16T08:00:00.000Z",
  });

  it("compares an all-types location with national shares of the all-types deliveries", async () => {
    const text = toText(await buildFactsheet(input(ab, "AB")));
    expect(text).toMatch(/Gedwongen afzonderen\s+50,0%\s+41,7%/);
    expect(text).toMatch(/Beperken bewegingsvrijheid\s+25,0%\s+33,3%/);
    expect(flat(text)).toContain("locaties die alle typen leverden");
  });

  it("compares a seclusion-only location within seclusion, nationally over every seclusion delivery", async () => {
    const text = toText(await buildFactsheet(input(cd, "CD")));
    expect(text).toMatch(/6\. Isoleer-\/separeerruimte op slot\s+50,0%\s+28,6%/);
    expect(text).toMatch(/11\. Eigen kamer niet op slot\s+50,0%\s+71,4%/);
    expect(flat(text)).toContain("Aandeel binnen gedwongen afzonderen");
    expect(text).not.toContain("Aandeel van alle maatregelen");
  });
});
