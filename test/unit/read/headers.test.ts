import { describe, expect, it } from "vitest";
import { matchHeaders, normaliseHeader } from "../../../functions/core/read/headers.ts";
import { codebookByVersion } from "../../../schemas/codebook.ts";
import { occupancyHeaders } from "../../../schemas/occupancy.ts";

const columns = codebookByVersion("2023")?.columns ?? [];

describe("normaliseHeader", () => {
  it("lowercases, strips diacritics, turns _ - . into spaces and collapses whitespace", () => {
    // Act
    const out = ["NUMMER_JONGERE", " datum  start ", "Type-VBM", "Cliënt.nr", "Tijd\u00a0\tstart"].map(
      normaliseHeader,
    );

    // Assess
    expect(out).toEqual(["nummer jongere", "datum start", "type vbm", "client nr", "tijd start"]);
  });
});

describe("matchHeaders", () => {
  it("matches codebook columns by header or alias, tolerant of case, spacing and underscores", () => {
    // Prepare
    const header = [
      "NUMMER_JONGERE",
      " datum  start ",
      "Starttijd",
      "Datum eind",
      "Tijd-eind",
      "Aanleiding",
      "Type VBM",
      "HVP",
    ];

    // Act
    const match = matchHeaders(header, columns);

    // Assess
    expect([...match.index]).toEqual([
      ["youthNumber", 0],
      ["startDate", 1],
      ["startTime", 2],
      ["endDate", 3],
      ["endTime", 4],
      ["reason", 5],
      ["type", 6],
      ["carePlan", 7],
    ]);
    expect(match.missing).toEqual([]);
    expect(match.extra).toEqual([]);
    expect(match.duplicates).toEqual([]);
  });

  it("reports missing, extra and duplicate columns", () => {
    // Prepare
    const header = ["Nummer jongere", "Datum start", "Opmerking", "Tijd start", "startdatum", "", "Type"];

    // Act
    const match = matchHeaders(header, columns);

    // Assess
    expect(match.index.get("startDate")).toBe(1);
    expect(match.index.get("type")).toBe(6);
    expect(match.duplicates).toEqual([{ id: "startDate", header: "Datum start", indexes: [1, 4] }]);
    expect(match.extra).toEqual([
      { index: 2, header: "Opmerking" },
      { index: 5, header: "" },
    ]);
    expect(match.missing).toEqual([
      { id: "endDate", header: "Datum eind" },
      { id: "endTime", header: "Tijd eind" },
      { id: "reason", header: "Aanleiding" },
      { id: "carePlan", header: "Hulpverleningsplan" },
    ]);
  });

  it("does not report optional columns as missing", () => {
    // Prepare
    const optional = [
      { id: "a", header: "A", aliases: [] },
      { id: "b", header: "B", aliases: ["bee"], required: false },
    ];

    // Act
    const match = matchHeaders(["a"], optional);

    // Assess
    expect(match.missing).toEqual([]);
    expect(match.index.has("b")).toBe(false);
  });

  it("matches occupancy columns", () => {
    // Act
    const match = matchHeaders(["locatiecode", "MAAND", "Gemiddelde_bezetting"], occupancyHeaders);

    // Assess
    expect(Object.fromEntries(match.index)).toEqual({ location: 0, month: 1, occupancy: 2 });
    expect(match.missing).toEqual([]);
  });
});
