import {
  type AggregateDefinition,
  aggregateExtraColumns,
  aggregates,
  NATIONAL,
} from "../../queries/aggregates.ts";
import { loadQuery } from "../../queries/index.ts";
import { quarterId } from "../../schemas/delivery.ts";
import type { Cell } from "../../schemas/documents.ts";
import type { ObjectStore, QueryEngine, Row } from "../ports.ts";
import { defaultSuppression, type SuppressionSettings, suppressTable } from "./disclosure.ts";
import { writeRowsParquet } from "./parquet.ts";

/**
 * Materialises the IGJ aggregate tables for one quarter. Each aggregate is a bare SELECT file,
 * run for every location and nationally in one UNION ALL query; the SELECT files stay
 * engine-neutral: only this module wraps them, binding their `?` parameters as checked literals.
 */
export interface MaterialiseOptions {
  engine: QueryEngine;
  store: ObjectStore;
  locations: readonly string[];
  quarter: string;
  settings?: SuppressionSettings;
}

export interface MaterialiseResult {
  quarter: string;
  tables: { name: string; key: string; rows: number; suppressedRows: number; removedObjects: number }[];
}

const SQL_TYPE: Record<AggregateDefinition["columns"][number]["type"], string> = {
  string: "VARCHAR",
  bigint: "BIGINT",
  int: "INTEGER",
  smallint: "SMALLINT",
  double: "DOUBLE",
  boolean: "BOOLEAN",
};

/** A checked SQL literal: only quarter ids, location codes and NULL can be bound. */
function literal(value: string | null): string {
  if (value === null) return "NULL";
  if (!/^[A-Z]{2}$/.test(value) && !quarterId.safeParse(value).success)
    throw new RangeError(`refusing to bind ${JSON.stringify(value)} as a literal`);
  return `'${value}'`;
}

/**
 * Replaces the positional `?` parameters of a query with literals. Skips `--` comments and
 * quoted strings/identifiers, so a `?` there is left alone.
 */
export function bindLiterals(sql: string, values: readonly (string | null)[]): string {
  let out = "";
  let next = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i] as string;
    if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j;
    } else if (c === "?") {
      if (next >= values.length) throw new RangeError("more ? parameters than values");
      out += literal(values[next++] as string | null);
    } else out += c;
  }
  if (next !== values.length)
    throw new RangeError(`query has ${next} parameters, ${values.length} values given`);
  return out;
}

/** The SELECT of one aggregate over every location and nationally, with a `location` column. */
export function aggregateSelect(
  agg: AggregateDefinition,
  quarter: string,
  locations: readonly string[],
): string {
  const query = loadQuery(agg.query)
    .split("\n")
    .filter((l) => !l.trimStart().startsWith("--"))
    .join("\n")
    .trim();
  const columns = agg.columns.map((c) => `CAST(q.${c.name} AS ${SQL_TYPE[c.type]}) AS ${c.name}`).join(", ");
  return [...locations, null]
    .map((loc) => {
      const bound = bindLiterals(query, [quarter, quarter, loc, loc]);
      const location = loc === null ? `'${NATIONAL}'` : literal(loc);
      return `SELECT ${columns}, ${location} AS location FROM (\n${bound}\n) AS q`;
    })
    .join("\nUNION ALL\n");
}

type Value = string | number | boolean | null;

/**
 * Disclosure control for one aggregate of one quarter. Per count column, the location rows form
 * a table of keys × locations whose margins are published (per key: the national row; per
 * location: its total), so `suppressTable` applies primary and secondary suppression to it.
 * The national rows are the margins themselves, so they always add up to what is published.
 * Statistics are null when the row's first count is suppressed or below the threshold.
 */
export function protectAggregate(
  agg: AggregateDefinition,
  rows: readonly Row[],
  locations: readonly string[],
  settings: SuppressionSettings = defaultSuppression,
): Record<string, Value>[] {
  const keyColumns = agg.columns
    .map((c) => c.name)
    .filter((n) => !agg.counts.includes(n) && !agg.stats?.includes(n));
  const keyOf = (r: Row) => JSON.stringify(keyColumns.map((k) => r[k] ?? null));
  const keys = [...new Set(rows.filter((r) => r.location !== NATIONAL).map(keyOf))].sort();
  const byLocation = new Map<string, Row>();
  const national = new Map<string, Row>();
  for (const r of rows) {
    if (r.location === NATIONAL) national.set(keyOf(r), r);
    else byLocation.set(`${r.location}|${keyOf(r)}`, r);
  }
  const protectedCounts = agg.counts.map((count) =>
    suppressTable(
      keys.map((k) => locations.map((loc) => Number(byLocation.get(`${loc}|${k}`)?.[count] ?? 0))),
      true,
      true,
      settings,
    ),
  );
  const statsOf = (source: Row | undefined, n: Cell | undefined): Record<string, Value> => {
    const hide = !n || n.value === null || n.value < settings.threshold;
    return Object.fromEntries((agg.stats ?? []).map((s) => [s, hide ? null : (source?.[s] ?? null)]));
  };
  const out: Record<string, Value>[] = [];
  keys.forEach((key, i) => {
    const keyValues = Object.fromEntries(
      keyColumns.map((k, j) => [k, (JSON.parse(key) as Value[])[j] ?? null]),
    );
    locations.forEach((loc, j) => {
      const source = byLocation.get(`${loc}|${key}`);
      if (!source) return;
      const cells = protectedCounts.map((t) => t.cells[i]?.[j] as Cell);
      out.push({
        ...keyValues,
        ...Object.fromEntries(agg.counts.map((c, m) => [c, cells[m]?.value ?? null])),
        ...statsOf(source, cells[0]),
        location: loc,
        suppressed: cells.some((c) => c.suppressed),
      });
    });
    const margins = protectedCounts.map((t) => t.rowTotals?.[i] as Cell);
    out.push({
      ...keyValues,
      ...Object.fromEntries(agg.counts.map((c, m) => [c, margins[m]?.value ?? null])),
      ...statsOf(national.get(key), margins[0]),
      location: NATIONAL,
      suppressed: margins.some((c) => c.suppressed),
    });
  });
  return out;
}

/**
 * Builds the IGJ aggregate tables of one quarter: each aggregate query runs once (every location
 * and nationally), its rows go through disclosure control, and the result replaces the quarter's
 * Parquet object under `<name>/quarter=<Q>/` in the aggregates area, where the partition-projected
 * Glue table of the same name reads it. IGJ never sees a count from 1 to threshold − 1.
 */
export async function materialiseAggregates(o: MaterialiseOptions): Promise<MaterialiseResult> {
  if (!quarterId.safeParse(o.quarter).success) throw new RangeError(`not a quarter: ${o.quarter}`);
  const settings = o.settings ?? defaultSuppression;
  const tables: MaterialiseResult["tables"] = [];
  for (const agg of aggregates) {
    const prefix = `${agg.name}/quarter=${o.quarter}/`;
    const rows = await o.engine.query(aggregateSelect(agg, o.quarter, o.locations));
    const protectedRows = protectAggregate(agg, rows, o.locations, settings);
    const key = `${prefix}aggregate.parquet`;
    const old = (await o.store.list("aggregates", prefix)).filter((k) => k !== key);
    await o.store.put(
      "aggregates",
      key,
      writeRowsParquet([...agg.columns, ...aggregateExtraColumns], protectedRows),
      "application/vnd.apache.parquet",
    );
    for (const k of old) await o.store.delete("aggregates", k);
    tables.push({
      name: agg.name,
      key,
      rows: protectedRows.length,
      suppressedRows: protectedRows.filter((r) => r.suppressed).length,
      removedObjects: old.length,
    });
  }
  return { quarter: o.quarter, tables };
}
