import type ExcelJS from "exceljs";
import { Unzip, UnzipInflate, unzipSync, zipSync } from "fflate";
import { defaultReadLimits, type ReadLimits, type ReadProblem, type ReadResult } from "./types.ts";

/** Compressed bytes pushed to the unzipper per step; deflate expands at most ~1000×, so ≤ ~16 MB out per step. */
const unzipChunk = 16 * 1024;

/**
 * Reads the first worksheet of an .xlsx workbook with exceljs. The zip is first inflated once with
 * fflate (output counted, not kept) so that a zip bomb is refused before exceljs unpacks it.
 * exceljs keeps the whole workbook in memory; `eachRow` walks its rows.
 */
export async function readXlsx(
  bytes: Uint8Array,
  limits: ReadLimits = defaultReadLimits,
): Promise<ReadResult> {
  if (!isZip(bytes)) return invalid(notExcelMessage);
  const unzipped = checkUncompressedSize(bytes, limits.maxUncompressedBytes);
  if (unzipped === "too-large") return { ok: false, format: "xlsx", problem: tooLarge(limits) };
  if (unzipped === "corrupt") return invalid(corruptMessage);

  const workbook = await loadWorkbook(bytes);
  if (!workbook) return invalid(corruptMessage);
  // Every real workbook has a worksheet; a zip without one is some other kind of file.
  const sheet = workbook.worksheets[0];
  if (!sheet) return invalid(notExcelMessage);
  const date1904 = workbook.properties?.date1904 === true;
  const text = (value: ExcelJS.CellValue): string => cellText(value, date1904);

  const header = dropTrailingEmpty(rowValues(sheet.findRow(1)).map((value) => text(value).trim()));
  const width = header.length;

  const eachRow = (
    onRow: (cells: string[], row: number) => void,
    onProblem: (p: ReadProblem) => void,
  ): void => {
    if (width === 0) return;
    sheet.eachRow((row, rowNumber) => {
      if (rowNumber === 1) return;
      const values = rowValues(row);
      const cells: string[] = new Array(width);
      let blank = true;
      for (let c = 0; c < width; c++) {
        const cell = text(values[c]);
        if (blank && cell.trim() !== "") blank = false;
        cells[c] = cell;
      }
      const outside = values.findIndex((value, c) => c >= width && text(value).trim() !== "");
      if (outside >= 0) onProblem(outsideHeaderProblem(rowNumber, outside + 1));
      else if (!blank) onRow(cells, rowNumber);
    });
  };

  return { ok: true, table: { format: "xlsx", encoding: null, delimiter: null, header, eachRow } };
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * Loads the workbook with exceljs, or null when it cannot. exceljs fails on rows and cells without an
 * `r` reference, which the standard allows (they follow the one before); then the references are
 * filled in and the workbook is loaded once more.
 */
async function loadWorkbook(bytes: Uint8Array): Promise<ExcelJS.Workbook | null> {
  // exceljs is loaded only when an .xlsx file is read: most deliveries are CSV.
  const { default: excel } = await import("exceljs");
  const load = async (zip: Uint8Array): Promise<ExcelJS.Workbook | null> => {
    const workbook = new excel.Workbook();
    try {
      await workbook.xlsx.load(toArrayBuffer(zip));
      return workbook;
    } catch {
      return null;
    }
  };
  const workbook = await load(bytes);
  if (workbook) return workbook;
  const filled = withCellReferences(bytes);
  return filled ? load(filled) : null;
}

const worksheetPart = /^xl\/worksheets\/[^/]+\.xml$/i;

/**
 * The workbook zipped again with `r` references on every row and cell of its worksheets, or null when
 * none was missing (or the zip cannot be read). Only called after the size check, so unpacking is safe.
 */
function withCellReferences(bytes: Uint8Array): Uint8Array | null {
  let parts: Record<string, Uint8Array>;
  try {
    parts = unzipSync(bytes);
  } catch {
    return null;
  }
  let changed = false;
  for (const [name, data] of Object.entries(parts)) {
    if (!worksheetPart.test(name)) continue;
    const xml = new TextDecoder().decode(data);
    const filled = fillCellReferences(xml);
    if (filled === xml) continue;
    parts[name] = new TextEncoder().encode(filled);
    changed = true;
  }
  return changed ? zipSync(parts, { level: 0 }) : null;
}

/** The start tag of a `<row>` or `<c>` (cell) element, with its attributes. */
const rowOrCellTag = /<(row|c)(?=[\s/>])([^>]*)>/g;
const referenceAttribute = /\sr\s*=\s*["']([^"']*)["']/;

/**
 * Gives every `<row>` and `<c>` in the worksheet's `sheetData` an `r` reference. ECMA-376 makes `r`
 * optional: a row without it comes right after the previous row, a cell right after the previous cell
 * in its row (the first cell in column A). Cell text cannot contain a raw `<`, so the tags are found
 * safely.
 */
function fillCellReferences(xml: string): string {
  const start = xml.indexOf("<sheetData");
  const end = xml.lastIndexOf("</sheetData>");
  if (start < 0 || end < start) return xml;
  let row = 0;
  let column = 0;
  let changed = false;
  const body = xml.slice(start, end).replace(rowOrCellTag, (tag, name: string, attributes: string) => {
    const reference = referenceAttribute.exec(attributes)?.[1];
    if (name === "row") {
      column = 0;
      const number = reference === undefined ? Number.NaN : Number.parseInt(reference, 10);
      row = Number.isInteger(number) ? number : row + 1;
      if (reference !== undefined) return tag;
      changed = true;
      return `<row r="${row}"${attributes}>`;
    }
    const letters = reference === undefined ? undefined : /^\$?([A-Za-z]+)/.exec(reference)?.[1];
    column = letters ? columnNumber(letters) : column + 1;
    if (reference !== undefined) return tag;
    changed = true;
    return `<c r="${columnLetter(column)}${row}"${attributes}>`;
  });
  return changed ? xml.slice(0, start) + body + xml.slice(end) : xml;
}

/** Inflates every entry in small steps, counting the output, and stops as soon as the limit is passed. */
function checkUncompressedSize(bytes: Uint8Array, max: number): "ok" | "too-large" | "corrupt" {
  let total = 0;
  let outcome: "ok" | "too-large" | "corrupt" = "ok";
  const unzip = new Unzip((file) => {
    file.ondata = (error, chunk) => {
      if (error) outcome = "corrupt";
      else {
        total += chunk.length;
        if (total > max) outcome = "too-large";
      }
      if (outcome !== "ok") file.terminate();
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < bytes.length && outcome === "ok"; at += unzipChunk) {
      const end = Math.min(at + unzipChunk, bytes.length);
      unzip.push(bytes.subarray(at, end), end === bytes.length);
    }
  } catch {
    if (outcome === "ok") outcome = "corrupt";
  }
  return outcome;
}

/** A cell as the user sees it: dates `DD.MM.JJJJ`, times `HH:MM`, numbers as plain decimal text. */
function cellText(value: ExcelJS.CellValue, date1904: boolean): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return dateText(value, date1904);
  if ("richText" in value) return value.richText.map((part) => part.text).join("");
  if ("formula" in value || "sharedFormula" in value) return cellText(value.result, date1904);
  // A hyperlink's text may itself be rich text.
  if ("hyperlink" in value) return cellText(value.text as ExcelJS.CellValue, date1904);
  if ("error" in value) return value.error;
  return "";
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

/** The cell values of a row, 0-based (exceljs' `row.values` is 1-based and sparse). */
function rowValues(row: ExcelJS.Row | undefined): ExcelJS.CellValue[] {
  if (!row) return [];
  const values = row.values as ExcelJS.CellValue[];
  return Array.from({ length: Math.max(0, values.length - 1) }, (_, c) => values[c + 1]);
}

function dropTrailingEmpty(cells: string[]): string[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === "") end--;
  return cells.slice(0, end);
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = bytes;
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) return buffer;
  return bytes.slice().buffer;
}

/** "A" → 1, "AB" → 28. */
function columnNumber(letters: string): number {
  let n = 0;
  for (const letter of letters.toUpperCase()) n = n * 26 + letter.charCodeAt(0) - 64;
  return n;
}

function columnLetter(column: number): string {
  let letters = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
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

function tooLarge(limits: ReadLimits): ReadProblem {
  const mb = new Intl.NumberFormat("nl-NL", { maximumSignificantDigits: 3 }).format(
    limits.maxUncompressedBytes / (1024 * 1024),
  );
  return {
    code: "xlsx-too-large",
    row: null,
    value: null,
    message:
      `Dit Excel-bestand is uitgepakt groter dan ${mb} MB en wordt daarom niet gelezen. Lever alleen de ` +
      "registratie aan (één werkblad, zonder afbeeldingen of andere tabbladen), of sla het op als CSV " +
      "(gescheiden door puntkomma's).",
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
