import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toText } from "../../../functions/reports/blocks.ts";
import {
  buildNationalReport,
  type RenderedNationalReport,
  renderNationalReport,
} from "../../../functions/reports/national.ts";
import {
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
