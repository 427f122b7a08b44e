import { type AggregateDefinition, aggregates, NATIONAL } from "../../queries/aggregates.ts";
import { loadQuery } from "../../queries/index.ts";
import { quarterId } from "../../schemas/delivery.ts";
import type { ObjectStore, QueryEngine } from "../ports.ts";

/**
 * Materialises the IGJ aggregate tables for one quarter. Each aggregate is a bare SELECT file,
 * run for every location and nationally; the results are written with one CTAS per table to
 * `s3://<bucket>/<name>/quarter=<Q>/` (read by the partition-projected Glue table of the same
 * name), after the quarter's earlier output is removed. The SELECT files stay engine-neutral:
 * only this function wraps them, binding their `?` parameters as checked literals (Athena does
 * not take execution parameters in CTAS).
 */
export interface MaterialiseOptions {
  engine: QueryEngine;
  store: ObjectStore;
  database: string;
  bucket: string;
  locations: readonly string[];
  quarter: string;
  /** Unique per run, for the temporary CTAS table names. */
  runId: string;
}

export interface MaterialiseResult {
  quarter: string;
  tables: { name: string; location: string; removedObjects: number }[];
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

export async function materialiseAggregates(o: MaterialiseOptions): Promise<MaterialiseResult> {
  if (!quarterId.safeParse(o.quarter).success) throw new RangeError(`not a quarter: ${o.quarter}`);
  if (!/^[a-z0-9_]+$/.test(o.database) || !/^[a-z0-9.-]+$/.test(o.bucket) || !/^[a-z0-9]+$/.test(o.runId))
    throw new RangeError("database, bucket or run id has unexpected characters");
  const tables: MaterialiseResult["tables"] = [];
  for (const agg of aggregates) {
    const prefix = `${agg.name}/quarter=${o.quarter}/`;
    const old = await o.store.list("aggregates", prefix);
    for (const key of old) await o.store.delete("aggregates", key);
    const temp = `${o.database}.tmp_${agg.name}_${o.quarter.replace("-", "_").toLowerCase()}_${o.runId}`;
    const location = `s3://${o.bucket}/${prefix}`;
    await o.engine.query(
      `CREATE TABLE ${temp} WITH (format = 'PARQUET', write_compression = 'SNAPPY', external_location = '${location}') AS\n${aggregateSelect(agg, o.quarter, o.locations)}`,
    );
    // The data stays at `location`; the temporary table was only the vehicle for CTAS.
    await o.engine.query(`DROP TABLE IF EXISTS ${temp}`);
    tables.push({ name: agg.name, location, removedObjects: old.length });
  }
  return { quarter: o.quarter, tables };
}
