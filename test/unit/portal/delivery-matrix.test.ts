import { describe, expect, it } from "vitest";
import { toCurrentDelivery } from "../../../functions/core/current.ts";
import {
  amsterdamDate,
  buildDeliveryMatrix,
  deliveryDeadline,
  filterMatrix,
  matrixCsv,
} from "../../../functions/core/delivery-matrix.ts";
import type { DeliveryLogEntry } from "../../../schemas/curated.ts";

let n = 0;
function entry(
  over: Partial<DeliveryLogEntry> & Pick<DeliveryLogEntry, "location" | "quarter">,
): DeliveryLogEntry {
  n += 1;
  const accepted = (over.status ?? "accepted") === "accepted";
  return {
    attempt_id: n.toString(16).padStart(20, "0"),
    received_at: "2023-10-05 10:00:00.000",
    sequencer: null,
    processed_at: "2023-10-05 10:00:01.000",
    scope: "all",
    source_key: `${over.location}/${over.quarter}/all/f.csv`,
    file_name: "f.csv",
    file_sha256: "0".repeat(64),
    file_bytes: 10,
    rows: 5,
    status: "accepted",
    errors: 0,
    warnings: 0,
    codebook_version: "2023",
    pseudonym_key_version: "k1",
    report_key: `${over.location}/${over.quarter}/${n}.json`,
    curated_key: accepted ? `measures/x/${n}.parquet` : null,
    quarantine_key: accepted ? null : `q/${n}`,
    ...over,
  };
}

const locations = [
  { code: "AB", name: "De Eik" },
  { code: "CD", name: "Het Veld" },
  { code: "EF", name: "De Beek" },
  { code: "GH", name: "De Hei" },
  { code: "IJ", name: "Het Bos" },
];

describe("delivery deadline", () => {
  it("is the quarter's last day plus the deadline days, as an Amsterdam date", () => {
    expect(deliveryDeadline("2023-Q3", 30)).toBe("2023-10-30");
    expect(deliveryDeadline("2023-Q4", 30)).toBe("2024-01-30");
    expect(deliveryDeadline("2024-Q1", 0)).toBe("2024-03-31");
  });
  it("reads log times as UTC and gives the Amsterdam date", () => {
    expect(amsterdamDate("2023-10-30 22:30:00.000")).toBe("2023-10-30"); // winter time: 23:30
    expect(amsterdamDate("2023-10-28 22:30:00.000")).toBe("2023-10-29"); // summer time: 00:30
  });
});

describe("buildDeliveryMatrix", () => {
  const rejectedOld = entry({
    location: "EF",
    quarter: "2023-Q3",
    status: "rejected",
    errors: 2,
    received_at: "2023-10-02 09:00:00.000",
  });
  const rejectedNew = entry({
    location: "EF",
    quarter: "2023-Q3",
    status: "rejected",
    errors: 1,
    file_name: "ef-2.csv",
    received_at: "2023-10-03 09:00:00.000",
  });
  const abFirst = entry({
    location: "AB",
    quarter: "2023-Q3",
    file_name: "ab-1.csv",
    received_at: "2023-10-01 08:00:00.000",
  });
  const abRejected = entry({
    location: "AB",
    quarter: "2023-Q3",
    status: "rejected",
    errors: 1,
    received_at: "2023-10-02 08:00:00.000",
  });
  const abSecond = entry({
    location: "AB",
    quarter: "2023-Q3",
    file_name: "ab-2.csv",
    rows: 7,
    received_at: "2023-11-15 08:00:00.000",
  });
  const gh = entry({ location: "GH", quarter: "2023-Q3", rows: 0 });
  const ij = entry({ location: "IJ", quarter: "2023-Q3", scope: "seclusion", rows: 3 });
  const other = entry({ location: "ZZ", quarter: "2023-Q3" });
  const log = [rejectedOld, abFirst, rejectedNew, abRejected, abSecond, gh, ij, other];
  const current = [abSecond, gh, ij, other].map(toCurrentDelivery);
  const build = (now: string) =>
    buildDeliveryMatrix({
      log,
      current,
      locations,
      quarters: ["2023-Q3", "2023-Q4"],
      deadlineDays: 30,
      now: new Date(now),
      errorTitles: new Map([
        [rejectedNew.attempt_id, ["Datum klopt niet"]],
        [rejectedOld.attempt_id, ["Kolom ontbreekt"]],
      ]),
    });

  it("gives every location a status per quarter, with the attempts newest first", () => {
    const m = build("2023-10-20T12:00:00Z");
    expect(m.quarters).toEqual(["2023-Q3", "2023-Q4"]);
    const q3 = Object.fromEntries(m.rows.map((r) => [r.location, r.cells[0]]));
    expect(q3.AB?.status).toBe("geleverd");
    expect(q3.AB?.rows).toBe(7);
    expect(q3.AB?.attempts.map((a) => [a.fileName, a.status, a.current])).toEqual([
      ["ab-2.csv", "accepted", true],
      ["f.csv", "rejected", false],
      ["ab-1.csv", "accepted", false],
    ]);
    expect(q3.CD?.status).toBe("ontbreekt");
    expect(q3.CD?.attempts).toEqual([]);
    expect(q3.EF?.status).toBe("afgewezen");
    expect(q3.EF?.errorTitles).toEqual(["Datum klopt niet"]);
    expect(q3.GH?.status).toBe("nullevering");
    expect(q3.IJ?.status).toBe("alleen afzonderen");
    // A location in the log but not in the config still shows, under its code.
    expect(q3.ZZ?.status).toBe("geleverd");
    expect(m.rows.map((r) => r.location)).toEqual(["AB", "CD", "EF", "GH", "IJ", "ZZ"]);
  });

  it("marks a missing delivery late after the deadline, and a delivery that came after it", () => {
    const before = build("2023-10-30T20:00:00Z");
    expect(before.rows.find((r) => r.location === "CD")?.cells[0]?.status).toBe("ontbreekt");
    const after = build("2023-10-31T00:30:00Z"); // 01:30 in Amsterdam on the 31st
    const cd = after.rows.find((r) => r.location === "CD");
    expect(cd?.cells[0]?.status).toBe("te laat");
    // 2023-Q4 is still running: nothing is due yet, so it is not "ontbreekt".
    expect(cd?.cells[1]?.status).toBe("loopt nog");
    expect(after.rows.find((r) => r.location === "AB")?.cells[0]?.deliveredLate).toBe(true);
    expect(after.rows.find((r) => r.location === "GH")?.cells[0]?.deliveredLate).toBe(false);
    // From the first Amsterdam day after the quarter it is due (and missing).
    const lastDay = build("2023-12-31T22:30:00Z"); // 23:30 on 31 December in Amsterdam
    expect(lastDay.rows.find((r) => r.location === "CD")?.cells[1]?.status).toBe("loopt nog");
    const ended = build("2023-12-31T23:30:00Z"); // 00:30 on 1 January in Amsterdam
    expect(ended.rows.find((r) => r.location === "CD")?.cells[1]?.status).toBe("ontbreekt");
    // A rejected-only cell stays "afgewezen" after the deadline.
    expect(after.rows.find((r) => r.location === "EF")?.cells[0]?.status).toBe("afgewezen");
  });

  it("filters locations by status and writes CSV for Dutch Excel", () => {
    const m = filterMatrix(build("2023-10-20T12:00:00Z"), "afgewezen");
    expect(m.rows.map((r) => r.location)).toEqual(["EF"]);
    const csv = matrixCsv(m);
    expect(csv.startsWith("\uFEFFLocatie;Naam;Kwartaal;Status;")).toBe(true);
    const lines = csv.slice(1).trimEnd().split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe("EF;De Beek;2023-Q3;afgewezen;2023-10-30;nee;;2;Datum klopt niet");
    expect(lines[2]).toBe("EF;De Beek;2023-Q4;loopt nog;2024-01-30;nee;;0;");
  });

  it("makes a cell Excel would read as a formula plain text", () => {
    const csv = matrixCsv(
      buildDeliveryMatrix({
        log: [],
        current: [],
        locations: [{ code: "AB", name: "=1+1" }],
        quarters: ["2023-Q3"],
        deadlineDays: 30,
        now: new Date("2023-10-01T00:00:00Z"),
      }),
    );
    expect(csv).toContain("AB;'=1+1;2023-Q3;ontbreekt");
  });
});
