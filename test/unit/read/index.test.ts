import ExcelJS from "exceljs";
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { defaultReadLimits, readTable } from "../../../functions/core/read/index.ts";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

async function workbookBytes(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet("VBM").addRows([
    ["Nummer jongere", "Type VBM"],
    ["XX0001", 6],
  ]);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe("readTable", () => {
  it("reads a CSV file", async () => {
    // Act
    const result = await readTable(utf8("Nummer jongere;Type VBM\nXX0001;6\n"), "XX-2023Q1.csv");

    // Assess
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.table).toMatchObject({ format: "csv", encoding: "utf-8", delimiter: ";" });
      expect(result.table.header).toEqual(["Nummer jongere", "Type VBM"]);
    }
  });

  it("reads an .xlsx file, and a zip with another name as xlsx too", async () => {
    // Prepare
    const bytes = await workbookBytes();

    // Act
    const byName = await readTable(bytes, "XX-2023Q1.XLSX");
    const bySignature = await readTable(bytes, "export.dat");

    // Assess
    for (const result of [byName, bySignature]) {
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(result.table.format).toBe("xlsx");
        const rows: string[][] = [];
        await result.table.eachRow(
          (cells) => rows.push(cells),
          () => {},
        );
        expect(rows).toEqual([["XX0001", "6"]]);
      }
    }
  });

  it("refuses a file over the size limit, with the sizes and advice", async () => {
    // Prepare
    const limits = { ...defaultReadLimits, maxBytes: 2 * 1024 * 1024 };
    const bytes = new Uint8Array(3 * 1024 * 1024 + 300 * 1024).fill(0x41);

    // Act
    const csv = await readTable(bytes, "groot.csv", limits);
    const xlsx = await readTable(bytes, "groot.xlsx", limits);

    // Assess
    expect(csv).toMatchObject({ ok: false, format: "csv", problem: { code: "file-too-large", row: null } });
    expect(xlsx).toMatchObject({ ok: false, format: "xlsx", problem: { code: "file-too-large" } });
    if (!csv.ok && !xlsx.ok) {
      expect(csv.problem.message).toContain("3,29 MB");
      expect(csv.problem.message).toContain("grens van 2 MB");
      expect(csv.problem.message).toContain("per kwartaal");
      expect(xlsx.problem.message).toContain("CSV");
    }
  });

  it("accepts a 0-byte file as a table without header", async () => {
    // Act
    const result = await readTable(new Uint8Array(0), "leeg.csv");

    // Assess
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.table.header).toEqual([]);
      let calls = 0;
      await result.table.eachRow(
        () => calls++,
        () => calls++,
      );
      expect(calls).toBe(0);
    }
  });

  it("refuses an old binary Excel file (.xls), whatever its name, and says how to save it", async () => {
    // Prepare
    const bytes = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);

    // Act
    const asXls = await readTable(bytes, "registratie.xls");
    const asXlsx = await readTable(bytes, "registratie.xlsx");

    // Assess
    for (const result of [asXls, asXlsx]) {
      expect(result).toMatchObject({
        ok: false,
        format: "unknown",
        problem: { code: "unsupported-format", row: null },
      });
      if (!result.ok) {
        expect(result.problem.message).toContain("oud Excel-bestand (.xls)");
        expect(result.problem.message).toContain("Excel-werkmap (*.xlsx)");
      }
    }
    if (!asXlsx.ok) expect(asXlsx.problem.message).toContain(".xlsx-naam");
  });

  it("tells a password-protected (encrypted) Office file from an old .xls", async () => {
    // Prepare: a compound file with an EncryptedPackage stream, as Excel writes for a workbook with a password
    const name = Array.from("EncryptedPackage").flatMap((c) => [c.charCodeAt(0), 0]);
    const bytes = new Uint8Array([
      0xd0,
      0xcf,
      0x11,
      0xe0,
      0xa1,
      0xb1,
      0x1a,
      0xe1,
      ...new Array(600).fill(0),
      ...name,
    ]);

    // Act
    const result = await readTable(bytes, "registratie.xlsx");

    // Assess
    expect(result).toMatchObject({ ok: false, problem: { code: "unsupported-format", row: null } });
    if (!result.ok) expect(result.problem.message).toContain("wachtwoord");
  });

  it.each([
    ["<html>", "<html><body><table><tr><td>Nummer jongere</td></tr></table></body></html>"],
    ["a byte order mark and <!DOCTYPE html>", "\ufeff<!DOCTYPE html>\n<html><table></table></html>"],
    ["whitespace and <table>", "\r\n  <table border=1><tr><th>Nummer jongere</th></tr></table>"],
    [
      "Excel's own HTML (office namespaces)",
      '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">',
    ],
    ["a comment before <html>", "<!-- export EPD -->\n<HTML><HEAD><meta charset=utf-8></HEAD>"],
  ])("names a web page (HTML table) saved with an .xls name: %s", async (_label, html) => {
    // Act
    const result = await readTable(utf8(html), "VBM-export.xls");

    // Assess
    expect(result).toMatchObject({
      ok: false,
      format: "unknown",
      problem: { code: "unsupported-format", row: null, value: null },
    });
    if (!result.ok) {
      expect(result.problem.message).toContain(".xls-naam");
      expect(result.problem.message).toContain("webpagina (een HTML-tabel)");
      expect(result.problem.message).toContain("Opslaan als");
      expect(result.problem.message).toContain('"Excel-werkmap (*.xlsx)"');
      expect(result.problem.message).toContain('"CSV (gescheiden door lijstscheidingsteken)"');
    }
  });

  it("names an HTML table in UTF-16 and one named .csv", async () => {
    // Prepare
    const text = "<html><table><tr><td>x</td></tr></table></html>";
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16[2 + i * 2] = text.charCodeAt(i);

    // Act
    const results = [await readTable(utf16, "export.xls"), await readTable(utf8(text), "export.csv")];

    // Assess
    for (const result of results)
      expect(result).toMatchObject({ ok: false, problem: { code: "unsupported-format" } });
  });

  it("names Excel 2003 XML (SpreadsheetML) saved with an .xls name", async () => {
    // Prepare
    const xml =
      '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n' +
      '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="VBM"/></Workbook>';

    // Act
    const result = await readTable(utf8(xml), "export.xls");

    // Assess
    expect(result).toMatchObject({ ok: false, problem: { code: "unsupported-format" } });
    if (!result.ok) expect(result.problem.message).toContain("XML-werkblad uit Excel 2003");
  });

  it("names an OpenDocument spreadsheet (.ods), also with an .xlsx name, and says how to save it", async () => {
    // Prepare: the mimetype entry comes first and is stored, as the OpenDocument standard asks
    const ods = zipSync({
      mimetype: [strToU8("application/vnd.oasis.opendocument.spreadsheet"), { level: 0 }],
      "META-INF/manifest.xml": strToU8("<manifest:manifest/>"),
      "content.xml": strToU8("<office:document-content/>"),
    });

    // Act
    const asXlsx = await readTable(ods, "XX-2023Q1.xlsx");
    const asOds = await readTable(ods, "XX-2023Q1.ods");

    // Assess
    for (const result of [asXlsx, asOds]) {
      expect(result).toMatchObject({
        ok: false,
        format: "unknown",
        problem: { code: "unsupported-format", row: null },
      });
      if (!result.ok) {
        expect(result.problem.message).toContain("OpenDocument-rekenblad (.ods)");
        expect(result.problem.message).toContain("LibreOffice");
        expect(result.problem.message).toContain(".xlsx");
        expect(result.problem.message).toContain("CSV");
        expect(result.problem.message).not.toContain("Dit .xlsx-bestand");
      }
    }
    if (!asXlsx.ok) expect(asXlsx.problem.message).toContain("heeft een .xlsx-naam, maar");
    if (!asOds.ok) expect(asOds.problem.message).not.toContain("-naam");
  });

  it("names other files by their bytes: a Word document, a binary workbook (.xlsb) and a pdf", async () => {
    // Prepare
    const docx = zipSync({
      "[Content_Types].xml": strToU8("<Types/>"),
      "word/document.xml": strToU8("<w/>"),
    });
    const xlsb = zipSync({
      "[Content_Types].xml": strToU8("<Types/>"),
      "xl/workbook.bin": new Uint8Array(8),
    });
    const pdf = utf8("%PDF-1.7\n%âãÏÓ\n1 0 obj\n");

    // Act
    const results = [
      await readTable(docx, "registratie.xlsx"),
      await readTable(xlsb, "registratie.xlsb"),
      await readTable(pdf, "registratie.csv"),
    ];

    // Assess
    expect(results.map((r) => (r.ok ? "ok" : r.problem.code))).toEqual([
      "unsupported-format",
      "unsupported-format",
      "unsupported-format",
    ]);
    const messages = results.map((r) => (r.ok ? "" : r.problem.message));
    expect(messages[0]).toContain("Word-document");
    expect(messages[1]).toContain("binaire Excel-werkmap (.xlsb)");
    expect(messages[2]).toContain("een pdf");
  });

  it("refuses a text file named .xlsx as an invalid workbook", async () => {
    // Act
    const result = await readTable(utf8("Nummer jongere;Type VBM\n"), "registratie.xlsx");

    // Assess
    expect(result).toMatchObject({ ok: false, format: "xlsx", problem: { code: "xlsx-invalid" } });
  });
});
