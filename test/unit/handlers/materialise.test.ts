import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDuckDbEngine } from "../../../functions/adapters/local/duckdb-engine.ts";
import { createFolderStore } from "../../../functions/adapters/local/folder-store.ts";
import {
  aggregateSelect,
  bindLiterals,
  materialiseAggregates,
  protectAggregate,
} from "../../../functions/core/materialise.ts";
import type { Row, SqlValue } from "../../../functions/ports.ts";
import { aggregates } from "../../../queries/aggregates.ts";
import { tempDir } from "../../helpers.ts";
import { makeCuratedDir, removeDir, runQuery, writeMeasures } from "../sql/fixtures.ts";

let dir = "";
beforeAll(async () => {
  dir = makeCuratedDir();
  await writeMeasures(dir, "AB", "2023-Q1", [
    {
      youth: "p1",
      start: "2023-01-05 10:00",
      type: 10,
      end: "2023-01-05 10:30",
      duration: 30,
      carePlan: "yes",
    },
    { youth: "p1", start: "2023-02-05 22:00", type: 3, end: "2023-02-05 22:05", duration: 5 },
    { youth: "p2", start: "2023-03-01 08:15", type: 15, carePlan: "no" },
  ]);
  await writeMeasures(dir, "CD", "2023-Q1", [
    { youth: "p9", start: "2023-01-07 14:00", type: 10, end: "2023-01-07 16:00", duration: 120 },
  ]);
  await writeMeasures(dir, "AB", "2023-Q2", [
    { youth: "p1", start: "2023-04-02 09:00", type: 3, end: "2023-04-02 09:01", duration: 1 },
  ]);
});
afterAll(() => removeDir(dir));

describe("bindLiterals", () => {
  it("binds checked literals, leaving ? in comments and strings alone", () => {
    const sql =
      "-- what?\nSELECT '?' AS q, \"a?\" FROM t WHERE quarter BETWEEN ? AND ? AND (CAST(? AS VARCHAR) IS NULL OR location = ?)";
    expect(bindLiterals(sql, ["2023-Q1", "2023-Q2", null, null])).toBe(
      "-- what?\nSELECT '?' AS q, \"a?\" FROM t WHERE quarter BETWEEN '2023-Q1' AND '2023-Q2' AND (CAST(NULL AS VARCHAR) IS NULL OR location = NULL)",
    );
  });

  it("refuses anything that is not a quarter, a location code or null", () => {
    expect(() => bindLiterals("SELECT ?", ["x'; DROP TABLE t; --"])).toThrow(RangeError);
    expect(() => bindLiterals("SELECT ?, ?", ["AB"])).toThrow(/more \? parameters/);
    expect(() => bindLiterals("SELECT ?", ["AB", "CD"])).toThrow(/1 parameters, 2 values/);
  });
});

describe("aggregateSelect", () => {
  it("gives, per location and nationally, exactly what the bare query gives (run on DuckDB)", async () => {
    const engine = await createDuckDbEngine({ curatedDir: dir });
    try {
      for (const agg of aggregates) {
        const rows = await engine.query(aggregateSelect(agg, "2023-Q1", ["AB", "CD"]));
        for (const loc of ["AB", "CD", null]) {
          const direct = await runQuery(dir, agg.query, { from: "2023-Q1", to: "2023-Q1", location: loc });
          const label = loc ?? "_national";
          const mine = rows
            .filter((r) => r.location === label)
            .map(({ location: _l, ...rest }) => rest as Row)
            .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
          const expected = direct
            .map((r) => Object.fromEntries(agg.columns.map((c) => [c.name, r[c.name] as SqlValue])))
            .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
          expect(mine, `${agg.name} ${label}`).toEqual(expected);
        }
      }
      // A spot check against numbers known from the fixtures: national totals for Q1.
      const totals = await engine.query(
        aggregateSelect(aggregates.find((a) => a.name === "totals") as never, "2023-Q1", ["AB", "CD"]),
      );
      expect(totals.find((r) => r.location === "_national")).toEqual({
        total: 4,
        unique_youth: 3,
        location: "_national",
      });
      expect(totals.find((r) => r.location === "AB")).toEqual({ total: 3, unique_youth: 2, location: "AB" });
    } finally {
      await engine.close();
    }
  });
});

describe("materialiseAggregates", () => {
  it("writes each aggregate of the quarter as Parquet after disclosure control, replacing older output", async () => {
    const t = tempDir("vbm-agg-");
    try {
      const store = createFolderStore(t.dir);
      await store.put("aggregates", "by_type/quarter=2023-Q1/old-ctas-output.parquet", new Uint8Array([1]));
      const engine = await createDuckDbEngine({ curatedDir: dir });
      let result: Awaited<ReturnType<typeof materialiseAggregates>>;
      try {
        result = await materialiseAggregates({ engine, store, locations: ["AB", "CD"], quarter: "2023-Q1" });
      } finally {
        await engine.close();
      }
      expect(result.tables.map((x) => x.name)).toEqual(aggregates.map((a) => a.name));
      expect(result.tables.find((x) => x.name === "by_type")?.removedObjects).toBe(1);
      expect(await store.list("aggregates", "by_type/")).toEqual([
        "by_type/quarter=2023-Q1/aggregate.parquet",
      ]);

      const db = await DuckDBInstance.create(":memory:");
      const c = await db.connect();
      const read = async (name: string) =>
        (
          await c.runAndReadAll(
            `SELECT * FROM '${join(t.dir, "aggregates", name, "quarter=2023-Q1", "aggregate.parquet")}' ORDER BY ALL`,
          )
        ).getRowObjectsJson();
      // The fixture quarter is tiny (AB 3 measures, CD 1): every count is small, so all are hidden.
      const totals = await read("totals");
      expect(totals).toEqual([
        { total: null, unique_youth: null, location: "AB", suppressed: true, quarter: "2023-Q1" },
        { total: null, unique_youth: null, location: "CD", suppressed: true, quarter: "2023-Q1" },
        { total: null, unique_youth: null, location: "_national", suppressed: true, quarter: "2023-Q1" },
      ]);
      for (const agg of aggregates)
        for (const row of await read(agg.name))
          for (const count of agg.counts) {
            const v = row[count];
            expect(v === null || Number(v) === 0 || Number(v) >= 5, `${agg.name}.${count}=${v}`).toBe(true);
          }
      const duration = await read("duration");
      expect(duration.every((r) => r.median_duration === null)).toBe(true);
      c.closeSync();
      db.closeSync();
    } finally {
      t.cleanup();
    }
  });
});

describe("protectAggregate", () => {
  it("hides a small count and its partners in every published line, keeps the rest and the national sums", () => {
    const agg = aggregates.find((a) => a.name === "by_month") as (typeof aggregates)[number];
    const n = { AB: [40, 3, 22], CD: [30, 25, 35], EF: [50, 45, 60] };
    const months = ["2023-01", "2023-02", "2023-03"];
    const rows = Object.entries(n).flatMap(([location, counts]) =>
      counts.map((c, i) => ({ start_month: months[i] as string, n: c, location })),
    );
    const out = protectAggregate(agg, rows, ["AB", "CD", "EF"]);
    const get = (month: string, loc: string) =>
      out.find((r) => r.start_month === month && r.location === loc);
    // By hand: AB-Feb (3) is small. February nationally is published, so CD-Feb (25, the smallest
    // other) goes too; AB's and CD's totals are published, so AB-Mar (22) and CD-Jan (30) go; then
    // January and March each need a second hidden cell: AB-Jan (40) and CD-Mar (35). EF stays.
    for (const m of months) {
      expect(get(m, "AB")).toMatchObject({ n: null, suppressed: true });
      expect(get(m, "CD")).toMatchObject({ n: null, suppressed: true });
    }
    expect(months.map((m) => get(m, "EF")?.n)).toEqual([50, 45, 60]);
    expect(months.map((m) => get(m, "_national")?.n)).toEqual([120, 73, 117]);
  });
});
