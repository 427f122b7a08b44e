import { occupancyHeaders } from "../../../schemas/occupancy.ts";
import type { ValidationReport } from "../../../schemas/report.ts";
import { matchHeaders } from "../read/headers.ts";
import { readTable } from "../read/index.ts";
import { defaultReadLimits, type ReadLimits } from "../read/types.ts";
import { FindingCollector } from "./findings.ts";
import { sha256Hex } from "./hash.ts";

export interface OccupancyRow {
  location: string;
  month: string;
  occupancy: number;
}

export interface OccupancyContext {
  fileName: string;
  /** Known location codes; when given, other codes are errors. */
  locations?: readonly string[];
  limits?: ReadLimits;
  examplesPerCode?: number;
}

export interface OccupancyValidation {
  report: ValidationReport;
  rows?: OccupancyRow[];
}

const NUMBER = /^\d{1,4}([.,]\d+)?$/;

/** Checks an occupancy file (`Locatie;Maand;Gemiddelde bezetting`). Pure, like the delivery check. */
export async function validateOccupancy(
  bytes: Uint8Array,
  ctx: OccupancyContext,
): Promise<OccupancyValidation> {
  const findings = new FindingCollector(ctx.examplesPerCode);
  const sha256 = await sha256Hex(bytes);
  const read = await readTable(bytes, ctx.fileName, ctx.limits ?? defaultReadLimits);
  const known = ctx.locations && ctx.locations.length > 0 ? new Set(ctx.locations) : null;
  const out: OccupancyRow[] = [];
  let rows = 0;

  const report = (
    format: ValidationReport["file"]["format"],
    encoding: string | null,
    delimiter: string | null,
  ) => ({
    valid: findings.errors === 0 && rows > 0,
    kind: "occupancy" as const,
    codebookVersion: null,
    location: null,
    quarter: null,
    scope: null,
    file: { name: ctx.fileName, bytes: bytes.length, sha256, format, encoding, delimiter },
    stats: { rows, errors: findings.errors, warnings: findings.warnings, zeroDelivery: false },
    summary: findings.summary(),
    findings: findings.findings(),
    examplesPerCode: findings.examplesPerCode,
    truncated: findings.truncated,
  });

  if (!read.ok) {
    findings.error(read.problem.code, read.problem.row, null, read.problem.value, read.problem.message);
    return { report: report(read.format, null, null) };
  }
  const t = read.table;
  if (t.header.length === 0) {
    findings.error("file-empty", null, null, null, "Het bezettingsbestand is leeg.");
    return { report: report(t.format, t.encoding, t.delimiter) };
  }
  const match = matchHeaders(t.header, occupancyHeaders);
  for (const m of match.missing)
    findings.error(
      "missing-column",
      1,
      m.header,
      null,
      `De kolom "${m.header}" ontbreekt in de kopregel (rij 1). Een bezettingsbestand heeft de kolommen Locatie;Maand;Gemiddelde bezetting.`,
    );
  for (const d of match.duplicates)
    findings.error(
      "duplicate-column",
      1,
      d.header,
      null,
      `De kolom "${d.header}" staat meer dan één keer in de kopregel.`,
    );
  for (const e of match.extra)
    findings.warning(
      "extra-column",
      1,
      e.header,
      e.header,
      `De kolom "${e.header}" is onbekend en wordt genegeerd.`,
    );
  if (findings.errors === 0) {
    const iLoc = match.index.get("location") ?? -1;
    const iMonth = match.index.get("month") ?? -1;
    const iOcc = match.index.get("occupancy") ?? -1;
    const seen = new Map<string, number>();
    await t.eachRow(
      (cells, row) => {
        rows++;
        const loc = (cells[iLoc] ?? "").trim().toUpperCase();
        const month = (cells[iMonth] ?? "").trim();
        const occText = (cells[iOcc] ?? "").trim();
        let ok = true;
        if (!/^[A-Z]{2}$/.test(loc) || (known && !known.has(loc))) {
          ok = false;
          findings.error(
            "unknown-location",
            row,
            t.header[iLoc] ?? "Locatie",
            loc,
            `Rij ${row}: "${loc}" is geen bekende locatiecode. Gebruik de code van twee letters van de locatie.`,
          );
        }
        const m = /^(\d{4})-(\d{2})$/.exec(month);
        if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) {
          ok = false;
          findings.error(
            "invalid-month",
            row,
            t.header[iMonth] ?? "Maand",
            month,
            `Rij ${row}: "${month}" is geen maand. Schrijf de maand als JJJJ-MM, bijv. 2023-01.`,
          );
        }
        if (!NUMBER.test(occText)) {
          ok = false;
          findings.error(
            "invalid-number",
            row,
            t.header[iOcc] ?? "Gemiddelde bezetting",
            occText,
            `Rij ${row}: "${occText}" is geen geldige gemiddelde bezetting. Gebruik een getal zoals 12,5 (zonder punt voor duizendtallen).`,
          );
        }
        if (!ok) return;
        const key = `${loc}|${month}`;
        const first = seen.get(key);
        if (first !== undefined) {
          findings.error(
            "duplicate-month",
            row,
            t.header[iMonth] ?? "Maand",
            month,
            `Rij ${row}: locatie ${loc} en maand ${month} staan ook al in rij ${first}. Houd één regel per locatie per maand.`,
          );
          return;
        }
        seen.set(key, row);
        out.push({ location: loc, month, occupancy: Number(occText.replace(",", ".")) });
      },
      (p) => findings.add(p.code, "error", p.row, null, p.value, p.message),
    );
    if (rows === 0 && findings.errors === 0)
      findings.error(
        "file-empty",
        null,
        null,
        null,
        "Het bezettingsbestand bevat geen regels onder de kopregel.",
      );
  }
  const r = report(t.format, t.encoding, t.delimiter);
  return r.valid ? { report: r, rows: out } : { report: r };
}
