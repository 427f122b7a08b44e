import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protectFigures } from "../../../functions/core/disclosure.ts";
import { toHtml, toText } from "../../../functions/reports/blocks.ts";
import {
  buildFactsheet,
  type RenderedFactsheet,
  renderFactsheet,
} from "../../../functions/reports/factsheet.ts";
import { formatShare } from "../../../functions/reports/format.ts";
import { createPdf, finishPdf } from "../../../functions/reports/pdf.ts";
import {
  axisTitles,
  factsheetInput,
  hasPdftoppm,
  makeModel,
  type PdfRead,
  pngSize,
  readPdf,
  removeDir,
  renderPngs,
} from "./fixtures.ts";

const input = factsheetInput();
let out: RenderedFactsheet;
let pdf: PdfRead;
let all: string;

beforeAll(async () => {
  out = await renderFactsheet(input);
  pdf = await readPdf(out.pdf);
  all = pdf.pages.join("\n");
});

/*
 * The key figures of the fixture (see fixtures.ts), as the reader must see them:
 *   total 114, unique youth 23, previous quarter 98 → "+16 (+16,3%)",
 *   occupancy 20/22/24 → 30 × 114 / 66 = 51,8 per 10 places,
 *   median duration of type 11 (eigen kamer niet op slot) 95 min → "1:35",
 *   a sharp rise for AB0012 from 3 to 11.
 */
/** Text with every run of white space (line wraps of the plain-text version) as one space. */
const flat = (s: string) => s.replace(/\s+/g, " ");

const KEY = ["114", "23", "+16 (+16,3%)", "51,8", "1:35", "AB0012", "3 → 11"];

describe("factsheet", () => {
  it("fixture: the key figures above are the figures model's", () => {
    expect(input.current.total).toBe(114);
    expect(input.current.uniqueYouth).toBe(23);
    expect(input.previous?.total).toBe(98);
    expect(input.current.duration.find((d) => d.type === 11)?.median).toBe(95);
    const all = input.current.rates.filter((r) => r.scope === "all");
    expect(all.map((r) => r.measures)).toEqual([40, 36, 38]);
    expect(all.map((r) => r.occupancy)).toEqual([20, 22, 24]);
    expect(input.signals.youthRises[0]).toEqual({ youthNumber: "AB0012", previous: 3, current: 11 });
  });

  it("is an A4 PDF of several pages with the key figures, the headline on page 1", () => {
    expect(pdf.pages.length).toBeGreaterThanOrEqual(2);
    for (const [w, h] of pdf.sizes) {
      expect(w).toBeCloseTo(595.28, 1);
      expect(h).toBeCloseTo(841.89, 1);
    }
    for (const k of KEY) expect(all).toContain(k);
    const first = pdf.pages[0] ?? "";
    expect(first).toContain("De Vonk (AB)");
    expect(first).toContain("3e kwartaal 2023");
    expect(first).toMatch(/114 maatregelen dit kwartaal/);
    expect(first).toMatch(/\+16 \(\+16,3%\) verschil met vorig kwartaal/);
    expect(first).toMatch(/51,8 maatregelen per 10 plaatsen/);
    expect(first).toContain("Zo leest u deze factsheet");
    expect(pdf.pages.at(-1)).toContain(`pagina ${pdf.pages.length} van ${pdf.pages.length}`);
  });

  it("gives the rate per 10 places per quarter, saying so, with the national value and the previous quarter", async () => {
    const doc = await buildFactsheet(input);
    const figures = doc.blocks.find((b) => b.kind === "figures");
    const rate = figures?.kind === "figures" ? figures.items[3] : undefined;
    expect(rate?.value).toBe("51,8");
    expect(rate?.label).toBe("maatregelen per 10 plaatsen per kwartaal");
    // National 2023-Q3, all types: 30 × Σ measures / Σ occupancy over the national months.
    const nat = input.national.rates.filter((r) => r.scope === "all");
    const national =
      (30 * nat.reduce((a, r) => a + r.measures, 0)) / nat.reduce((a, r) => a + r.occupancy, 0);
    const nl = national.toFixed(1).replace(".", ",");
    // Previous quarter: 98 measures, occupancy 21 × 3 → 30 × 98 / 63 = 46,7.
    expect(rate?.note).toContain(`landelijk ${nl}`);
    expect(rate?.note).toContain("vorig kwartaal 46,7");
    expect(flat(toText(doc))).toContain("per 10 plaatsen per kwartaal");
  });

  it("shows the duration table in h:mm exactly as the model has it", () => {
    // Type 10: n 9, min 5, max 900, mean 151, median 60.
    expect(all).toMatch(/10\. Eigen kamer op slot 9 0:05 15:00 2:31 1:00/);
    // Type 14: one measure of exactly a day.
    expect(all).toMatch(/14\. Beperking van bezoek 1 24:00 24:00 24:00 24:00/);
  });

  it("writes chart text (axis labels and values) as real PDF text", () => {
    for (const s of [
      "jul 2023",
      "aug 2023",
      "sep 2023",
      "Deze locatie",
      "Landelijk",
      "Op slot",
      "Niet op slot",
    ])
      expect(all).toContain(s);
    // Shares of the location from the model; national shares after disclosure control (a share
    // resting on fewer than 5 measures is not shown).
    for (const c of input.current.byCategory) expect(all).toContain(formatShare(c.share));
    const national = protectFigures(input.national);
    expect(national.byCategory.some((c) => c.share === null)).toBe(true);
    for (const c of national.byCategory) if (c.share !== null) expect(all).toContain(formatShare(c.share));
    const hidden = input.national.byCategory.find((c) => c.count > 0 && c.count < 5);
    if (hidden) expect(all).not.toContain(` ${formatShare(hidden.share)}`);
  });

  it("embeds DejaVu Sans (regular and bold) and uses no standard PDF font", () => {
    const raw = Buffer.from(out.pdf).toString("latin1");
    expect(raw).toContain("/FontFile2");
    expect(raw).toMatch(/\/FontName \/[A-Z]{6}\+DejaVuSans\b/);
    expect(raw).toMatch(/\/FontName \/[A-Z]{6}\+DejaVuSans-Bold\b/);
    expect(raw).not.toMatch(/\/BaseFont \/(Helvetica|Times|Courier)/);
  });

  it("carries metadata from the input (title, author, creation date)", () => {
    expect(pdf.info.Author).toBe("vbm-monitor");
    expect(String(pdf.info.Title)).toContain("De Vonk");
    expect(String(pdf.info.CreationDate)).toMatch(/^D:20231016080000/);
  });

  it("gives the same key figures in the e-mail HTML; charts not as SVG (Gmail/Outlook hide it) but as their numbers, pointing to the PDF", () => {
    for (const k of KEY) expect(out.html).toContain(k);
    expect(out.html).toMatch(/^<!DOCTYPE html>/);
    expect(out.html).toContain('<html lang="nl">');
    expect(out.html).not.toMatch(/<svg\b/);
    // Each of the 7 charts: a line saying the chart is in the PDF, and its numbers as a table.
    expect((out.html.match(/De grafiek staat in de pdf in de bijlage/g) ?? []).length).toBe(7);
    for (const m of input.current.byMonth) expect(out.html).toMatch(new RegExp(`<td[^>]*>${m.count}</td>`));
    expect(out.html).not.toMatch(/<script|<link|<style|src="http/i);
  });

  it("gives the same key figures in the plain text, with the numbers behind each chart", () => {
    for (const k of KEY) expect(flat(out.text)).toContain(k);
    for (const m of input.current.byMonth) {
      const month = { "2023-07": "juli", "2023-08": "augustus", "2023-09": "september" }[m.month];
      expect(out.text).toMatch(new RegExp(`${month} 2023\\s+${m.count}\\b`));
    }
    expect(out.text).toMatch(/Hulpverleningsplan niet ingevuld\s+43\s+37,7%/);
    expect(flat(out.text)).toContain("Einde ingevuld bij een controle: 2×");
    expect(flat(out.text)).toContain("12 keer afzonderen in een ruimte op slot");
    expect(flat(out.text)).toContain("3 maatregelen duurden langer dan 12 uur");
    expect(flat(out.text)).not.toContain("langer dan 3 dagen.");
    expect(out.text).not.toMatch(/<svg|&lt;|&amp;/);
  });

  it("names the location and quarter in the subject, never a youth number", () => {
    expect(out.subject).toBe("Factsheet vrijheidsbeperkende maatregelen 2023-Q3 – De Vonk");
    expect(out.subject).not.toMatch(/[A-Z]{2}\d{4}/);
  });

  it("says 'geen vergelijking' when the previous quarter was not delivered", async () => {
    // Content only: build the blocks and write the text and HTML (the PDF is tested above).
    const doc = await buildFactsheet(factsheetInput({ previous: null }));
    const r = { text: toText(doc), html: toHtml(doc) };
    expect(flat(r.text)).toContain("verschil met vorig kwartaal: geen vergelijking");
    expect(flat(r.text)).toContain("geen levering over 2e kwartaal 2023");
    expect(r.html).toContain("geen vergelijking");
  });

  it("uses the seclusion rate and says so for a seclusion-only delivery", async () => {
    // Seclusion only: 56 measures; 30 × 56 / (20 + 22 + 24) = 25,5 per 10 places.
    const current = makeModel({
      location: "AB",
      from: "2023-Q3",
      types: { 6: [2, 1, 0], 10: [3, 4, 2], 11: [15, 12, 17] },
      uniqueYouth: 14,
      youthFrequency: [
        { measures: 2, youth: 10 },
        { measures: 9, youth: 4 },
      ],
      duration: [
        { type: 11, label: "Eigen kamer niet op slot", n: 44, min: 0, max: 300, mean: 50, median: 35 },
      ],
      carePlan: { yes: 20, no: 20 },
      occupancy: [20, 22, 24],
      scope: "seclusion",
    });
    expect(current.rates.filter((r) => r.scope === "seclusion").map((r) => r.measures)).toEqual([20, 17, 19]);
    const r = { text: toText(await buildFactsheet(factsheetInput({ current }))) };
    expect(flat(r.text)).toContain("keer afzonderen per 10 plaatsen per kwartaal: 25,5");
    expect(flat(r.text)).toContain("alleen gedwongen afzonderen (type 6 tot en met 11)");
    expect(flat(r.text)).toContain("Let op bij de vergelijking");
    expect(flat(r.text)).not.toContain("Per categorie");
    // Shares within seclusion: type 11 is 44 of 56 at this location.
    expect(r.text).toMatch(/11\. Eigen kamer niet op slot\s+78,6%/);
  });

  it("names on every axis what the text around the chart counts (seclusion only: keer afzonderen, shares within seclusion)", async () => {
    const current = makeModel({
      location: "AB",
      from: "2023-Q3",
      types: { 6: [2, 1, 0], 10: [3, 4, 2], 11: [15, 12, 17] },
      uniqueYouth: 14,
      youthFrequency: [
        { measures: 2, youth: 10 },
        { measures: 9, youth: 4 },
      ],
      duration: [],
      carePlan: { yes: 20, no: 20 },
      occupancy: [20, 22, 24],
      scope: "seclusion",
    });
    const doc = await buildFactsheet(factsheetInput({ current }));
    const charts = doc.blocks.flatMap((b) => (b.kind === "chart" ? [b.chart] : []));
    expect(charts.length).toBeGreaterThanOrEqual(5);
    const titles = charts.flatMap((c) => axisTitles(c.svg));
    // The file holds seclusions only: no axis speaks of (all) measures.
    for (const t of titles) expect(t).not.toMatch(/maatregel/i);
    expect(titles).toContain("Aandeel binnen gedwongen afzonderen (%)");
    expect(titles).toContain("Aantal keer afzonderen");
    expect(titles).toContain("Uur van de dag waarop het afzonderen begon");
    const text = flat(toText(doc));
    expect(text).not.toContain("Alle typen samen");
    expect(text).toContain("Alle soorten afzonderen samen");
    // The headings above those charts say the same.
    const headings = doc.blocks.flatMap((b) => (b.kind === "heading" ? [b.text] : []));
    expect(headings).toContain("Keer afzonderen per maand");
    expect(headings).toContain("Hoe laat begon het afzonderen?");
    expect(headings).toContain("Hoe vaak werd een jongere afgezonderd?");
    expect(headings.filter((h) => /maatregel/i.test(h))).toEqual([]);
    // A location with all types: shares of all measures, measures per hour, in text and on the axes.
    const all = await buildFactsheet(factsheetInput());
    const allTitles = all.blocks.flatMap((b) => (b.kind === "chart" ? axisTitles(b.chart.svg) : []));
    expect(allTitles).toContain("Aandeel van alle maatregelen (%)");
    expect(allTitles).toContain("Uur van de dag waarop de maatregel begon");
    expect(flat(toText(all))).toContain("Aandeel van alle maatregelen, bij u en landelijk.");
  });

  it("handles a zero delivery: no charts, a plain statement", async () => {
    const current = makeModel({
      location: "AB",
      from: "2023-Q3",
      types: {},
      uniqueYouth: 0,
      youthFrequency: [],
      duration: [],
      carePlan: { yes: 0, no: 0 },
      occupancy: [20, 22, 24],
    });
    const r = await renderFactsheet(
      factsheetInput({ current, signals: { ...input.signals, lockedRooms: 0, over12h: 0, youthRises: [] } }),
    );
    expect(flat(r.text)).toContain("een nullevering");
    expect(flat(r.text)).toContain("maatregelen per 10 plaatsen per kwartaal: 0,0");
    // The fixture's previous quarter had 98 measures: 98 → 0 is flagged, not called "real".
    expect(flat(r.text)).toContain(
      "Vorig kwartaal registreerde u 98 maatregelen, dit kwartaal geen enkele. Dat kan kloppen, maar een daling naar nul kan ook betekenen dat maatregelen niet (meer) worden geregistreerd (onderregistratie).",
    );
    expect(flat(r.text)).not.toContain("Deze maatregelen zijn echt gebeurd");
    expect(flat(r.text)).not.toContain("Er zijn dit kwartaal geen signalen.");
    expect(r.html).not.toContain("De grafiek staat in de pdf");
    const read = await readPdf(r.pdf);
    expect(read.pages.join(" ")).toContain("nullevering");
  });

  it("does not flag a zero delivery after a quarter without measures (or without a delivery)", async () => {
    const empty = (from: string) =>
      makeModel({
        location: "AB",
        from,
        types: {},
        uniqueYouth: 0,
        youthFrequency: [],
        duration: [],
        carePlan: { yes: 0, no: 0 },
        occupancy: [20, 22, 24],
      });
    const signals = { ...input.signals, lockedRooms: 0, over12h: 0, youthRises: [] };
    for (const previous of [empty("2023-Q2"), undefined]) {
      const r = await renderFactsheet(factsheetInput({ current: empty("2023-Q3"), previous, signals }));
      expect(flat(r.text)).toContain("Er zijn dit kwartaal geen signalen.");
      expect(flat(r.text)).not.toContain("onderregistratie");
    }
  });

  it("shows the start time per main group when the model has it, with the numbers of the model", async () => {
    const base = factsheetInput();
    const groups = [...base.current.byCategory].sort((a, b) => b.count - a.count).slice(0, 3);
    // Put every measure of each main group at one hour (the group's index + 8), so the table is known.
    const byStartHourCategory = base.current.byCategory.flatMap((c) =>
      Array.from({ length: 24 }, (_, hour) => {
        const g = groups.findIndex((x) => x.category === c.category);
        return { hour, category: c.category, count: g >= 0 && hour === g + 8 ? c.count : 0 };
      }),
    );
    const r = await renderFactsheet({ ...base, current: { ...base.current, byStartHourCategory } });
    const text = flat(r.text);
    expect(text).toContain("Per hoofdgroep");
    for (const g of groups) expect(text).toContain(g.label);
    const doc = await buildFactsheet({ ...base, current: { ...base.current, byStartHourCategory } });
    const perGroup = doc.blocks.find((b) => b.kind === "chart" && b.chart.id === "fs-hours-groups");
    if (perGroup?.kind !== "chart") throw new Error("no start-time chart per main group");
    expect(axisTitles(perGroup.chart.svg)).toEqual([
      "Uur van de dag waarop de maatregel begon",
      "Aantal maatregelen",
    ]);
    const charts = (html: string) => (html.match(/De grafiek staat in de pdf/g) ?? []).length;
    expect(charts(r.html)).toBeGreaterThan(charts((await renderFactsheet(base)).html));
  });

  describe("visual check", () => {
    const pdftoppm = hasPdftoppm();
    let dirs: string[] = [];
    afterAll(() => {
      for (const d of dirs) removeDir(d);
      dirs = [];
    });

    it.skipIf(!pdftoppm)(
      pdftoppm
        ? "renders every A4 page to a PNG that is clearly not blank"
        : "pdftoppm niet gevonden: installeer poppler-utils",
      async () => {
        const blankDoc = createPdf({ title: "leeg", creationDate: new Date(0) });
        const blank = renderPngs(await finishPdf(blankDoc));
        const pages = renderPngs(out.pdf);
        dirs = [blank.dir, pages.dir];
        expect(pages.files.length).toBe(pdf.pages.length);
        const blankBytes = pngSize(blank.files[0] as string).bytes;
        const first = pngSize(pages.files[0] as string);
        // A4 at 50 dpi: 595.28 × 841.89 pt → 413 × 585 px.
        expect(first.width).toBeGreaterThanOrEqual(412);
        expect(first.width).toBeLessThanOrEqual(414);
        expect(first.height).toBeGreaterThanOrEqual(584);
        expect(first.height).toBeLessThanOrEqual(586);
        expect(first.bytes).toBeGreaterThan(5 * 1024);
        expect(first.bytes).toBeGreaterThan(5 * blankBytes);
      },
    );
  });
});
