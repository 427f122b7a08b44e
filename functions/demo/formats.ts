/**
 * Writes delivery rows the way EPD exports look: semicolon CSV from Dutch Excel (UTF-8 with BOM
 * or Windows-1252, CRLF), comma CSV with every field quoted, or an `.xlsx` workbook.
 * All writers are deterministic: the same rows give the same bytes.
 */
import ExcelJS from "exceljs";
import iconv from "iconv-lite";

export interface CsvFormat {
  delimiter: ";" | ",";
  encoding: "utf-8-bom" | "utf-8" | "windows-1252";
  eol: "\r\n" | "\n";
  /** Quote every field (some exports do), instead of only the fields that need it. */
  quoteAll: boolean;
}

/** What most locations deliver: Dutch Excel "CSV UTF-8 (gescheiden door lijstscheidingsteken)". */
export const EXCEL_UTF8: CsvFormat = { delimiter: ";", encoding: "utf-8-bom", eol: "\r\n", quoteAll: false };
/** Dutch Excel's plain "CSV (gescheiden door lijstscheidingsteken)": Windows-1252. */
export const EXCEL_ANSI: CsvFormat = {
  delimiter: ";",
  encoding: "windows-1252",
  eol: "\r\n",
  quoteAll: false,
};
/** An EPD report export: comma separated, every field between double quotes, LF line ends. */
export const QUOTED_COMMA: CsvFormat = { delimiter: ",", encoding: "utf-8", eol: "\n", quoteAll: true };

export function csvField(value: string, delimiter: string, quoteAll: boolean): string {
  const needsQuotes =
    quoteAll ||
    value.includes(delimiter) ||
    value.includes('"') ||
    value.includes("\n") ||
    value.includes("\r");
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvText(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  format: CsvFormat,
): string {
  const line = (cells: readonly string[]): string =>
    cells.map((c) => csvField(c, format.delimiter, format.quoteAll)).join(format.delimiter);
  let text = line(header) + format.eol;
  for (const row of rows) text += line(row) + format.eol;
  return text;
}

const utf8 = new TextEncoder();

export function encodeText(text: string, encoding: CsvFormat["encoding"]): Uint8Array {
  if (encoding === "windows-1252") {
    // iconv-lite returns a Buffer (possibly a view on a shared pool): copy into a plain array.
    return Uint8Array.from(iconv.encode(text, "windows-1252"));
  }
  return utf8.encode(encoding === "utf-8-bom" ? `\uFEFF${text}` : text);
}

export function encodeCsv(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  format: CsvFormat,
): Uint8Array {
  return encodeText(csvText(header, rows, format), format.encoding);
}

/** Fixed metadata time of the demo workbooks, so the bytes do not depend on when they are made. */
const WORKBOOK_TIME = new Date(Date.UTC(2023, 9, 2, 9, 0, 0));

/**
 * An `.xlsx` as a Dutch Excel user would save it: dates as real date cells (format
 * dd-mm-jjjj), times as time-of-day fractions (format hh:mm), type and care plan as numbers,
 * empty cells left empty. Cells that are not a valid date/time/number stay text.
 */
export async function encodeXlsx(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  sheetName = "VBM-registratie",
): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "EPD-export";
  workbook.created = WORKBOOK_TIME;
  workbook.modified = WORKBOOK_TIME;
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow([...header]).font = { bold: true };
  for (const row of rows) {
    const [youth, startDate, startTime, endDate, endTime, reason, type, carePlan] = row;
    const added = sheet.addRow([
      youth ?? "",
      excelDate(startDate),
      excelTime(startTime),
      excelDate(endDate),
      excelTime(endTime),
      reason ? reason : null,
      excelNumber(type),
      excelNumber(carePlan),
    ]);
    for (const column of [2, 4]) added.getCell(column).numFmt = "dd-mm-yyyy";
    for (const column of [3, 5]) added.getCell(column).numFmt = "hh:mm";
  }
  const widths = [16, 12, 10, 12, 10, 44, 10, 18];
  widths.forEach((width, i) => {
    sheet.getColumn(i + 1).width = width;
  });
  const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
  normaliseZipTimestamps(bytes);
  return bytes;
}

/** `DD.MM.JJJJ` → a UTC date (Excel stores dates without a time zone); other text stays text. */
function excelDate(cell: string | undefined): Date | string | null {
  if (!cell) return null;
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(cell);
  if (!m) return cell;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1 ? date : cell;
}

/** `HH:MM` → fraction of a day, as Excel stores a time of day. */
function excelTime(cell: string | undefined): number | string | null {
  if (!cell) return null;
  const m = /^(\d{2}):(\d{2})$/.exec(cell);
  return m ? (Number(m[1]) * 60 + Number(m[2])) / 1440 : cell;
}

function excelNumber(cell: string | undefined): number | string | null {
  if (!cell) return null;
  return /^\d+$/.test(cell) ? Number(cell) : cell;
}

/**
 * The zip library inside exceljs stamps every entry with the current time. Overwrite the DOS
 * date/time of each entry (local header and central directory; neither is covered by a CRC)
 * with a fixed moment, so the workbook bytes are reproducible.
 */
export function normaliseZipTimestamps(zip: Uint8Array): void {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const dosTime = (9 << 11) | (0 << 5) | 0; // 09:00:00
  const dosDate = ((2023 - 1980) << 9) | (10 << 5) | 2; // 2023-10-02
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("xlsx: end of central directory not found");
  const entries = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  for (let k = 0; k < entries; k++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new Error("xlsx: corrupt central directory");
    view.setUint16(p + 12, dosTime, true);
    view.setUint16(p + 14, dosDate, true);
    const local = view.getUint32(p + 42, true);
    if (view.getUint32(local, true) !== 0x04034b50) throw new Error("xlsx: corrupt local file header");
    view.setUint16(local + 10, dosTime, true);
    view.setUint16(local + 12, dosDate, true);
    p += 46 + view.getUint16(p + 28, true) + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
}
