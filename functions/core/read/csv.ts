import Papa from "papaparse";
import { decodeChunkBytes, type LineBreak, lineSafeChunks, scanText, textChunks } from "./decode.ts";
import type { ReadProblem, ReadResult } from "./types.ts";

/**
 * A row with a broken quote makes papaparse read on to the next closing quote, often the end of the
 * file, before we can resume at the next line. Stop resuming once that rescanning adds up to this many
 * times the file length, so a file full of broken quotes cannot make reading quadratic.
 */
const rescanFactor = 3;

/**
 * A record still open after this many characters (a quote that is never closed, far more text than
 * Excel puts in the cells of one row) is reported as broken and reading resumes at its next line, so
 * the text kept in memory stays bounded.
 */
const maxRecordChars = 4 * 1024 * 1024;

/**
 * Reads a CSV file (`;`, `,` or tab separated, any mix of line endings) with papaparse, the way
 * Excel reads it. An Excel `sep=;` hint line at the top sets the separator and is skipped; like in
 * Excel, the header is then still row 1. The header is read at once; `eachRow` decodes and parses
 * the file again on every call, `chunkBytes` at a time, and streams the rows: the decoded text is
 * never held whole. Size limits are checked by `readTable`.
 */
export function readCsv(bytes: Uint8Array, chunkBytes = decodeChunkBytes): ReadResult {
  const scan = scanText(bytes, chunkBytes);
  if (!scan.ok) return { ok: false, format: "csv", problem: scan.problem };
  const { encoding } = scan;
  const head = firstText(bytes, encoding, chunkBytes);
  const hint = separatorHint(head);
  // papaparse splits on one kind of line ending; a mix is first turned into LF.
  const single = hint ? scan.lineBreakAfterFirstLine : scan.lineBreak;
  const newline: LineBreak = single ?? "\n";
  const delimiter = hint?.delimiter ?? detectDelimiter(head);
  const body = (): Iterable<string> => {
    const pieces = skipChars(lineSafeChunks(textChunks(bytes, encoding, chunkBytes)), hint?.length ?? 0);
    return single ? pieces : toLineFeeds(pieces);
  };
  const records = (
    onRecord: (cells: string[], row: number) => boolean,
    onProblem: (p: ReadProblem) => void,
  ): void => parseRecords(body(), { delimiter, newline, total: scan.chars }, onRecord, onProblem);

  let first: string[] | null = null;
  let broken = false;
  records(
    (cells) => {
      first = cells;
      return false;
    },
    () => {
      broken = true;
    },
  );
  if (broken) return { ok: false, format: "csv", problem: quoteProblem(1) };
  const header = dropTrailingEmpty(stripCarriageReturn(first ?? []).map((cell) => cell.trim()));
  const width = header.length;

  async function eachRow(
    onRow: (cells: string[], row: number) => void,
    onProblem: (p: ReadProblem) => void,
  ): Promise<void> {
    if (width === 0) return;
    records((raw, row) => {
      if (row === 1) return true; // the header
      const cells = stripCarriageReturn(raw);
      if (isBlank(cells)) return true;
      if (cells.length > width && isBlank(cells, width)) cells.length = width;
      if (cells.length !== width) onProblem(fieldCountProblem(row, cells.length, width, delimiter));
      else onRow(cells, row);
      return true;
    }, onProblem);
  }

  return { ok: true, table: { format: "csv", encoding, delimiter, header, eachRow } };
}

/**
 * Parses the text, given in pieces, record by record with papaparse, calling `onRecord` with the
 * cells and the record's number (1 = the first) until it returns false. Only the unfinished record
 * at the end of a piece is carried over to the next. After a record with a broken quote (which makes
 * papaparse swallow what follows), it is reported and parsing resumes on the line after its start.
 */
function parseRecords(
  pieces: Iterable<string>,
  options: { delimiter: string; newline: LineBreak; total: number },
  onRecord: (cells: string[], row: number) => boolean,
  onProblem: (p: ReadProblem) => void,
): void {
  const { delimiter, newline } = options;
  const iterator = pieces[Symbol.iterator]();
  let row = 0;
  let rescanned = 0;
  let stop = false;
  let pending = "";
  let final = false;
  /** Reports a broken record starting at `input[0]`; returns where to resume in `input`. */
  const broken = (input: string, recordEnd: number): number => {
    const lineEnd = input.indexOf(newline);
    const resumeAt = lineEnd < 0 ? input.length : lineEnd + newline.length;
    rescanned += Math.max(0, recordEnd - resumeAt);
    if (rescanned > rescanFactor * options.total) {
      onProblem(tooManyQuoteProblems(row));
      stop = true;
    } else onProblem(quoteProblem(row));
    return resumeAt;
  };
  while (!stop && !final) {
    const next = iterator.next();
    if (next.done) final = true;
    else pending += next.value;
    let input = pending;
    // Fast path: the whole piece in one go (no result object per record). Only a piece with a
    // problem in it is parsed again below, record by record, to find where to resume.
    const whole = new Papa.Parser({ delimiter, newline, fastMode: false }).parse(
      input,
      0,
      !final,
    ) as Papa.ParseResult<string[]>;
    if (whole.errors.length === 0) {
      for (const cells of whole.data) {
        row++;
        if (!onRecord(cells, row)) {
          stop = true;
          break;
        }
      }
      pending = final ? "" : input.slice(whole.meta.cursor);
    }
    while (!stop && whole.errors.length > 0) {
      let recordStart = 0;
      let resumeAt = -1;
      const parser: Papa.Parser = new Papa.Parser({
        delimiter,
        newline,
        fastMode: false,
        step(result: Papa.ParseStepResult<string[]>) {
          row++;
          if (result.errors.length > 0) {
            const start = input.slice(recordStart);
            resumeAt = recordStart + broken(start, result.meta.cursor - recordStart);
            parser.abort();
            return;
          }
          recordStart = result.meta.cursor;
          if (!onRecord((result.data as unknown as string[][])[0] ?? [], row)) {
            stop = true;
            parser.abort();
          }
        },
      });
      const result = parser.parse(input, 0, !final) as Papa.ParseResult<string[]>;
      if (resumeAt >= 0) {
        input = input.slice(resumeAt);
        continue;
      }
      pending = final ? "" : input.slice(result.meta.cursor);
      break;
    }
    if (!stop && !final && pending.length > maxRecordChars) {
      // A record that never ends: report it and go on at its next line.
      row++;
      pending = pending.slice(broken(pending, pending.length));
    }
  }
}

/**
 * The start of the text, past its first line break and the character after it (so a CRLF is whole),
 * or all of it, or a megabyte when it has no line break.
 */
function firstText(
  bytes: Uint8Array,
  encoding: Parameters<typeof textChunks>[1],
  chunkBytes: number,
): string {
  let text = "";
  for (const piece of textChunks(bytes, encoding, chunkBytes)) {
    text += piece;
    const lineBreak = text.search(/[\r\n]/);
    if ((lineBreak >= 0 && text.length > lineBreak + 1) || text.length >= decodeChunkBytes) break;
  }
  return text;
}

/** The pieces without their first `count` characters. */
function* skipChars(pieces: Iterable<string>, count: number): Generator<string> {
  let skip = count;
  for (const piece of pieces) {
    if (skip >= piece.length) {
      skip -= piece.length;
      continue;
    }
    yield skip > 0 ? piece.slice(skip) : piece;
    skip = 0;
  }
}

/**
 * Excel's hint line `sep=;` (also `sep=,`, `sep=<tab>`, or quoted: `"sep=;"`) on the first line of a
 * file: Excel uses that separator and does not show the line. Letters and digits are no separator, so
 * a header such as `sep=a;b` is read as a header.
 */
const separatorHintLine = /^\ufeff?("?)sep=([^\p{L}\p{N}"\r\n])\1\2*[ ]*(?:\r\n|\n|\r|$)/iu;

function separatorHint(text: string): { delimiter: string; length: number } | null {
  const match = separatorHintLine.exec(text);
  return match ? { delimiter: match[2] as string, length: match[0].length } : null;
}

/**
 * Turns every CRLF and lone CR outside quoted fields into LF. Excel reads any mix of line endings (a CRLF
 * export with LF rows appended, say), but papaparse splits on one line ending only. Line breaks inside
 * quoted fields (Excel writes a line break in a cell as LF, even in a CRLF file) are kept as they are.
 * Quotes are paired in the order they come; the pieces never end in a CR (see `lineSafeChunks`).
 */
function* toLineFeeds(pieces: Iterable<string>): Generator<string> {
  let quoted = false;
  for (const piece of pieces) {
    let out = "";
    let at = 0;
    for (;;) {
      const quote = piece.indexOf('"', at);
      const part = piece.slice(at, quote < 0 ? piece.length : quote);
      out += quoted ? part : part.replace(/\r\n?/g, "\n");
      if (quote < 0) break;
      out += '"';
      quoted = !quoted;
      at = quote + 1;
    }
    yield out;
  }
}

/**
 * Drops a CR left at the end of a record's last cell. It can only be there when a stray quote inside a
 * field (`5" lang`) made `toLineFeeds` skip a CRLF that papaparse does not see as quoted.
 */
function stripCarriageReturn(cells: string[]): string[] {
  const last = cells.length - 1;
  const cell = cells[last];
  if (cell?.endsWith("\r")) cells[last] = cell.slice(0, -1);
  return cells;
}

/**
 * The separator that occurs most often outside quotes in the first line: `;`, `,` or a tab (Excel's
 * "Unicode text" export); `;` wins a tie.
 */
function detectDelimiter(text: string): ";" | "," | "\t" {
  const counts = { ";": 0, ",": 0, "\t": 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === ";" || c === "," || c === "\t") counts[c]++;
    else if (c === "\n" || c === "\r") break;
  }
  const best = Math.max(counts[";"], counts[","], counts["\t"]);
  return counts[";"] === best ? ";" : counts[","] === best ? "," : "\t";
}

function dropTrailingEmpty(cells: string[]): string[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === "") end--;
  return cells.slice(0, end);
}

/** True when every cell from `from` on is empty or whitespace. */
function isBlank(cells: readonly string[], from = 0): boolean {
  for (let i = from; i < cells.length; i++) if ((cells[i] as string).trim() !== "") return false;
  return true;
}

function quoteProblem(row: number): ReadProblem {
  return {
    code: "csv-malformed",
    row,
    value: null,
    message:
      `Rij ${row} kan niet gelezen worden: er staat een aanhalingsteken (") dat niet goed wordt afgesloten. ` +
      'Dit komt vaak door een " in de tekst bij Aanleiding. Haal het aanhalingsteken weg of sluit het af, ' +
      "en lever het bestand opnieuw aan.",
  };
}

function tooManyQuoteProblems(row: number): ReadProblem {
  return {
    code: "csv-malformed",
    row,
    value: null,
    message:
      `Vanaf rij ${row} is het bestand niet verder gelezen: er staan te veel aanhalingstekens (") ` +
      "die niet goed worden afgesloten. Controleer vooral de teksten bij Aanleiding, haal de losse " +
      "aanhalingstekens weg en lever het bestand opnieuw aan.",
  };
}

function fieldCountProblem(row: number, found: number, expected: number, delimiter: string): ReadProblem {
  const separator =
    delimiter === ";"
      ? "puntkomma (;)"
      : delimiter === ","
        ? "komma (,)"
        : delimiter === "\t"
          ? "tab"
          : `scheidingsteken (${delimiter})`;
  const advice =
    found > expected
      ? `Waarschijnlijk staat er een ${separator} in een tekst, bijvoorbeeld bij Aanleiding. ` +
        `Haal die weg of zet de hele tekst tussen aanhalingstekens (").`
      : `Vul de ontbrekende kolommen aan; een lege waarde mag, maar de ${separator} ertussen moet er staan.`;
  return {
    code: "row-field-count",
    row,
    value: String(found),
    message:
      `Rij ${row} heeft ${found} kolommen, maar de kopregel heeft er ${expected}. ` +
      `Daardoor is niet duidelijk welke waarde bij welke kolom hoort en is de rij niet gecontroleerd. ${advice}`,
  };
}
