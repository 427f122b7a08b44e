/**
 * Every query file parses with a Trino grammar and has its `?` parameters only in WHERE clauses
 * (Athena's rule for execution parameters; see athena-params.ts), one per declared parameter.
 */
import { describe, expect, it } from "vitest";
import { aggregates } from "../../../queries/aggregates.ts";
import { loadQuery, queryNames, queryParams } from "../../../queries/index.ts";
import { checkParameters } from "./athena-params.ts";

describe("every query is Athena-safe: ? parameters only in WHERE clauses", () => {
  it("finds the query files", () => {
    expect(queryNames().length).toBeGreaterThan(0);
  });

  for (const name of queryNames()) {
    it(name, () => {
      const result = checkParameters(loadQuery(name));
      expect(result.syntaxErrors).toEqual([]);
      expect(result.misplaced).toEqual([]);
      expect(result.parameters).toBe(queryParams(name).length);
    });
  }

  it("every aggregate table is built from one of these query files", () => {
    // The aggregates hold no SQL of their own; they name files checked above.
    for (const aggregate of aggregates) expect(queryNames()).toContain(aggregate.query);
  });
});

describe("checkParameters", () => {
  const accepted = {
    "plain WHERE": "SELECT a FROM t WHERE b BETWEEN ? AND ? AND (CAST(? AS VARCHAR) IS NULL OR c = ?)",
    "WHERE of a CTE": "WITH x AS (SELECT a FROM t WHERE b = ?) SELECT a FROM x ORDER BY a LIMIT 10",
    "WHERE of a subquery in WHERE": "SELECT a FROM t WHERE a IN (SELECT b FROM u WHERE c = ?)",
    "WHERE of a subquery in FROM": "SELECT a FROM (SELECT a FROM t WHERE b = ?) s JOIN u ON u.a = s.a",
    "WHERE of both branches of a UNION": "SELECT a FROM t WHERE b = ? UNION ALL SELECT a FROM u WHERE b = ?",
    "'?' in a string or comment is no parameter": "SELECT '?' AS q FROM t -- why?\nWHERE b = ?",
  };
  for (const [label, sql] of Object.entries(accepted)) {
    it(`accepts ${label}`, () => {
      const result = checkParameters(sql);
      expect(result.syntaxErrors).toEqual([]);
      expect(result.misplaced).toEqual([]);
    });
  }
  it("counts parameters outside comments and string literals", () => {
    expect(checkParameters(accepted["'?' in a string or comment is no parameter"]).parameters).toBe(1);
    expect(checkParameters(accepted["plain WHERE"]).parameters).toBe(4);
  });

  const rejected: Record<string, [sql: string, clause: RegExp]> = {
    "the SELECT list": ["SELECT a, ? AS b FROM t WHERE c = 1", /selectList of querySpecification/],
    "a CASE in the SELECT list (the old rates.sql)": [
      "SELECT count(CASE WHEN category = ? THEN 1 END) AS n FROM measures WHERE quarter BETWEEN ? AND ?",
      /selectList/,
    ],
    "an aggregate FILTER (WHERE …)": [
      "SELECT count(*) FILTER (WHERE c = ?) AS n FROM t",
      /whereClause of filter/,
    ],
    "JOIN ON": ["SELECT t.a FROM t JOIN u ON u.a = t.a AND u.b = ? WHERE t.c = 1", /relation/],
    "GROUP BY": ["SELECT a FROM t WHERE c = 1 GROUP BY a, ?", /groupBy/],
    HAVING: ["SELECT a FROM t GROUP BY a HAVING count(*) > ?", /havingClause/],
    "ORDER BY": ["SELECT a FROM t WHERE c = 1 ORDER BY ?", /sortItem/],
    LIMIT: ["SELECT a FROM t WHERE c = 1 LIMIT ?", /rowCount/],
    VALUES: ["SELECT x FROM (VALUES (?)) AS v (x)", /of queryPrimary/],
    "the SELECT list of a subquery inside WHERE": [
      "SELECT a FROM t WHERE a IN (SELECT ? FROM u)",
      /selectList/,
    ],
  };
  for (const [label, [sql, clause]] of Object.entries(rejected)) {
    it(`rejects a parameter in ${label}`, () => {
      const result = checkParameters(sql);
      expect(result.syntaxErrors).toEqual([]);
      expect(result.misplaced).toHaveLength(1);
      expect(result.misplaced[0]).toMatch(clause);
    });
  }

  it("reports syntax errors", () => {
    expect(checkParameters("SELECT a FROM WHERE").syntaxErrors).not.toEqual([]);
  });
});
