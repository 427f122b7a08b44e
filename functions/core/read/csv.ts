import Papa from "papaparse";
import { decodeText } from "./decode.ts";
import type { ReadProblem, ReadResult } from "./types.ts";

/**
 * A row with a broken quote makes papaparse read on to the next closing quote, often the end of the
 * file, before we can resume at the next line. Stop resuming once that rescanning adds up to this many
 * times the file length, so a file full of broken quotes cannot make reading quadratic.
 */
const rescanFactor = 3;

/**
 * Reads a CSV file (`;`, `,` or tab separated, any mix of line endings) with papaparse, the way
 * Excel reads it. An Excel `sep=;` hint line at the top sets the separator and is skipped; like in
 * Excel, the header is then still row 1. The header is read at once; `eachRow` parses the text again
 * on every call and streams the rows. Size limits are checked by `readTable`.
 */
export function readCsv(bytes: Uint8Array): ReadResult {
  const decoded = decodeText(bytes);
  if (!decoded.ok) return { ok: false, format: "csv", problem: decoded.problem };
  const { encoding } = decoded;
  const hint = separatorHint(decoded.text);
  const raw = hint ? decoded.text.slice(hint.length) : decoded.text;
  // papaparse splits on one kind of line ending; a mix is first turned into LF.
  const single = singleLineBreak(raw);
  const text = single ? raw : normaliseLineBreaks(raw);
  const newline = single ?? "\n";
  const delimiter = hint?.delimiter ?? detectDelimiter(text);

  // fastMode would split the whole text into lines at once when it has no quotes; keep streaming.
  const first = Papa.parse<string[]>(text, { delimiter, newline, preview: 1, fastMode: false });
  if (first.errors.length > 0) return { ok: false, format: "csv", problem: quoteProblem(1) };
  const header = dropTrailingEmpty(stripCarriageReturn(first.data[0] ?? []).map((cell) => cell.trim()));
  const width = header.length;

  function eachRow(onRow: (cells: string[], row: number) => void, onProblem: (p: ReadProblem) => void): void {
    if (width === 0) return;
    let row = 0;
    let rescanned = 0;
    // Offset in `text` where the current parse starts; after a row with a broken quote (which makes
    // papaparse swallow what follows), we report it and parse again from the next line.
    let start = 0;
    while (start < text.length) {
      const base = start;
      let recordStart = 0;
      start = text.length;
      Papa.parse<string[]>(base === 0 ? text : text.slice(base), {
        delimiter,
        newline,
        fastMode: false,
        step(result, parser) {
          row++;
          if (result.errors.length > 0) {
            const lineEnd = text.indexOf(newline, base + recordStart);
            const resumeAt = lineEnd < 0 ? text.length : lineEnd + newline.length;
            rescanned += Math.max(0, base + result.meta.cursor - resumeAt);
            if (rescanned > rescanFactor * text.length) onProblem(tooManyQuoteProblems(row));
            else {
              onProblem(quoteProblem(row));
              start = resumeAt;
            }
            parser.abort();
            return;
          }
          recordStart = result.meta.cursor;
          if (row === 1) return; // the header
          const cells = stripCarriageReturn(result.data);
          if (isBlank(cells)) return;
          if (cells.length > width && isBlank(cells, width)) cells.length = width;
          if (cells.length !== width) onProblem(fieldCountProblem(row, cells.length, width, delimiter));
          else onRow(cells, row);
        },
      });
    }
  }

  return { ok: true, table: { format: "csv", encoding, delimiter, header, eachRow } };
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

/** The file's line ending when it uses only one kind (LF when it has none); null for a mix. */
function singleLineBreak(text: string): "\r\n" | "\n" | "\r" | null {
  const crlf = text.includes("\r\n");
  const lf = /(?:^|[^\r])\n/.test(text);
  const cr = /\r(?!\n)/.test(text);
  if (Number(crlf) + Number(lf) + Number(cr) > 1) return null;
  return cr ? "\r" : crlf ? "\r\n" : "\n";
}

/**
 * Quoted fields, and line breaks outside them. A quote that is never closed does not match as a field,
 * so the line breaks after it are still found.
 */
const quotedOrLineBreak = /"[^"]*(?:""[^"]*)*"|\r\n?/g;

/**
 * Turns every CRLF and lone CR outside quoted fields into LF. Excel reads any mix of line endings (a CRLF
 * export with LF rows appended, say), but papaparse splits on one line ending only. Line breaks inside
 * quoted fields (Excel writes a line break in a cell as LF, even in a CRLF file) are kept as they are.
 */
function normaliseLineBreaks(text: string): string {
  return text.replace(quotedOrLineBreak, (match) => (match.startsWith('"') ? match : "\n"));
}

/**
 * Drops a CR left at the end of a record's last cell. It can only be there when a stray quote inside a
 * field (`5" lang`) made `normaliseLineBreaks` skip a CRLF that papaparse does not see as quoted.
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
