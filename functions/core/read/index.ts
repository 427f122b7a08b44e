import { readCsv } from "./csv.ts";
import { otherFormatProblem, sniffFormat } from "./sniff.ts";
import { defaultReadLimits, type FileFormat, type ReadLimits, type ReadResult } from "./types.ts";
import { isZip, readXlsx } from "./xlsx.ts";

export { readCsv } from "./csv.ts";
export { decodeText } from "./decode.ts";
export { matchHeaders, normaliseHeader } from "./headers.ts";
export * from "./types.ts";
export { readXlsx } from "./xlsx.ts";

/**
 * Reads a delivered file as a table: .xlsx (by name or zip signature) or CSV (anything else).
 * Files of another kind (a web page or an old .xls saved as "Excel", an OpenDocument spreadsheet, a
 * pdf…) are recognised by their bytes, whatever their name, and refused with a finding that names them.
 * Works on bytes only, so it runs in Node and in a browser.
 */
export async function readTable(
  bytes: Uint8Array,
  fileName: string,
  limits: ReadLimits = defaultReadLimits,
): Promise<ReadResult> {
  const name = fileName.toLowerCase();
  const format: FileFormat = name.endsWith(".xlsx") || isZip(bytes) ? "xlsx" : "csv";
  if (bytes.length > limits.maxBytes) return tooLarge(bytes.length, limits.maxBytes, format);
  // The validator decides what an empty file means.
  if (bytes.length === 0)
    return { ok: true, table: { format, encoding: null, delimiter: null, header: [], async eachRow() {} } };
  const other = sniffFormat(bytes);
  if (other) return { ok: false, format: "unknown", problem: otherFormatProblem(other, fileName) };
  return format === "xlsx" ? readXlsx(bytes, limits) : readCsv(bytes);
}

function tooLarge(bytes: number, maxBytes: number, format: FileFormat): ReadResult {
  return {
    ok: false,
    format,
    problem: {
      code: "file-too-large",
      row: null,
      value: null,
      message: tooLargeMessage(bytes, maxBytes, format),
    },
  };
}

/** The Dutch finding for a file over the size limit (also used before a file is downloaded). */
export function tooLargeMessage(bytes: number, maxBytes: number, format: FileFormat): string {
  const advice =
    format === "xlsx"
      ? "Splits het bestand per kwartaal, of sla het op als CSV (gescheiden door puntkomma's); dat is vaak veel kleiner."
      : "Splits het bestand per kwartaal en lever de delen apart aan.";
  return `Dit bestand is ${megabytes(bytes)} MB; dat is groter dan de grens van ${megabytes(maxBytes)} MB. ${advice}`;
}

function megabytes(bytes: number): string {
  return new Intl.NumberFormat("nl-NL", { maximumSignificantDigits: 3 }).format(bytes / (1024 * 1024));
}
