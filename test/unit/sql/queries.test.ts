import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { bindParams, loadQuery, queryHash, queryNames, queryParams } from "../../../queries/index.ts";

const expected = [
  "by_month",
  "by_start_hour",
  "by_start_hour_category",
  "by_type",
  "by_type_scope",
  "care_plan",
  "data_quality",
  "delivery_status",
  "duration",
  "rates",
  "seclusion_by_room",
  "seclusion_by_start_hour",
  "totals",
  "trend_location_months",
  "trend_measures",
  "trend_monthly_rates",
  "youth_frequency",
];

/** The SQL without comments and with string literals emptied, so only code is checked. */
function codeOnly(sql: string): string {
  return sql.replace(/--[^\n]*/g, "").replace(/'(?:[^']|'')*'/g, "''");
}

function comments(sql: string): string {
  return (sql.match(/--[^\n]*/g) ?? []).join("\n");
}

describe("queries/*.sql", () => {
  it("lists exactly the expected query files", () => {
    expect(queryNames()).toEqual(expected);
  });

  for (const name of expected) {
    describe(name, () => {
      const sql = loadQuery(name);
      const code = codeOnly(sql);

      it("is one bare SELECT / WITH … SELECT statement", async () => {
        expect(code.trim()).toMatch(/^(SELECT|WITH)\s/);
        expect(code).not.toContain(";");
        const db = await DuckDBInstance.create(":memory:");
        const c = await db.connect();
        try {
          expect((await c.extractStatements(sql)).count).toBe(1);
        } finally {
          c.closeSync();
          db.closeSync();
        }
      });

      it("uses no engine-specific constructs", () => {
        expect(code).not.toMatch(/approx_percentile/i);
        expect(code).not.toMatch(/\bmedian\s*\(/i);
        expect(code).not.toMatch(/quantile/i);
        expect(code).not.toContain("::");
        expect(code).not.toMatch(/\bQUALIFY\b/i);
        expect(code).not.toMatch(
          /\b(date_diff|datediff|date_trunc|date_add|strftime|strptime|epoch|interval)\b/i,
        );
        expect(code).not.toMatch(/\b(ilike|list_\w+|struct_pack|group\s+by\s+all|order\s+by\s+all)\b/i);
        expect(code).not.toMatch(/"/); // no quoted identifiers: both engines differ in case handling
      });

      it("only has positional ? parameters, one per declared @params name", () => {
        expect(code).not.toMatch(/\$\d|\$[a-z_]/i);
        expect(code).not.toMatch(/(^|[^:]):[a-z_]/i);
        expect(comments(sql)).not.toContain("?");
        const declared = queryParams(name);
        expect(declared.length).toBeGreaterThan(0);
        expect((code.match(/\?/g) ?? []).length).toBe(declared.length);
      });

      it("documents what it returns", () => {
        expect(comments(sql)).toMatch(/Returns/);
      });

      it("hashes the file text with sha256", () => {
        const text = readFileSync(new URL(`../../../queries/${name}.sql`, import.meta.url), "utf8");
        expect(queryHash(name)).toBe(createHash("sha256").update(text).digest("hex"));
        expect(queryHash(name)).toMatch(/^[0-9a-f]{64}$/);
      });
    });
  }

  it("binds named values in declared order and refuses a missing one", () => {
    expect(bindParams("totals", { from: "2023-Q1", to: "2023-Q2", location: null })).toEqual([
      "2023-Q1",
      "2023-Q2",
      null,
      null,
    ]);
    expect(bindParams("rates", { from: "a", to: "b", location: "AB", seclusionCategory: "s" })).toEqual([
      "a",
      "b",
      "AB",
      "AB",
      "a",
      "b",
      "AB",
      "AB",
      "s",
    ]);
    expect(() => bindParams("rates", { from: "a", to: "b", location: null })).toThrow(/seclusionCategory/);
  });

  it("refuses a query name that is not a plain file name", () => {
    expect(() => loadQuery("../package")).toThrow(/invalid query name/);
  });
});
