import type ExcelJS from "exceljs";
import { unzipSync } from "fflate";
import { columnLetter } from "./cell-references.ts";
import { defaultReadLimits, type ReadLimits, type ReadProblem, type ReadResult } from "./types.ts";
import { openWorksheet, type Worksheet, type ZipEntry } from "./xlsx-sheet.ts";

/**
 * Entries that claim to inflate to more than this many times their compressed size (and past
 * `bombMinimumBytes`) are refused before anything is inflated: worksheets compress 5–30×, a
 * decompression bomb hundreds or a thousand times.
 */
export const maxCompressionRatio = 100;
const bombMinimumBytes = 1024 * 1024;
/**
 * The shared strings (every distinct text in the workbook) are kept in memory while the worksheet
 * is read, at about their unpacked size. 850,000 rows with a reason of their own each (an .xlsx
 * of 48 MB) unpack to about 46 MB.
 */
export const maxSharedStringsBytes = 64 * 1024 * 1024;
/**
 * The workbook part, its relationships and the styles are parsed whole by exceljs. Real ones are a
 * few KB to a few MB (a workbook with tens of thousands of cell formats: about 10 MB).
 */
export const maxWorkbookPartBytes = 16 * 1024 * 1024;
const workbookParts = /^xl\/(workbook\.xml|_rels\/workbook\.xml\.rels|styles\.xml)$/i;

/**
 * Reads the first worksheet of an .xlsx workbook as a stream, in bounded memory. Before anything is
 * inflated, the sizes in the zip's central directory are checked: a decompression bomb (an entry
 * that claims to inflate more than `maxCompressionRatio` times its size, or a workbook that
 * inflates past `limits.maxUncompressedBytes`) is refused at once, and no entry may inflate past the
 * size it claims. `eachRow` reads the worksheet again as it inflates, row by row (xlsx-sheet.ts).
 */
export async function readXlsx(
  bytes: Uint8Array,
  limits: ReadLimits = defaultReadLimits,
): Promise<ReadResult> {
  if (!isZip(bytes)) return invalid(notExcelMessage);
  const entries = zipDirectory(bytes);
  if (!entries) return invalid(corruptMessage);
  const bomb = sizeProblem(entries, limits);
  if (bomb) return { ok: false, format: "xlsx", problem: bomb };

  const opened = await openWorksheet(bytes, entries);
  // Every real workbook has a worksheet; a zip without one is some other kind of file.
  if (!opened.ok) return invalid(opened.problem === "not-excel" ? notExcelMessage : corruptMessage);
  const { sheet } = opened;

  let header: string[] = [];
  try {
    for await (const row of sheet.rows()) {
      if (row.number === 1) header = rowTexts(row, Number.POSITIVE_INFINITY, sheet).cells;
      break;
    }
  } catch {
    return invalid(corruptMessage);
  }
  header = dropTrailingEmpty(header.map((cell) => cell.trim()));
  const width = header.length;

  const eachRow = async (
    onRow: (cells: string[], row: number) => void,
    onProblem: (p: ReadProblem) => void,
  ): Promise<void> => {
    if (width === 0) return;
    try {
      for await (const row of sheet.rows()) {
        if (row.number === 1) continue;
        const { cells, blank, outside } = rowTexts(row, width, sheet);
        if (outside > 0) onProblem(outsideHeaderProblem(row.number, outside));
        else if (!blank) onRow(cells, row.number);
      }
    } catch {
      onProblem({ code: "xlsx-invalid", row: null, value: null, message: corruptMessage });
    }
  };

  return { ok: true, table: { format: "xlsx", encoding: null, delimiter: null, header, eachRow } };
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The zip's central directory (names and claimed sizes), read by fflate without inflating anything. */
function zipDirectory(bytes: Uint8Array): ZipEntry[] | null {
  const entries: ZipEntry[] = [];
  try {
    unzipSync(bytes, {
      filter: ({ name, size, originalSize }) => {
        entries.push({ name, size, originalSize });
        return false;
      },
    });
  } catch {
    return null;
  }
  return entries;
}

/** The finding for a zip whose central directory says it is too large or a bomb; null when it is not. */
function sizeProblem(entries: readonly ZipEntry[], limits: ReadLimits): ReadProblem | null {
  let total = 0;
  for (const entry of entries) {
    total += entry.originalSize;
    // The parts kept or parsed whole first: their limit says more than the ratio.
    if (/^xl\/sharedStrings\.xml$/i.test(entry.name) && entry.originalSize > maxSharedStringsBytes)
      return tooMuchText();
    if (workbookParts.test(entry.name) && entry.originalSize > maxWorkbookPartBytes)
      return tooMuchFormatting();
    const ratio = entry.originalSize / Math.max(1, entry.size);
    if (entry.originalSize > bombMinimumBytes && ratio > maxCompressionRatio) return bombRatio();
  }
  return total > limits.maxUncompressedBytes ? tooLarge(limits) : null;
}

/**
 * A row's cells as text, the first `width` of them (missing cells are empty), whether those are
 * all blank, and the first column past `width` that has a value (0 when none).
 */
function rowTexts(
  row: ExcelJS.Row,
  width: number,
  sheet: Worksheet,
): { cells: string[]; blank: boolean; outside: number } {
  const cells: string[] = [];
  let blank = true;
  let outside = 0;
  row.eachCell((cell, column) => {
    const text = cellText(cell, cell.value, sheet);
    if (column <= width) {
      while (cells.length < column - 1) cells.push("");
      cells[column - 1] = text;
      if (blank && text.trim() !== "") blank = false;
    } else if (outside === 0 && text.trim() !== "") outside = column;
  });
  if (Number.isFinite(width)) while (cells.length < width) cells.push("");
  return { cells, blank, outside };
}

/** A cell as the user sees it: dates `DD.MM.JJJJ`, times `HH:MM`, numbers as plain decimal text. */
function cellText(cell: ExcelJS.Cell, value: ExcelJS.CellValue | SharedString, sheet: Worksheet): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const { date1904 } = sheet;
  if (value instanceof Date) return dateText(value, date1904);
  if ("sharedString" in value) return sheet.sharedString(value.sharedString) ?? "";
  if ("richText" in value) return value.richText.map((part) => part.text ?? "").join("");
  if ("formula" in value || "sharedFormula" in value) {
    // The streaming reader leaves a formula's result a number, also when it shows a date.
    const { result } = value;
    if (typeof result === "number" && isDateFormat(cell.numFmt))
      return dateText(excelDate(result, date1904), date1904);
    return cellText(cell, result as ExcelJS.CellValue, sheet);
  }
  // A hyperlink's text may itself be rich text.
  if ("hyperlink" in value) return cellText(cell, value.text as ExcelJS.CellValue, sheet);
  if ("error" in value) return value.error;
  return "";
}

/** How the streaming reader gives a shared-string cell (xlsx-sheet.ts keeps the strings). */
interface SharedString {
  sharedString: number;
}

/** Whether a number format shows a date or time (the rule exceljs applies to plain number cells). */
function isDateFormat(format: string | undefined): boolean {
  return format ? /[ymdhMsb]+/.test(format.replace(/\[[^\]]*]/g, "").replace(/"[^"]*"/g, "")) : false;
}

/** Excel's day number as the wall time in UTC, as exceljs gives dates. */
function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** exceljs gives the wall time as UTC. Excel's day zero (1899-12-30/31, or 1904-01-01) means a time-only cell. */
function dateText(date: Date, date1904: boolean): string {
  const d = new Date(Math.round(date.getTime() / 1000) * 1000); // Excel fractions are not exact
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  const day = d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  if (day === 18991230 || day === 18991231 || (date1904 && day === 19040101)) return time;
  const dateOnly = `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
  return time === "00:00" ? dateOnly : `${dateOnly} ${time}`;
}

function dropTrailingEmpty(cells: string[]): string[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === "") end--;
  return cells.slice(0, end);
}

const notExcelMessage =
  "Dit .xlsx-bestand is geen geldig Excel-bestand. Misschien is het een ander soort bestand met een " +
  ".xlsx-naam. Open het in Excel en sla het opnieuw op als Excel-werkmap (.xlsx) of als CSV " +
  "(gescheiden door puntkomma's).";

const corruptMessage =
  "Dit Excel-bestand is beschadigd en kan niet gelezen worden. Open het in Excel en sla het opnieuw op " +
  "als Excel-werkmap (.xlsx) of als CSV (gescheiden door puntkomma's).";

function invalid(message: string): ReadResult {
  return { ok: false, format: "xlsx", problem: { code: "xlsx-invalid", row: null, value: null, message } };
}

const megabytes = (bytes: number): string =>
  new Intl.NumberFormat("nl-NL", { maximumSignificantDigits: 3 }).format(bytes / (1024 * 1024));

function tooLarge(limits: ReadLimits): ReadProblem {
  return {
    code: "xlsx-too-large",
    row: null,
    value: null,
    message:
      `Dit Excel-bestand is uitgepakt groter dan ${megabytes(limits.maxUncompressedBytes)} MB en wordt daarom ` +
      "niet gelezen. Lever alleen de registratie aan (één werkblad, zonder afbeeldingen of andere " +
      "tabbladen), of sla het op als CSV (gescheiden door puntkomma's).",
  };
}

function bombRatio(): ReadProblem {
  return {
    code: "xlsx-too-large",
    row: null,
    value: null,
    message:
      `Dit Excel-bestand pakt uit tot meer dan ${maxCompressionRatio} keer zijn eigen grootte. Zo sterk ` +
      "samengeperst is een gewone registratie nooit; daarom wordt het niet gelezen. Sla de registratie " +
      "opnieuw op als Excel-werkmap (.xlsx) met één werkblad, of als CSV (gescheiden door puntkomma's).",
  };
}

function tooMuchText(): ReadProblem {
  return {
    code: "xlsx-too-large",
    row: null,
    value: null,
    message:
      `De teksten in dit Excel-bestand zijn samen groter dan ${megabytes(maxSharedStringsBytes)} MB; zoveel ` +
      "tekst kan niet in één keer gelezen worden. Sla de registratie op als CSV (gescheiden door " +
      "puntkomma's) en lever die aan; een CSV-bestand wordt regel voor regel gelezen.",
  };
}

function tooMuchFormatting(): ReadProblem {
  return {
    code: "xlsx-too-large",
    row: null,
    value: null,
    message:
      `De opmaak van dit Excel-bestand is uitgepakt groter dan ${megabytes(maxWorkbookPartBytes)} MB en wordt ` +
      "daarom niet gelezen. Kopieer alleen de gegevens naar een nieuwe, lege werkmap en sla die op, of sla " +
      "de registratie op als CSV (gescheiden door puntkomma's).",
  };
}

function outsideHeaderProblem(row: number, column: number): ReadProblem {
  const letter = columnLetter(column);
  return {
    code: "row-field-count",
    row,
    value: letter,
    message:
      `Rij ${row} heeft een waarde in kolom ${letter}, maar die kolom heeft geen kop in rij 1. Daardoor is ` +
      "niet duidelijk wat de waarde betekent en is de rij niet gecontroleerd. Haal de waarde weg of zet " +
      "hem in de juiste kolom.",
  };
}
