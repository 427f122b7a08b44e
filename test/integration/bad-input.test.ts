import { zipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { createFolderStore } from "../../functions/adapters/local/folder-store.ts";
import { createHmacPseudonymiser } from "../../functions/adapters/local/hmac-pseudonymiser.ts";
import { ingestDropZoneObject } from "../../functions/core/ingest.ts";
import { defaultReadLimits } from "../../functions/core/read/types.ts";
import { validateDelivery } from "../../functions/core/validate/delivery.ts";
import { validateOccupancy } from "../../functions/core/validate/occupancy.ts";
import type { Ports } from "../../functions/ports.ts";
import { type FindingCode, findingCodes, type ValidationReport } from "../../schemas/report.ts";
import { csvBytes, csvText, HEADER, tempDir } from "../helpers.ts";

/**
 * Every finding code is produced at least once by real input, through the public functions,
 * and every message is a complete Dutch sentence (no "undefined", no object dumps).
 */
const seen = new Set<FindingCode>();
const t = tempDir("vbm-bad-");
afterAll(() => t.cleanup());

const ctx = { location: "AB", quarter: "2023-Q1", scope: "all" as const, fileName: "ab.csv" };
const row = (over: Record<number, string> = {}) => {
  const r = ["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "", "3", "1"];
  for (const [i, v] of Object.entries(over)) r[Number(i)] = v;
  return r;
};
const enc = (s: string) => new TextEncoder().encode(s);

function check(report: ValidationReport, code: FindingCode) {
  expect(report.summary.map((s) => s.code)).toContain(code);
  for (const f of report.findings) {
    seen.add(f.code);
    expect(f.message).not.toMatch(/undefined|NaN|\[object|null/);
    expect(f.message.length).toBeGreaterThan(20);
  }
  const listed = report.findings.find((f) => f.code === code);
  expect(listed).toBeDefined();
  return listed;
}

const delivery = (bytes: Uint8Array, over: Partial<Parameters<typeof validateDelivery>[1]> = {}) =>
  validateDelivery(bytes, { ...ctx, ...over }).then((v) => v.report);

const ports = (): Ports => ({
  store: createFolderStore(t.dir),
  pseudonymiser: createHmacPseudonymiser(new Uint8Array(32)),
  clock: { now: () => new Date("2023-04-03T08:00:00Z") },
  logger: { info() {}, warn() {}, error() {} },
});

describe("every finding code from real input", () => {
  it.each<[FindingCode, () => Promise<ValidationReport>]>([
    [
      "file-too-large",
      () => delivery(csvBytes([row()]), { limits: { ...defaultReadLimits, maxBytes: 100 } }),
    ],
    ["file-empty", () => delivery(new Uint8Array())],
    ["file-unreadable", () => delivery(Uint8Array.from({ length: 2048 }, (_, i) => (i * 131) % 256))],
    ["csv-malformed", () => delivery(enc(`${HEADER.join(";")}\r\nAB0001;10.01.2023;14:00;;;"open;15;\r\n`))],
    ["xlsx-invalid", () => delivery(enc("geen zip"), { fileName: "ab.xlsx" })],
    [
      "xlsx-too-large",
      () =>
        delivery(zipSync({ "xl/worksheets/sheet1.xml": new Uint8Array(2_000_000) }), {
          fileName: "bom.xlsx",
          limits: { ...defaultReadLimits, maxUncompressedBytes: 100_000 },
        }),
    ],
    [
      "unsupported-format",
      () =>
        delivery(enc("<html><body><table><tr><td>Nummer jongere</td></tr></table></body></html>"), {
          fileName: "ab.xls",
        }),
    ],
    ["missing-column", () => delivery(enc(`${HEADER.slice(1).join(";")}\r\n`))],
    ["duplicate-column", () => delivery(enc(`${[...HEADER, "Type VBM"].join(";")}\r\n`))],
    ["extra-column", () => delivery(enc(`${[...HEADER, "Afdeling"].join(";")}\r\n`))],
    ["row-field-count", () => delivery(enc(`${HEADER.join(";")}\r\n${[...row(), "extra"].join(";")}\r\n`))],
    ["missing-value", () => delivery(csvBytes([row({ 6: "" })]))],
    ["invalid-date", () => delivery(csvBytes([row({ 3: "2023/13/45" })]))],
    ["invalid-time", () => delivery(csvBytes([row({ 4: "14u30" })]))],
    ["end-incomplete", () => delivery(csvBytes([row({ 4: "" })]))],
    ["end-before-start", () => delivery(csvBytes([row({ 3: "09.01.2023" })]))],
    ["unknown-type", () => delivery(csvBytes([row({ 6: "zes" })]))],
    ["invalid-care-plan", () => delivery(csvBytes([row({ 7: "3" })]))],
    ["invalid-youth-number", () => delivery(csvBytes([row({ 0: "AB-0001" })]))],
    ["youth-number-other-location", () => delivery(csvBytes([row({ 0: "ZZ0001" })]))],
    ["start-outside-quarter", () => delivery(csvBytes([row({ 1: "31.12.2022", 3: "10.01.2023" })]))],
    ["type-outside-scope", () => delivery(csvBytes([row()]), { scope: "seclusion" })],
    ["duplicate-row", () => delivery(csvBytes([row(), row()]))],
    ["duration-over-24h", () => delivery(csvBytes([row({ 3: "20.01.2023" })]))],
    ["end-on-point-in-time", () => delivery(csvBytes([row({ 6: "16" })]))],
    [
      "bad-drop-key",
      async () => {
        const p = ports();
        await p.store.put("dropzone", "AB/export.csv", csvBytes([row()]));
        return (await ingestDropZoneObject(p, { key: "AB/export.csv", version: "1", receivedAt: new Date() }))
          .report as ValidationReport;
      },
    ],
    [
      "unknown-location",
      async () => {
        const p = ports();
        await p.store.put("dropzone", "AB/2023-Q1/all/export.csv", csvBytes([row()]));
        const ev = { key: "AB/2023-Q1/all/export.csv", version: "1", receivedAt: new Date() };
        return (await ingestDropZoneObject(p, ev, { locations: ["CD"] })).report as ValidationReport;
      },
    ],
    [
      "invalid-month",
      async () =>
        (
          await validateOccupancy(enc("Locatie;Maand;Gemiddelde bezetting\nAB;januari;10\n"), {
            fileName: "b.csv",
          })
        ).report,
    ],
    [
      "invalid-number",
      async () =>
        (
          await validateOccupancy(enc("Locatie;Maand;Gemiddelde bezetting\nAB;2023-01;tien\n"), {
            fileName: "b.csv",
          })
        ).report,
    ],
    [
      "duplicate-month",
      async () =>
        (
          await validateOccupancy(enc("Locatie;Maand;Gemiddelde bezetting\nAB;2023-01;10\nAB;2023-01;11\n"), {
            fileName: "b.csv",
          })
        ).report,
    ],
  ])("%s", async (code, make) => {
    const report = await make();
    check(report, code);
    // Errors reject, warnings alone do not.
    const severity = report.summary.find((s) => s.code === code)?.severity;
    if (severity === "error") expect(report.valid).toBe(false);
  });

  it("an HTML table saved as .xls gets one finding that names it, not a missing-column finding per column", async () => {
    const html = `<!DOCTYPE html>\n<html><body><table><tr>${HEADER.map((h) => `<th>${h}</th>`).join("")}</tr></table></body></html>`;
    const report = await delivery(enc(html), { fileName: "ab.xls" });
    expect(report.file.format).toBe("unknown");
    expect(report.findings).toEqual([
      expect.objectContaining({ code: "unsupported-format", severity: "error", row: null, column: null }),
    ]);
    expect(report.findings[0]?.message).toContain("webpagina (een HTML-tabel)");
  });

  it("occupancy: unknown location codes are refused when the locations are known", async () => {
    const { report } = await validateOccupancy(enc("Locatie;Maand;Gemiddelde bezetting\nXY;2023-01;10\n"), {
      fileName: "b.csv",
      locations: ["AB"],
    });
    check(report, "unknown-location");
  });

  it("a warning-only file is accepted", async () => {
    const report = await delivery(
      csvBytes([row({ 3: "20.01.2023" }), row({ 6: "16", 2: "15:00", 4: "15:10" })]),
    );
    expect(report.valid).toBe(true);
    expect(report.stats).toMatchObject({ errors: 0, warnings: 2 });
  });

  it("covers every finding code", () => {
    expect([...seen].sort()).toEqual([...findingCodes].sort());
  });
});

describe("odd but valid CSV", () => {
  it("reads quoted fields with separators, quotes and line breaks, and keeps Excel row numbers", async () => {
    const text = csvText([
      row({ 5: 'Zei "nee"; liep weg\nen sloeg de deur dicht' }),
      row({ 2: "15:00", 4: "15:10", 6: "31" }),
    ]);
    const v = await validateDelivery(enc(text), ctx);
    // The multi-line field is one Excel row: the bad type is on row 3.
    expect(v.report.findings[0]).toMatchObject({ code: "unknown-type", row: 3, value: "31" });
  });

  it("reads a CRLF export with LF rows appended", async () => {
    const appended = [row({ 2: "15:00", 4: "15:10" }), row({ 2: "16:00", 4: "16:10", 6: "31" })];
    const text = csvText([row()]) + appended.map((r) => `${r.join(";")}\n`).join("");
    const v = await validateDelivery(enc(text), ctx);
    expect(v.report.findings).toEqual([
      expect.objectContaining({ code: "unknown-type", row: 4, value: "31" }),
    ]);
  });

  it("honours Excel's sep=; line and keeps Excel's row numbers (the hint line is hidden there)", async () => {
    const text = `\ufeffsep=;\r\n${csvText([row(), row({ 2: "15:00", 4: "15:10", 6: "31" })])}`;
    const v = await validateDelivery(enc(text), ctx);
    expect(v.report.file.delimiter).toBe(";");
    expect(v.report.findings).toEqual([
      expect.objectContaining({ code: "unknown-type", row: 3, value: "31" }),
    ]);
  });

  it("reads comma-separated LF files", async () => {
    const v = await validateDelivery(enc(csvText([row()], { sep: ",", eol: "\n" })), ctx);
    expect(v.report.valid).toBe(true);
    expect(v.report.file.delimiter).toBe(",");
  });
});
