/**
 * Hand-made inputs for the report tests: figures models built from a few counts per type and
 * month (validated with the zod schema), and protected figures with simple primary suppression.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codebookFor } from "../../../schemas/codebook.ts";
import type {
  Cell,
  FactsheetInput,
  NationalReportInput,
  ProtectedFigures,
} from "../../../schemas/documents.ts";
import { type FiguresModel, figuresModel } from "../../../schemas/figures.ts";
import { quarterMonths, quarterRange } from "../../../schemas/quarter.ts";

const codebook = codebookFor("2023-01-01");

export interface ModelSpec {
  location: string | null;
  from: string;
  to?: string;
  /** Measures per type code, one count per month of the range. */
  types: Record<number, number[]>;
  uniqueYouth: number;
  youthFrequency: { measures: number; youth: number }[];
  duration: FiguresModel["duration"];
  carePlan: { yes: number; no: number };
  /** Occupancy per month of the range (null = not known). */
  occupancy: (number | null)[];
  deliveries?: FiguresModel["deliveries"];
  dataQuality?: Partial<FiguresModel["dataQuality"]>;
  longMeasures?: FiguresModel["longMeasures"];
  /**
   * Scope of the delivery (default all): for the rates, and for the shares (a seclusion-only
   * delivery counts in no share of all measures).
   */
  scope?: "all" | "seclusion";
}

/** A valid figures model whose totals, shares, months, hours and rates all agree. */
export function makeModel(spec: ModelSpec): FiguresModel {
  const to = spec.to ?? spec.from;
  const months = quarterRange(spec.from, to).flatMap(quarterMonths);
  const perMonth = (code: number) => spec.types[code] ?? [];
  const count = (code: number) => perMonth(code).reduce((a, b) => a + b, 0);
  const total = codebook.types.reduce((a, t) => a + count(t.code), 0);
  const allScope = (spec.scope ?? "all") === "all";
  const allScopeTotal = allScope ? total : 0;
  const share = (n: number) => (allScopeTotal > 0 ? n / allScopeTotal : 0);
  const seclusionTotal = codebook.types.filter((t) => t.seclusion).reduce((a, t) => a + count(t.code), 0);
  const byMonth = months.map((month, i) => ({
    month,
    count: codebook.types.reduce((a, t) => a + (perMonth(t.code)[i] ?? 0), 0),
  }));
  const byType = codebook.types.map((t) => ({
    type: t.code,
    label: t.label,
    category: t.category,
    count: count(t.code),
    allScopeCount: allScope ? count(t.code) : 0,
    share: allScope ? share(count(t.code)) : 0,
    seclusionShare: t.seclusion ? (seclusionTotal > 0 ? count(t.code) / seclusionTotal : 0) : null,
  }));
  const byCategory = codebook.categories.map((c) => {
    const n = byType.filter((t) => t.category === c.id).reduce((a, t) => a + t.count, 0);
    const a = allScope ? n : 0;
    return { category: c.id, label: c.label, count: n, allScopeCount: a, share: share(a) };
  });
  const seclusionByRoom = codebook.rooms.flatMap((r) =>
    [true, false].map((locked) => ({
      room: r.id,
      label: r.label,
      locked,
      count: codebook.types
        .filter((t) => t.seclusion?.room === r.id && t.seclusion.locked === locked)
        .reduce((a, t) => a + count(t.code), 0),
    })),
  );
  // Start hours: a fixed daily profile, the remainder on 14:00.
  const profile = [0, 0, 0, 0, 0, 0, 0, 1, 3, 4, 4, 5, 4, 3, 4, 5, 6, 5, 4, 4, 3, 2, 1, 0];
  const profileSum = profile.reduce((a, b) => a + b, 0);
  const byStartHour = profile.map((p, hour) => ({ hour, count: Math.floor((total * p) / profileSum) }));
  const placed = byStartHour.reduce((a, h) => a + h.count, 0);
  (byStartHour[14] as { count: number }).count += total - placed;
  const seclusionCodes = new Set(codebook.types.filter((t) => t.seclusion).map((t) => t.code));
  const rates = months.flatMap((month, i) =>
    (["all", "seclusion"] as const).map((scope) => {
      const occ = spec.occupancy[i] ?? null;
      const counted = scope === "all" && (spec.scope ?? "all") === "seclusion";
      if (occ === null || counted) return { month, scope, measures: 0, occupancy: 0, per10: null };
      const measures = codebook.types
        .filter((t) => scope === "all" || seclusionCodes.has(t.code))
        .reduce((a, t) => a + (perMonth(t.code)[i] ?? 0), 0);
      return { month, scope, measures, occupancy: occ, per10: (measures * 10) / occ };
    }),
  );
  const unknown = total - spec.carePlan.yes - spec.carePlan.no;
  return figuresModel.parse({
    location: spec.location,
    from: spec.from,
    to,
    codebookVersions: total > 0 ? ["2023"] : [],
    deliveries: spec.deliveries ?? [
      { location: spec.location ?? "AB", quarter: spec.from, status: spec.scope ?? "all", rows: total },
    ],
    total,
    allScopeTotal,
    uniqueYouth: spec.uniqueYouth,
    byMonth,
    byCategory,
    byType,
    seclusionByRoom,
    byStartHour,
    duration: spec.duration,
    carePlan: { ...spec.carePlan, unknown },
    youthFrequency: spec.youthFrequency,
    rates,
    longMeasures: spec.longMeasures ?? { over12h: 0, over3days: 0 },
    dataQuality: {
      missingEnd: 0,
      zeroDuration: 0,
      carePlanUnknown: unknown,
      missingReason: 0,
      ...spec.dataQuality,
    },
  } satisfies FiguresModel);
}

/**
 * Location AB ("De Vonk"), 2023-Q3. Months Jul/Aug/Sep: 40, 36, 38 = 114 measures.
 * Occupancy 20, 22, 24 → 30 × 114 / 66 = 51,8 per 10 places. Previous quarter: 98 → +16 (+16,3%).
 */
export function factsheetInput(overrides: Partial<FactsheetInput> = {}): FactsheetInput {
  const current = makeModel({
    location: "AB",
    from: "2023-Q3",
    types: {
      1: [0, 1, 1],
      3: [14, 10, 12],
      6: [2, 1, 0],
      10: [3, 4, 2],
      11: [15, 12, 17],
      14: [0, 0, 1],
      15: [5, 6, 4],
      16: [1, 2, 1],
    },
    uniqueYouth: 23,
    youthFrequency: [
      { measures: 1, youth: 6 },
      { measures: 2, youth: 5 },
      { measures: 3, youth: 4 },
      { measures: 8, youth: 3 },
      { measures: 10, youth: 2 },
      { measures: 11, youth: 1 },
      { measures: 14, youth: 1 },
      { measures: 17, youth: 1 },
    ],
    duration: [
      { type: 1, label: "Elektronisch toezicht", n: 2, min: 30, max: 400, mean: 215, median: 215 },
      { type: 3, label: "Vastpakken en/of vasthouden", n: 35, min: 0, max: 95, mean: 14.2, median: 10 },
      { type: 6, label: "Isoleer-/separeerruimte op slot", n: 3, min: 20, max: 190, mean: 83.3, median: 40 },
      { type: 10, label: "Eigen kamer op slot", n: 9, min: 5, max: 900, mean: 151, median: 60 },
      { type: 11, label: "Eigen kamer niet op slot", n: 44, min: 0, max: 1385, mean: 118.6, median: 95 },
      { type: 14, label: "Beperking van bezoek", n: 1, min: 1440, max: 1440, mean: 1440, median: 1440 },
    ],
    carePlan: { yes: 40, no: 31 },
    occupancy: [20, 22, 24],
    dataQuality: { missingEnd: 1, zeroDuration: 6, missingReason: 2 },
    longMeasures: { over12h: 3, over3days: 0 },
  });
  const previous = makeModel({
    location: "AB",
    from: "2023-Q2",
    types: { 3: [12, 11, 10], 11: [14, 13, 12], 10: [2, 2, 2], 15: [7, 6, 7] },
    uniqueYouth: 21,
    youthFrequency: [
      { measures: 1, youth: 8 },
      { measures: 3, youth: 7 },
      { measures: 11, youth: 3 },
      { measures: 12, youth: 3 },
    ],
    duration: [],
    carePlan: { yes: 30, no: 30 },
    occupancy: [21, 21, 21],
  });
  return {
    location: { code: "AB", name: "De Vonk" },
    quarter: "2023-Q3",
    current,
    previous,
    national: nationalModel("2023-Q3"),
    signals: {
      lockedRooms: 12,
      over12h: 3,
      over3days: 0,
      youthRises: [
        { youthNumber: "AB0012", previous: 3, current: 11 },
        { youthNumber: "AB0031", previous: 0, current: 17 },
      ],
    },
    warnings: [
      { code: "end-on-point-in-time", title: "Einde ingevuld bij een controle", count: 2 },
      { code: "extra-column", title: "Onbekende kolom (wordt genegeerd)", count: 1 },
    ],
    generatedAt: "2023-10-16T08:00:00.000Z",
    ...overrides,
  };
}

/** National figures for one quarter (or a range) of 16 fictional locations. */
export function nationalModel(from: string, to = from): FiguresModel {
  const quarters = quarterRange(from, to);
  const n = quarters.length * 3;
  // A slow decline over the year: each quarter 8% below the first quarter of its year, per step.
  const scaleOf = (i: number) => 1 - 0.08 * ((Number(quarters[Math.floor(i / 3)]?.slice(-1)) || 1) - 1);
  const m = (base: number[]) =>
    Array.from({ length: n }, (_, i) => Math.round((base[i % 3] ?? 0) * scaleOf(i)));
  const scale = quarters.reduce((a, _, q) => a + scaleOf(q * 3), 0);
  // Young people by number of measures; 3 young people with many measures (a small cell).
  const youth = [
    { measures: 1, youth: Math.round(60 * scale) },
    { measures: 2, youth: Math.round(40 * scale) },
    { measures: 4, youth: Math.round(50 * scale) },
    { measures: 8, youth: Math.round(40 * scale) },
    { measures: 15, youth: Math.round(17 * scale) },
    { measures: 30, youth: 3 },
  ];
  const locations = ["AB", "CD", "EF", "GH"];
  return makeModel({
    location: null,
    from,
    to,
    types: {
      1: m([7, 6, 9]),
      2: m([1, 0, 1]),
      3: m([80, 74, 83]),
      4: m([4, 5, 3]),
      5: m([2, 0, 1]),
      6: m([19, 18, 17]),
      7: m([3, 2, 3]),
      8: m([7, 8, 6]),
      9: m([5, 5, 4]),
      10: m([64, 60, 66]),
      11: m([94, 90, 95]),
      12: m([0, 1, 0]),
      13: m([4, 4, 5]),
      14: m([1, 1, 2]),
      15: m([40, 38, 41]),
      16: m([30, 29, 33]),
      17: m([12, 11, 13]),
      18: m([20, 18, 19]),
      19: m([3, 3, 2]),
    },
    uniqueYouth: youth.reduce((a, f) => a + f.youth, 0),
    youthFrequency: youth,
    duration: [
      { type: 3, label: "Vastpakken en/of vasthouden", n: 230, min: 0, max: 1408, mean: 74, median: 15 },
      { type: 6, label: "Isoleer-/separeerruimte op slot", n: 53, min: 0, max: 1365, mean: 228, median: 60 },
      {
        type: 12,
        label: "Verplichte geneeskundige behandeling",
        n: 1,
        min: 35,
        max: 35,
        mean: 35,
        median: 35,
      },
    ],
    carePlan: { yes: Math.round(350 * scale), no: Math.round(290 * scale) },
    occupancy: Array.from({ length: n }, (_, i) => 300 + (i % 3) * 4),
    deliveries: quarterRange(from, to).flatMap((quarter) =>
      locations.map((location, i) => ({
        location,
        quarter,
        status: i === 1 ? ("seclusion" as const) : i === 3 ? ("missing" as const) : ("all" as const),
        rows: i === 3 ? 0 : 4711 + i,
      })),
    ),
  });
}

/** Primary suppression only: counts 1 … threshold−1 become `<threshold` (test fixture, not the real rule). */
export function protect(m: FiguresModel, threshold = 5): ProtectedFigures {
  const cell = (n: number): Cell =>
    n > 0 && n < threshold ? { value: null, suppressed: true } : { value: n, suppressed: false };
  const shareOr = (n: number, s: number) => (n > 0 && n < threshold ? null : s);
  return {
    location: m.location,
    from: m.from,
    to: m.to,
    threshold,
    total: cell(m.total),
    allScopeTotal: cell(m.allScopeTotal),
    uniqueYouth: cell(m.uniqueYouth),
    byMonth: m.byMonth.map((b) => ({ month: b.month, count: cell(b.count) })),
    byCategory: m.byCategory.map((c) => ({
      ...c,
      count: cell(c.count),
      allScopeCount: cell(c.allScopeCount),
      share: shareOr(c.allScopeCount, c.share),
    })),
    byType: m.byType.map((t) => ({
      ...t,
      count: cell(t.count),
      allScopeCount: cell(t.allScopeCount),
      share: shareOr(t.allScopeCount, t.share),
      seclusionShare: t.seclusionShare === null ? null : shareOr(t.count, t.seclusionShare),
    })),
    seclusionByRoom: m.seclusionByRoom.map((r) => ({ ...r, count: cell(r.count) })),
    seclusionRoomMargins: {
      byRoom: [...new Map(m.seclusionByRoom.map((r) => [r.room, r.label])).entries()].map(
        ([room, label]) => ({
          room,
          label,
          count: cell(m.seclusionByRoom.filter((r) => r.room === room).reduce((a, r) => a + r.count, 0)),
        }),
      ),
      byLocked: [true, false].map((locked) => ({
        locked,
        count: cell(m.seclusionByRoom.filter((r) => r.locked === locked).reduce((a, r) => a + r.count, 0)),
      })),
      total: cell(m.seclusionByRoom.reduce((a, r) => a + r.count, 0)),
    },
    byStartHour: m.byStartHour.map((h) => ({ hour: h.hour, count: cell(h.count) })),
    duration: m.duration.map((d) => {
      const small = d.n < threshold;
      return {
        type: d.type,
        label: d.label,
        n: cell(d.n),
        min: small ? null : d.min,
        max: small ? null : d.max,
        mean: small ? null : d.mean,
        median: small ? null : d.median,
      };
    }),
    carePlan: { yes: cell(m.carePlan.yes), no: cell(m.carePlan.no), unknown: cell(m.carePlan.unknown) },
    youthFrequency: [
      { band: "1", min: 1, max: 1 },
      { band: "2", min: 2, max: 2 },
      { band: "3–5", min: 3, max: 5 },
      { band: "6–10", min: 6, max: 10 },
      { band: "11–20", min: 11, max: 20 },
      { band: "meer dan 20", min: 21, max: Number.POSITIVE_INFINITY },
    ].map((b) => ({
      band: b.band,
      youth: cell(
        m.youthFrequency
          .filter((f) => f.measures >= b.min && f.measures <= b.max)
          .reduce((a, f) => a + f.youth, 0),
      ),
    })),
    rates: m.rates.map((r) => ({
      ...r,
      measures: cell(r.measures),
      per10: r.measures > 0 && r.measures < threshold ? null : r.per10,
    })),
    dataQuality: {
      missingEnd: cell(m.dataQuality.missingEnd),
      zeroDuration: cell(m.dataQuality.zeroDuration),
      carePlanUnknown: cell(m.dataQuality.carePlanUnknown),
      missingReason: cell(m.dataQuality.missingReason),
    },
    longMeasures: {
      over12h: cell(m.longMeasures.over12h),
      over3days: cell(m.longMeasures.over3days),
      byType: m.duration.flatMap((d) => {
        const t = m.longMeasures.byType?.find((x) => x.type === d.type);
        if (!t) return [];
        return [
          {
            type: d.type,
            label: d.label,
            withEnd: cell(d.n),
            over12h: cell(t.over12h),
            share: d.n < threshold || (t.over12h > 0 && t.over12h < threshold) ? null : t.over12h / d.n,
          },
        ];
      }),
    },
  };
}

/** National report input over 2023-Q1..Q3: 4 locations (AB all, CD seclusion only, EF all/zero, GH missing). */
export function nationalInput(): {
  range: NationalReportInput;
  total: ProtectedFigures;
  perQuarter: ProtectedFigures[];
} {
  const quarters = ["2023-Q1", "2023-Q2", "2023-Q3"];
  const perQuarterModels = quarters.map((q) => nationalModel(q));
  const total = nationalModel("2023-Q1", "2023-Q3");
  const matrix: NationalReportInput["matrix"] = quarters.flatMap((quarter) => [
    { location: "AB", quarter, status: "all" as const },
    { location: "CD", quarter, status: "seclusion" as const },
    { location: "EF", quarter, status: quarter === "2023-Q2" ? ("zero" as const) : ("all" as const) },
    { location: "GH", quarter, status: quarter === "2023-Q3" ? ("all" as const) : ("missing" as const) },
  ]);
  return {
    range: {
      from: "2023-Q1",
      to: "2023-Q3",
      total,
      perQuarter: perQuarterModels,
      matrix,
      generatedAt: "2023-10-20T12:00:00.000Z",
      suppressionThreshold: 5,
    },
    total: protect(total),
    perQuarter: perQuarterModels.map((m) => protect(m)),
  };
}

export interface PdfRead {
  /** Text per page: the page's text items joined with spaces. */
  pages: string[];
  /** Page sizes in points. */
  sizes: [number, number][];
  info: Record<string, unknown>;
}

/** Reads a PDF with pdfjs-dist (legacy build for Node): text per page, page sizes, metadata. */
export async function readPdf(pdf: Uint8Array): Promise<PdfRead> {
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await getDocument({ data: pdf.slice(), useSystemFonts: false, disableFontFace: true }).promise;
  const pages: string[] = [];
  const sizes: [number, number][] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    pages.push(
      content.items
        .map((it) => ("str" in it ? it.str : ""))
        .join(" ")
        .replace(/\s+/g, " "),
    );
    const [x0, y0, x1, y1] = page.view;
    sizes.push([(x1 ?? 0) - (x0 ?? 0), (y1 ?? 0) - (y0 ?? 0)]);
  }
  const meta = await doc.getMetadata();
  await doc.destroy();
  return { pages, sizes, info: meta.info as Record<string, unknown> };
}

/** Whether `pdftoppm` (poppler-utils) is on the PATH. */
export function hasPdftoppm(): boolean {
  try {
    execFileSync("which", ["pdftoppm"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Renders every page of a PDF to PNG with pdftoppm; returns the PNG files in page order. */
export function renderPngs(pdf: Uint8Array, dpi = 50): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "vbm-report-png-"));
  const input = join(dir, "report.pdf");
  writeFileSync(input, pdf);
  execFileSync("pdftoppm", ["-r", String(dpi), "-png", input, join(dir, "page")]);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".png"))
    .sort()
    .map((f) => join(dir, f));
  return { dir, files };
}

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(file: string): { width: number; height: number; bytes: number } {
  const b = readFileSync(file);
  if (b.toString("latin1", 1, 4) !== "PNG") throw new Error(`${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bytes: b.length };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The tick labels of every axis of a chart's SVG, one list per axis. */
export function axisLabels(svg: string): string[][] {
  return [...svg.matchAll(/<g class="mark-text role-axis-label"[^>]*>([\s\S]*?)<\/g>/g)].map((g) =>
    [...(g[1] as string).matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] as string),
  );
}

/** The axis titles of a chart's SVG. */
export function axisTitles(svg: string): string[] {
  return [...svg.matchAll(/<g class="mark-text role-axis-title"[^>]*>\s*<text\b[^>]*>([^<]*)<\/text>/g)].map(
    (m) => m[1] as string,
  );
}
