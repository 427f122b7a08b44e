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
 * Reads a CSV file (`;`, `,` or tab separated, any line ending) with papaparse. The header is read
 * at once; `eachRow` parses the decoded text again on every call and streams the rows.
 * Size limits are checked by `readTable`.
 */
export function readCsv(bytes: Uint8Array): ReadResult {
  const decoded = decodeText(bytes);
  if (!decoded.ok) return { ok: false, format: "csv", problem: decoded.problem };
  const { text, encoding } = decoded;
  const delimiter = detectDelimiter(text);

  // fastMode would split the whole text into lines at once when it has no quotes; keep streaming.
  const first = Papa.parse<string[]>(text, { delimiter, preview: 1, fastMode: false });
  if (first.errors.length > 0) return { ok: false, format: "csv", problem: quoteProblem(1) };
  const newline = (first.meta.linebreak || "\n") as "\r\n" | "\n" | "\r";
  const header = dropTrailingEmpty((first.data[0] ?? []).map((cell) => cell.trim()));
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
          const cells = result.data;
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
  const separator = delimiter === ";" ? "puntkomma (;)" : delimiter === "," ? "komma (,)" : "tab";
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
