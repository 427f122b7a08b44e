import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDuckDbEngine } from "../../../functions/adapters/local/duckdb-engine.ts";
import { attempt, makeCuratedDir, removeDir, writeLog, writeMeasures, writeOccupancy } from "./fixtures.ts";

const dirs: string[] = [];
function dir(): string {
  const d = makeCuratedDir();
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

describe("createDuckDbEngine", () => {
  it("exposes empty tables with the contract's column types when no files exist", async () => {
    const engine = await createDuckDbEngine({ curatedDir: dir() });
    try {
      expect(engine.dialect).toBe("duckdb");
      for (const table of ["measures", "delivery_log", "occupancy"]) {
        expect(await engine.query(`SELECT count(*) AS n FROM ${table}`)).toEqual([{ n: 0 }]);
      }
      const types = await engine.query(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'measures' ORDER BY ordinal_position",
      );
      expect(types.map((r) => `${r.column_name} ${r.data_type}`)).toEqual([
        "delivery_id VARCHAR",
        "source_row INTEGER",
        "youth_pseudonym VARCHAR",
        "start_ts TIMESTAMP",
        "end_ts TIMESTAMP",
        "start_month VARCHAR",
        "start_hour SMALLINT",
        "duration_min INTEGER",
        "type_code SMALLINT",
        "category VARCHAR",
        "room VARCHAR",
        "locked BOOLEAN",
        "care_plan VARCHAR",
        "has_reason BOOLEAN",
        "codebook_version VARCHAR",
        "location VARCHAR",
        "quarter VARCHAR",
      ]);
    } finally {
      await engine.close();
    }
  });

  it("reads measures with location and quarter from the path as VARCHAR, and converts values", async () => {
    const d = dir();
    await writeMeasures(d, "AB", "2023-Q1", [
      { youth: "p1", start: "2023-01-05 10:30", end: "2023-01-05 11:00", duration: 30, type: 6 },
    ]);
    const engine = await createDuckDbEngine({ curatedDir: d });
    try {
      const rows = await engine.query(
        "SELECT location, quarter, start_ts, end_ts, type_code, locked, count(*) OVER () AS n FROM measures",
      );
      expect(rows).toEqual([
        {
          location: "AB",
          quarter: "2023-Q1",
          start_ts: "2023-01-05 10:30:00",
          end_ts: "2023-01-05 11:00:00",
          type_code: 6,
          locked: true,
          n: 1,
        },
      ]);
      const types = await engine.query("SELECT typeof(location) AS l, typeof(quarter) AS q FROM measures");
      expect(types).toEqual([{ l: "VARCHAR", q: "VARCHAR" }]);
    } finally {
      await engine.close();
    }
  });

  it("reads the delivery log and occupancy", async () => {
    const d = dir();
    writeLog(d, {
      attempt_id: attempt(1),
      location: "AB",
      quarter: "2023-Q1",
      status: "accepted",
      processed_at: "2023-04-02T10:00:00.000Z",
      rows: 12,
    });
    await writeOccupancy(d, "load1", "2024-01-01 09:00:00", [["AB", "2023-01", 10.5]]);
    const engine = await createDuckDbEngine({ curatedDir: d });
    try {
      expect(
        await engine.query("SELECT attempt_id, location, quarter, scope, rows, file_bytes FROM delivery_log"),
      ).toEqual([
        {
          attempt_id: attempt(1),
          location: "AB",
          quarter: "2023-Q1",
          scope: "all",
          rows: 12,
          file_bytes: 100,
        },
      ]);
      expect(await engine.query("SELECT * FROM occupancy")).toEqual([
        {
          location: "AB",
          month: "2023-01",
          occupancy: 10.5,
          loaded_at: "2024-01-01 09:00:00",
          load_id: "load1",
        },
      ]);
    } finally {
      await engine.close();
    }
  });

  it("binds ? parameters, including NULL", async () => {
    const engine = await createDuckDbEngine({ curatedDir: dir() });
    try {
      const sql = "SELECT (CAST(? AS VARCHAR) IS NULL OR 'AB' = ?) AS hit, ? AS s";
      expect(await engine.query(sql, [null, null, "x"])).toEqual([{ hit: true, s: "x" }]);
      expect(await engine.query(sql, ["CD", "CD", "y"])).toEqual([{ hit: false, s: "y" }]);
      // The statement is prepared once and bound anew each time: values never leak between runs.
      expect(await engine.query(sql, ["AB", "AB", null])).toEqual([{ hit: true, s: null }]);
      expect(await engine.query(sql, [null, null, "z"])).toEqual([{ hit: true, s: "z" }]);
      await expect(engine.query(sql, ["AB"])).rejects.toThrow();
      expect(await engine.query(sql, ["CD", "AB", "w"])).toEqual([{ hit: true, s: "w" }]);
    } finally {
      await engine.close();
    }
  });

  it("behaves like Trino where the session settings say so", async () => {
    const engine = await createDuckDbEngine({ curatedDir: dir() });
    try {
      // integer division; NULLs last in both directions
      expect(await engine.query("SELECT 7 / 2 AS q, CAST(7 AS DOUBLE) / 2 AS f")).toEqual([{ q: 3, f: 3.5 }]);
      const asc = await engine.query("SELECT x FROM (VALUES (2), (NULL), (1)) AS t(x) ORDER BY x");
      const desc = await engine.query("SELECT x FROM (VALUES (2), (NULL), (1)) AS t(x) ORDER BY x DESC");
      expect(asc.map((r) => r.x)).toEqual([1, 2, null]);
      expect(desc.map((r) => r.x)).toEqual([2, 1, null]);
    } finally {
      await engine.close();
    }
  });

  it("returns JSON-safe values: BIGINT/HUGEINT/DECIMAL as numbers, timestamps without zone", async () => {
    const engine = await createDuckDbEngine({ curatedDir: dir() });
    try {
      const [row] = await engine.query(
        "SELECT CAST(9007199254740991 AS BIGINT) AS big, sum(CAST(5 AS BIGINT)) AS huge, CAST(12.25 AS DECIMAL(6, 2)) AS dec, " +
          "TIMESTAMP '2023-03-26 02:30:15.75' AS ts, CAST(TIMESTAMP '1969-12-31 23:59:59.5' AS TIMESTAMP) AS old, " +
          "CAST('2023-01-02' AS DATE) AS d, CAST(NULL AS INTEGER) AS nothing",
      );
      expect(row).toEqual({
        big: 9007199254740991,
        huge: 5,
        dec: 12.25,
        ts: "2023-03-26 02:30:15",
        old: "1969-12-31 23:59:59",
        d: "2023-01-02",
        nothing: null,
      });
      await expect(engine.query("SELECT CAST(9007199254740993 AS BIGINT) AS too_big")).rejects.toThrow(
        /safe number range/,
      );
      await expect(engine.query("SELECT [1, 2] AS list")).rejects.toThrow(/unsupported result type/);
    } finally {
      await engine.close();
    }
  });

  it("reads the objects once, when it opens: later queries do not touch the files", async () => {
    const d = dir();
    await writeMeasures(d, "AB", "2023-Q1", [{ youth: "p1", start: "2023-01-05 10:30", type: 6 }]);
    await writeOccupancy(d, "load-1", "2023-04-02T10:00:00Z", [["AB", "2023-01", 10]]);
    const engine = await createDuckDbEngine({ curatedDir: d });
    try {
      rmSync(join(d, "measures"), { recursive: true });
      rmSync(join(d, "occupancy"), { recursive: true });
      expect(await engine.query("SELECT count(*) AS n FROM measures")).toEqual([{ n: 1 }]);
      expect(await engine.query("SELECT count(*) AS n FROM occupancy")).toEqual([{ n: 1 }]);
    } finally {
      await engine.close();
    }
  });

  it("an object with a sound footer over damaged data: the engine opens, other locations still work", async () => {
    const d = dir();
    const rows = Array.from({ length: 50 }, (_, i) => ({
      youth: `p${i}`,
      start: "2023-01-05 10:30",
      type: 6,
    }));
    await writeMeasures(d, "AB", "2023-Q1", rows);
    await writeMeasures(d, "CD", "2023-Q1", [{ youth: "q1", start: "2023-01-06 09:00", type: 6 }]);
    const abDir = join(d, "measures", "location=AB", "quarter=2023-Q1");
    const file = join(abDir, readdirSync(abDir)[0] as string);
    const bytes = readFileSync(file);
    // The column data after the magic number; the footer at the end stays intact.
    bytes.fill(0xff, 8, Math.min(600, bytes.length - 400));
    writeFileSync(file, bytes);
    const engine = await createDuckDbEngine({ curatedDir: d });
    try {
      expect(
        await engine.query("SELECT count(*) AS n FROM measures WHERE location = ? AND quarter = ?", [
          "CD",
          "2023-Q1",
        ]),
      ).toEqual([{ n: 1 }]);
      await expect(engine.query("SELECT count(*) AS n FROM measures")).rejects.toThrow();
    } finally {
      await engine.close();
    }
  });

  it("runs concurrent queries one at a time and refuses queries after close", async () => {
    const engine = await createDuckDbEngine({ curatedDir: dir() });
    const results = await Promise.all([1, 2, 3].map((i) => engine.query("SELECT ? AS i", [i])));
    expect(results).toEqual([[{ i: 1 }], [{ i: 2 }], [{ i: 3 }]]);
    await engine.close();
    await expect(engine.query("SELECT 1 AS one")).rejects.toThrow(/closed/);
  });
});
