import { type Codebook, codebookFor, indexCodebook } from "../../../schemas/codebook.ts";
import type { Scope } from "../../../schemas/delivery.ts";
import { quarterBounds } from "../../../schemas/quarter.ts";
import type { ValidationReport } from "../../../schemas/report.ts";
import { normaliseYouthNumber } from "../pseudonym.ts";
import { matchHeaders } from "../read/headers.ts";
import { readTable } from "../read/index.ts";
import { defaultReadLimits, type ReadLimits } from "../read/types.ts";
import { elapsedMinutes, isoDate, type LocalDate, parseDate, parseTime, wallMs } from "../time.ts";
import { hashMeasure, MeasureBuilder, RowHashes } from "./columns.ts";
import { FindingCollector, ownCopy } from "./findings.ts";
import { sha256Hex } from "./hash.ts";

export interface DeliveryContext {
  location: string;
  quarter: string;
  scope: Scope;
  fileName: string;
  /** Defaults to the codebook in force on the first day of the quarter. */
  codebook?: Codebook;
  limits?: ReadLimits;
  examplesPerCode?: number;
  /**
   * The file's SHA-256 (hex) when the caller has it already. Web Crypto copies the whole file to
   * hash it; the ingest hashes it in place instead.
   */
  sha256?: string;
}

/**
 * Validated measures in columns (see MeasureBuilder): wall-time ms for start/end (NaN = no end),
 * duration in minutes (-1 = no end), care plan 0 = not registered / 1 = yes / 2 = no.
 * `youthNumbers` holds the distinct normalised raw youth numbers that `youthIndex` points into:
 * it lives only in memory between validation and pseudonymisation and is never written anywhere.
 */
export type MeasureColumns = ReturnType<MeasureBuilder["columns"]> & { youthNumbers: string[] };

export interface DeliveryValidation {
  report: ValidationReport;
  codebook: Codebook;
  /** Present only when the report is valid. */
  measures?: MeasureColumns;
}

const YOUTH_NUMBER = /^[A-Z]{2}\d{4}$/;
const MINUTES_PER_DAY = 1440;
const MINUTE = 60_000;
const maxCachedText = 32;
const maxCacheEntries = 100_000;

/** A parsed date with what the row loop needs of it, computed once per distinct text. */
interface CachedDate extends LocalDate {
  iso: string;
  dayMs: number;
}

function formatDate(d: LocalDate): string {
  return `${String(d.day).padStart(2, "0")}.${String(d.month).padStart(2, "0")}.${d.year}`;
}

/**
 * Checks one quarterly delivery against the codebook and returns its validation report and,
 * when it is valid, the measures in columns. Pure: bytes in, report out (runs in a browser too).
 */
export async function validateDelivery(bytes: Uint8Array, ctx: DeliveryContext): Promise<DeliveryValidation> {
  const { first, last } = quarterBounds(ctx.quarter);
  const codebook = ctx.codebook ?? codebookFor(first);
  const cb = indexCodebook(codebook);
  const findings = new FindingCollector(ctx.examplesPerCode);
  const sha256 = ctx.sha256 ?? (await sha256Hex(bytes));
  const read = await readTable(bytes, ctx.fileName, ctx.limits ?? defaultReadLimits);

  const baseReport = (
    format: ValidationReport["file"]["format"],
    encoding: string | null,
    delimiter: string | null,
    rows: number,
  ): ValidationReport => ({
    valid: findings.errors === 0,
    kind: "delivery",
    codebookVersion: codebook.version,
    location: ctx.location,
    quarter: ctx.quarter,
    scope: ctx.scope,
    file: { name: ctx.fileName, bytes: bytes.length, sha256, format, encoding, delimiter },
    stats: {
      rows,
      errors: findings.errors,
      warnings: findings.warnings,
      zeroDelivery: findings.errors === 0 && rows === 0,
    },
    summary: findings.summary(),
    findings: findings.findings(),
    examplesPerCode: findings.examplesPerCode,
    truncated: findings.truncated,
  });

  if (!read.ok) {
    const p = read.problem;
    findings.error(p.code, p.row, null, p.value, p.message);
    return { report: baseReport(read.format, null, null, 0), codebook };
  }
  const table = read.table;
  const fileReport = (rows: number) => baseReport(table.format, table.encoding, table.delimiter, rows);

  if (table.header.length === 0) {
    const zeroHint =
      "Had u dit kwartaal geen maatregelen? Lever dan een bestand met alleen de kopregel (Nummer jongere;Datum start;…); dan weten we dat u wel heeft geregistreerd.";
    findings.error(
      "file-empty",
      bytes.length === 0 ? null : 1,
      null,
      null,
      bytes.length === 0
        ? `Het bestand is leeg (0 bytes). ${zeroHint}`
        : `De eerste rij is leeg, maar daar hoort de kopregel te staan. Zet de kolomnamen in rij 1 en haal lege rijen erboven weg. ${zeroHint}`,
    );
    return { report: fileReport(0), codebook };
  }

  const match = matchHeaders(table.header, codebook.columns);
  for (const m of match.missing) {
    findings.error(
      "missing-column",
      1,
      m.header,
      null,
      `De kolom "${m.header}" ontbreekt in de kopregel (rij 1). Voeg deze kolom toe met precies deze naam; laat de cellen leeg als u niets te melden heeft.`,
    );
  }
  for (const d of match.duplicates) {
    findings.error(
      "duplicate-column",
      1,
      d.header,
      null,
      `De kolom "${d.header}" staat ${d.indexes.length} keer in de kopregel (rij 1). Houd er één over.`,
    );
  }
  for (const e of match.extra) {
    const label = e.header === "" ? `Kolom ${e.index + 1} (zonder naam)` : `De kolom "${e.header}"`;
    findings.warning(
      "extra-column",
      1,
      e.header === "" ? `kolom ${e.index + 1}` : e.header,
      e.header,
      `${label} hoort niet bij het codeboek (versie ${codebook.version}) en wordt genegeerd. Haal de kolom weg als deze privacygevoelige gegevens bevat.`,
    );
  }
  if (findings.errors > 0) return { report: fileReport(0), codebook };

  const col = (id: (typeof codebook.columns)[number]["id"]): number => match.index.get(id) ?? -1;
  const iYouth = col("youthNumber");
  const iStartDate = col("startDate");
  const iStartTime = col("startTime");
  const iEndDate = col("endDate");
  const iEndTime = col("endTime");
  const iReason = col("reason");
  const iType = col("type");
  const iCare = col("carePlan");
  const name = (i: number) => table.header[i] ?? "";
  const allowExcel = table.format === "xlsx";

  const youthIds = new Map<string, number>();
  // Rows are about 50-80 bytes in a CSV file and 40-70 in an xlsx: size the columns once for the
  // whole file (they grow by half when the guess was low).
  const expectedRows = Math.max(1024, Math.ceil(bytes.length / (table.format === "xlsx" ? 40 : 64)));
  const builder = new MeasureBuilder(expectedRows);
  const rowHashes = new RowHashes(expectedRows);
  // Dates and times repeat a lot within a quarter: parse each distinct text once.
  const dateCache = new Map<string, CachedDate | null>();
  const timeCache = new Map<string, number | null>();
  // Only short texts are cached, and only so many: a file full of distinct garbage stays bounded.
  const cacheable = (text: string, cache: Map<string, unknown>) =>
    text.length <= maxCachedText && cache.size < maxCacheEntries;
  const dateOf = (text: string): CachedDate | null => {
    let d = dateCache.get(text);
    if (d === undefined) {
      const p = parseDate(text, allowExcel);
      d = p ? { ...p, iso: isoDate(p), dayMs: wallMs(p, 0) } : null;
      if (cacheable(text, dateCache)) dateCache.set(ownCopy(text), d);
    }
    return d;
  };
  const timeOf = (text: string): number | null => {
    let t = timeCache.get(text);
    if (t === undefined) {
      t = parseTime(text, allowExcel);
      if (cacheable(text, timeCache)) timeCache.set(ownCopy(text), t);
    }
    return t;
  };
  const cellAt = (cells: string[], i: number): string => {
    const c = cells[i];
    return c === undefined ? "" : c.trim();
  };
  let rows = 0;
  // To recognise a whole file of another quarter or location (one finding instead of one per row).
  let datedRows = 0;
  const outsideQuarters = new Map<string, number>();
  let numberedRows = 0;
  const otherLocations = new Map<string, number>();
  const tally = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

  await table.eachRow(
    (cells, row) => {
      rows++;
      const errorsBefore = findings.errors;

      // Youth number
      const rawYouth = cellAt(cells, iYouth);
      const youth = YOUTH_NUMBER.test(rawYouth) ? rawYouth : normaliseYouthNumber(rawYouth);
      if (youth === "") {
        findings.error(
          "missing-value",
          row,
          name(iYouth),
          "",
          `Rij ${row}: "${name(iYouth)}" is leeg. Vul het nummer van de jongere in, bijv. ${ctx.location}0001.`,
        );
      } else if (!YOUTH_NUMBER.test(youth)) {
        findings.error(
          "invalid-youth-number",
          row,
          name(iYouth),
          rawYouth,
          `Rij ${row}: "${rawYouth}" is geen geldig nummer jongere. Gebruik de locatiecode en vier cijfers, bijv. ${ctx.location}0001.`,
        );
      } else if (youth.slice(0, 2) !== ctx.location) {
        numberedRows++;
        tally(otherLocations, youth.slice(0, 2));
        findings.error(
          "youth-number-other-location",
          row,
          name(iYouth),
          rawYouth,
          `Rij ${row}: het nummer "${rawYouth}" hoort bij locatie ${youth.slice(0, 2)}, maar dit bestand is van locatie ${ctx.location}. U kunt alleen gegevens van uw eigen locatie leveren; controleer het nummer.`,
        );
      } else numberedRows++;

      // Start
      const sd = cellAt(cells, iStartDate);
      const st = cellAt(cells, iStartTime);
      const startDate = sd === "" ? null : dateOf(sd);
      const startTime = st === "" ? null : timeOf(st);
      if (sd === "")
        findings.error(
          "missing-value",
          row,
          name(iStartDate),
          "",
          `Rij ${row}: "${name(iStartDate)}" is leeg. Vul de startdatum in als DD.MM.JJJJ.`,
        );
      else if (!startDate)
        findings.error(
          "invalid-date",
          row,
          name(iStartDate),
          sd,
          `Rij ${row}: "${sd}" in "${name(iStartDate)}" is geen geldige datum. Schrijf de datum als DD.MM.JJJJ, bijv. 14.02.2023.`,
        );
      if (st === "")
        findings.error(
          "missing-value",
          row,
          name(iStartTime),
          "",
          `Rij ${row}: "${name(iStartTime)}" is leeg. Vul de starttijd in als UU:MM, bijv. 14:30.`,
        );
      else if (startTime === null)
        findings.error(
          "invalid-time",
          row,
          name(iStartTime),
          st,
          `Rij ${row}: "${st}" in "${name(iStartTime)}" is geen geldige tijd. Schrijf de tijd als UU:MM tussen 00:00 en 23:59, bijv. 14:30.`,
        );
      if (startDate) {
        const iso = startDate.iso;
        datedRows++;
        if (iso < first || iso > last) tally(outsideQuarters, quarterOfIso(iso));
        if (iso < first || iso > last)
          findings.error(
            "start-outside-quarter",
            row,
            name(iStartDate),
            sd,
            `Rij ${row}: de startdatum ${formatDate(startDate)} valt buiten ${ctx.quarter} (${formatDate(parseDate(first) as LocalDate)} t/m ${formatDate(parseDate(last) as LocalDate)}). Lever deze maatregel mee in het bestand van het kwartaal waarin hij begon.`,
          );
      }

      // End
      const ed = cellAt(cells, iEndDate);
      const et = cellAt(cells, iEndTime);
      let endDate: CachedDate | null = null;
      let endTime: number | null = null;
      if (ed !== "" && et === "")
        findings.error(
          "end-incomplete",
          row,
          name(iEndTime),
          "",
          `Rij ${row}: er is wel een einddatum maar geen eindtijd. Vul "${name(iEndTime)}" in, of laat beide leeg als de maatregel geen duur heeft.`,
        );
      else if (ed === "" && et !== "")
        findings.error(
          "end-incomplete",
          row,
          name(iEndDate),
          "",
          `Rij ${row}: er is wel een eindtijd maar geen einddatum. Vul "${name(iEndDate)}" in, of laat beide leeg als de maatregel geen duur heeft.`,
        );
      if (ed !== "") {
        endDate = dateOf(ed);
        if (!endDate)
          findings.error(
            "invalid-date",
            row,
            name(iEndDate),
            ed,
            `Rij ${row}: "${ed}" in "${name(iEndDate)}" is geen geldige datum. Schrijf de datum als DD.MM.JJJJ, bijv. 14.02.2023.`,
          );
      }
      if (et !== "") {
        endTime = timeOf(et);
        if (endTime === null)
          findings.error(
            "invalid-time",
            row,
            name(iEndTime),
            et,
            `Rij ${row}: "${et}" in "${name(iEndTime)}" is geen geldige tijd. Schrijf de tijd als UU:MM tussen 00:00 en 23:59.`,
          );
      }

      // Type
      const tx = cellAt(cells, iType);
      const code = /^\d{1,3}$/.test(tx) ? Number(tx) : Number.NaN;
      const type = cb.typeByCode.get(code);
      if (tx === "")
        findings.error(
          "missing-value",
          row,
          name(iType),
          "",
          `Rij ${row}: "${name(iType)}" is leeg. Vul de code van de maatregel in (1 t/m ${codebook.types.length}, zie het codeboek).`,
        );
      else if (!type)
        findings.error(
          "unknown-type",
          row,
          name(iType),
          tx,
          `Rij ${row}: "${tx}" is geen type VBM uit het codeboek (versie ${codebook.version}). Gebruik een code van 1 t/m ${codebook.types.length}.`,
        );
      else if (ctx.scope === "seclusion" && !cb.seclusionCodes.has(code))
        findings.error(
          "type-outside-scope",
          row,
          name(iType),
          tx,
          `Rij ${row}: type ${code} (${type.label}) is geen afzondering, maar dit bestand is geleverd als "alleen afzonderen" (codes ${[...cb.seclusionCodes].join(", ")}). Lever het bestand als "alle typen" of haal deze rij weg.`,
        );

      // Care plan
      const cp = cellAt(cells, iCare);
      let care: 0 | 1 | 2 = 0;
      if (cp === "1") care = 1;
      else if (cp === "2") care = 2;
      else if (cp !== "")
        findings.error(
          "invalid-care-plan",
          row,
          name(iCare),
          cp,
          `Rij ${row}: "${cp}" is geen geldige waarde voor "${name(iCare)}". Gebruik 1 (ja, staat in het plan), 2 (nee) of laat de cel leeg als het niet bekend is.`,
        );

      // Start/end relation and warnings (only when both ends parsed)
      let duration = -1;
      let start = Number.NaN;
      let end = Number.NaN;
      if (startDate && startTime !== null) start = startDate.dayMs + startTime * MINUTE;
      if (endDate && endTime !== null) end = endDate.dayMs + endTime * MINUTE;
      if (!Number.isNaN(start) && !Number.isNaN(end)) {
        duration = elapsedMinutes(start, end);
        if (duration < 0)
          findings.error(
            "end-before-start",
            row,
            name(iEndDate),
            `${ed} ${et}`,
            `Rij ${row}: het einde (${ed} ${et}) ligt vóór de start (${sd} ${st}). Controleer datum en tijd van start en einde.`,
          );
        else if (duration > MINUTES_PER_DAY)
          findings.warning(
            "duration-over-24h",
            row,
            name(iEndDate),
            `${ed} ${et}`,
            `Rij ${row}: deze maatregel duurde ${Math.floor(duration / 60)} uur en ${duration % 60} minuten, langer dan 24 uur. Klopt dat? Dan is het goed; anders verbetert u start of einde.`,
          );
        if (type?.pointInTime)
          findings.warning(
            "end-on-point-in-time",
            row,
            name(iEndDate),
            `${ed} ${et}`,
            `Rij ${row}: bij ${type.label.toLowerCase()} (type ${code}) hoort geen einde; het is een controle op één moment. Het einde telt niet mee; laat het de volgende keer leeg.`,
          );
      }

      // Exact duplicates: compare hashes of the whole row afterwards.
      // Exact duplicates are looked for among rows without errors of their own.
      if (findings.errors === errorsBefore)
        rowHashes.add(hashMeasure(youth, start, end, code, care, cellAt(cells, iReason)), row);

      // Once the file has an error it is rejected as a whole: stop keeping rows, keep checking.
      if (findings.errors > 0) return;
      let id = youthIds.get(youth);
      if (id === undefined) {
        id = youthIds.size;
        youthIds.set(ownCopy(youth), id);
      }
      const pointInTimeEnd = type?.pointInTime === true;
      builder.add(
        id,
        row,
        start,
        pointInTimeEnd ? Number.NaN : end,
        pointInTimeEnd ? -1 : duration,
        code,
        care,
        cellAt(cells, iReason) === "" ? 0 : 1,
      );
    },
    (p) => findings.add(p.code, "error", p.row, null, p.value, p.message),
  );

  // A whole file of another quarter or location: say so once, not on every row.
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const mostFrequent = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "";
  if (datedRows >= 2 && total(outsideQuarters) === datedRows) {
    const likely = mostFrequent(outsideQuarters);
    findings.collapse(
      "start-outside-quarter",
      name(iStartDate),
      `Alle ${datedRows} maatregelen in dit bestand beginnen buiten ${ctx.quarter}; dit bestand lijkt van kwartaal ${likely} te zijn. Kies bij het leveren het kwartaal ${likely}, of lever het bestand van ${ctx.quarter}.`,
    );
  }
  if (numberedRows >= 2 && otherLocations.size === 1 && total(otherLocations) === numberedRows) {
    const likely = mostFrequent(otherLocations);
    findings.collapse(
      "youth-number-other-location",
      name(iYouth),
      `Alle ${numberedRows} nummers van jongeren in dit bestand horen bij locatie ${likely}, niet bij ${ctx.location}: dit bestand lijkt van locatie ${likely} te zijn. Lever alleen het bestand van uw eigen locatie (${ctx.location}); is dit wel uw bestand, controleer dan de nummers in de export.`,
    );
  }

  // Exact duplicate rows. Fast path: a sorted copy of the hashes shows whether any repeat;
  // only then walk the rows in file order to name each later copy and its first occurrence.
  const hashes = rowHashes.hashes.subarray(0, rowHashes.count);
  const sorted = Float64Array.from(hashes).sort();
  let anyDuplicate = false;
  for (let k = 1; k < sorted.length && !anyDuplicate; k++) anyDuplicate = sorted[k] === sorted[k - 1];
  if (anyDuplicate) {
    const rowNumbers = rowHashes.rows;
    const firstSeen = new Map<number, number>();
    for (let k = 0; k < hashes.length; k++) {
      const h = hashes[k] as number;
      const dupRow = rowNumbers[k] as number;
      const firstRow = firstSeen.get(h);
      if (firstRow === undefined) firstSeen.set(h, dupRow);
      else
        findings.error(
          "duplicate-row",
          dupRow,
          null,
          null,
          `Rij ${dupRow} beschrijft precies dezelfde maatregel als rij ${firstRow} (zelfde jongere, start, einde, type, hulpverleningsplan en aanleiding). Als het echt twee maatregelen waren, verschillen ze in tijd; verbeter dan de tijd. Anders verwijdert u de dubbele rij.`,
        );
    }
  }

  const report = fileReport(rows);
  if (!report.valid) return { report, codebook };
  return {
    report,
    codebook,
    measures: { ...builder.columns(), youthNumbers: [...youthIds.keys()] },
  };
}

/** The quarter (`YYYY-Qn`) of an ISO date. */
function quarterOfIso(iso: string): string {
  return `${iso.slice(0, 4)}-Q${Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1}`;
}
