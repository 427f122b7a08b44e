/**
 * The seed report's chapter 4 elements in the national report, from measures in a curated
 * folder through the figures model, disclosure control and the report (issue 9, section 2):
 * seclusion by room × locked with percentages, the start time per kind of seclusion, measures
 * over 12 hours, the under-registration caveat. Every number below is worked out by hand from
 * the measures written here, not by the code under test.
 *
 * 2023-Q3. AB delivered all types, CD seclusion only (it counts for seclusion, in every share
 * within seclusion, and nowhere else).
 *
 *   type (room, locked)           AB                                        CD
 *   3  holding                    20 at 10:00; 14 × 10 min, 5 × 800, 1 × 5000 −
 *   6  isolation room, locked      5 at 20:10, 2 at 22:30; 30 min           −
 *   7  isolation room, not locked  2 at 14:00; 30 min                       −
 *   8  other room, locked          −                                         6 at 21:00; 900 min
 *   10 own room, locked            8 at 16:00 (60 min), 4 at 20:00 (780 min) −
 *   11 own room, not locked       10 at 09:00, 10 at 19:00; 14 × 20, 6 × 1000 10 at 13:00; 20 min
 *   15 body search                 5 at 10:00, no end                        −
 *
 * Seclusion, room × locked (all 57 seclusions, AB and CD):
 *
 *                     locked  not locked  total
 *   isolation room        7          2        9
 *   other room            6          0        6
 *   own room             12         30       42
 *   total                25         32       57      locked 25/57 = 43,9%, not locked 56,1%,
 *                                                    own room 42/57 = 73,7%
 *
 * Disclosure (threshold 5): 2 is small (<5). Its row (7 + 2 = 9) and column (2 + 0 + 30 = 32)
 * each need a partner: 7 and 30 are hidden (x); the own-room row then hides 12. The split by
 * delivery scope (published through the shares of all measures) hides the seclusion-only 10 of
 * type 11 to protect its total, then CD's 6 of type 8 (the only other seclusion-only count),
 * and so type 8 and its room (all its measures are seclusion-only); the rooms' margins
 * (9 + 6 + 42 = 57) then hide the isolation room's 9. Shown: 42, 25, 32, 57 and the zero.
 *
 * Start time in blocks of 3 hours:
 *
 *                       9–12  12–15  15–18  18–21  21–24 | total
 *   isolation, locked      ·      ·      ·      5      2 |    7
 *   isolation, not         ·      2      ·      ·      · |    2
 *   other, locked          ·      ·      ·      ·      6 |    6
 *   own room, locked       ·      ·      8      4      · |   12
 *   own room, not         10     10      ·     10      · |   30
 *   total                 10     12      8     19      8 |   57
 *
 * Small: 2, 2, 4. Column 18–21 hides 5 (x) to protect the 4; column 12–15 hides own room not
 * locked's 10 to protect the 2. Row "own room, not locked" has a hidden total (30, above), so
 * its first 10 (9–12) goes too, and with it the 9–12 total (its only non-zero cell). The block
 * totals then need a partner: the first smallest, 8 of 15–18, and so its only cell (8). Row
 * "other, locked" has a hidden total (6): its only cell goes too.
 *
 * Over 12 hours (> 720 min): holding 6 of 20 (30,0%; 1 over 3 days), other room locked 6 of 6,
 * own room locked 4 of 12, own room not locked 6 of 30: 22 in all, 1 over 3 days. Holding's
 * 6 and 14 (up to 12 hours) are both at least 5: shown. Own room locked's 4 is small; other
 * room's and own room not locked's 6 go with their hidden duration n (the rest: 0 and 24).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDuckDbEngine } from "../../../functions/adapters/local/duckdb-engine.ts";
import { protectFigures } from "../../../functions/core/disclosure.ts";
import { buildFigures } from "../../../functions/core/figures.ts";
import { type Block, type ReportDocument, toText } from "../../../functions/reports/blocks.ts";
import { buildNationalReport } from "../../../functions/reports/national.ts";
import type { ProtectedFigures } from "../../../schemas/documents.ts";
import type { FiguresModel } from "../../../schemas/figures.ts";
import {
  attempt,
  type MeasureFixture,
  makeCuratedDir,
  removeDir,
  writeLog,
  writeMeasures,
} from "../sql/fixtures.ts";
import { axisLabels, axisTitles } from "./fixtures.ts";

let dir: string;
let model: FiguresModel;
let figures: ProtectedFigures;
let doc: ReportDocument;
let text: string;

/** `n` measures of `type` starting on July days at `time`, with the given durations (minutes). */
function measures(
  prefix: string,
  type: number,
  n: number,
  time: string,
  durations: (i: number) => number | undefined,
): MeasureFixture[] {
  return Array.from({ length: n }, (_, i) => {
    const day = String(1 + (i % 28)).padStart(2, "0");
    const duration = durations(i);
    return {
      youth: `${prefix}${i % 6}`,
      start: `2023-07-${day} ${time}`,
      type,
      ...(duration === undefined ? {} : { duration, end: `2023-07-${day} ${time}` }),
    };
  });
}

beforeAll(async () => {
  dir = makeCuratedDir();
  await writeMeasures(dir, "AB", "2023-Q3", [
    ...measures("ab", 3, 20, "10:00", (i) => (i < 14 ? 10 : i < 19 ? 800 : 5000)),
    ...measures("ab", 6, 5, "20:10", () => 30),
    ...measures("ab", 6, 2, "22:30", () => 30),
    ...measures("ab", 7, 2, "14:00", () => 30),
    ...measures("ab", 10, 8, "16:00", () => 60),
    ...measures("ab", 10, 4, "20:00", () => 780),
    ...measures("ab", 11, 10, "09:00", () => 20),
    ...measures("ab", 11, 10, "19:00", (i) => (i < 4 ? 20 : 1000)),
    ...measures("ab", 15, 5, "10:00", () => undefined),
  ]);
  writeLog(dir, {
    attempt_id: attempt(7),
    location: "CD",
    quarter: "2023-Q3",
    status: "accepted",
    scope: "seclusion",
    rows: 16,
    processed_at: "2023-10-02T09:00:00.000Z",
  });
  await writeMeasures(dir, "CD", "2023-Q3", [
    ...measures("cd", 8, 6, "21:00", () => 900),
    ...measures("cd", 11, 10, "13:00", () => 20),
  ]);
  const engine = await createDuckDbEngine({ curatedDir: dir });
  try {
    model = await buildFigures(engine, {
      from: "2023-Q3",
      to: "2023-Q3",
      location: null,
      locations: ["AB", "CD"],
      details: { seclusionByStartHour: true },
    });
  } finally {
    await engine.close();
  }
  figures = protectFigures(model);
  doc = await buildNationalReport({
    range: {
      from: "2023-Q3",
      to: "2023-Q3",
      total: model,
      perQuarter: [model],
      matrix: [
        { location: "AB", quarter: "2023-Q3", status: "all" },
        { location: "CD", quarter: "2023-Q3", status: "seclusion" },
      ],
      generatedAt: "2023-10-20T12:00:00.000Z",
      suppressionThreshold: 5,
    },
    total: figures,
    perQuarter: [figures],
  });
  text = toText(doc).replace(/\s+/g, " ");
});
afterAll(() => removeDir(dir));

/** The rows of the table whose headers start with `headers`. */
function tableRows(...headers: string[]): string[][] {
  const t = doc.blocks.find(
    (b): b is Extract<Block, { kind: "table" }> =>
      b.kind === "table" && headers.every((h, i) => b.headers[i] === h),
  );
  if (!t) throw new Error(`no table ${headers.join(", ")}`);
  return t.rows;
}

describe("national report, seed chapter 4", () => {
  it("fixture: the counts worked out by hand are the model's", () => {
    expect(model.total).toBe(82);
    expect(model.seclusionByRoom.map((r) => [r.room, r.locked, r.count])).toEqual([
      ["isoleer_separeerruimte", true, 7],
      ["isoleer_separeerruimte", false, 2],
      ["overige_ruimte", true, 6],
      ["overige_ruimte", false, 0],
      ["eigen_kamer", true, 12],
      ["eigen_kamer", false, 30],
    ]);
    expect(model.longMeasures.over12h).toBe(22);
    expect(model.longMeasures.over3days).toBe(1);
  });

  it("shows seclusion by room × locked with margins and percentages of all seclusion (also seclusion-only locations)", () => {
    expect(tableRows("Ruimte")).toEqual([
      ["Isoleer-/separeerruimte", "x", "–", "<5", "–", "x", "–"],
      ["Overige ruimte", "x", "–", "0", "0,0%", "x", "–"],
      ["Eigen kamer", "x", "–", "x", "–", "42", "73,7%"],
      ["Totaal", "25", "43,9%", "32", "56,1%", "57", "100,0%"],
    ]);
    expect(text).toContain(
      "Van al het gedwongen afzonderen (57 keer) was 43,9% in een ruimte op slot en 56,1% in een ruimte die niet op slot was.",
    );
  });

  it("shows the start time per kind of seclusion in blocks of 3 hours, after disclosure control", () => {
    const zeros = ["0", "0", "0"];
    expect(tableRows("Soort afzonderen")).toEqual([
      ["Isoleer-/separeerruimte op slot", ...zeros, "0", "0", "0", "x", "<5", "x"],
      ["Isoleer-/separeerruimte niet op slot", ...zeros, "0", "<5", "0", "0", "0", "<5"],
      ["Overige ruimte op slot", ...zeros, "0", "0", "0", "0", "x", "x"],
      ["Overige ruimte niet op slot", ...zeros, "0", "0", "0", "0", "0", "0"],
      ["Eigen kamer op slot", ...zeros, "0", "0", "x", "<5", "0", "x"],
      ["Eigen kamer niet op slot", ...zeros, "x", "x", "0", "10", "0", "x"],
      ["Totaal", ...zeros, "x", "12", "x", "19", "8", "57"],
    ]);
    const chart = doc.blocks.find((b) => b.kind === "chart" && b.chart.id === "nl-seclusion-start");
    if (chart?.kind !== "chart") throw new Error("no start-time chart per kind of seclusion");
    expect(axisTitles(chart.chart.svg)).toEqual([
      "Uur van de dag waarop het afzonderen begon (blokken van 3 uur)",
      "Aantal keer afzonderen",
    ]);
    // A count axis: whole numbers only.
    for (const l of axisLabels(chart.chart.svg)[1] ?? []) expect(l).toMatch(/^\d+$/);
    // The kind without any seclusion gets no line.
    expect(chart.data.headers).not.toContain("Overige ruimte niet op slot");
  });

  it("shows the measures over 12 hours, per type with their share, after disclosure control", () => {
    expect(text).toContain("22 maatregelen duurden langer dan 12 uur; daarvan <5 langer dan 3 dagen.");
    expect(tableRows("Type", "Met eindtijd")).toEqual([
      ["3. Vastpakken en/of vasthouden", "20", "6", "30,0%"],
      ["8. Overige ruimte op slot", "x", "x", "–"],
      ["10. Eigen kamer op slot", "x", "<5", "–"],
      ["11. Eigen kamer niet op slot", "x", "x", "–"],
    ]);
  });

  it("warns that the figures depend on the registration, and says why the maximum per young person is not given", () => {
    expect(text).toContain("Niet elke maatregel wordt altijd geregistreerd (onderregistratie)");
    expect(text).toContain("Het werkelijke aantal kan dus hoger liggen");
    expect(text).toContain("Het hoogste aantal maatregelen bij één jongere noemen we niet");
  });
});
