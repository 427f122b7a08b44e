/**
 * A large delivery as an Excel workbook, for measuring the xlsx reader (not part of `npm test`):
 *
 *   npx tsx bench/xlsx-file.ts <out.xlsx> <rows> [--unique-reasons] [--seed N]
 *
 * The rows are those of `generateDeliveryCsv`, written as an EPD export would write them: dates
 * and times as Excel dates (`dd-mm-yyyy`, `hh:mm`), codes as numbers, reasons as shared strings.
 * With `--unique-reasons` every reason gets a number of its own, so each row adds a shared string:
 * the worst case for a streaming reader, which must keep the shared strings in memory. Written
 * with exceljs' streaming writer, so a million rows fit in memory here too.
 */
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { generateDeliveryCsv } from "../functions/demo/generate.ts";

export interface LargeXlsxOptions {
  rows: number;
  uniqueReasons?: boolean;
  seed?: number;
}

/** Writes the workbook to `file` and returns the number of rows written. */
export async function writeLargeXlsx(file: string, opts: LargeXlsxOptions): Promise<number> {
  const csv = new TextDecoder().decode(
    generateDeliveryCsv({ location: "BM", quarter: "2023-Q1", rows: opts.rows, seed: opts.seed ?? 1 }),
  );
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: true,
    useStyles: true,
  });
  const sheet = workbook.addWorksheet("VBM-registratie");
  const records = Papa.parse<string[]>(csv.replace(/^\ufeff/, ""), {
    delimiter: ";",
    skipEmptyLines: true,
  }).data;
  let written = 0;
  for (const [i, cells] of records.entries()) {
    if (i === 0) {
      sheet.addRow(cells).commit();
      continue;
    }
    const [youth, startDate, startTime, endDate, endTime, reason, type, carePlan] = cells;
    const row = sheet.addRow([
      youth,
      excelDate(startDate),
      excelTime(startTime),
      excelDate(endDate),
      excelTime(endTime),
      reason ? (opts.uniqueReasons ? `${reason} (${i})` : reason) : null,
      type ? Number(type) : null,
      carePlan ? Number(carePlan) : null,
    ]);
    for (const column of [2, 4]) row.getCell(column).numFmt = "dd-mm-yyyy";
    for (const column of [3, 5]) row.getCell(column).numFmt = "hh:mm";
    row.commit();
    written++;
  }
  sheet.commit();
  await workbook.commit();
  return written;
}

function excelDate(cell: string | undefined): Date | null {
  const m = cell ? /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(cell) : null;
  return m ? new Date(Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]))) : null;
}

function excelTime(cell: string | undefined): number | null {
  const m = cell ? /^(\d{2}):(\d{2})$/.exec(cell) : null;
  return m ? (Number(m[1]) * 60 + Number(m[2])) / 1440 : null;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [file, rows, ...flags] = process.argv.slice(2);
  if (!file || !rows) throw new Error("usage: xlsx-file.ts <out.xlsx> <rows> [--unique-reasons] [--seed N]");
  const seedAt = flags.indexOf("--seed");
  const written = await writeLargeXlsx(file, {
    rows: Number(rows),
    uniqueReasons: flags.includes("--unique-reasons"),
    seed: seedAt >= 0 ? Number(flags[seedAt + 1]) : 1,
  });
  console.log(`${file}: ${written} rows`);
}
