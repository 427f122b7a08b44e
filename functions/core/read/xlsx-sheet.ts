/**
 * The first worksheet of an .xlsx workbook as a stream of rows, in bounded memory (Node; the portal's
 * browser bundle uses xlsx-sheet.browser.ts instead, see package.json `browser`).
 *
 * The XML is parsed by exceljs' streaming reader (`stream.xlsx.WorkbookReader` and the
 * `WorksheetReader` it makes: exceljs' part parsers over the SAX parser saxes), never by its
 * whole-workbook object model: rows are made one at a time and dropped, and the parts of the
 * worksheet other than its rows (data validations on whole columns, formatting…) are never
 * materialised. WorkbookReader unzips by itself, front to back in the order the parts lie in the
 * zip; Excel puts the worksheet before the shared strings, and then WorkbookReader first copies the
 * whole worksheet to a temporary file. Here JSZip finds each part by the zip's central directory and
 * inflates it as a stream, and WorkbookReader's own part parsers get the parts in the order they are
 * needed: relationships, workbook, styles (for dates), shared strings, then the worksheet as it
 * inflates. What each part inflates to is counted against the size the central directory claims.
 */
import { Readable } from "node:stream";
import type ExcelJS from "exceljs";
import type JSZip from "jszip";
import { CellReferences } from "./cell-references.ts";
import { PackedStrings } from "./packed-strings.ts";

/** An entry of the zip's central directory: its sizes as the zip claims them. */
export interface ZipEntry {
  name: string;
  /** Compressed size in bytes. */
  size: number;
  /** Uncompressed size in bytes. */
  originalSize: number;
}

/** The first worksheet of a workbook. */
export interface Worksheet {
  /** Whether the workbook counts dates from 1904 (old Mac Excel) instead of 1900. */
  date1904: boolean;
  /**
   * The worksheet's rows in order, as exceljs rows (`row.number` is the Excel row number), read
   * afresh on every call. Throws when the workbook turns out to be damaged.
   */
  rows(): AsyncIterable<ExcelJS.Row>;
  /**
   * The shared string at `index`, when the rows give a shared-string cell as `{ sharedString: index }`
   * (the streaming reader keeps the shared strings itself, packed).
   */
  sharedString(index: number): string | undefined;
}

export type OpenedWorksheet =
  | { ok: true; sheet: Worksheet }
  | { ok: false; problem: "not-excel" | "damaged" };

/** Largest piece of XML text handed to the SAX parser at once (its events are gathered per piece). */
const textPiece = 64 * 1024;

/**
 * The part parsers of exceljs' streaming WorkbookReader (lib/stream/xlsx/workbook-reader.js,
 * exceljs 4.4.0, pinned) that this module calls with the parts in its own order. Their types are
 * not declared by exceljs.
 */
interface WorkbookParts {
  properties?: { model?: { date1904?: boolean } };
  model?: { sheets?: { rId?: string }[] };
  workbookRels?: { Id: string; Type?: string; Target: string }[];
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<{ index: number; text: SharedText }>;
  _parseWorksheet(
    iterator: AsyncIterable<string>,
    sheetNo: string,
  ): Iterable<{ value: AsyncIterable<ExcelJS.Row> }>;
}

type SharedText = string | null | { richText: { text?: string | null }[] };

/** A zip-level problem (an entry that cannot be inflated, or inflates past its claimed size). */
class DamagedZip extends Error {}

/**
 * Opens the first worksheet (in the order of `xl/workbook.xml`): reads the workbook part, its
 * relationships, the styles (for dates) and the shared strings, which are kept in memory, packed
 * (their size is limited by the caller, from the central directory). `entries` is the zip's
 * central directory, already checked against the size limits.
 */
export async function openWorksheet(
  bytes: Uint8Array,
  entries: readonly ZipEntry[],
): Promise<OpenedWorksheet> {
  const byName = new Map(entries.map((e) => [e.name.toLowerCase(), e]));
  const find = (path: string) => byName.get(path.toLowerCase());
  const workbookPart = find("xl/workbook.xml");
  const relsPart = find("xl/_rels/workbook.xml.rels");
  if (!workbookPart || !relsPart) return { ok: false, problem: "not-excel" };
  const stylesPart = find("xl/styles.xml");
  const stringsPart = find("xl/sharedStrings.xml");

  // exceljs and JSZip are loaded only when an .xlsx file is read: most deliveries are CSV.
  const [{ default: excel }, { default: jszip }] = await Promise.all([import("exceljs"), import("jszip")]);
  const book = new excel.stream.xlsx.WorkbookReader(Readable.from([]), {
    worksheets: "emit",
    sharedStrings: "emit",
    styles: "cache",
    hyperlinks: "ignore",
    entries: "ignore",
  }) as unknown as WorkbookParts;
  let zip: JSZip;
  const strings = new PackedStrings();
  try {
    zip = await jszip.loadAsync(bytes);
    const part = (entry: ZipEntry) => Readable.from(partText(zip, entry));
    await book._parseRels(part(relsPart));
    await book._parseWorkbook(part(workbookPart));
    if (stylesPart) await book._parseStyles(part(stylesPart));
    if (stringsPart)
      for await (const { text } of book._parseSharedStrings(part(stringsPart)))
        strings.push(
          typeof text === "string" ? text : (text?.richText.map((r) => r.text ?? "").join("") ?? ""),
        );
  } catch {
    return { ok: false, problem: "damaged" };
  }

  const sheetPart = firstWorksheet(book, find);
  if (!sheetPart) return { ok: false, problem: "not-excel" };
  const reader = (fill: boolean): AsyncIterable<ExcelJS.Row> => {
    const text = partText(zip, sheetPart);
    const [emitted] = [...book._parseWorksheet(fill ? withReferences(text) : text, "1")];
    if (!emitted) throw new Error("exceljs emitted no worksheet reader");
    return emitted.value;
  };

  /**
   * exceljs' WorksheetReader needs the `r` reference of every cell (a row without one gets row
   * number NaN, a cell without one fails). The standard makes it optional, and some exports leave it
   * out. Then the worksheet is read again with the references filled in (CellReferences), going on
   * after the last row already given: rows that had their reference come out the same.
   */
  async function* rows(): AsyncGenerator<ExcelJS.Row> {
    let last = 0;
    try {
      for await (const row of reader(false)) {
        if (!Number.isInteger(row.number)) throw new Error("row without reference");
        last = row.number;
        yield row;
      }
      return;
    } catch (error) {
      if (error instanceof DamagedZip) throw error;
    }
    for await (const row of reader(true)) if (row.number > last) yield row;
  }

  return {
    ok: true,
    sheet: {
      date1904: book.properties?.model?.date1904 === true,
      rows,
      sharedString: (index) => strings.get(index),
    },
  };
}

/** The zip entry of the workbook's first worksheet, by the workbook's relationships. */
function firstWorksheet(
  book: WorkbookParts,
  find: (path: string) => ZipEntry | undefined,
): ZipEntry | undefined {
  const rels = book.workbookRels ?? [];
  const id = book.model?.sheets?.[0]?.rId;
  const rel = rels.find((r) => r.Id === id) ?? rels.find((r) => r.Type?.endsWith("/worksheet") === true);
  if (!rel) return undefined;
  // A target is a URI relative to the workbook part (or absolute, from the package root).
  const path = decodeURIComponent(new URL(rel.Target, "zip://package/xl/workbook.xml").pathname.slice(1));
  return find(path);
}

/**
 * The text of one zip entry as it inflates, in pieces of at most `textPiece` characters, found by
 * the zip's central directory and inflated by JSZip as a stream (the zip library of exceljs'
 * whole-workbook loader), never past the size the central directory claims for it. (fflate's and
 * unzipper's streaming unzips read the zip front to back and find the end of an entry whose sizes
 * follow its data by searching for the next signature, which compressed data can contain by chance:
 * fflate broke off the worksheet of an 850,000-row workbook written by exceljs that way.)
 */
async function* partText(zip: JSZip, part: ZipEntry): AsyncGenerator<string> {
  const file = zip.file(part.name);
  if (!file) throw new DamagedZip();
  const stream = new Readable().wrap(file.nodeStream());
  const decoder = new TextDecoder();
  let inflated = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      inflated += chunk.length;
      if (inflated > part.originalSize) throw new DamagedZip();
      const text = decoder.decode(chunk, { stream: true });
      for (let at = 0; at < text.length; at += textPiece) yield text.slice(at, at + textPiece);
    }
  } catch (error) {
    throw error instanceof DamagedZip ? error : new DamagedZip();
  } finally {
    stream.destroy();
  }
  const rest = decoder.decode();
  if (rest !== "") yield rest;
}

async function* withReferences(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  const references = new CellReferences();
  for await (const piece of pieces) yield references.fill(piece);
  yield references.fill("", true);
}
