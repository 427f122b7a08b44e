import type { Finding, FindingCode, Severity, ValidationReport } from "../../../schemas/report.ts";

/** Dutch titles of the finding codes, shown in the summary of a report. */
export const findingTitles: Record<FindingCode, string> = {
  "file-too-large": "Bestand is te groot",
  "file-empty": "Bestand is leeg",
  "file-unreadable": "Bestand is niet te lezen",
  "csv-malformed": "Aanhalingsteken niet gesloten",
  "xlsx-invalid": "Geen geldig Excel-bestand",
  "xlsx-too-large": "Excel-bestand pakt uit tot een onredelijke grootte",
  "unsupported-format": "Ander soort bestand dan CSV of Excel-werkmap (.xlsx)",
  "missing-column": "Verplichte kolom ontbreekt",
  "duplicate-column": "Kolom staat er twee keer in",
  "extra-column": "Onbekende kolom (wordt genegeerd)",
  "bad-drop-key": "Bestand staat niet op de juiste plek",
  "row-field-count": "Rij heeft een ander aantal kolommen dan de kopregel",
  "missing-value": "Verplichte waarde ontbreekt",
  "invalid-date": "Ongeldige datum",
  "invalid-time": "Ongeldige tijd",
  "end-incomplete": "Einde half ingevuld",
  "end-before-start": "Einde ligt voor de start",
  "unknown-type": "Onbekend type VBM",
  "invalid-care-plan": "Ongeldige waarde hulpverleningsplan",
  "invalid-youth-number": "Ongeldig nummer jongere",
  "youth-number-other-location": "Nummer jongere van een andere locatie",
  "start-outside-quarter": "Startdatum valt buiten het kwartaal",
  "type-outside-scope": "Type past niet bij een levering van alleen afzonderen",
  "duplicate-row": "Dubbele rij",
  "duration-over-24h": "Maatregel duurde langer dan 24 uur",
  "end-on-point-in-time": "Einde ingevuld bij een controle",
  "invalid-month": "Ongeldige maand",
  "invalid-number": "Ongeldig getal",
  "unknown-location": "Onbekende locatie",
  "duplicate-month": "Maand staat er twee keer in",
};

/** Collects findings: exact counts per code, at most `examplesPerCode` listed per code. */
export class FindingCollector {
  readonly counts = new Map<FindingCode, { severity: Severity; count: number }>();
  readonly listed: Finding[] = [];
  errors = 0;
  warnings = 0;
  truncated = false;

  constructor(readonly examplesPerCode = 50) {}

  add(
    code: FindingCode,
    severity: Severity,
    row: number | null,
    column: string | null,
    value: string | null,
    message: string,
  ): void {
    const entry = this.counts.get(code);
    const n = entry ? entry.count + 1 : 1;
    this.counts.set(code, { severity, count: n });
    if (severity === "error") this.errors++;
    else this.warnings++;
    if (n <= this.examplesPerCode)
      this.listed.push({
        code,
        severity,
        row,
        column: column === null ? null : ownCopy(column),
        value: value === null ? null : ownCopy(value),
        message: ownCopy(message),
      });
    else this.truncated = true;
  }

  error(
    code: FindingCode,
    row: number | null,
    column: string | null,
    value: string | null,
    message: string,
  ): void {
    this.add(code, "error", row, column, value, message);
  }

  warning(
    code: FindingCode,
    row: number | null,
    column: string | null,
    value: string | null,
    message: string,
  ): void {
    this.add(code, "warning", row, column, value, message);
  }

  /**
   * Replaces every finding of `code` by one file-level finding (e.g. when all rows share one cause:
   * the whole file is of another quarter). Counts follow: the code counts once.
   */
  collapse(code: FindingCode, column: string | null, message: string): void {
    const entry = this.counts.get(code);
    if (!entry) return;
    if (entry.severity === "error") this.errors -= entry.count - 1;
    else this.warnings -= entry.count - 1;
    this.counts.set(code, { severity: entry.severity, count: 1 });
    const kept = this.listed.filter((f) => f.code !== code);
    this.listed.length = 0;
    this.listed.push(...kept, { code, severity: entry.severity, row: null, column, value: null, message });
    this.truncated = [...this.counts.values()].some((c) => c.count > this.examplesPerCode);
  }

  summary(): ValidationReport["summary"] {
    return [...this.counts.entries()]
      .map(([code, { severity, count }]) => ({ code, severity, count, title: findingTitles[code] }))
      .sort((a, b) => (a.severity === b.severity ? b.count - a.count : a.severity === "error" ? -1 : 1));
  }

  /** Listed findings ordered as a person reads a file: file-level first, then by row. */
  findings(): Finding[] {
    return [...this.listed].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  }
}

/**
 * A copy of a string that does not keep the text it was cut from alive. Cells are cut from the
 * chunk of the file being read; a kept finding must not hold on to a megabyte of text.
 */
export function ownCopy(text: string): string {
  return ` ${text}`.slice(1);
}
