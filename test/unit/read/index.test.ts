import ExcelJS from "exceljs";
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
        result.table.eachRow(
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
      result.table.eachRow(
        () => calls++,
        () => calls++,
      );
      expect(calls).toBe(0);
    }
  });

  it("refuses an old binary Excel file (.xls), whatever its name", async () => {
    // Prepare
    const bytes = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);

    // Act
    const asXls = await readTable(bytes, "registratie.xls");
    const asXlsx = await readTable(bytes, "registratie.xlsx");

    // Assess
    for (const result of [asXls, asXlsx]) {
      expect(result).toMatchObject({ ok: false, problem: { code: "xlsx-invalid", row: null } });
      if (!result.ok) expect(result.problem.message).toContain("(.xls)");
    }
  });

  it("refuses a text file named .xlsx as an invalid workbook", async () => {
    // Act
    const result = await readTable(utf8("Nummer jongere;Type VBM\n"), "registratie.xlsx");

    // Assess
    expect(result).toMatchObject({ ok: false, format: "xlsx", problem: { code: "xlsx-invalid" } });
  });
});
