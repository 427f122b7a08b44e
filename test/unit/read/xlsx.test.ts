import type ExcelJS from "exceljs";
import { strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { maxSharedStringsBytes, maxWorkbookPartBytes, readXlsx } from "../../../functions/core/read/xlsx.ts";
import { collect, describeXlsxReading, handWrittenXlsx, limits, table, xlsxBytes } from "./xlsx-cases.ts";

describeXlsxReading("readXlsx");

/** Sets the uncompressed size the central directory claims for one entry (a zip that lies). */
function claimSize(zip: Uint8Array, entryName: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  let at = out.length - 22;
  while (view.getUint32(at, true) !== 0x06054b50) at--;
  for (let entry = view.getUint32(at + 16, true); view.getUint32(entry, true) === 0x02014b50; ) {
    const nameLength = view.getUint16(entry + 28, true);
    const name = new TextDecoder().decode(out.subarray(entry + 46, entry + 46 + nameLength));
    if (name === entryName) view.setUint32(entry + 24, size, true);
    entry += 46 + nameLength + view.getUint16(entry + 30, true) + view.getUint16(entry + 32, true);
  }
  return out;
}

describe("readXlsx as a stream", () => {
  it("finds the first worksheet by the relationships, whatever its name, with 1904 dates and rich shared strings", async () => {
    // Prepare: parts in an unusual order and file name, shared strings with rich text and a phonetic run
    const main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const pkg = "http://schemas.openxmlformats.org/package/2006";
    const bytes = zipSync({
      "xl/worksheets/blad2.xml": strToU8(
        `<worksheet xmlns="${main}"><cols><col min="1" max="2"/></cols><sheetData>` +
          '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
          '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>43000.5</v></c></row>' +
          "</sheetData></worksheet>",
      ),
      "xl/worksheets/sheet1.xml": strToU8(`<worksheet xmlns="${main}"><sheetData/></worksheet>`),
      "[Content_Types].xml": strToU8(
        `<Types xmlns="${pkg}/content-types"><Default Extension="xml" ContentType="application/xml"/>` +
          `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
          `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
          `<Override PartName="/xl/worksheets/blad2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
          `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
          `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
          `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
      ),
      "_rels/.rels": strToU8(
        `<Relationships xmlns="${pkg}/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ),
      "xl/workbook.xml": strToU8(
        `<workbook xmlns="${main}" xmlns:r="${rel}"><workbookPr date1904="1"/>` +
          '<sheets><sheet name="VBM" sheetId="2" r:id="rId7"/><sheet name="Leeg" sheetId="1" r:id="rId1"/></sheets></workbook>',
      ),
      "xl/_rels/workbook.xml.rels": strToU8(
        `<Relationships xmlns="${pkg}/relationships">` +
          `<Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/>` +
          `<Relationship Target="/xl/worksheets/blad2.xml" Type="${rel}/worksheet" Id="rId7"/>` +
          `<Relationship Id="rId8" Type="${rel}/styles" Target="styles.xml"/>` +
          `<Relationship Id="rId9" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      ),
      "xl/styles.xml": strToU8(
        `<styleSheet xmlns="${main}"><numFmts count="1"><numFmt numFmtId="164" formatCode="d/m/yyyy h:mm"/></numFmts>` +
          '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"><alignment/></xf></cellXfs></styleSheet>',
      ),
      "xl/sharedStrings.xml": strToU8(
        `<sst xmlns="${main}"><si><t>Nummer jongere</t></si><si><r><t>Datum </t></r><r><rPr><b/></rPr><t>start</t></r>` +
          "<rPh><t>x</t></rPh></si><si><t>XX&amp;01</t></si></sst>",
      ),
    });

    // Act
    const t = table(await readXlsx(bytes, limits));

    // Assess
    expect(t.header).toEqual(["Nummer jongere", "Datum start"]);
    expect((await collect(t)).rows).toEqual([[2, ["XX&01", "23.09.2021 12:00"]]]);
  });

  it("refuses a decompression bomb by its compression ratio at once, before inflating it", async () => {
    // Prepare: 64 MB of zeros that zip to about 64 KB (1000:1), under the absolute limit
    const bomb = zipSync({ "xl/worksheets/sheet1.xml": new Uint8Array(64 * 1024 * 1024) });

    // Act
    const started = performance.now();
    const result = await readXlsx(bomb, { ...limits, maxUncompressedBytes: 500 * 1024 * 1024 });
    const ms = performance.now() - started;

    // Assess
    expect(result).toMatchObject({ ok: false, problem: { code: "xlsx-too-large", row: null } });
    if (!result.ok) expect(result.problem.message).toContain("meer dan 100 keer");
    expect(ms).toBeLessThan(100);
  });

  it("refuses a workbook that inflates past the absolute limit, even at an ordinary ratio", async () => {
    // Prepare: 3 MB of varied digits (compress about 2:1) with a limit of 2 MB
    let digits = "";
    for (let i = 0; digits.length < 3 * 1024 * 1024; i++) digits += String((i * 7919) % 100003);
    const bytes = handWrittenXlsx(`<row r="1"><c r="A1" t="inlineStr"><is><t>${digits}</t></is></c></row>`);

    // Act
    const result = await readXlsx(bytes, { ...limits, maxUncompressedBytes: 2 * 1024 * 1024 });

    // Assess
    expect(result).toMatchObject({ ok: false, problem: { code: "xlsx-too-large" } });
    if (!result.ok) expect(result.problem.message).toContain("uitgepakt groter dan 2 MB");
  });

  it("refuses a zip whose worksheet inflates to more than its central directory says", async () => {
    // Prepare: a worksheet that claims to be 100 bytes long
    const good = handWrittenXlsx(
      `<row r="1"><c r="A1" t="inlineStr"><is><t>${"a".repeat(1000)}</t></is></c></row>`,
    );
    const lying = claimSize(good, "xl/worksheets/sheet1.xml", 100);

    // Act
    const result = await readXlsx(lying, limits);

    // Assess
    expect(table(await readXlsx(good, limits)).header).toEqual(["a".repeat(1000)]);
    expect(result).toMatchObject({ ok: false, problem: { code: "xlsx-invalid" } });
    if (!result.ok) expect(result.problem.message).toContain("beschadigd");
  });

  it("refuses shared strings too large to keep in memory, and says to deliver a CSV", async () => {
    // Prepare: a workbook whose shared strings claim one byte more than the limit
    const workbook = await xlsxBytes((sheet) => {
      sheet.addRow(["Nummer jongere"]);
      sheet.addRow(["XX0001"]);
    });
    expect(Object.keys(unzipSync(workbook))).toContain("xl/sharedStrings.xml");
    const bytes = claimSize(workbook, "xl/sharedStrings.xml", maxSharedStringsBytes + 1);

    // Act
    const result = await readXlsx(bytes, { ...limits, maxUncompressedBytes: 500 * 1024 * 1024 });

    // Assess
    expect(result).toMatchObject({ ok: false, problem: { code: "xlsx-too-large", row: null } });
    if (!result.ok) expect(result.problem.message).toContain("De teksten in dit Excel-bestand");
  });

  it("refuses styles too large to parse whole, and says how to save the data without them", async () => {
    // Prepare: a workbook whose styles claim one byte more than the limit
    const workbook = await xlsxBytes((sheet) => {
      sheet.addRow(["Nummer jongere"]);
      sheet.addRow(["XX0001"]);
    });
    const bytes = claimSize(workbook, "xl/styles.xml", maxWorkbookPartBytes + 1);

    // Act
    const result = await readXlsx(bytes, { ...limits, maxUncompressedBytes: 500 * 1024 * 1024 });

    // Assess
    expect(result).toMatchObject({ ok: false, problem: { code: "xlsx-too-large", row: null } });
    if (!result.ok) expect(result.problem.message).toContain("opmaak");
  });

  it("reads a template with data validations on whole columns without visiting their cells", async () => {
    // Prepare: dropdowns on G2:G1048576 … J2:J1048576, two rows of data
    const bytes = await xlsxBytes((sheet) => {
      sheet.addRow(["Nummer jongere", "Type VBM"]);
      sheet.addRow(["XX0001", 6]);
      sheet.addRow(["XX0002", 3]);
      // exceljs has `dataValidations.add` for ranges, but its types do not declare it.
      const ranges = sheet as unknown as {
        dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
      };
      for (const column of ["G", "H", "I", "J"])
        ranges.dataValidations.add(`${column}2:${column}1048576`, {
          type: "list",
          allowBlank: true,
          formulae: ['"1,2"'],
        });
    });

    // Act
    const started = performance.now();
    const { rows, problems } = await collect(table(await readXlsx(bytes, limits)));
    const ms = performance.now() - started;

    // Assess
    const sheetXml = new TextDecoder().decode(unzipSync(bytes)["xl/worksheets/sheet1.xml"]);
    expect(sheetXml).toContain('sqref="J2:J1048576"');
    expect(rows).toEqual([
      [2, ["XX0001", "6"]],
      [3, ["XX0002", "3"]],
    ]);
    expect(problems).toEqual([]);
    expect(ms).toBeLessThan(1000);
  });

  it("goes on after the rows already given when cell references stop halfway", async () => {
    // Prepare: rows 1-3 with references, then rows and cells without them
    const cell = (text: string, ref = "") =>
      `<c${ref ? ` r="${ref}"` : ""} t="inlineStr"><is><t>${text}</t></is></c>`;
    const bytes = handWrittenXlsx(
      `<row r="1">${cell("Nummer jongere", "A1")}${cell("Type VBM", "B1")}</row>` +
        `<row r="2">${cell("XX0001", "A2")}<c r="B2"><v>6</v></c></row>` +
        `<row r="3">${cell("XX0002", "A3")}<c r="B3"><v>7</v></c></row>` +
        `<row r="4">${cell("XX0003")}<c><v>8</v></c></row>` +
        `<row>${cell("XX0004")}<c><v>9</v></c></row>` +
        `<row r="7"><c r="B7"><v>10</v></c></row>`,
    );

    // Act
    const t = table(await readXlsx(bytes, limits));
    const first = await collect(t);
    const second = await collect(t);

    // Assess
    expect(first.problems).toEqual([]);
    expect(first.rows).toEqual([
      [2, ["XX0001", "6"]],
      [3, ["XX0002", "7"]],
      [4, ["XX0003", "8"]],
      [5, ["XX0004", "9"]],
      [7, ["", "10"]],
    ]);
    expect(second).toEqual(first);
  });

  it("reports a worksheet that breaks off halfway as damaged, after the rows before it", async () => {
    // Prepare: 5,000 good rows (more than one piece of XML), then a row whose XML is not closed properly
    let good = "";
    for (let row = 2; row <= 5001; row++)
      good += `<row r="${row}"><c r="A${row}" t="inlineStr"><is><t>XX${String(row).padStart(4, "0")}</t></is></c></row>`;
    const bytes = handWrittenXlsx(
      `<row r="1"><c r="A1" t="inlineStr"><is><t>Nummer jongere</t></is></c></row>${good}` +
        '<row r="5002"><c r="A5002" t="inlineStr"><is><t>XX0002</t></is></c></rij>',
    );

    // Act
    const { rows, problems } = await collect(table(await readXlsx(bytes, limits)));

    // Assess: the rows before the piece with the break were given, in order, each once
    expect(rows.length).toBeGreaterThan(1000);
    expect(rows.length).toBeLessThan(5000);
    expect(rows.map(([row]) => row)).toEqual(rows.map((_, i) => i + 2));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "xlsx-invalid", row: null });
    expect(problems[0]?.message).toContain("beschadigd");
  });

  it("reads a workbook whose parts carry their sizes after the data (a streamed zip)", async () => {
    // Prepare: the parts of a small workbook re-zipped by fflate's streaming zipper (data descriptors)
    const parts = unzipSync(
      await xlsxBytes((sheet) => {
        sheet.addRow(["Nummer jongere", "Datum start"]);
        sheet.addRow(["XX0001", new Date(Date.UTC(2023, 1, 3))]).getCell(2).numFmt = "dd-mm-yyyy";
      }),
    );
    const { Zip, ZipDeflate } = await import("fflate");
    const chunks: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      chunks.push(chunk);
    });
    for (const [name, data] of Object.entries(parts)) {
      const entry = new ZipDeflate(name, { level: 6 });
      zip.add(entry);
      entry.push(data, true);
    }
    zip.end();
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    expect(new DataView(bytes.buffer).getUint16(6, true) & 8).toBe(8);

    // Act
    const { rows } = await collect(table(await readXlsx(bytes, limits)));

    // Assess
    expect(rows).toEqual([[2, ["XX0001", "03.02.2023"]]]);
  });

  it("finds parts whose names differ in case, as the package format allows", async () => {
    // Prepare: Excel-style names with another case
    const parts = unzipSync(handWrittenXlsx('<row r="1"><c r="A1"><v>1</v></c></row>'));
    const renamed = Object.fromEntries(
      Object.entries(parts).map(([name, data]) => [name.replace("xl/workbook.xml", "xl/Workbook.xml"), data]),
    );

    // Act
    const t = table(await readXlsx(zipSync(renamed), limits));

    // Assess
    expect(t.header).toEqual(["1"]);
  });
});
