import type { FindingCode } from "../../../schemas/report.ts";

/** Limits applied before and while reading a file. */
export interface ReadLimits {
  /** Refuse files larger than this many bytes (default 50 MB). */
  maxBytes: number;
  /** Refuse xlsx files whose parts decompress to more than this many bytes in total. */
  maxUncompressedBytes: number;
}
export const defaultReadLimits: ReadLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxUncompressedBytes: 500 * 1024 * 1024,
};

/** A problem found while reading, before any codebook rule applies. */
export interface ReadProblem {
  code: FindingCode;
  /** Excel row number (header = 1), null for the whole file. */
  row: number | null;
  value: string | null;
  /** Dutch, plain: what is wrong and how to fix it. */
  message: string;
}

export type FileFormat = "csv" | "xlsx";

/**
 * A readable table. Cells are strings as the user sees them: CSV cells untouched; xlsx cells
 * turned into text (dates `DD.MM.JJJJ`, times `HH:MM`, numbers as plain decimal text).
 */
export interface Table {
  format: FileFormat;
  /** e.g. "utf-8", "utf-8-bom", "windows-1252"; null for xlsx. */
  encoding: string | null;
  /**
   * ";", "," or a tab (Excel's "Unicode text" export) for CSV, or the character an Excel `sep=` hint
   * line names; null for xlsx.
   */
  delimiter: string | null;
  /** Header cells (row 1), trimmed. Empty array when the file has no header at all. */
  header: string[];
  /**
   * Calls `onRow` for every row after the header, in order, with the Excel row number
   * (header = 1). Rows whose cells are all blank are skipped but still counted in the numbering.
   * In a CSV file a row is a record: a quoted cell with line breaks in it is still one row, and an
   * Excel `sep=;` hint line above the header is not counted, because Excel does not show it.
   * Reading problems found along the way (e.g. an unclosed quote) go to `onProblem`.
   * Rows are streamed: the table does not keep them. Resolves when all rows have been given.
   */
  eachRow(onRow: (cells: string[], row: number) => void, onProblem: (p: ReadProblem) => void): Promise<void>;
}

export type ReadResult =
  | { ok: true; table: Table }
  | { ok: false; format: FileFormat | "unknown"; problem: ReadProblem };
