import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrendModelOutput } from "../../../functions/core/trend.ts";
import type { ReportTrend } from "../../../functions/core/trend-report.ts";
import { toText } from "../../../functions/reports/blocks.ts";
import {
  buildNationalReport,
  type RenderedNationalReport,
  renderNationalReport,
} from "../../../functions/reports/national.ts";
import {
  axisTitles,
  hasPdftoppm,
  nationalInput,
  type PdfRead,
  pngSize,
  readPdf,
  removeDir,
  renderPngs,
} from "./fixtures.ts";

const input = nationalInput();
// The unprotected models in the input carry sentinel numbers that must never be printed:
// the report may only read counts from the protected figures.
const SENTINEL = 987_654;
input.range.total = { ...input.range.total, total: SENTINEL, uniqueYouth: SENTINEL };
input.range.perQuarter = input.range.perQuarter.map((m) => ({ ...m, total: SENTINEL }));

let out: RenderedNationalReport;
let pdf: PdfRead;
let all: string;
const flat = (s: string) => s.replace(/\s+/g, " ");

beforeAll(async () => {
  out = await renderNationalReport(input);
  pdf = await readPdf(out.pdf);
  all = pdf.pages.join("\n");
});

describe("national report", () => {
  it("fixture: suppressed cells and the figures the report must show", () => {
    expect(input.total.total).toEqual({ value: 3242, suppressed: false });
    const medical = input.total.byType.find((t) => t.type === 12);
    expect(medical?.count).toEqual({ value: null, suppressed: true });
    expect(input.total.youthFrequency.at(-1)).toEqual({
      band: "meer dan 20",
      youth: { value: null, suppressed: true },
    });
    expect(input.total.duration.find((d) => d.type === 12)?.median).toBeNull();
  });

  it("is a PDF of several A4 pages with the protected national figures", () => {
    expect(pdf.pages.length).toBeGreaterThanOrEqual(2);
    for (const [w, h] of pdf.sizes) expect([Math.round(w), Math.round(h)]).toEqual([595, 842]);
    const first = pdf.pages[0] ?? "";
    expect(first).toContain("Landelijke rapportage vrijheidsbeperkende maatregelen");
    expect(first).toContain("1e kwartaal 2023 t/m 3e kwartaal 2023");
    expect(first).toMatch(/3\.242 maatregelen/);
    expect(first).toMatch(/574 unieke jongeren/);
    expect(first).toMatch(/10 van 12 leveringen ontvangen/);
  });

  it("shows suppressed cells as <5 and statistics that may not be shown as –", () => {
    // the share of a hidden count is hidden as "–", never "<5" (the count's marker)
    expect(all).toMatch(/12\. Verplichte geneeskundige behandeling <5 – /);
    expect(all).not.toMatch(/<5 <5/);
    expect(all).toMatch(/12\. Verplichte geneeskundige behandeling <5 – – – –/);
    expect(out.text).toMatch(/meer dan 20\s+<5/);
    expect(flat(out.text)).toContain("aantallen van 1 tot en met 4 tonen we als <5");
  });

  it("gives the share of young people with 1, 2 and 3 or more measures, over the unique young people", () => {
    // Fixture bands over 2023-Q1..Q3: 166, 110, 138, 110, 47, 3 (= 574 unique young people);
    // 166/574 = 28,9%, 110/574 = 19,2%, (574 − 166 − 110)/574 = 298/574 = 51,9%.
    expect(flat(out.text)).toContain(
      "Van de 574 jongeren kreeg 28,9% één maatregel, 19,2% twee en 51,9% drie of meer.",
    );
    expect(out.text).toMatch(/\n\s*1\s+166\s+28,9%/);
    expect(out.text).toMatch(/\n\s*2\s+110\s+19,2%/);
    // A hidden band has no share.
    expect(out.text).toMatch(/meer dan 20\s+<5\s+–/);
  });

  it("gives the quarterly trend per 10 places of occupancy", () => {
    // K1 2023, all types: months 396 + 373 + 403 = 1172 measures, occupancy 300, 304, 308:
    // 30 × 1172 / 912 = 38,6. Seclusion (types 6–11): 192 + 183 + 191 = 566 → 18,6.
    expect(input.perQuarter[0]?.rates.filter((r) => r.scope === "all").map((r) => r.measures.value)).toEqual([
      396, 373, 403,
    ]);
    expect(out.text).toMatch(/1e kwartaal 2023\s+1\.172\s+210\s+38,6\s+18,6/);
    expect(all).toContain("K1 2023");
    expect(all).toContain("38,6");
  });

  it("names the unit of the quarterly rate on the chart's axis as in the text: per 10 places per quarter", async () => {
    const doc = await buildNationalReport(input);
    const trend = doc.blocks.find((b) => b.kind === "chart" && b.chart.id === "nl-trend");
    if (trend?.kind !== "chart") throw new Error("no trend chart");
    expect(axisTitles(trend.chart.svg)).toContain("Per 10 plaatsen per kwartaal");
    expect(flat(toText(doc))).toContain("per 10 plaatsen per kwartaal");
  });

  it("states the deliveries per quarter and the delivery matrix, without any count per location", () => {
    expect(out.text).toMatch(/2e kwartaal 2023\s+1\s+1\s+1\s+1/);
    expect(out.text).toMatch(/EF\s+alle typen\s+nullevering\s+alle typen/);
    expect(out.text).toMatch(/GH\s+ontbreekt\s+ontbreekt\s+alle typen/);
    const locationLines = out.text.split("\n").filter((l) => /\b(AB|CD|EF|GH)\b/.test(l));
    expect(locationLines.length).toBe(4);
    for (const line of locationLines) expect(line.replace(/K[1-4] \d{4}/g, "")).not.toMatch(/\d/);
    for (const text of [out.text, all]) {
      expect(text).not.toContain(String(SENTINEL));
      expect(text).not.toContain("987.654");
      // Rows per delivery (4711…) are in the unprotected input only.
      expect(text).not.toMatch(/471[1-4]/);
    }
  });

  it("explains the method: what is counted, disclosure control, occupancy", () => {
    const t = flat(out.text);
    expect(t).toContain("ZO IS GEREKEND");
    expect(t).toContain("Per locatie en kwartaal telt de laatste goedgekeurde levering");
    expect(t).toContain("gedeeld door de gemiddelde bezetting");
    expect(t).toContain("vergelijkt geen locaties met elkaar");
  });

  it("embeds DejaVu Sans and carries metadata", () => {
    const raw = Buffer.from(out.pdf).toString("latin1");
    expect(raw).toContain("/FontFile2");
    expect(raw).not.toMatch(/\/BaseFont \/(Helvetica|Times|Courier)/);
    expect(pdf.info.Author).toBe("vbm-monitor");
    expect(String(pdf.info.CreationDate)).toMatch(/^D:20231020120000/);
  });

  it("refuses figures protected with another threshold or figures of one location", async () => {
    await expect(
      renderNationalReport({ ...input, range: { ...input.range, suppressionThreshold: 10 } }),
    ).rejects.toThrow(/threshold/);
    await expect(
      renderNationalReport({ ...input, total: { ...input.total, location: "AB" } }),
    ).rejects.toThrow(/location/);
  });

  it("shows a rate whose monthly count is suppressed as –", async () => {
    const q = input.perQuarter[1];
    if (!q) throw new Error("fixture");
    // The first month of 2023-Q2, all types: its count is suppressed, so the quarter's rate is unknown.
    const rates = q.rates.map((r, i) =>
      i === 0 ? { ...r, measures: { value: null, suppressed: true }, per10: null } : r,
    );
    const perQuarter = input.perQuarter.map((p) => (p === q ? { ...q, rates } : p));
    const text = toText(await buildNationalReport({ ...input, perQuarter }));
    expect(text).toMatch(/2e kwartaal 2023\s+1\.083\s+194\s+–\s+17,2/);
    expect(text).toMatch(/K2 2023\s+–\s+17,2/);
  });

  describe("visual check", () => {
    const pdftoppm = hasPdftoppm();
    let dir: string | undefined;
    afterAll(() => {
      if (dir) removeDir(dir);
    });
    it.skipIf(!pdftoppm)(
      pdftoppm
        ? "renders every A4 page to a PNG that is clearly not blank"
        : "pdftoppm niet gevonden: installeer poppler-utils",
      () => {
        const pngs = renderPngs(out.pdf);
        dir = pngs.dir;
        expect(pngs.files.length).toBe(pdf.pages.length);
        for (const f of pngs.files) {
          const s = pngSize(f);
          // A4 at 50 dpi: 595.28 × 841.89 pt → 413 × 585 px.
          expect(Math.abs(s.width - 413)).toBeLessThanOrEqual(1);
          expect(Math.abs(s.height - 585)).toBeLessThanOrEqual(1);
          expect(s.bytes).toBeGreaterThan(5 * 1024);
        }
      },
    );
  });
});

describe("national report: Verloop in de tijd", () => {
  const periods = [
    { label: "P0", from: "2023-01", to: "2023-03" },
    { label: "P1", from: "2023-04", to: "2023-06" },
  ];
  const term = (period: string, estimate: number, ciLow: number, ciHigh: number, p: number) => ({
    period,
    estimate,
    ciLow,
    ciHigh,
    p,
    coefficient: Math.log(estimate),
    se: 0.1,
    z: -2,
  });
  const okModel = (
    id: "seclusion-count" | "seclusion-duration" | "isolation-room",
    t: ReturnType<typeof term>,
  ): TrendModelOutput => ({
    id,
    label: id,
    family: id === "isolation-room" ? "binomial" : "negbin",
    ratio: id === "isolation-room" ? "OR" : "IRR",
    status: "ok",
    n: 24,
    terms: [t],
    dropped: [],
    locations: ["AB", "CD"],
    omitted: 0,
    deviance: 1,
  });
  const months = ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"];
  const rate = (
    month: string,
    group: string,
    label: string,
    per10: number | null,
    hidden = null as never,
  ) => ({
    month,
    group,
    label,
    per10,
    hidden: per10 === null ? (hidden ?? "small") : null,
  });
  const trend: ReportTrend = {
    from: "2023-Q1",
    to: "2023-Q3",
    periods,
    rates: months.flatMap((m, i) => [
      rate(m, "all", "Alle maatregelen", 12.5 - i * 0.5),
      rate(m, "gedwongen_afzonderen", "Gedwongen afzonderen", 6.25 - i * 0.25),
      // a group with a small count in March: its rate is not shown
      rate(m, "beperken_contacten", "Beperken contacten", m === "2023-03" ? null : 0.8),
    ]),
    trend: {
      from: "2023-Q1",
      to: "2023-Q3",
      periods: periods.map((p) => ({ ...p, months: 3, locationMonths: 6, seclusions: 40 })),
      models: [
        okModel("seclusion-count", term("P1", 0.71, 0.6, 0.84, 0.0004)),
        okModel("seclusion-duration", term("P1", 1.1, 0.9, 1.34, 0.35)),
        {
          id: "isolation-room",
          label: "de kans op een isoleer-/separeerruimte",
          family: "binomial",
          ratio: "OR",
          status: "failed",
          error: "Het model kan niet worden geschat: in periode 1 is er geen afzondering.",
        },
      ],
    },
    omitted: null,
  };

  it("shows the monthly rate per group per month (one unit, said), the models in words and a table", async () => {
    const doc = await buildNationalReport({ ...input, trend });
    const text = toText(doc);
    const t = flat(text);
    expect(text).toContain("VERLOOP IN DE TIJD");
    expect(t).toContain("per 10 plaatsen gemiddelde bezetting per maand");
    const chart = doc.blocks.find((b) => b.kind === "chart" && b.chart.id === "nl-monthly-rates");
    expect(chart).toBeDefined();
    if (chart?.kind !== "chart") throw new Error("no chart");
    expect(chart.chart.svg).toContain("Per 10 plaatsen per maand");
    // The rates as a table, group by month: 12,5 12,0 11,5 … and the hidden March rate as –.
    expect(text).toMatch(/Alle maatregelen\s+12,5\s+12,0\s+11,5\s+11,0\s+10,5\s+10,0/);
    expect(text).toMatch(/Gedwongen afzonderen\s+6,3\s+6,0\s+5,8\s+5,5\s+5,3\s+5,0/);
    expect(text).toMatch(/Beperken contacten\s+0,8\s+0,8\s+–\s+0,8\s+0,8\s+0,8/);
    // The periods and the models in the seed's words, the numbers in a table.
    expect(t).toContain("Periode 0 (referentie): jan 2023 t/m mrt 2023");
    expect(t).toContain("was in periode 1 significant lager dan in periode 0");
    expect(t).toContain(
      "De duur van de afzonderingen was in periode 1 niet significant anders dan in periode 0",
    );
    expect(text).toMatch(/Aantal afzonderingen per bezetting\s+1\s+0,71\s+0,60–0,84\s+< 0,001/);
    expect(text).toMatch(/Duur van de afzonderingen\s+1\s+1,10\s+0,90–1,34\s+0,350/);
    // A model that could not be estimated: its reason, no numbers.
    expect(t).toContain(
      "niet geschat: Het model kan niet worden geschat: in periode 1 is er geen afzondering.",
    );
    expect(text).not.toMatch(/isoleer-\/separeerruimte\s+1\s+\d/i);
  });

  it("draws no chart when no monthly rate may be shown, and no numbers when the analysis is omitted", async () => {
    const omitted: ReportTrend = {
      ...trend,
      rates: trend.rates.map((r) => ({ ...r, per10: null, hidden: "small" as const })),
      trend: null,
      omitted:
        "Voor het verloop in de tijd zijn minstens twee perioden nodig; deze rapportage beslaat één kwartaal.",
    };
    const doc = await buildNationalReport({ ...input, trend: omitted });
    expect(doc.blocks.some((b) => b.kind === "chart" && b.chart.id === "nl-monthly-rates")).toBe(false);
    const t = flat(toText(doc));
    expect(t).toContain("VERLOOP IN DE TIJD");
    expect(t).toContain("minstens twee perioden nodig");
    expect(t).not.toContain("referentie");
    expect(t).not.toContain("95%");
  });
});
