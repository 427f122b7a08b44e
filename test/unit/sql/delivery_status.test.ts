import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attempt, makeCuratedDir, removeDir, runQuery, writeLog } from "./fixtures.ts";

let dir: string;
beforeAll(() => {
  dir = makeCuratedDir();
  // AB 2023-Q1: a later accepted seclusion-only delivery replaces the earlier all-types one;
  // an even later rejected attempt changes nothing.
  writeLog(dir, {
    attempt_id: attempt(1),
    location: "AB",
    quarter: "2023-Q1",
    status: "accepted",
    scope: "all",
    rows: 10,
    processed_at: "2023-04-02T10:00:00.000Z",
  });
  writeLog(dir, {
    attempt_id: attempt(2),
    location: "AB",
    quarter: "2023-Q1",
    status: "accepted",
    scope: "seclusion",
    rows: 4,
    processed_at: "2023-04-05T09:00:00.000Z",
  });
  writeLog(dir, {
    attempt_id: attempt(3),
    location: "AB",
    quarter: "2023-Q1",
    status: "rejected",
    processed_at: "2023-04-06T09:00:00.000Z",
  });
  // AB 2023-Q2: two accepted attempts processed at the same moment: the higher attempt id wins.
  writeLog(dir, {
    attempt_id: attempt(5),
    location: "AB",
    quarter: "2023-Q2",
    status: "accepted",
    rows: 8,
    processed_at: "2023-07-01T08:00:00.000Z",
  });
  writeLog(dir, {
    attempt_id: attempt(4),
    location: "AB",
    quarter: "2023-Q2",
    status: "accepted",
    rows: 7,
    processed_at: "2023-07-01T08:00:00.000Z",
  });
  // CD 2023-Q1: only rejected -> no row; CD 2023-Q2: a header-only seclusion delivery (0 rows).
  writeLog(dir, {
    attempt_id: attempt(6),
    location: "CD",
    quarter: "2023-Q1",
    status: "rejected",
    processed_at: "2023-04-03T09:00:00.000Z",
  });
  writeLog(dir, {
    attempt_id: attempt(7),
    location: "CD",
    quarter: "2023-Q2",
    status: "accepted",
    scope: "seclusion",
    rows: 0,
    processed_at: "2023-07-03T09:00:00.000Z",
  });
  // EF 2022-Q4: outside the range used below.
  writeLog(dir, {
    attempt_id: attempt(8),
    location: "EF",
    quarter: "2022-Q4",
    status: "accepted",
    rows: 3,
    processed_at: "2023-01-10T09:00:00.000Z",
  });
  // A file that could not be routed.
  writeLog(dir, {
    attempt_id: attempt(9),
    location: "_unrouted",
    quarter: "_",
    status: "rejected",
    processed_at: "2023-05-01T09:00:00.000Z",
  });
});
afterAll(() => removeDir(dir));

const abQ1 = {
  location: "AB",
  quarter: "2023-Q1",
  scope: "seclusion",
  rows: 4,
  attempt_id: attempt(2),
  processed_at: "2023-04-05T09:00:00.000Z",
  codebook_version: "2023",
};
const abQ2 = {
  location: "AB",
  quarter: "2023-Q2",
  scope: "all",
  rows: 8,
  attempt_id: attempt(5),
  processed_at: "2023-07-01T08:00:00.000Z",
  codebook_version: "2023",
};
const cdQ2 = {
  location: "CD",
  quarter: "2023-Q2",
  scope: "seclusion",
  rows: 0,
  attempt_id: attempt(7),
  processed_at: "2023-07-03T09:00:00.000Z",
  codebook_version: "2023",
};

describe("delivery_status.sql", () => {
  it("gives the latest accepted attempt per location and quarter, nationally", async () => {
    expect(
      await runQuery(dir, "delivery_status", { from: "2023-Q1", to: "2023-Q2", location: null }),
    ).toEqual([abQ1, abQ2, cdQ2]);
  });

  it("filters on location and on the quarter range", async () => {
    expect(
      await runQuery(dir, "delivery_status", { from: "2023-Q1", to: "2023-Q2", location: "AB" }),
    ).toEqual([abQ1, abQ2]);
    expect(
      await runQuery(dir, "delivery_status", { from: "2023-Q2", to: "2023-Q2", location: null }),
    ).toEqual([abQ2, cdQ2]);
    expect(
      await runQuery(dir, "delivery_status", { from: "2022-Q1", to: "2022-Q4", location: null }),
    ).toEqual([
      {
        location: "EF",
        quarter: "2022-Q4",
        scope: "all",
        rows: 3,
        attempt_id: attempt(8),
        processed_at: "2023-01-10T09:00:00.000Z",
        codebook_version: "2023",
      },
    ]);
  });

  it("returns no rows without a delivery log", async () => {
    const empty = makeCuratedDir();
    try {
      expect(
        await runQuery(empty, "delivery_status", { from: "2023-Q1", to: "2023-Q4", location: null }),
      ).toEqual([]);
    } finally {
      removeDir(empty);
    }
  });
});
