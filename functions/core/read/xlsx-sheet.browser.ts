/**
 * xlsx-sheet.ts for the browser (the portal's check of a file before it is uploaded; package.json
 * `browser` maps the one to the other for the portal's bundle). exceljs' browser build has no
 * streaming reader, so here the workbook is loaded whole by exceljs, after the same checks of the
 * central directory. It holds the whole workbook in the browser's memory; the ingest, which decides,
 * reads it as a stream.
 */
import type ExcelJS from "exceljs";
import { unzipSync, zipSync } from "fflate";
import { CellReferences } from "./cell-references.ts";
import type { OpenedWorksheet, ZipEntry } from "./xlsx-sheet.ts";

export type { OpenedWorksheet, Worksheet, ZipEntry } from "./xlsx-sheet.ts";

export async function openWorksheet(
  bytes: Uint8Array,
  _entries: readonly ZipEntry[],
): Promise<OpenedWorksheet> {
  const workbook = await loadWorkbook(bytes);
  if (!workbook) return { ok: false, problem: "damaged" };
  const sheet = workbook.worksheets[0];
  if (!sheet) return { ok: false, problem: "not-excel" };
  async function* rows(): AsyncGenerator<ExcelJS.Row> {
    const all: ExcelJS.Row[] = [];
    sheet?.eachRow((row) => {
      all.push(row);
    });
    yield* all;
  }
  return {
    ok: true,
    sheet: { date1904: workbook.properties?.date1904 === true, rows, sharedString: () => undefined },
  };
}

/**
 * Loads the workbook with exceljs, or null when it cannot. exceljs fails on rows and cells without an
 * `r` reference, which the standard allows; then the references are filled in and the workbook is
 * loaded once more.
 */
async function loadWorkbook(bytes: Uint8Array): Promise<ExcelJS.Workbook | null> {
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

/** The workbook zipped again with `r` references on every row and cell of its worksheets, or null. */
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
    const filled = new CellReferences().fill(xml, true);
    if (filled === xml) continue;
    parts[name] = new TextEncoder().encode(filled);
    changed = true;
  }
  return changed ? zipSync(parts, { level: 0 }) : null;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = bytes;
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) return buffer;
  return bytes.slice().buffer;
}
