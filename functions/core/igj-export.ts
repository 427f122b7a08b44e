/**
 * The half-yearly provision to the inspectorate (IGJ): aggregate CSV files per location plus a
 * national row, and a manifest that says exactly what they were made from (which deliveries,
 * codebook versions, SQL files and pseudonym key versions) and the sha256 of every file.
 *
 * Every count goes through disclosure control ({@link protectFiguresTogether}): the locations
 * and the national row are protected together, so that a suppressed count of one location
 * cannot be derived from the national row minus the other locations.
 *
 * Files: semicolon-separated, UTF-8 with a byte-order mark and CRLF line ends (what Dutch Excel
 * opens correctly), Dutch headers, one row per location (sorted by code) and a row "Landelijk".
 * A small count (primary suppression) is written as `<threshold` (`<5`), a count hidden to protect
 * another one (secondary suppression) as `x`: both markers are listed in the manifest
 * (`suppression.markers`) and explained in `toelichting.txt`. Deterministic: the same input gives
 * byte-identical files and manifest. Runs in Node only (node:crypto).
 */

import { createHash } from "node:crypto";
import type { DeliveryLogEntry } from "../../schemas/curated.ts";
import type { Cell, ProtectedFigures } from "../../schemas/documents.ts";
import type { FiguresModel } from "../../schemas/figures.ts";
import {
  defaultSuppression,
  protectFiguresTogether,
  type SuppressionSettings,
  suppressionRule,
  youthBands,
} from "./disclosure.ts";

export interface IgjExportInput {
  /** `YYYY-H1` (Q1–Q2) or `YYYY-H2` (Q3–Q4). */
  half: string;
  /** One figures model per location over the half year (every location of `national.deliveries`). */
  perLocation: readonly FiguresModel[];
  /** The national figures over the half year. */
  national: FiguresModel;
  /** The accepted delivery that counts, per location and quarter of the half year. */
  deliveries: readonly DeliveryLogEntry[];
  /** SQL file name → sha256 of its text (`queryHash`). */
  queryHashes: Readonly<Record<string, string>>;
  pseudonymKeyVersions: readonly string[];
  settings?: SuppressionSettings;
  /** ISO timestamp, recorded in the manifest and the explanation file. */
  createdAt: string;
}

export interface IgjFile {
  name: string;
  content: string;
}

export interface IgjManifest {
  createdAt: string;
  half: string;
  quarters: string[];
  /** The deliveries the figures are made from, sorted by location, quarter. */
  inputs: {
    location: string;
    quarter: string;
    attempt_id: string;
    file_sha256: string | null;
    rows: number;
    codebook_version: string | null;
  }[];
  codebookVersions: string[];
  /** SQL file name → sha256. */
  sqlFiles: Record<string, string>;
  pseudonymKeyVersions: string[];
  /**
   * `markers`: what a suppressed count cell holds instead of a number — `small` for a count of
   * 1 … threshold−1 (primary suppression), `hidden` for a count hidden to protect another one
   * (secondary suppression; it is not below the threshold).
   */
  suppression: { threshold: number; rule: string; markers: { small: string; hidden: string } };
  /** File name → sha256 (hex) of its content as UTF-8. */
  outputs: Record<string, string>;
}

const NATIONAL = "Landelijk";
/** What a count cell holds when it is hidden to protect another count (secondary suppression). */
export const HIDDEN_MARKER = "x";

export function halfQuarters(half: string): [string, string] {
  const m = /^(\d{4})-H([12])$/.exec(half);
  if (!m) throw new RangeError(`not a half year (YYYY-H1 or YYYY-H2): ${half}`);
  return m[2] === "1" ? [`${m[1]}-Q1`, `${m[1]}-Q2`] : [`${m[1]}-Q3`, `${m[1]}-Q4`];
}

export function buildIgjExport(input: IgjExportInput): { files: IgjFile[]; manifest: IgjManifest } {
  const settings = input.settings ?? defaultSuppression;
  const quarters = halfQuarters(input.half);
  const [from, to] = quarters;
  const { national } = input;
  const inRange = (m: FiguresModel) => m.from === from && m.to === to;
  if (national.location !== null || !inRange(national))
    throw new Error(`national figures must be national (location null) over ${from}..${to}`);
  const perLocation = [...input.perLocation].sort((a, b) =>
    (a.location ?? "").localeCompare(b.location ?? ""),
  );
  const codes = perLocation.map((m) => {
    if (m.location === null || !inRange(m))
      throw new Error(`figures per location must be for one location over ${from}..${to}`);
    return m.location;
  });
  if (new Set(codes).size !== codes.length) throw new Error("two figures models for the same location");
  const expected = [...new Set(national.deliveries.map((d) => d.location))].sort();
  if (expected.join() !== codes.join())
    throw new Error(
      `figures per location (${codes.join(", ")}) must cover every location (${expected.join(", ")})`,
    );
  const sum = perLocation.reduce((a, m) => a + m.total, 0);
  if (sum !== national.total)
    throw new Error(`the national total (${national.total}) is not the sum of the locations (${sum})`);
  const inputs = checkDeliveries(input.deliveries, national, quarters);
  for (const [name, hash] of Object.entries(input.queryHashes))
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`query ${name}: not a sha256: ${hash}`);

  const protectedFigures = protectFiguresTogether(perLocation, national, settings);
  const rows: { name: string; p: ProtectedFigures }[] = [
    ...protectedFigures.parts.map((p, i) => ({ name: codes[i] as string, p })),
    { name: NATIONAL, p: protectedFigures.whole },
  ];
  const t = settings.threshold;
  const markers = { small: `<${t}`, hidden: HIDDEN_MARKER };
  const count = (cell: Cell | undefined): string => {
    if (cell === undefined) return "0";
    if (cell.suppressed && cell.secondary) return markers.hidden;
    return cell.suppressed || cell.value === null ? markers.small : String(cell.value);
  };

  const files: IgjFile[] = [];
  const add = (name: string, table: string[][]) => files.push({ name, content: csv(table) });

  add("maatregelen-per-maand.csv", [
    ["Locatie", ...national.byMonth.map((r) => r.month), "Totaal"],
    ...rows.map(({ name, p }) => [
      name,
      ...national.byMonth.map((r) => count(p.byMonth.find((x) => x.month === r.month)?.count)),
      count(p.total),
    ]),
  ]);
  add("maatregelen-per-categorie.csv", [
    ["Locatie", ...national.byCategory.map((c) => c.label), "Totaal"],
    ...rows.map(({ name, p }) => [
      name,
      ...national.byCategory.map((c) => count(p.byCategory.find((x) => x.category === c.category)?.count)),
      count(p.total),
    ]),
  ]);
  add("maatregelen-per-type.csv", [
    ["Locatie", ...national.byType.map((x) => `${x.type}. ${x.label}`), "Totaal"],
    ...rows.map(({ name, p }) => [
      name,
      ...national.byType.map((x) => count(p.byType.find((y) => y.type === x.type)?.count)),
      count(p.total),
    ]),
  ]);
  const durationHeader = [
    "Locatie",
    "Type",
    "Aantal met einde",
    "Minimum (minuten)",
    "Maximum (minuten)",
    "Gemiddelde (minuten)",
    "Mediaan (minuten)",
    "Opmerking",
  ];
  add("duur-per-type.csv", [
    durationHeader,
    ...rows.flatMap(({ name, p }) =>
      national.duration.map((type) => {
        const d = p.duration.find((x) => x.type === type.type);
        const start = [name, `${type.type}. ${type.label}`];
        if (!d) return [...start, "0", "", "", "", "", "geen maatregelen met een einde"];
        if (d.median === null || d.min === null || d.max === null || d.mean === null)
          return [...start, count(d.n), "", "", "", "", `minder dan ${t} maatregelen met een einde`];
        return [
          ...start,
          count(d.n),
          minutes(d.min),
          minutes(d.max),
          minutes(d.mean),
          minutes(d.median),
          d.n.suppressed ? "aantal afgeschermd (zie toelichting)" : "",
        ];
      }),
    ),
  ]);
  add("hulpverleningsplan.csv", [
    ["Locatie", "Ja", "Nee", "Niet ingevuld", "Totaal"],
    ...rows.map(({ name, p }) => [
      name,
      count(p.carePlan.yes),
      count(p.carePlan.no),
      count(p.carePlan.unknown),
      count(p.total),
    ]),
  ]);
  add("jongeren-per-aantal-maatregelen.csv", [
    [
      "Locatie",
      "Unieke jongeren",
      ...youthBands.map((b) => (b.band === "1" ? "1 maatregel" : `${b.band} maatregelen`)),
    ],
    ...rows.map(({ name, p }) => [
      name,
      count(p.uniqueYouth),
      ...youthBands.map((b) => count(p.youthFrequency.find((x) => x.band === b.band)?.youth)),
    ]),
  ]);
  add("datakwaliteit.csv", [
    [
      "Locatie",
      "Einde ontbreekt",
      "Duur 0 minuten",
      "Hulpverleningsplan niet ingevuld",
      "Aanleiding niet ingevuld",
    ],
    ...rows.map(({ name, p }) => [
      name,
      count(p.dataQuality.missingEnd),
      count(p.dataQuality.zeroDuration),
      count(p.dataQuality.carePlanUnknown),
      count(p.dataQuality.missingReason),
    ]),
  ]);
  add("leveringen.csv", [
    ["Locatie", ...quarters],
    ...codes.map((code) => [
      code,
      ...quarters.map((q) => {
        const d = national.deliveries.find((x) => x.location === code && x.quarter === q);
        return deliveryText(d?.status ?? "missing", d?.rows ?? 0);
      }),
    ]),
  ]);
  files.push({ name: "toelichting.txt", content: explanation(input.half, quarters, input.createdAt, t) });

  const versions = new Set([
    ...national.codebookVersions,
    ...perLocation.flatMap((m) => m.codebookVersions),
    ...inputs.flatMap((d) => d.codebook_version ?? []),
  ]);
  const manifest: IgjManifest = {
    createdAt: input.createdAt,
    half: input.half,
    quarters: [...quarters],
    inputs,
    codebookVersions: [...versions].sort(),
    sqlFiles: Object.fromEntries(Object.entries(input.queryHashes).sort(([a], [b]) => a.localeCompare(b))),
    pseudonymKeyVersions: [...new Set(input.pseudonymKeyVersions)].sort(),
    suppression: { threshold: t, rule: suppressionRule, markers },
    outputs: Object.fromEntries(files.map((f) => [f.name, sha256(f.content)])),
  };
  return { files, manifest };
}

/** The deliveries must be exactly the accepted deliveries behind the national figures. */
function checkDeliveries(
  deliveries: readonly DeliveryLogEntry[],
  national: FiguresModel,
  quarters: readonly string[],
): IgjManifest["inputs"] {
  const byKey = new Map<string, DeliveryLogEntry>();
  for (const d of deliveries) {
    const key = `${d.location} ${d.quarter}`;
    if (d.status !== "accepted") throw new Error(`delivery ${d.attempt_id} (${key}) was not accepted`);
    if (!quarters.includes(d.quarter))
      throw new Error(`delivery ${d.attempt_id} (${key}) is outside the half year`);
    if (byKey.has(key)) throw new Error(`two deliveries for ${key}`);
    byKey.set(key, d);
  }
  for (const f of national.deliveries) {
    const key = `${f.location} ${f.quarter}`;
    const d = byKey.get(key);
    if (f.status === "missing") {
      if (d) throw new Error(`delivery ${d.attempt_id} for ${key}, but the figures count none`);
      continue;
    }
    if (!d) throw new Error(`no delivery given for ${key}, which the figures count`);
    if (d.scope !== f.status || d.rows !== f.rows)
      throw new Error(
        `delivery ${d.attempt_id} (${key}: ${d.scope}, ${d.rows} rows) is not the one the figures count (${f.status}, ${f.rows} rows)`,
      );
    byKey.delete(key);
  }
  const [extra] = byKey.values();
  if (extra)
    throw new Error(
      `delivery ${extra.attempt_id} (${extra.location} ${extra.quarter}) is not in the figures`,
    );
  return [...deliveries]
    .sort((a, b) => a.location.localeCompare(b.location) || a.quarter.localeCompare(b.quarter))
    .map((d) => ({
      location: d.location,
      quarter: d.quarter,
      attempt_id: d.attempt_id,
      file_sha256: d.file_sha256,
      rows: d.rows,
      codebook_version: d.codebook_version,
    }));
}

function deliveryText(status: "all" | "seclusion" | "missing", rows: number): string {
  if (status === "missing") return "ontbreekt";
  if (rows === 0) return status === "all" ? "nullevering" : "nullevering (alleen afzonderen)";
  return status === "all" ? "alle typen" : "alleen afzonderen";
}

/** Minutes with at most one decimal, decimal comma: `74.333` → `74,3`, `60` → `60`. */
function minutes(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1).replace(".", ",");
}

function csv(table: readonly (readonly string[])[]): string {
  const field = (v: string) => (/[;"\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `\uFEFF${table.map((row) => row.map(field).join(";")).join("\r\n")}\r\n`;
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function explanation(half: string, quarters: readonly string[], createdAt: string, t: number): string {
  return `${[
    "Aanlevering vrijheidsbeperkende maatregelen (VBM) aan de Inspectie Gezondheidszorg en Jeugd",
    `Halfjaar ${half}: ${quarters.join(" en ")}. Aangemaakt: ${createdAt}.`,
    "",
    "Bestanden",
    "- maatregelen-per-maand.csv: aantal maatregelen per maand waarin de maatregel begon.",
    "- maatregelen-per-categorie.csv: aantal maatregelen per categorie.",
    "- maatregelen-per-type.csv: aantal maatregelen per type VBM (code en omschrijving).",
    "- duur-per-type.csv: duur per type in minuten, over maatregelen met een einde.",
    "- hulpverleningsplan.csv: was de maatregel voorzien in het hulpverleningsplan.",
    "- jongeren-per-aantal-maatregelen.csv: aantal jongeren, en hoeveel jongeren 1, 2, 3–5 … maatregelen hadden.",
    "- datakwaliteit.csv: aantal maatregelen waarbij een gegeven ontbreekt.",
    "- leveringen.csv: wat elke locatie per kwartaal leverde: alle typen, alleen afzonderen (codes 6–11),",
    "  nullevering (geleverd, er waren geen maatregelen) of ontbreekt (geen levering).",
    "",
    "Elk bestand heeft een regel per locatie en een regel Landelijk (alle locaties samen).",
    "Bij een levering van alleen afzonderen tellen van die locatie in dat kwartaal alleen de",
    "afzonderingen mee. Puntkomma als scheidingsteken, decimale komma, UTF-8.",
    "",
    "Afscherming van kleine aantallen",
    `"<${t}" betekent: een aantal van 1 tot en met ${t - 1}, niet getoond zodat geen jongere herkenbaar wordt.`,
    `"${HIDDEN_MARKER}" betekent: verborgen om zo'n klein aantal te beschermen. Het is geen klein aantal (het is`,
    `${t} of meer), maar is weggelaten zodat een klein aantal niet uit een totaal, de andere kolommen of de`,
    "regel Landelijk is af te leiden. Een 0 wordt altijd getoond. Voor verwerking met software: een cel",
    `met "<${t}" of "${HIDDEN_MARKER}" is geen getal; manifest.json noemt beide tekens (suppression.markers). Minimum, maximum,`,
    `gemiddelde en mediaan van de duur staan er alleen bij ten minste ${t} maatregelen met een einde.`,
    `Regel: ${suppressionRule}, drempel ${t}.`,
  ].join("\r\n")}\r\n`;
}
