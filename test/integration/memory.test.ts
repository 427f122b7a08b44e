import { writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { strToU8, unzipSync, Zip, ZipDeflate } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEADER, tempDir } from "../helpers.ts";
import { bundleIngestChild, MAX_RSS_MIB } from "./ingest-child-runner.ts";

/**
 * Bounded memory (issue 10): the .xlsx files that used to knock the ingest over are each ingested in
 * a fresh process, bundled as the ingest Lambda is (no transpiler in the process), and the peak RSS
 * is read there. The 1,000,000-row file is in memory-1m.test.ts.
 */
let child: Awaited<ReturnType<typeof bundleIngestChild>>;
const temp = tempDir("vbm-memory-");

beforeAll(async () => {
  child = await bundleIngestChild();
}, 60_000);
afterAll(() => {
  child?.cleanup();
  temp.cleanup();
});

const main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const pkg = "http://schemas.openxmlformats.org/package/2006";

/**
 * A workbook whose worksheet is the header and then `rows` empty rows (`<row><c/></row>`, 15 bytes
 * each), which deflate about 500:1; streamed through the zipper, so the test never holds the
 * worksheet.
 */
function zipBomb(rows: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    parts.push(chunk);
  });
  const add = (name: string, text: string) => {
    const entry = new ZipDeflate(name, { level: 9 });
    zip.add(entry);
    entry.push(strToU8(text), true);
  };
  add(
    "[Content_Types].xml",
    `<Types xmlns="${pkg}/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
  );
  add(
    "_rels/.rels",
    `<Relationships xmlns="${pkg}/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  add(
    "xl/workbook.xml",
    `<workbook xmlns="${main}" xmlns:r="${rel}"><sheets><sheet name="VBM" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  );
  add(
    "xl/_rels/workbook.xml.rels",
    `<Relationships xmlns="${pkg}/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
  );
  const sheet = new ZipDeflate("xl/worksheets/sheet1.xml", { level: 9 });
  zip.add(sheet);
  const cell = (t: string) => `<c t="inlineStr"><is><t>${t}</t></is></c>`;
  sheet.push(strToU8(`<worksheet xmlns="${main}"><sheetData><row>${HEADER.map(cell).join("")}</row>`));
  const block = strToU8("<row><c/></row>".repeat(10_000));
  for (let i = 0; i < rows / 10_000; i++) sheet.push(block);
  sheet.push(strToU8("</sheetData></worksheet>"), true);
  zip.end();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("bounded memory of the ingest", () => {
  it("refuses a decompression bomb (195 KB, worksheet 93 MB) within 2 s, before inflating it", async () => {
    // Prepare: a 93 MB worksheet in a zip of under 200 KB (about 500:1)
    const bomb = zipBomb(6_200_000);
    const file = join(temp.dir, "bom.xlsx");
    writeFileSync(file, bomb);

    // Act
    const result = await child.run(file, "BM/2023-Q1/all/bom.xlsx");
    console.info(`zip bomb (${bomb.length} bytes): ${JSON.stringify(result)}`);

    // Assess
    let unpacked = 0;
    unzipSync(bomb, {
      filter: (f) => {
        unpacked += f.originalSize;
        return false;
      },
    });
    expect(bomb.length).toBeGreaterThan(180_000);
    expect(bomb.length).toBeLessThan(200_000);
    expect(unpacked / bomb.length).toBeGreaterThan(450);
    expect(result).toMatchObject({ status: "rejected", codes: ["xlsx-too-large"] });
    expect(result.ms).toBeLessThan(2000);
    expect(result.peakRssMiB).toBeLessThan(MAX_RSS_MIB);
  });

  it("accepts a template with dropdowns on whole columns quickly and in bounded memory", async () => {
    // Prepare: two rows, data validations on G2:G1048576 and H2:H1048576 (as in the sector's template)
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("VBM");
    sheet.addRow(HEADER);
    sheet.addRow(["BM0001", "02.01.2023", "10:00", "02.01.2023", "10:30", "Onrustig", 6, 1]);
    sheet.addRow(["BM0002", "03.01.2023", "11:00", "", "", "", 15, ""]);
    const ranges = sheet as unknown as {
      dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
    };
    ranges.dataValidations.add("G2:G1048576", { type: "list", allowBlank: true, formulae: ['"1,2,3"'] });
    ranges.dataValidations.add("H2:H1048576", { type: "list", allowBlank: true, formulae: ['"1,2"'] });
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const file = join(temp.dir, "sjabloon.xlsx");
    writeFileSync(file, bytes);

    // Act
    const result = await child.run(file, "BM/2023-Q1/all/sjabloon.xlsx");
    console.info(`whole-column template (${bytes.length} bytes): ${JSON.stringify(result)}`);

    // Assess
    expect(bytes.length).toBeLessThan(10_000);
    expect(result).toMatchObject({ status: "accepted", rows: 2 });
    expect(result.ms).toBeLessThan(5000);
    expect(result.peakRssMiB).toBeLessThan(MAX_RSS_MIB);
  });
});
