import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../functions/cli/main.ts";
import type { FiguresModel } from "../../schemas/figures.ts";
import { captureIo, csvBytes, csvText, tempDir } from "../helpers.ts";

/**
 * End to end through the CLI into DuckDB figures. The expected numbers are computed here, in
 * the test, from the rows the test itself wrote — never by the code under test.
 */

let dir = "";
let cleanup = () => {};
beforeAll(() => ({ dir, cleanup } = tempDir("vbm-cli-")));
afterAll(() => cleanup());

const cli = async (...args: string[]) => {
  const c = captureIo({});
  const code = await run([...args, "--data-dir", join(dir, "data")], c.io);
  return { code, out: c.out(), err: c.err() };
};
const file = (name: string, content: Uint8Array | string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** Small deterministic generator, independent of the product's demo generator. */
function rowsFor(location: string, quarter: 1 | 2, n: number, seed: number, types: number[]): string[][] {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    const month = (quarter - 1) * 3 + 1 + Math.floor(rnd() * 3);
    const day = 1 + Math.floor(rnd() * 28);
    const hour = Math.floor(rnd() * 24);
    const minute = i % 60;
    const type = types[Math.floor(rnd() * types.length)] as number;
    const pointInTime = type >= 15;
    const dur = Math.floor(rnd() * 180);
    const endMinutes = hour * 60 + minute + dur;
    const endDay = day + Math.floor(endMinutes / 1440);
    const d = (dd: number) => `${String(dd).padStart(2, "0")}.${String(month).padStart(2, "0")}.2023`;
    const t = (mins: number) =>
      `${String(Math.floor(mins / 60) % 24).padStart(2, "0")}:${String(mins % 60).padStart(2, "0")}`;
    out.push([
      `${location}${String(1 + Math.floor(rnd() * 12)).padStart(4, "0")}`,
      d(day),
      t(hour * 60 + minute),
      pointInTime ? "" : d(endDay),
      pointInTime ? "" : t(endMinutes % 1440),
      i % 3 === 0 ? "" : `Aanleiding nummer ${i}`,
      String(type),
      ["1", "2", ""][i % 3] as string,
    ]);
  }
  return out;
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

describe("vbm-monitor CLI end to end", () => {
  const ab = rowsFor("AB", 1, 60, 7, [3, 6, 10, 11, 15, 18]);
  const cd = rowsFor("CD", 1, 25, 11, [6, 7, 10, 11]);
  const all = [...ab, ...cd];

  it("delivers files, loads occupancy and computes figures that match an independent count", async () => {
    // Prepare / Act
    expect(
      (
        await cli(
          "deliver",
          file("ab.csv", csvBytes(ab, { bom: true })),
          "--location",
          "AB",
          "--quarter",
          "2023-Q1",
        )
      ).code,
    ).toBe(0);
    const sec = await cli(
      "deliver",
      file("cd.csv", csvBytes(cd)),
      "--location",
      "CD",
      "--quarter",
      "2023-Q1",
      "--scope",
      "seclusion",
    );
    expect(sec.code).toBe(0);
    expect(sec.out).toContain("Geaccepteerd voor CD 2023-Q1: 25 maatregelen");
    const occ =
      "Locatie;Maand;Gemiddelde bezetting\nAB;2023-01;10,5\nAB;2023-02;10\nAB;2023-03;9,5\nCD;2023-01;8\nCD;2023-02;8\nCD;2023-03;8\n";
    expect((await cli("occupancy", file("bezetting.csv", occ))).code).toBe(0);
    const res = await cli("figures", "--quarter", "2023-Q1", "--json");
    expect(res.code).toBe(0);
    const m = JSON.parse(res.out) as FiguresModel;

    // The rate per 10 places has one unit, per quarter, and says so: all types over AB (the
    // location that delivered all types), occupancy 10,5 + 10 + 9,5 = 30 → 30 × n / 30.
    const abAll = ab.length;
    const human = await cli("figures", "--quarter", "2023-Q1");
    expect(human.out).toContain("per 10 plaatsen per kwartaal");
    expect(human.out).toContain(((30 * abAll) / 30).toFixed(1).replace(".", ","));
    expect(human.out).not.toMatch(/2023-0[123]\s+\d+,\d\s*$/m);

    // Assess: totals and youth
    expect(m.total).toBe(85);
    expect(m.uniqueYouth).toBe(new Set(all.map((r) => r[0])).size);
    // per month
    for (const month of ["01", "02", "03"])
      expect(m.byMonth.find((b) => b.month === `2023-${month}`)?.count).toBe(
        all.filter((r) => r[1]?.slice(3, 5) === month).length,
      );
    // per type and care plan
    for (const t of [3, 6, 10, 11, 15, 18, 7])
      expect(m.byType.find((b) => b.type === t)?.count).toBe(all.filter((r) => r[6] === String(t)).length);
    expect(m.carePlan).toEqual({
      yes: all.filter((r) => r[7] === "1").length,
      no: all.filter((r) => r[7] === "2").length,
      unknown: all.filter((r) => r[7] === "").length,
    });
    // exact median and mean duration per type (durations recomputed from the written rows)
    const minutesOf = (r: string[]) => {
      const [sd, st, ed, et] = [r[1], r[2], r[3], r[4]].map(String) as [string, string, string, string];
      const ms = (d: string, t: string) =>
        Date.UTC(
          2023,
          Number(d.slice(3, 5)) - 1,
          Number(d.slice(0, 2)),
          Number(t.slice(0, 2)),
          Number(t.slice(3, 5)),
        );
      return (ms(ed, et) - ms(sd, st)) / 60000;
    };
    for (const t of [3, 6, 10, 11]) {
      const ds = all.filter((r) => r[6] === String(t) && r[3] !== "").map(minutesOf);
      const got = m.duration.find((d) => d.type === t);
      expect(got?.n).toBe(ds.length);
      expect(got?.median).toBe(median(ds));
      expect(got?.mean).toBeCloseTo(ds.reduce((a, b) => a + b, 0) / ds.length, 9);
      expect(got?.max).toBe(Math.max(...ds));
    }
    expect(m.duration.find((d) => d.type === 15)).toBeUndefined();
    // Start hour per category: zero-filled, and per hour the categories add up to all types.
    expect(m.byStartHourCategory).toHaveLength(6 * 24);
    for (const h of m.byStartHour)
      expect(
        (m.byStartHourCategory ?? []).filter((e) => e.hour === h.hour).reduce((a, e) => a + e.count, 0),
      ).toBe(h.count);
    const hourOf = (r: string[]) => Number(r[2]?.slice(0, 2));
    expect(
      m.byStartHourCategory?.find((e) => e.hour === 10 && e.category === "gedwongen_afzonderen")?.count,
    ).toBe(all.filter((r) => hourOf(r) === 10 && ["6", "7", "10", "11"].includes(r[6] as string)).length);
    // youth frequency
    const perYouth = new Map<string, number>();
    for (const r of all) perYouth.set(r[0] as string, (perYouth.get(r[0] as string) ?? 0) + 1);
    const freq = new Map<number, number>();
    for (const k of perYouth.values()) freq.set(k, (freq.get(k) ?? 0) + 1);
    expect(m.youthFrequency).toEqual(
      [...freq].sort((a, b) => a[0] - b[0]).map(([measures, youth]) => ({ measures, youth })),
    );
    // deliveries and rates: CD is seclusion-only, so it counts for seclusion rates only
    expect(m.deliveries).toEqual([
      { location: "AB", quarter: "2023-Q1", status: "all", rows: 60 },
      { location: "CD", quarter: "2023-Q1", status: "seclusion", rows: 25 },
    ]);
    const jan = (r: string[]) => r[1]?.slice(3, 5) === "01";
    const isSeclusion = (r: string[]) => ["6", "7", "8", "9", "10", "11"].includes(r[6] as string);
    const rateAll = m.rates.find((r) => r.month === "2023-01" && r.scope === "all");
    expect(rateAll?.measures).toBe(ab.filter(jan).length);
    expect(rateAll?.occupancy).toBeCloseTo(10.5, 9);
    expect(rateAll?.per10).toBeCloseTo((ab.filter(jan).length / 10.5) * 10, 9);
    const rateSec = m.rates.find((r) => r.month === "2023-01" && r.scope === "seclusion");
    expect(rateSec?.measures).toBe(all.filter((r) => jan(r) && isSeclusion(r)).length);
    expect(rateSec?.occupancy).toBeCloseTo(18.5, 9);
  });

  it("gives per-location figures and a readable Dutch summary", async () => {
    const res = await cli("figures", "--quarter", "2023-Q1", "--location", "cd");
    expect(res.code).toBe(0);
    expect(res.out).toContain("Cijfers locatie CD, 2023-Q1");
    expect(res.out).toContain("Maatregelen: 25, bij");
    const json = JSON.parse(
      (await cli("figures", "--quarter", "2023-Q1", "--location", "CD", "--json")).out,
    ) as FiguresModel;
    expect(json.total).toBe(25);
    expect(json.location).toBe("CD");
  });

  it("reports a missing quarter as missing, and a zero delivery as delivered with 0 rows", async () => {
    expect(
      (await cli("deliver", file("ab-q2.csv", csvBytes([])), "--location", "AB", "--quarter", "2023-Q2"))
        .code,
    ).toBe(0);
    const m = JSON.parse(
      (await cli("figures", "--quarter", "2023-Q1", "--to", "2023-Q2", "--json")).out,
    ) as FiguresModel;
    expect(m.deliveries).toContainEqual({ location: "AB", quarter: "2023-Q2", status: "all", rows: 0 });
    expect(m.deliveries).toContainEqual({ location: "CD", quarter: "2023-Q2", status: "missing", rows: 0 });
    expect(m.total).toBe(85);
  });

  it("validate checks without storing anything, exit 1 with row, column and value", async () => {
    const bad = file("bad.csv", csvText([["AB0001", "10.01.2023", "14:00", "", "", "", "23", ""]]));
    const res = await cli("validate", bad, "--location", "AB", "--quarter", "2023-Q1", "--json");
    expect(res.code).toBe(1);
    const report = JSON.parse(res.out);
    expect(report.findings[0]).toMatchObject({
      code: "unknown-type",
      row: 2,
      column: "Type VBM",
      value: "23",
    });
    const human = await cli("validate", bad, "--location", "AB", "--quarter", "2023-Q1");
    expect(human.out).toContain("Rij 2:");
    expect(human.out).toContain("Afgewezen");
    expect(human.out).not.toContain("lever het opnieuw");
  });

  it("validate on a good file says it can be delivered, never that it was accepted or received", async () => {
    const good = file(
      "goed.csv",
      csvText([
        ["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "", "10", "1"],
        ["AB0002", "11.01.2023", "09:00", "", "", "", "15", ""],
      ]),
    );
    const res = await cli("validate", good, "--location", "AB", "--quarter", "2023-Q1");
    expect(res.code).toBe(0);
    expect(res.out).toContain("Dit bestand is goed en kan worden aangeleverd");
    expect(res.out).toContain("2 maatregelen");
    expect(res.out).not.toMatch(/Geaccepteerd|Ontvangen|telt als levering/);
    const zero = await cli(
      "validate",
      file("nul.csv", csvText([])),
      "--location",
      "AB",
      "--quarter",
      "2023-Q1",
    );
    expect(zero.code).toBe(0);
    expect(zero.out).toContain("Dit bestand is goed en kan worden aangeleverd");
    expect(zero.out).not.toMatch(/Geaccepteerd|Ontvangen|telt als levering/);
  });
});

describe("bad input never crashes and always explains itself", () => {
  const validate = async (name: string, content: Uint8Array | string, env: Record<string, string> = {}) => {
    const c = captureIo(env);
    const code = await run(
      ["validate", file(name, content), "--location", "AB", "--quarter", "2023-Q1", "--json"],
      c.io,
    );
    return { code, report: JSON.parse(c.out()), err: c.err() };
  };

  it.each([
    [
      "truncated.csv",
      csvText([["AB0001", "10.01.2023", "14:00", "", "", '"Niet gesloten', "15", ""]]).replace(
        '""Niet',
        '"Niet',
      ),
      "csv-malformed",
    ],
    ["garbage.csv", Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256), "file-unreadable"],
    ["leeg.csv", new Uint8Array(), "file-empty"],
    ["niet-zip.xlsx", "Dit is geen Excel-bestand", "xlsx-invalid"],
  ])("%s → %s", async (name, content, code) => {
    const r = await validate(name, content);
    expect(r.code).toBe(1);
    expect(r.report.summary.map((s: { code: string }) => s.code)).toContain(code);
    expect(r.report.findings[0].message).toMatch(/[a-z]{3,}/);
    expect(r.err).toBe("");
  });

  it("refuses a file over the configured size limit", async () => {
    const big = csvText(rowsFor("AB", 1, 3000, 3, [3]));
    const r = await validate("groot.csv", big, { VBM_MAX_FILE_MB: "0.05" });
    expect(r.code).toBe(1);
    expect(r.report.summary[0].code).toBe("file-too-large");
    expect(r.report.findings[0].message).toContain("MB");
  });

  it("reads a Windows-1252 file with é and ë and a DST-crossing measure", async () => {
    const text = csvText([
      ["AB0007", "26.03.2023", "01:30", "26.03.2023", "03:30", "Cliënt weigerde café te verlaten", "10", "1"],
    ]);
    const bytes = Uint8Array.from(text, (ch) => (ch === "ë" ? 0xeb : ch === "é" ? 0xe9 : ch.charCodeAt(0)));
    const res = await cli(
      "deliver",
      file("cp1252.csv", bytes),
      "--location",
      "AB",
      "--quarter",
      "2023-Q1",
      "--json",
    );
    expect(res.code).toBe(0);
    const outcome = JSON.parse(res.out);
    expect(outcome.report.file.encoding).toBe("windows-1252");
    const m = JSON.parse(
      (await cli("figures", "--quarter", "2023-Q1", "--location", "AB", "--json")).out,
    ) as FiguresModel;
    expect(m.total).toBe(1);
    expect(m.duration).toEqual([
      { type: 10, label: "Eigen kamer op slot", n: 1, min: 60, max: 60, mean: 60, median: 60 },
    ]);
  });

  it("reads an .xlsx with real date cells and time fractions", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("VBM");
    ws.addRow([
      "Nummer jongere",
      "Datum start",
      "Tijd start",
      "Datum eind",
      "Tijd eind",
      "Aanleiding",
      "Type VBM",
      "Hulpverleningsplan",
    ]);
    const r = ws.addRow([
      "AB0009",
      new Date(Date.UTC(2023, 1, 3)),
      0.5,
      new Date(Date.UTC(2023, 1, 3)),
      0.5625,
      "",
      3,
      2,
    ]);
    r.getCell(3).numFmt = "hh:mm";
    r.getCell(5).numFmt = "hh:mm";
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const res = await validate("export.xlsx", bytes);
    expect(res.code).toBe(0);
    expect(res.report.file.format).toBe("xlsx");
    expect(res.report.stats.rows).toBe(1);
  });

  it("usage mistakes give one Dutch line and exit code 2, no stack trace", async () => {
    for (const args of [
      ["deliver", "x.csv", "--quarter", "2023-Q1"],
      ["deliver", join(dir, "bestaat-niet.csv"), "--location", "AB", "--quarter", "2023-Q1"],
      ["figures", "--quarter", "2023-Q9"],
      ["validate", "x.csv", "--location", "AB", "--quarter", "2023-Q1", "--scope", "half"],
      ["onzin"],
      ["figures", "--kwartaal", "2023-Q1"],
    ]) {
      const c = captureIo({});
      const code = await run(args, c.io);
      expect(code, args.join(" ")).toBe(2);
      expect(c.err()).toMatch(/^vbm-monitor: /);
      expect(c.err()).not.toMatch(/\n\s+at /);
    }
  });

  it("a key file with too wide permissions stops the command with a clear message", async () => {
    const keyDir = join(dir, "data", "keys", "pseudonym.key");
    const { chmodSync } = await import("node:fs");
    chmodSync(keyDir, 0o644);
    const res = await cli("deliver", file("k.csv", csvBytes([])), "--location", "AB", "--quarter", "2023-Q3");
    chmodSync(keyDir, 0o600);
    expect(res.code).toBe(2);
    expect(res.err).toContain("te ruime rechten");
    expect(readFileSync(keyDir)).toHaveLength(32);
  });
});

describe("CLI text: one Dutch line per mistake, help per command, no stray arguments", () => {
  const bare = async (...args: string[]) => {
    const c = captureIo({});
    const code = await run(args, c.io);
    return { code, out: c.out(), err: c.err() };
  };

  it("an unknown option is one Dutch line that names it, without Node's parser text or the usage", async () => {
    const res = await bare("figures", "--kwartaal", "2023-Q1");
    expect(res.code).toBe(2);
    expect(res.err.split("\n")).toHaveLength(1);
    expect(res.err).toContain("--kwartaal");
    expect(res.err).toContain("figures --help");
    expect(res.err).not.toMatch(/To specify|positional|Gebruik:/);
    const noValue = await bare("validate", "x.csv", "--location");
    expect(noValue.code).toBe(2);
    expect(noValue.err.split("\n")).toHaveLength(1);
    expect(noValue.err).toContain("--location");
    expect(noValue.err).not.toMatch(/argument missing|Gebruik:/);
    const unknownCommand = await bare("onzin");
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.err.split("\n")).toHaveLength(1);
    expect(unknownCommand.err).toContain('"onzin"');
  });

  it("<command> --help shows the usage of that command only, exit 0", async () => {
    for (const [command, option] of [
      ["figures", "--from"],
      ["report", "--to"],
      ["deliver", "--scope"],
      ["users", "--password-stdin"],
    ] as const) {
      const res = await bare(command, "--help");
      expect(res.code, command).toBe(0);
      expect(res.out).toMatch(new RegExp(`^Gebruik: vbm-monitor ${command} `));
      expect(res.out).toContain(option);
      expect(res.out).not.toContain("demo");
    }
    const all = await bare("--help");
    expect(all.code).toBe(0);
    expect(all.out).toContain("igj-export");
  });

  it("an option a command does not use, or a stray argument, is an error, not ignored", async () => {
    const report = await bare("report", "--from", "2023-Q1", "--to", "2023-Q1", "--location", "AB");
    expect(report.code).toBe(2);
    expect(report.err).toContain("--location");
    expect(report.err.split("\n")).toHaveLength(1);
    const stray = await bare("figures", "--quarter", "2023-Q1", "2023-Q2");
    expect(stray.code).toBe(2);
    expect(stray.err).toContain('"2023-Q2"');
    const strayFile = await bare("validate", "a.csv", "b.csv", "--location", "AB", "--quarter", "2023-Q1");
    expect(strayFile.code).toBe(2);
    expect(strayFile.err).toContain('"b.csv"');
  });

  it("figures takes the same range options as report: --from/--to, and --quarter for one quarter", async () => {
    const range = await cli("figures", "--from", "2023-Q1", "--to", "2023-Q2", "--json");
    expect(range.code, range.err).toBe(0);
    const m = JSON.parse(range.out) as FiguresModel;
    expect([m.from, m.to]).toEqual(["2023-Q1", "2023-Q2"]);
    const both = await cli("figures", "--from", "2023-Q1", "--quarter", "2023-Q1");
    expect(both.code).toBe(2);
    expect(both.err).toContain("--quarter");
    const noStart = await cli("figures", "--to", "2023-Q2");
    expect(noStart.code).toBe(2);
    expect(noStart.err).toContain("--from");
  });

  it("says 1 regel for one occupancy row", async () => {
    const res = await cli(
      "occupancy",
      file("bezetting-1.csv", "Locatie;Maand;Gemiddelde bezetting\nAB;2023-01;10,5\n"),
    );
    expect(res.code).toBe(0);
    expect(res.out).toContain("1 regel ");
    expect(res.out).not.toContain("1 regels");
  });

  it("the verdict header never shows (unknown), a question mark or 1 rijen", async () => {
    for (const [name, content] of [
      ["ruis.csv", Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)],
      ["leeg.csv", new Uint8Array()],
      ["brief.pdf", "%PDF-1.4\n%âãÏÓ\n1 0 obj\n"],
    ] as const) {
      const res = await cli("validate", file(name, content), "--location", "AB", "--quarter", "2023-Q1");
      expect(res.code, name).toBe(1);
      const header = res.out.split("\n").slice(0, 2).join("\n");
      expect(header, name).not.toMatch(/\?|unknown|scheidingsteken ""/);
    }
    const one = await cli(
      "validate",
      file("een.csv", csvText([["AB0001", "10.01.2023", "14:00", "", "", "", "15", ""]])),
      "--location",
      "AB",
      "--quarter",
      "2023-Q1",
    );
    expect(one.out).toContain("1 rij gelezen");
  });
});
describe("the facilitator sees who is missing or rejected, and an unknown location leaves no trace", () => {
  let data = "";
  const cfg = async (...args: string[]) => {
    const c = captureIo({});
    const code = await run([...args, "--data-dir", data], c.io);
    return { code, out: c.out(), err: c.err() };
  };
  beforeAll(async () => {
    data = join(dir, "met-config");
    mkdirSync(join(data, "config"), { recursive: true });
    writeFileSync(
      join(data, "config", "locations.json"),
      JSON.stringify([
        { code: "AB", name: "De Eik", emails: [] },
        { code: "CD", name: "Het Veld", emails: [] },
        { code: "EF", name: "De Beek", emails: [] },
      ]),
    );
    const ok = file("m-ab.csv", csvText([["AB0001", "01.08.2023", "10:00", "", "", "", "16", "1"]]));
    const bad = file("m-cd.csv", csvText([["CD0001", "01.08.2023", "10:00", "", "", "", "99", "1"]]));
    expect((await cfg("deliver", ok, "--location", "AB", "--quarter", "2023-Q3")).code).toBe(0);
    expect((await cfg("deliver", bad, "--location", "CD", "--quarter", "2023-Q3")).code).toBe(1);
  }, 60_000);

  it("figures names the missing locations, and says which of them were rejected", async () => {
    const res = await cfg("figures", "--quarter", "2023-Q3");
    expect(res.code, res.err).toBe(0);
    expect(res.out).toContain("2 ontbrekend");
    expect(res.out).toMatch(/Ontbreekt 2023-Q3: CD \(afgewezen\), EF/);
    expect(res.out).toContain("Maatregelen: 1, bij 1 unieke jongere.");
  });

  it("deliveries names the locations without a delivery and the rejected ones", async () => {
    const res = await cfg("deliveries", "--quarter", "2023-Q3");
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(/Geen geaccepteerde levering 2023-Q3: CD \(afgewezen\), EF/);
  });

  it("deliver --location ZZ for a code not in the config is refused before anything is stored", async () => {
    const before = listAll(data);
    const res = await cfg(
      "deliver",
      file("m-zz.csv", csvText([])),
      "--location",
      "ZZ",
      "--quarter",
      "2023-Q3",
    );
    expect(res.code).toBe(2);
    expect(res.err).toContain("ZZ");
    expect(res.err).toContain("locations.json");
    expect(res.err.split("\n")).toHaveLength(1);
    const after = listAll(data);
    expect(after.filter((p) => p.includes("ZZ"))).toEqual([]);
    expect(after).toEqual(before);
  });
});

function listAll(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" }).sort();
}
