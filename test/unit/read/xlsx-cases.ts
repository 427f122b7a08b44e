import ExcelJS from "exceljs";
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import type { ReadProblem, ReadResult, Table } from "../../../functions/core/read/types.ts";
import { readXlsx } from "../../../functions/core/read/xlsx.ts";

export const limits = { maxBytes: 50 * 1024 * 1024, maxUncompressedBytes: 10 * 1024 * 1024 };

export async function xlsxBytes(fill: (sheet: ExcelJS.Worksheet) => void): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  fill(workbook.addWorksheet("VBM"));
  workbook.addWorksheet("Toelichting").addRow(["Niet lezen"]);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

export function table(result: ReadResult): Table {
  if (!result.ok) throw new Error(`not ok: ${result.problem.code}`);
  return result.table;
}

export async function collect(t: Table): Promise<{ rows: [number, string[]][]; problems: ReadProblem[] }> {
  const rows: [number, string[]][] = [];
  const problems: ReadProblem[] = [];
  await t.eachRow(
    (cells, row) => rows.push([row, [...cells]]),
    (p) => problems.push(p),
  );
  return { rows, problems };
}

/** A minimal workbook zipped from hand-written parts, with `sheetData` as the first worksheet's rows. */
export function handWrittenXlsx(sheetData: string): Uint8Array {
  const main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const pkg = "http://schemas.openxmlformats.org/package/2006";
  const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  return zipSync({
    "[Content_Types].xml": strToU8(
      `${xml}<Types xmlns="${pkg}/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
        `<Default Extension="xml" ContentType="application/xml"/>` +
        `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
        `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
        "</Types>",
    ),
    "_rels/.rels": strToU8(
      `${xml}<Relationships xmlns="${pkg}/relationships">` +
        `<Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    "xl/workbook.xml": strToU8(
      `${xml}<workbook xmlns="${main}" xmlns:r="${rel}">` +
        `<sheets><sheet name="VBM" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    "xl/_rels/workbook.xml.rels": strToU8(
      `${xml}<Relationships xmlns="${pkg}/relationships">` +
        `<Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    ),
    "xl/worksheets/sheet1.xml": strToU8(
      `${xml}<worksheet xmlns="${main}"><sheetData>${sheetData}</sheetData></worksheet>`,
    ),
  });
}

/**
 * What every reader of .xlsx files must do, the streaming one (xlsx.test.ts) and the one in the
 * portal's browser bundle (xlsx-browser.test.ts).
 */
export function describeXlsxReading(title: string): void {
  describe(title, () => {
    it("turns cells into text as the user sees them", async () => {
      // Prepare
      const bytes = await xlsxBytes((sheet) => {
        sheet.addRow([
          " Nummer jongere ",
          "Datum start",
          "Tijd start",
          "Moment",
          "Serieel",
          "Fractie",
          "Aanleiding",
        ]);
        const row = sheet.addRow([
          "XX0001",
          new Date(Date.UTC(2023, 1, 3)),
          0.5,
          new Date(Date.UTC(2023, 11, 31, 23, 59)),
          44927,
          0.375,
          { richText: [{ text: "Sloeg " }, { text: "hard", font: { bold: true } }] },
        ]);
        row.getCell(2).numFmt = "dd-mm-yyyy";
        row.getCell(3).numFmt = "hh:mm";
        row.getCell(4).numFmt = "dd-mm-yyyy hh:mm";
        sheet.addRow([
          { text: "XX0002", hyperlink: "https://example.org" },
          { formula: "DATE(2023,3,1)", result: new Date(Date.UTC(2023, 2, 1)) },
          { formula: "1+1", result: 2 },
          true,
          { error: "#N/A" },
          null,
          "  ",
        ]);
      });

      // Act
      const t = table(await readXlsx(bytes, limits));
      const { rows, problems } = await collect(t);

      // Assess
      expect(t).toMatchObject({ format: "xlsx", encoding: null, delimiter: null });
      expect(t.header).toEqual([
        "Nummer jongere",
        "Datum start",
        "Tijd start",
        "Moment",
        "Serieel",
        "Fractie",
        "Aanleiding",
      ]);
      expect(rows).toEqual([
        [2, ["XX0001", "03.02.2023", "12:00", "31.12.2023 23:59", "44927", "0.375", "Sloeg hard"]],
        [3, ["XX0002", "01.03.2023", "2", "true", "#N/A", "", "  "]],
      ]);
      expect(problems).toEqual([]);
    });

    it("rounds times to the second before showing minutes", async () => {
      // Prepare: 08:00 as the inexact fraction 8/24 minus a rounding error
      const bytes = await xlsxBytes((sheet) => {
        sheet.addRow(["Tijd start"]);
        sheet.addRow([8 / 24 - 1e-9]).getCell(1).numFmt = "hh:mm";
      });

      // Act
      const { rows } = await collect(table(await readXlsx(bytes, limits)));

      // Assess
      expect(rows).toEqual([[2, ["08:00"]]]);
    });

    it("skips blank rows but keeps Excel's row numbers", async () => {
      // Prepare
      const bytes = await xlsxBytes((sheet) => {
        sheet.addRow(["a", "b"]);
        sheet.getRow(2).values = ["1", "2"];
        sheet.getRow(3).values = [" ", ""];
        sheet.getRow(5).values = ["5", "6"];
      });

      // Act
      const { rows } = await collect(table(await readXlsx(bytes, limits)));

      // Assess
      expect(rows).toEqual([
        [2, ["1", "2"]],
        [5, ["5", "6"]],
      ]);
    });

    it("drops trailing empty header cells and reports values in columns without a header", async () => {
      // Prepare
      const bytes = await xlsxBytes((sheet) => {
        sheet.addRow(["a", "b", " ", ""]);
        sheet.addRow(["1", "2", "", ""]);
        sheet.getCell("E3").value = "vergeten";
        sheet.getCell("A3").value = "3";
      });

      // Act
      const t = table(await readXlsx(bytes, limits));
      const { rows, problems } = await collect(t);

      // Assess
      expect(t.header).toEqual(["a", "b"]);
      expect(rows).toEqual([[2, ["1", "2"]]]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ code: "row-field-count", row: 3, value: "E" });
      expect(problems[0]?.message).toContain("kolom E");
    });

    it("gives an empty header when row 1 is empty, even with rows below", async () => {
      // Prepare
      const bytes = await xlsxBytes((sheet) => {
        sheet.getRow(3).values = ["XX0001", "6"];
      });

      // Act
      const t = table(await readXlsx(bytes, limits));
      const { rows } = await collect(t);

      // Assess
      expect(t.header).toEqual([]);
      expect(rows).toEqual([]);
    });

    it("refuses a .xlsx that is not a zip", async () => {
      // Act
      const result = await readXlsx(new TextEncoder().encode("Nummer jongere;Datum start\n"), limits);

      // Assess
      expect(result).toMatchObject({
        ok: false,
        format: "xlsx",
        problem: { code: "xlsx-invalid", row: null },
      });
      if (!result.ok) expect(result.problem.message).toContain("geen geldig Excel-bestand");
    });

    it("refuses a zip whose entries inflate beyond the limit (zip bomb)", async () => {
      // Prepare: 8 MB of zeros compress to a few KB
      const bomb = zipSync({ "xl/worksheets/sheet1.xml": new Uint8Array(8 * 1024 * 1024) });

      // Act
      const result = await readXlsx(bomb, { ...limits, maxUncompressedBytes: 1024 * 1024 });

      // Assess
      expect(bomb.length).toBeLessThan(64 * 1024);
      expect(result).toMatchObject({
        ok: false,
        format: "xlsx",
        problem: { code: "xlsx-too-large", row: null },
      });
    });

    it("refuses a zip that is not a workbook without crashing", async () => {
      // Prepare
      const zip = zipSync({ "hallo.txt": new TextEncoder().encode("geen werkmap") });

      // Act
      const result = await readXlsx(zip, limits);

      // Assess
      expect(result).toMatchObject({ ok: false, problem: { code: "xlsx-invalid" } });
    });

    it("refuses a corrupt or truncated zip", async () => {
      // Prepare
      const good = await xlsxBytes((sheet) => sheet.addRow(["a"]));
      const truncated = good.subarray(0, Math.floor(good.length / 2));
      const garbage = new Uint8Array([
        0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x08, 0x00, 0x08, 0x00, 0xff, 0xff,
      ]);

      // Act
      const results = [await readXlsx(truncated, limits), await readXlsx(garbage, limits)];

      // Assess
      for (const result of results)
        expect(result).toMatchObject({ ok: false, problem: { code: "xlsx-invalid" } });
    });

    it("places inline-string cells and rows without a cell reference one after the other", async () => {
      // Prepare: `r` is optional on <row> and <c> (ECMA-376); some exports leave it out everywhere
      const text = (t: string) => `<c t="inlineStr"><is><t>${t}</t></is></c>`;
      const bytes = handWrittenXlsx(
        `<row>${text("Nummer jongere")}${text("Aanleiding")}<c t="inlineStr"><is><t xml:space="preserve">Type VBM</t></is></c></row>` +
          `<row>${text("XX0001")}${text("Riep &lt;nee&gt; &amp; liep weg")}<c><v>6</v></c></row>` +
          "<row/>" +
          `<row r="5">${text("XX0002")}<c r="C5"><v>3</v></c></row>` +
          `<row>${text("XX0003")}${text("")}<c t="n"><v>1</v></c><c/></row>`,
      );

      // Act
      const t = table(await readXlsx(bytes, limits));
      const { rows, problems } = await collect(t);

      // Assess
      expect(t.header).toEqual(["Nummer jongere", "Aanleiding", "Type VBM"]);
      expect(problems).toEqual([]);
      expect(rows).toEqual([
        [2, ["XX0001", "Riep <nee> & liep weg", "6"]],
        [5, ["XX0002", "", "3"]],
        [6, ["XX0003", "", "1"]],
      ]);
    });

    it("reads the first worksheet only", async () => {
      // Prepare
      const bytes = await xlsxBytes((sheet) => {
        sheet.addRow(["Nummer jongere"]);
        sheet.addRow(["XX0001"]);
      });

      // Act
      const t = table(await readXlsx(bytes, limits));

      // Assess
      expect(t.header).toEqual(["Nummer jongere"]);
      expect((await collect(t)).rows).toEqual([[2, ["XX0001"]]]);
    });

    it("keeps text whole where the inflated worksheet is cut into pieces", async () => {
      // Prepare: 300,000 characters of two-byte UTF-8 text in one cell, and a row after it
      const long = "ëé".repeat(150_000);
      const bytes = handWrittenXlsx(
        `<row r="1"><c r="A1" t="inlineStr"><is><t>Aanleiding</t></is></c></row>` +
          `<row r="2"><c r="A2" t="inlineStr"><is><t>${long}</t></is></c></row>` +
          `<row r="3"><c r="A3" t="inlineStr"><is><t>één</t></is></c></row>`,
      );

      // Act
      const { rows, problems } = await collect(table(await readXlsx(bytes, limits)));

      // Assess
      expect(problems).toEqual([]);
      expect(rows.map(([row, cells]) => [row, cells[0]?.length])).toEqual([
        [2, 300_000],
        [3, 3],
      ]);
      expect(rows[0]?.[1][0]).toBe(long);
      expect(rows[1]?.[1][0]).toBe("één");
    });
  });
}
