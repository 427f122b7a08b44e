import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDuckDbEngine } from "../../../functions/adapters/local/duckdb-engine.ts";
import { aggregateSelect, bindLiterals, materialiseAggregates } from "../../../functions/core/materialise.ts";
import type { ObjectStore, QueryEngine, Row, SqlValue } from "../../../functions/ports.ts";
import { aggregates } from "../../../queries/aggregates.ts";
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
  it("removes the quarter's old output, runs one CTAS per table into its partition and drops the temporary table", async () => {
    const statements: string[] = [];
    const engine: QueryEngine = {
      dialect: "athena",
      query: async (sql) => {
        statements.push(sql);
        return [];
      },
      close: async () => {},
    };
    const deleted: string[] = [];
    const store: ObjectStore = {
      put: async () => {},
      get: async () => undefined,
      exists: async () => false,
      list: async (_area, prefix) =>
        prefix.startsWith("totals/") ? [`${prefix}old-1.parquet`, `${prefix}old-2.parquet`] : [],
      delete: async (_area, key) => {
        deleted.push(key);
      },
    };
    const result = await materialiseAggregates({
      engine,
      store,
      database: "vbm_aggregates",
      bucket: "vbm-aggregates-123",
      locations: ["AB", "CD"],
      quarter: "2023-Q1",
      runId: "r1",
    });
    expect(deleted).toEqual(["totals/quarter=2023-Q1/old-1.parquet", "totals/quarter=2023-Q1/old-2.parquet"]);
    expect(statements).toHaveLength(aggregates.length * 2);
    expect(statements[0]).toMatch(
      /^CREATE TABLE vbm_aggregates\.tmp_totals_2023_q1_r1 WITH \(format = 'PARQUET', write_compression = 'SNAPPY', external_location = 's3:\/\/vbm-aggregates-123\/totals\/quarter=2023-Q1\/'\) AS\nSELECT /,
    );
    expect(statements[1]).toBe("DROP TABLE IF EXISTS vbm_aggregates.tmp_totals_2023_q1_r1");
    expect(statements.join("\n")).not.toContain("?");
    expect(result.tables.map((t) => t.name)).toEqual(aggregates.map((a) => a.name));
    await expect(
      materialiseAggregates({
        engine,
        store,
        database: "x; drop",
        bucket: "b",
        locations: [],
        quarter: "2023-Q1",
        runId: "r",
      }),
    ).rejects.toThrow(RangeError);
  });
});
