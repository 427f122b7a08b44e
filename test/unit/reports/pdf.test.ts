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
