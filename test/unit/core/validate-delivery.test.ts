import { describe, expect, it } from "vitest";
import { validateDelivery } from "../../../functions/core/validate/delivery.ts";
import type { FindingCode } from "../../../schemas/report.ts";
import { csvBytes, HEADER } from "../../helpers.ts";

const ctx = { location: "AB", quarter: "2023-Q1", scope: "all" as const, fileName: "ab.csv" };
const ok = (over: Partial<Record<number, string>> = {}) => {
  const row = ["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "Conflict in de groep", "3", "1"];
  for (const [i, v] of Object.entries(over)) row[Number(i)] = v as string;
  return row;
};
const codesOf = (r: { summary: { code: FindingCode; count: number }[] }) =>
  Object.fromEntries(r.summary.map((s) => [s.code, s.count]));

describe("validateDelivery", () => {
  it("accepts a correct file and returns its measures with DST-correct durations", async () => {
    // Prepare
    const bytes = csvBytes([
      ok(),
      ["AB0002", "26.03.2023", "01:30", "26.03.2023", "03:30", "", "10", ""],
      ["ab0001", "11.01.2023", "09:00", "", "", "Kamercontrole", "18", "2"],
    ]);
    // Act
    const { report, measures } = await validateDelivery(bytes, ctx);
    // Assess
    expect(report.valid).toBe(true);
    expect(report.stats).toEqual({ rows: 3, errors: 0, warnings: 0, zeroDelivery: false });
    expect(report.codebookVersion).toBe("2023");
    expect(measures?.count).toBe(3);
    expect(measures?.youthNumbers).toEqual(["AB0001", "AB0002"]);
    expect([...(measures?.youthIndex ?? [])]).toEqual([0, 1, 0]);
    expect([...(measures?.durationMin ?? [])]).toEqual([30, 60, -1]);
    expect([...(measures?.carePlan ?? [])]).toEqual([1, 0, 2]);
    expect([...(measures?.hasReason ?? [])]).toEqual([1, 0, 1]);
    expect([...(measures?.sourceRow ?? [])]).toEqual([2, 3, 4]);
  });

  it("treats a header-only file as a valid zero delivery and a 0-byte file as empty", async () => {
    const zero = await validateDelivery(csvBytes([]), ctx);
    expect(zero.report.valid).toBe(true);
    expect(zero.report.stats.zeroDelivery).toBe(true);
    expect(zero.measures?.count).toBe(0);

    const empty = await validateDelivery(new Uint8Array(), ctx);
    expect(empty.report.valid).toBe(false);
    expect(codesOf(empty.report)).toEqual({ "file-empty": 1 });
  });

  it("reports missing, duplicate and extra columns at file level, with the header row", async () => {
    const header = [...HEADER.filter((h) => h !== "Type VBM"), "Datum start", "Opmerking"];
    const { report } = await validateDelivery(csvBytes([], { header }), ctx);
    expect(report.valid).toBe(false);
    expect(codesOf(report)).toEqual({ "missing-column": 1, "duplicate-column": 1, "extra-column": 1 });
    const missing = report.findings.find((f) => f.code === "missing-column");
    expect(missing).toMatchObject({ row: 1, column: "Type VBM", severity: "error" });
    expect(report.findings.find((f) => f.code === "extra-column")?.severity).toBe("warning");
  });

  it("matches headers tolerantly (case, spaces, underscores)", async () => {
    const header = [
      "NUMMER_JONGERE",
      " datum  start ",
      "tijd_start",
      "Datum Eind",
      "TIJD EIND",
      "aanleiding",
      "type vbm",
      "Hulpverleningsplan",
    ];
    const { report } = await validateDelivery(csvBytes([ok()], { header }), ctx);
    expect(report.valid).toBe(true);
  });

  it("finds every row-level mistake, with Excel row numbers, column, value and a Dutch fix", async () => {
    const rows = [
      ok({ 1: "31.02.2023" }), // row 2 invalid-date
      ok({ 2: "25:00" }), // row 3 invalid-time
      ok({ 3: "" }), // row 4 end-incomplete (end time without end date)
      ok({ 4: "13:00" }), // row 5 end-before-start
      ok({ 6: "23" }), // row 6 unknown-type
      ok({ 7: "ja" }), // row 7 invalid-care-plan
      ok({ 0: "AB12" }), // row 8 invalid-youth-number
      ok({ 0: "CD0001" }), // row 9 youth-number-other-location
      ok({ 1: "02.04.2023", 3: "02.04.2023" }), // row 10 start-outside-quarter
      ok({ 0: "" }), // row 11 missing-value
      ok({ 1: "12.01.2023", 3: "13.01.2023", 4: "15:00" }), // row 12 duration-over-24h (warning)
      ok({ 6: "15" }), // row 13 end-on-point-in-time (warning)
      ok(), // row 14 duplicate of nothing yet (first copy)
      ok(), // row 15 duplicate-row of 14
    ];
    const { report, measures } = await validateDelivery(csvBytes(rows), ctx);
    expect(report.valid).toBe(false);
    expect(measures).toBeUndefined();
    expect(codesOf(report)).toEqual({
      "invalid-date": 1,
      "invalid-time": 1,
      "end-incomplete": 1,
      "end-before-start": 1,
      "unknown-type": 1,
      "invalid-care-plan": 1,
      "invalid-youth-number": 1,
      "youth-number-other-location": 1,
      "start-outside-quarter": 1,
      "missing-value": 1,
      "duplicate-row": 1,
      "duration-over-24h": 1,
      "end-on-point-in-time": 1,
    });
    const at = (code: FindingCode) => report.findings.find((f) => f.code === code);
    expect(at("invalid-date")).toMatchObject({ row: 2, column: "Datum start", value: "31.02.2023" });
    expect(at("invalid-time")).toMatchObject({ row: 3, column: "Tijd start", value: "25:00" });
    expect(at("end-incomplete")).toMatchObject({ row: 4, column: "Datum eind" });
    expect(at("end-before-start")?.row).toBe(5);
    expect(at("unknown-type")).toMatchObject({ row: 6, column: "Type VBM", value: "23" });
    expect(at("invalid-care-plan")).toMatchObject({ row: 7, value: "ja" });
    expect(at("invalid-youth-number")).toMatchObject({ row: 8, value: "AB12" });
    expect(at("youth-number-other-location")).toMatchObject({ row: 9, value: "CD0001" });
    expect(at("youth-number-other-location")?.message).toContain("eigen locatie");
    expect(at("start-outside-quarter")).toMatchObject({ row: 10, value: "02.04.2023" });
    expect(at("missing-value")).toMatchObject({ row: 11, column: "Nummer jongere" });
    expect(at("duration-over-24h")).toMatchObject({ row: 12, severity: "warning" });
    expect(at("end-on-point-in-time")).toMatchObject({ row: 13, severity: "warning" });
    expect(at("duplicate-row")).toMatchObject({ row: 15 });
    expect(at("duplicate-row")?.message).toContain("rij 14");
    expect(report.stats).toMatchObject({ rows: 14, errors: 11, warnings: 2 });
    for (const f of report.findings) expect(f.message).toMatch(/^Rij \d+[: ]/);
  });

  it("rejects non-seclusion types in a seclusion-only delivery", async () => {
    const { report } = await validateDelivery(csvBytes([ok({ 6: "10" }), ok({ 6: "3" })]), {
      ...ctx,
      scope: "seclusion",
    });
    expect(codesOf(report)).toEqual({ "type-outside-scope": 1 });
    expect(report.findings[0]).toMatchObject({ row: 3, value: "3" });
  });

  it("keeps exact counts but caps the listed examples per code", async () => {
    const rows = Array.from({ length: 120 }, (_, i) =>
      ok({
        1: "31.02.2023",
        2: `10:${String(i % 60).padStart(2, "0")}`,
        0: `AB${String(i).padStart(4, "0")}`,
      }),
    );
    const { report } = await validateDelivery(csvBytes(rows), { ...ctx, examplesPerCode: 10 });
    expect(report.summary).toEqual([
      { code: "invalid-date", severity: "error", count: 120, title: "Ongeldige datum" },
    ]);
    expect(report.findings).toHaveLength(10);
    expect(report.truncated).toBe(true);
  });
});

describe("a file delivered for the wrong quarter or location", () => {
  const rowsOf = (youth: string[], dates: string[]) =>
    youth.map((y, i) => [y, dates[i] as string, "14:00", dates[i] as string, "14:30", "", "3", "1"]);

  it("says once that the file looks like another quarter's, instead of one finding per row", async () => {
    // Prepare: six measures of 2023-Q1 (one of them in the last days of 2022-Q4), delivered as 2023-Q3
    const dates = ["10.01.2023", "11.01.2023", "02.02.2023", "03.03.2023", "30.03.2023", "30.12.2022"];
    const bytes = csvBytes(rowsOf(["AB0001", "AB0002", "AB0001", "AB0003", "AB0001", "AB0002"], dates));
    // Act
    const { report } = await validateDelivery(bytes, { ...ctx, quarter: "2023-Q3" });
    // Assess
    expect(report.valid).toBe(false);
    expect(codesOf(report)).toEqual({ "start-outside-quarter": 1 });
    expect(report.stats.errors).toBe(1);
    const finding = report.findings[0];
    expect(finding?.row).toBeNull();
    expect(finding?.message).toContain("Alle 6 maatregelen in dit bestand beginnen buiten 2023-Q3");
    expect(finding?.message).toContain("dit bestand lijkt van kwartaal 2023-Q1 te zijn");
  });

  it("keeps one finding per row when only some rows fall outside the quarter", async () => {
    const dates = ["10.01.2023", "11.01.2023", "02.07.2023"];
    const { report } = await validateDelivery(csvBytes(rowsOf(["AB0001", "AB0002", "AB0003"], dates)), ctx);
    expect(codesOf(report)).toEqual({ "start-outside-quarter": 1 });
    expect(report.findings[0]?.row).toBe(4);
  });

  it("says once that the file looks like another location's", async () => {
    const dates = ["10.01.2023", "11.01.2023", "12.01.2023", "13.01.2023"];
    const { report } = await validateDelivery(
      csvBytes(rowsOf(["CD0001", "CD0002", "CD0001", "CD0004"], dates)),
      ctx,
    );
    expect(codesOf(report)).toEqual({ "youth-number-other-location": 1 });
    const finding = report.findings[0];
    expect(finding?.row).toBeNull();
    expect(finding?.message).toContain("Alle 4 nummers van jongeren in dit bestand horen bij locatie CD");
    expect(finding?.message).toContain("dit bestand lijkt van locatie CD te zijn");
  });
});
