import { beforeAll, describe, expect, it } from "vitest";
import { type ReportDocument, toHtml, toText } from "../../../functions/reports/blocks.ts";
import { monthChart } from "../../../functions/reports/charts.ts";
import { monthShort } from "../../../functions/reports/format.ts";
import { renderPdf } from "../../../functions/reports/pdf.ts";
import { type PdfRead, readPdf } from "./fixtures.ts";

/** A document with a chart and a table long enough to run over several pages. */
async function longDocument(): Promise<ReportDocument> {
  return {
    title: "Proefdocument",
    subtitle: "Test <met> & tekens",
    footer: "Voettekst van de proef",
    creationDate: new Date("2024-02-01T09:30:00Z"),
    blocks: [
      { kind: "heading", text: "Een grafiek" },
      {
        kind: "chart",
        chart: await monthChart(
          "p-months",
          [
            { month: "2024-01", value: 5, label: "5" },
            { month: "2024-02", value: 7, label: "7" },
          ],
          monthShort,
        ),
        data: {
          headers: ["Maand", "Aantal"],
          rows: [
            ["januari 2024", "5"],
            ["februari 2024", "7"],
          ],
        },
      },
      { kind: "heading", text: "Een lange tabel" },
      {
        kind: "table",
        headers: ["Rij", "Waarde"],
        rows: Array.from({ length: 130 }, (_, i) => [`rij ${i + 1}`, String((i + 1) * 3)]),
        note: "Onder de tabel.",
      },
      { kind: "box", title: "Kader", blocks: [{ kind: "paragraph", text: "Tekst in het kader." }] },
    ],
  };
}

let doc: ReportDocument;
let bytes: Uint8Array;
let read: PdfRead;

beforeAll(async () => {
  doc = await longDocument();
  bytes = await renderPdf(doc);
  read = await readPdf(bytes);
});

describe("PDF helpers", () => {
  it("continues a long table on the next pages with its header, and numbers the pages", () => {
    expect(read.pages.length).toBeGreaterThanOrEqual(3);
    const n = read.pages.length;
    read.pages.forEach((text, i) => {
      expect(text).toContain(`pagina ${i + 1} van ${n}`);
      expect(text).toContain("Voettekst van de proef");
    });
    const withRows = read.pages.filter((p) => /rij \d+/.test(p));
    expect(withRows.length).toBeGreaterThanOrEqual(2);
    for (const p of withRows) expect(p).toMatch(/Rij Waarde/);
    const all = read.pages.join(" ");
    for (const i of [1, 65, 130]) expect(all).toContain(`rij ${i} ${i * 3}`);
    expect(all).toContain("Onder de tabel.");
    expect(all).toContain("Tekst in het kader.");
  });

  it("embeds the chart as vector graphics with real text", () => {
    expect(read.pages[0]).toContain("jan 2024");
    expect(read.pages[0]).toContain("feb 2024");
    // No raster images: the chart is drawn, not pasted.
    expect(Buffer.from(bytes).toString("latin1")).not.toContain("/Subtype /Image");
  });

  it("is A4 with embedded DejaVu fonts and metadata from the document", () => {
    for (const [w, h] of read.sizes) expect([Math.round(w), Math.round(h)]).toEqual([595, 842]);
    const raw = Buffer.from(bytes).toString("latin1");
    expect(raw).toContain("/FontFile2");
    expect(raw).not.toMatch(/\/BaseFont \/(Helvetica|Times|Courier)/);
    expect(read.info.Author).toBe("vbm-monitor");
    expect(read.info.Title).toBe("Proefdocument – Test <met> & tekens");
    expect(String(read.info.CreationDate)).toMatch(/^D:20240201093000/);
  });

  it("gives the same bytes for the same document", async () => {
    const again = await renderPdf(doc);
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    const later = await renderPdf({ ...doc, creationDate: new Date("2024-02-02T09:30:00Z") });
    expect(Buffer.from(later).equals(Buffer.from(bytes))).toBe(false);
  });

  it("escapes text in the HTML and keeps the plain text readable", () => {
    const html = toHtml(doc);
    expect(html).toContain("Test &lt;met&gt; &amp; tekens");
    expect(html).not.toContain("<met>");
    const text = toText(doc);
    expect(text).toContain("Test <met> & tekens");
    expect(text).toMatch(/februari 2024\s+7/);
    expect(text.split("\n").every((l) => l.length <= 80)).toBe(true);
  });
});

describe("PDF layout: no page with only a line or two", () => {
  // A filler table of `rows` rows pushes what follows down the first page in small steps, so
  // that for some filler the end of the page falls inside the short section below it.
  const filler = (rows: number): ReportDocument["blocks"] => [
    { kind: "heading", text: "Vulling" },
    {
      kind: "table",
      headers: ["Vulregel", "Waarde"],
      rows: Array.from({ length: rows }, (_, i) => [`vulregel ${i + 1}`, String(i + 1)]),
    },
  ];
  const docWith = (blocks: ReportDocument["blocks"]): ReportDocument => ({
    title: "Proefdocument",
    subtitle: "Opmaak",
    footer: "Voettekst van de proef",
    creationDate: new Date("2024-02-01T09:30:00Z"),
    blocks,
  });
  const pageOf = (pages: string[], text: string) => pages.findIndex((p) => p.includes(text));
  /** A page's own text: without the footer line. */
  const body = (page: string) =>
    page
      .replace(/Voettekst van de proef/, "")
      .replace(/pagina \d+ van \d+/, "")
      .trim();

  it("keeps a short closing section (heading, table, closing line) together on one page", async () => {
    for (let rows = 10; rows <= 40; rows += 2) {
      const read = await readPdf(
        await renderPdf(
          docWith([
            ...filler(rows),
            { kind: "heading", text: "Datakwaliteit" },
            {
              kind: "table",
              headers: ["Wat ontbrak of viel op", "Aantal"],
              rows: [
                ["Hulpverleningsplan niet ingevuld", "57"],
                ["Eindtijd ontbreekt (geen controle)", "0"],
                ["Duur 0 minuten (start = eind)", "0"],
                ["Aanleiding niet ingevuld", "5"],
              ],
            },
            { kind: "paragraph", text: "De controle van uw bestand gaf geen opmerkingen." },
          ]),
        ),
      );
      const heading = pageOf(read.pages, "Datakwaliteit");
      expect(pageOf(read.pages, "Aanleiding niet ingevuld"), `filler ${rows}`).toBe(heading);
      expect(pageOf(read.pages, "gaf geen opmerkingen"), `filler ${rows}`).toBe(heading);
      for (const page of read.pages) expect(body(page).length, `filler ${rows}`).toBeGreaterThan(60);
    }
  });

  it("keeps a chart's caption, and a closing line after a long table, on the page they belong to", async () => {
    const months = await monthChart(
      "p-caption",
      [
        { month: "2024-01", value: 5, label: "5" },
        { month: "2024-02", value: 7, label: "7" },
      ],
      monthShort,
    );
    for (let rows = 10; rows <= 40; rows += 3) {
      const read = await readPdf(
        await renderPdf(
          docWith([
            ...filler(rows),
            { kind: "heading", text: "Per maand" },
            { kind: "paragraph", text: "Het aantal maatregelen per maand." },
            { kind: "chart", chart: months, data: { headers: [], rows: [] } },
            { kind: "paragraph", muted: true, text: "Onderschrift bij de grafiek." },
            { kind: "heading", text: "Een lange tabel" },
            {
              kind: "table",
              headers: ["Rij", "Waarde"],
              rows: Array.from({ length: 60 + rows }, (_, i) => [`rij ${i + 1}`, String(i)]),
            },
            { kind: "paragraph", text: "Slotregel na de lange tabel." },
          ]),
        ),
      );
      expect(pageOf(read.pages, "Onderschrift bij de grafiek"), `filler ${rows}`).toBe(
        pageOf(read.pages, "feb 2024"),
      );
      expect(pageOf(read.pages, "Slotregel"), `filler ${rows}`).toBe(pageOf(read.pages, `rij ${60 + rows} `));
      for (const page of read.pages) expect(body(page).length, `filler ${rows}`).toBeGreaterThan(60);
    }
  });
});
