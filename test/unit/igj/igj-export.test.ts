import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { suppressionRule } from "../../../functions/core/disclosure.ts";
import { buildIgjExport, type IgjExportInput, type IgjFile } from "../../../functions/core/igj-export.ts";
import { Rng } from "../../../functions/demo/random.ts";
import { queryHash, queryNames } from "../../../queries/index.ts";
import { codebookFor } from "../../../schemas/codebook.ts";
import type { DeliveryLogEntry } from "../../../schemas/curated.ts";
import { type FiguresModel, figuresModel } from "../../../schemas/figures.ts";
import { monthRange, quarterOfMonth, quarterRange } from "../../../schemas/quarter.ts";

/** One measure of a hand-made data set; the location is the first two letters of the youth number. */
interface M {
  youth: string;
  month: string;
  type: number;
  carePlan?: "yes" | "no" | "unknown";
  /** Duration; null = no end. Default: 30, or null for point-in-time types. */
  minutes?: number | null;
}
type Status = "all" | "seclusion" | "missing";
type Delivery = FiguresModel["deliveries"][number];

const codebook = codebookFor("2024-01-01");
const typeOf = (code: number) => {
  const t = codebook.types.find((x) => x.code === code);
  if (!t) throw new Error(`no type ${code}`);
  return t;
};

/**
 * A figures model computed from a list of measures the way the SQL does (valid per the schema).
 * `deliveries` are the location-quarters in scope (one location, or all for the national model).
 */
function figures(
  location: string | null,
  from: string,
  to: string,
  measures: readonly M[],
  deliveries: readonly Delivery[],
): FiguresModel {
  const all = measures
    .filter((m) => location === null || m.youth.startsWith(location))
    .map((m) => ({
      ...m,
      location: m.youth.slice(0, 2),
      t: typeOf(m.type),
      carePlan: m.carePlan ?? "yes",
      minutes: m.minutes === undefined ? (typeOf(m.type).pointInTime ? null : 30) : m.minutes,
    }));
  const ds = deliveries.filter((d) => location === null || d.location === location);
  const total = all.length;
  const count = (pred: (m: (typeof all)[number]) => boolean) => all.filter(pred).length;
  const allScope = (m: (typeof all)[number]) =>
    ds.find((d) => d.location === m.location && d.quarter === quarterOfMonth(m.month))?.status !==
    "seclusion";
  const allScopeTotal = all.filter(allScope).length;
  const share = (n: number) => (allScopeTotal > 0 ? n / allScopeTotal : 0);
  const seclusionTotal = count((m) => !!m.t.seclusion);
  const perYouth = new Map<string, number>();
  for (const m of all) perYouth.set(m.youth, (perYouth.get(m.youth) ?? 0) + 1);
  const frequency = new Map<number, number>();
  for (const k of perYouth.values()) frequency.set(k, (frequency.get(k) ?? 0) + 1);
  const months = monthRange(from, to);
  return figuresModel.parse({
    location,
    from,
    to,
    codebookVersions: total > 0 ? [codebook.version] : [],
    deliveries: ds,
    total,
    allScopeTotal,
    uniqueYouth: perYouth.size,
    byMonth: months.map((month) => ({ month, count: count((m) => m.month === month) })),
    byCategory: codebook.categories.map((c) => {
      const n = count((m) => m.t.category === c.id);
      const a = count((m) => m.t.category === c.id && allScope(m));
      return { category: c.id, label: c.label, count: n, allScopeCount: a, share: share(a) };
    }),
    byType: codebook.types.map((t) => {
      const n = count((m) => m.type === t.code);
      const a = count((m) => m.type === t.code && allScope(m));
      return {
        type: t.code,
        label: t.label,
        category: t.category,
        count: n,
        allScopeCount: a,
        share: share(a),
        seclusionShare: t.seclusion ? (seclusionTotal > 0 ? n / seclusionTotal : 0) : null,
      };
    }),
    seclusionByRoom: codebook.rooms.flatMap((r) =>
      [true, false].map((locked) => ({
        room: r.id,
        label: r.label,
        locked,
        count: count((m) => m.t.seclusion?.room === r.id && m.t.seclusion.locked === locked),
      })),
    ),
    byStartHour: Array.from({ length: 24 }, (_, hour) => ({ hour, count: hour === 10 ? total : 0 })),
    duration: codebook.types.flatMap((t) => {
      const d = all
        .filter((m) => m.type === t.code && m.minutes !== null)
        .map((m) => m.minutes as number)
        .sort((a, b) => a - b);
      if (d.length === 0) return [];
      const mid = Math.floor(d.length / 2);
      const median = d.length % 2 ? (d[mid] as number) : ((d[mid - 1] as number) + (d[mid] as number)) / 2;
      const mean = d.reduce((a, v) => a + v, 0) / d.length;
      return [
        {
          type: t.code,
          label: t.label,
          n: d.length,
          min: d[0] as number,
          max: d.at(-1) as number,
          mean,
          median,
        },
      ];
    }),
    carePlan: {
      yes: count((m) => m.carePlan === "yes"),
      no: count((m) => m.carePlan === "no"),
      unknown: count((m) => m.carePlan === "unknown"),
    },
    youthFrequency: [...frequency.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([measures, youth]) => ({ measures, youth })),
    // Rates as the SQL: scope "all" over location-quarters delivered with all types, "seclusion"
    // over those with all types or seclusion only; occupancy 20 per counted location-month.
    rates: months.flatMap((month) =>
      (["all", "seclusion"] as const).map((scope) => {
        const counted = ds.filter(
          (d) =>
            d.quarter === quarterOfMonth(month) &&
            (d.status === "all" || (scope === "seclusion" && d.status === "seclusion")),
        );
        const locations = new Set(counted.map((d) => d.location));
        const measures = count(
          (m) => m.month === month && locations.has(m.location) && (scope === "all" || !!m.t.seclusion),
        );
        const occupancy = 20 * counted.length;
        return {
          month,
          scope,
          measures,
          occupancy,
          per10: occupancy > 0 ? (measures * 10) / occupancy : null,
        };
      }),
    ),
    longMeasures: {
      over12h: count((m) => m.minutes !== null && m.minutes > 12 * 60),
      over3days: count((m) => m.minutes !== null && m.minutes > 3 * 24 * 60),
    },
    dataQuality: {
      missingEnd: count((m) => m.minutes === null && !m.t.pointInTime),
      zeroDuration: count((m) => m.minutes === 0),
      carePlanUnknown: count((m) => m.carePlan === "unknown"),
      missingReason: 0,
    },
  } satisfies FiguresModel);
}

function youth(location: string, i: number): string {
  return `${location}${String(i).padStart(4, "0")}`;
}

function logEntry(
  location: string,
  quarter: string,
  scope: "all" | "seclusion",
  rows: number,
): DeliveryLogEntry {
  const id = createHash("sha256").update(`${location}/${quarter}`).digest("hex");
  return {
    attempt_id: id.slice(0, 20),
    received_at: "2024-07-01 09:00:00.000",
    sequencer: null,
    processed_at: "2024-07-01 09:00:01.000",
    location,
    quarter,
    scope,
    source_key: `${location}/${quarter}/${scope}/export.csv`,
    file_name: "export.csv",
    file_sha256: createHash("sha256").update(`file ${location}/${quarter}`).digest("hex"),
    file_bytes: 100 + rows * 50,
    rows,
    status: "accepted",
    errors: 0,
    warnings: 0,
    codebook_version: "2023",
    pseudonym_key_version: "k1",
    report_key: `${location}/${quarter}/${id.slice(0, 20)}.json`,
    curated_key: `measures/location=${location}/quarter=${quarter}/${id.slice(0, 20)}.parquet`,
    quarantine_key: null,
  };
}

/** A complete export input for one half year from measures and the delivery status per location-quarter. */
function exportInput(
  half: string,
  statuses: Record<string, Status[]>,
  measures: readonly M[],
  extra: Partial<IgjExportInput> = {},
): IgjExportInput {
  const [from, to] = half.endsWith("H1") ? [`${half.slice(0, 4)}-Q1`, `${half.slice(0, 4)}-Q2`] : [];
  if (!from || !to) throw new Error("H1 only in these tests");
  const quarters = quarterRange(from, to);
  const locations = Object.keys(statuses).sort();
  const rowsOf = (l: string, q: string) =>
    measures.filter((m) => m.youth.startsWith(l) && quarterOfMonth(m.month) === q).length;
  const deliveries: Delivery[] = locations.flatMap((location) =>
    quarters.map((quarter, i) => {
      const status = statuses[location]?.[i] ?? "missing";
      return { location, quarter, status, rows: status === "missing" ? 0 : rowsOf(location, quarter) };
    }),
  );
  return {
    half,
    perLocation: locations.map((l) => figures(l, from, to, measures, deliveries)),
    national: figures(null, from, to, measures, deliveries),
    deliveries: deliveries.flatMap((d) =>
      d.status === "missing" ? [] : [logEntry(d.location, d.quarter, d.status, d.rows)],
    ),
    queryHashes: Object.fromEntries(queryNames().map((n) => [n, queryHash(n)])),
    pseudonymKeyVersions: ["k1"],
    createdAt: "2024-07-15T08:00:00.000Z",
    ...extra,
  };
}

/** The small case: AB delivers all types, CD seclusion only in Q1, EF a zero delivery in Q1. */
const smallMeasures: M[] = [
  ...Array.from({ length: 12 }, (_, i) => ({
    youth: youth("AB", i + 1),
    month: "2024-01",
    type: 3,
    minutes: 10 * (i + 1),
  })),
  ...Array.from({ length: 3 }, (_, i) => ({
    youth: youth("AB", i + 1),
    month: "2024-02",
    type: 10,
    minutes: 60,
  })),
  ...Array.from({ length: 20 }, (_, i) => ({ youth: youth("AB", i + 1), month: "2024-04", type: 15 })),
  ...[45, 45, 50, 60, 61, 100].map((minutes, i) => ({
    youth: youth("CD", i + 1),
    month: "2024-03",
    type: 11,
    minutes,
  })),
];
const smallStatuses: Record<string, Status[]> = {
  AB: ["all", "all"],
  CD: ["seclusion", "missing"],
  EF: ["all", "missing"],
};

/** Parses our CSV output (no quoted fields occur in it) into rows of cells. */
function parse(file: IgjFile): string[][] {
  expect(file.content.startsWith("\uFEFF")).toBe(true);
  expect(file.content.endsWith("\r\n")).toBe(true);
  return file.content
    .slice(1, -2)
    .split("\r\n")
    .map((line) => line.split(";"));
}
const fileNamed = (files: IgjFile[], name: string) => {
  const f = files.find((x) => x.name === name);
  if (!f) throw new Error(`no file ${name}`);
  return f;
};
const lines = (...rows: string[]) => `\uFEFF${rows.join("\r\n")}\r\n`;

/** Every cell of every CSV that is a number from 1 up to the threshold (minute columns excepted). */
function smallNumbers(files: IgjFile[], threshold: number): string[] {
  const found: string[] = [];
  for (const f of files.filter((x) => x.name.endsWith(".csv"))) {
    const [header = [], ...body] = parse(f);
    for (const [r, row] of [header, ...body].entries()) {
      expect(row.length, `${f.name} row ${r}`).toBe(header.length);
      row.forEach((cell, c) => {
        if (/\(minuten\)$/.test(header[c] ?? "")) return; // durations in minutes, not counts
        const v = Number(cell.replace(",", "."));
        if (cell !== "" && Number.isFinite(v) && v >= 1 && v < threshold)
          found.push(`${f.name} row ${r} column ${header[c]}: ${cell}`);
      });
    }
  }
  return found;
}

describe("buildIgjExport — a small half year, exactly", () => {
  const { files, manifest } = buildIgjExport(exportInput("2024-H1", smallStatuses, smallMeasures));

  it("writes the files in a fixed order", () => {
    expect(files.map((f) => f.name)).toEqual([
      "maatregelen-per-maand.csv",
      "maatregelen-per-categorie.csv",
      "maatregelen-per-type.csv",
      "duur-per-type.csv",
      "hulpverleningsplan.csv",
      "jongeren-per-aantal-maatregelen.csv",
      "datakwaliteit.csv",
      "leveringen.csv",
      "toelichting.txt",
    ]);
  });

  it("measures per month: AB's February (3) and what protects it, also across the national row", () => {
    // AB: Feb 3 → Jan 12 goes too. National Jan is AB's Jan alone, so it goes; national Mar (6)
    // protects national Feb, and is CD's March alone, which is CD's whole total; AB's total
    // then protects CD's total in the line "locations add up to 41". Only the 3 is a small
    // count ("<5"); the others are hidden to protect it ("x": 12, 35, 6, 6, 12, 6).
    expect(fileNamed(files, "maatregelen-per-maand.csv").content).toBe(
      lines(
        "Locatie;2024-01;2024-02;2024-03;2024-04;2024-05;2024-06;Totaal",
        "AB;x;<5;0;20;0;0;x",
        "CD;0;0;x;0;0;0;x",
        "EF;0;0;0;0;0;0;0",
        "Landelijk;x;<5;x;20;0;0;41",
      ),
    );
  });

  it("measures per category and per type", () => {
    expect(fileNamed(files, "maatregelen-per-categorie.csv").content).toBe(
      lines(
        "Locatie;Elektronisch toezicht;Beperken bewegingsvrijheid;Gedwongen afzonderen;Geneeskundige behandeling;Beperken contacten;Controles;Totaal",
        "AB;0;x;<5;0;0;20;x",
        "CD;0;0;x;0;0;0;x",
        "EF;0;0;0;0;0;0;0",
        "Landelijk;0;x;x;0;0;20;41",
      ),
    );
    const perType = parse(fileNamed(files, "maatregelen-per-type.csv"));
    expect(perType[0]).toEqual(["Locatie", ...codebook.types.map((t) => `${t.code}. ${t.label}`), "Totaal"]);
    const row = (values: Record<number, string>, total: string) =>
      codebook.types.map((t) => values[t.code] ?? "0").concat(total);
    expect(perType.slice(1)).toEqual([
      ["AB", ...row({ 3: "x", 10: "<5", 15: "20" }, "x")],
      ["CD", ...row({ 11: "x" }, "x")],
      ["EF", ...row({}, "0")],
      ["Landelijk", ...row({ 3: "x", 10: "<5", 11: "x", 15: "20" }, "41")],
    ]);
  });

  it("duration per type: statistics only from 5 measures with an end, minutes with a decimal comma", () => {
    const note = "aantal afgeschermd (zie toelichting)";
    expect(fileNamed(files, "duur-per-type.csv").content).toBe(
      lines(
        "Locatie;Type;Aantal met einde;Minimum (minuten);Maximum (minuten);Gemiddelde (minuten);Mediaan (minuten);Opmerking",
        `AB;3. Vastpakken en/of vasthouden;x;10;120;65;65;${note}`,
        "AB;10. Eigen kamer op slot;<5;;;;;minder dan 5 maatregelen met een einde",
        "AB;11. Eigen kamer niet op slot;0;;;;;geen maatregelen met een einde",
        "CD;3. Vastpakken en/of vasthouden;0;;;;;geen maatregelen met een einde",
        "CD;10. Eigen kamer op slot;0;;;;;geen maatregelen met een einde",
        `CD;11. Eigen kamer niet op slot;x;45;100;60,2;55;${note}`,
        "EF;3. Vastpakken en/of vasthouden;0;;;;;geen maatregelen met een einde",
        "EF;10. Eigen kamer op slot;0;;;;;geen maatregelen met een einde",
        "EF;11. Eigen kamer niet op slot;0;;;;;geen maatregelen met een einde",
        `Landelijk;3. Vastpakken en/of vasthouden;x;10;120;65;65;${note}`,
        "Landelijk;10. Eigen kamer op slot;<5;;;;;minder dan 5 maatregelen met een einde",
        `Landelijk;11. Eigen kamer niet op slot;x;45;100;60,2;55;${note}`,
      ),
    );
  });

  it("care plan, young people and deliveries", () => {
    expect(fileNamed(files, "hulpverleningsplan.csv").content).toBe(
      lines(
        "Locatie;Ja;Nee;Niet ingevuld;Totaal",
        "AB;x;0;0;x",
        "CD;x;0;0;x",
        "EF;0;0;0;0",
        "Landelijk;41;0;0;41",
      ),
    );
    // AB: 8 young people with 1 measure, 9 with 2, 3 with 3; CD: 6 with 1
    expect(fileNamed(files, "jongeren-per-aantal-maatregelen.csv").content).toBe(
      lines(
        "Locatie;Unieke jongeren;1 maatregel;2 maatregelen;3–5 maatregelen;6–10 maatregelen;11–20 maatregelen;meer dan 20 maatregelen",
        "AB;x;x;x;<5;0;0;0",
        "CD;x;x;0;0;0;0;0",
        "EF;0;0;0;0;0;0;0",
        "Landelijk;26;14;x;<5;0;0;0",
      ),
    );
    expect(fileNamed(files, "leveringen.csv").content).toBe(
      lines(
        "Locatie;2024-Q1;2024-Q2",
        "AB;alle typen;alle typen",
        "CD;alleen afzonderen;ontbreekt",
        "EF;nullevering;ontbreekt",
      ),
    );
    expect(fileNamed(files, "datakwaliteit.csv").content).toBe(
      lines(
        "Locatie;Einde ontbreekt;Duur 0 minuten;Hulpverleningsplan niet ingevuld;Aanleiding niet ingevuld",
        "AB;0;0;0;0",
        "CD;0;0;0;0",
        "EF;0;0;0;0",
        "Landelijk;0;0;0;0",
      ),
    );
  });

  it("explains the marker and the rule in Dutch", () => {
    const text = fileNamed(files, "toelichting.txt").content;
    expect(text).toContain("Halfjaar 2024-H1: 2024-Q1 en 2024-Q2. Aangemaakt: 2024-07-15T08:00:00.000Z.");
    expect(text).toContain('"<5" betekent: een aantal van 1 tot en met 4');
    expect(text).toContain('"x" betekent: verborgen om zo\'n klein aantal te beschermen');
    expect(text).toContain("1 tot en met 4");
    expect(text).toContain(`Regel: ${suppressionRule}, drempel 5.`);
  });

  it("has no number from 1 to 4 in any cell", () => {
    expect(smallNumbers(files, 5)).toEqual([]);
    // the scan does find one where it should
    expect(smallNumbers([{ name: "x.csv", content: lines("Locatie;Totaal", "AB;3") }], 5)).toEqual([
      "x.csv row 1 column Totaal: 3",
    ]);
  });

  it("the manifest lists every input and every output with its hash", () => {
    const input = exportInput("2024-H1", smallStatuses, smallMeasures);
    expect(manifest.createdAt).toBe("2024-07-15T08:00:00.000Z");
    expect(manifest.half).toBe("2024-H1");
    expect(manifest.quarters).toEqual(["2024-Q1", "2024-Q2"]);
    expect(manifest.inputs).toEqual(
      [...input.deliveries]
        .sort((a, b) => `${a.location}${a.quarter}`.localeCompare(`${b.location}${b.quarter}`))
        .map((d) => ({
          location: d.location,
          quarter: d.quarter,
          attempt_id: d.attempt_id,
          file_sha256: d.file_sha256,
          rows: d.rows,
          codebook_version: "2023",
        })),
    );
    expect(manifest.inputs.map((d) => `${d.location} ${d.quarter} ${d.rows}`)).toEqual([
      "AB 2024-Q1 15",
      "AB 2024-Q2 20",
      "CD 2024-Q1 6",
      "EF 2024-Q1 0",
    ]);
    expect(manifest.codebookVersions).toEqual(["2023"]);
    expect(Object.keys(manifest.sqlFiles)).toEqual(queryNames());
    for (const name of queryNames()) expect(manifest.sqlFiles[name]).toBe(queryHash(name));
    expect(manifest.pseudonymKeyVersions).toEqual(["k1"]);
    expect(manifest.suppression).toEqual({
      threshold: 5,
      rule: suppressionRule,
      markers: { small: "<5", hidden: "x" },
    });
    expect(Object.keys(manifest.outputs)).toEqual(files.map((f) => f.name));
    for (const f of files)
      expect(manifest.outputs[f.name]).toBe(
        createHash("sha256").update(Buffer.from(f.content, "utf8")).digest("hex"),
      );
  });
});

describe("buildIgjExport — determinism, settings and input checks", () => {
  it("the same input gives byte-identical files and manifest, whatever the order of the lists", () => {
    const a = buildIgjExport(exportInput("2024-H1", smallStatuses, smallMeasures));
    const input = exportInput("2024-H1", smallStatuses, smallMeasures);
    const b = buildIgjExport({
      ...input,
      perLocation: [...input.perLocation].reverse(),
      deliveries: [...input.deliveries].reverse(),
      queryHashes: Object.fromEntries(Object.entries(input.queryHashes).reverse()),
      pseudonymKeyVersions: ["k1", "k1"],
    });
    expect(b.files).toEqual(a.files);
    expect(JSON.stringify(b.manifest)).toBe(JSON.stringify(a.manifest));
  });

  it("threshold 10 writes <10 and suppresses more", () => {
    const { files, manifest } = buildIgjExport(
      exportInput("2024-H1", smallStatuses, smallMeasures, { settings: { threshold: 10 } }),
    );
    expect(manifest.suppression.threshold).toBe(10);
    expect(smallNumbers(files, 10)).toEqual([]);
    const perMonth = parse(fileNamed(files, "maatregelen-per-maand.csv"));
    // CD's March (6) is now primary, and the national February + March (9) too
    expect(perMonth[2]).toEqual(["CD", "0", "0", "<10", "0", "0", "0", "<10"]);
    // national January (12) is hidden to protect them: "x", not "<10"
    expect(perMonth[4]?.slice(0, 4)).toEqual(["Landelijk", "x", "<10", "<10"]);
    expect(fileNamed(files, "toelichting.txt").content).toContain("1 tot en met 9");
  });

  it("random half years: no cell from 1 to 4 anywhere", () => {
    const rng = new Rng(2024);
    for (let round = 0; round < 25; round++) {
      const codes = ["AB", "CD", "EF", "GH", "JK"].slice(0, rng.int(1, 5));
      const statuses: Record<string, Status[]> = {};
      for (const c of codes)
        statuses[c] = [0, 1].map(() => rng.pick<Status>(["all", "all", "all", "seclusion", "missing"]));
      const measures: M[] = [];
      for (const c of codes)
        (statuses[c] ?? []).forEach((status, q) => {
          if (status === "missing") return;
          const n = rng.chance(0.2) ? 0 : rng.int(1, 40);
          for (let i = 0; i < n; i++)
            measures.push({
              youth: youth(c, rng.int(1, 15)),
              month: `2024-0${q * 3 + rng.int(1, 3)}`,
              type:
                status === "seclusion" ? rng.int(6, 11) : rng.pick([1, 3, 3, 4, 6, 10, 11, 11, 13, 15, 16]),
              carePlan: rng.pick(["yes", "no", "unknown"] as const),
              minutes: rng.chance(0.1) ? null : rng.int(0, 900),
            });
        });
      const { files, manifest } = buildIgjExport(exportInput("2024-H1", statuses, measures));
      expect(smallNumbers(files, 5)).toEqual([]);
      expect(Object.keys(manifest.outputs)).toHaveLength(files.length);
    }
  });

  it("refuses inputs that do not fit together", () => {
    const input = exportInput("2024-H1", smallStatuses, smallMeasures);
    expect(() => buildIgjExport({ ...input, half: "2024-H3" })).toThrow(RangeError);
    expect(() => buildIgjExport({ ...input, perLocation: input.perLocation.slice(1) })).toThrow(
      /every location/,
    );
    expect(() => buildIgjExport({ ...input, deliveries: input.deliveries.slice(1) })).toThrow(
      /no delivery given/,
    );
    const [first, ...rest] = input.deliveries as [DeliveryLogEntry, ...DeliveryLogEntry[]];
    expect(() => buildIgjExport({ ...input, deliveries: [{ ...first, rows: 99 }, ...rest] })).toThrow(
      /not the one the figures count/,
    );
    expect(() => buildIgjExport({ ...input, deliveries: [...input.deliveries, first] })).toThrow(
      /two deliveries/,
    );
    expect(() => buildIgjExport({ ...input, national: input.perLocation[0] as FiguresModel })).toThrow(
      /national/,
    );
    expect(() => buildIgjExport({ ...input, queryHashes: { totals: "abc" } })).toThrow(/sha256/);
  });
});
