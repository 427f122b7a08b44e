/**
 * The ONE place with DuckDB-specific SQL. The queries in `queries/*.sql` are written in the
 * Athena engine v3 (Trino) dialect; this file makes a DuckDB session behave like Trino where
 * the two differ for those queries, and exposes the curated files as the tables `measures`,
 * `delivery_log` and `occupancy` (in Athena these are Glue tables over the same objects).
 *
 * No SQL text of a query is rewritten: the queries run on DuckDB exactly as they are stored.
 */
import { type deliveryLogEntry, measureColumns, occupancyColumns } from "../../../schemas/curated.ts";

export interface SessionSetting {
  sql: string;
  why: string;
}

/** Run once per connection, before any query. */
export const sessionSettings: readonly SessionSetting[] = [
  {
    sql: "SET integer_division = true",
    why: "Trino's `/` on two integers is integer division (7 / 2 = 3); DuckDB's default returns a DOUBLE (3.5).",
  },
  {
    sql: "SET default_null_order = 'nulls_last'",
    why: "Trino sorts NULLs last for ASC and DESC alike; pin DuckDB to the same instead of relying on its default.",
  },
  {
    sql: "SET TimeZone = 'UTC'",
    why: "Results must not depend on the machine's zone: should a Parquet timestamp ever be stored as UTC-adjusted (TIMESTAMPTZ), the cast to TIMESTAMP in the views below happens in UTC, as Athena reads it.",
  },
];

type ColumnSpec = readonly { name: string; sql: string }[];

/** Partition columns of `measures`, taken from the object path `location=XX/quarter=YYYY-Qn`. */
const measurePartitionColumns: ColumnSpec = [
  { name: "location", sql: "VARCHAR" },
  { name: "quarter", sql: "VARCHAR" },
];

/** SQL types of the delivery-log fields (`deliveryLogEntry` in schemas/curated.ts), in field order. */
const deliveryLogTypes: Record<keyof typeof deliveryLogEntry.shape, string> = {
  attempt_id: "VARCHAR",
  // Timestamps stay text (ISO 8601 as written by the ingest); ordering by them is ordering text.
  received_at: "VARCHAR",
  processed_at: "VARCHAR",
  location: "VARCHAR",
  quarter: "VARCHAR",
  scope: "VARCHAR",
  source_key: "VARCHAR",
  file_name: "VARCHAR",
  file_sha256: "VARCHAR",
  file_bytes: "BIGINT",
  rows: "INTEGER",
  status: "VARCHAR",
  errors: "INTEGER",
  warnings: "INTEGER",
  codebook_version: "VARCHAR",
  pseudonym_key_version: "VARCHAR",
  report_key: "VARCHAR",
  curated_key: "VARCHAR",
  quarantine_key: "VARCHAR",
};
const deliveryLogColumns: ColumnSpec = Object.entries(deliveryLogTypes).map(([name, sql]) => ({ name, sql }));

export interface TableSource {
  /** Table name the queries use. */
  name: "measures" | "delivery_log" | "occupancy";
  /** Glob of the files behind the table; when it matches nothing, `emptyViewSql` is used. */
  glob: string;
  viewSql: string;
  /** A view with the same columns and types and no rows, so queries return nothing instead of failing. */
  emptyViewSql: string;
}

/** SQL string literal (single quotes doubled). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Every column is cast to the contract's type, so the views have exactly the types of
 * schemas/curated.ts whatever writer produced the file (e.g. TIMESTAMP_MS from another Parquet
 * writer, INTEGER instead of SMALLINT) — as a Glue table declares its types.
 */
function castSelect(columns: ColumnSpec): string {
  return columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${c.sql}) AS ${quoteIdent(c.name)}`).join(", ");
}

function emptySelect(name: string, columns: ColumnSpec): string {
  const cols = columns.map((c) => `CAST(NULL AS ${c.sql}) AS ${quoteIdent(c.name)}`).join(", ");
  return `CREATE OR REPLACE VIEW ${name} AS SELECT ${cols} WHERE false`;
}

/** How the curated area at `curatedDir` (a local folder) is exposed as the three tables. */
export function tableSources(curatedDir: string): TableSource[] {
  const root = curatedDir.replaceAll("\\", "/").replace(/\/+$/, "");
  const measures = [...measureColumns, ...measurePartitionColumns];
  const measuresGlob = `${root}/measures/*/*/*.parquet`;
  const logGlob = `${root}/delivery-log/*/*/*.json`;
  const occupancyGlob = `${root}/occupancy/*.parquet`;
  const jsonColumns = deliveryLogColumns.map((c) => `${sqlString(c.name)}: ${sqlString(c.sql)}`).join(", ");
  return [
    {
      name: "measures",
      glob: measuresGlob,
      // hive_partitioning: location and quarter come from the path (`location=AB/quarter=2023-Q1`).
      // hive_types: without it DuckDB guesses partition types, and e.g. a value looking like a
      // number or date would stop being VARCHAR; Athena declares them as string.
      // union_by_name: a file without a column (older writer) reads it as NULL, as Athena does
      // for Parquet (columns are matched by name), instead of failing or shifting columns.
      viewSql:
        `CREATE OR REPLACE VIEW measures AS SELECT ${castSelect(measures)} FROM read_parquet(${sqlString(measuresGlob)}, ` +
        "hive_partitioning = true, hive_types = {'location': VARCHAR, 'quarter': VARCHAR}, union_by_name = true)",
      emptyViewSql: emptySelect("measures", measures),
    },
    {
      name: "delivery_log",
      glob: logGlob,
      // One single-line JSON object per file. Explicit columns: no type guessing from the
      // data, missing fields read as NULL and unknown fields are ignored (like Athena's JSON SerDe).
      // `location` and `quarter` are read from the JSON, not from the path (the path holds the same
      // values); hive_partitioning off so no `key=value` folder above the data dir adds columns.
      viewSql:
        `CREATE OR REPLACE VIEW delivery_log AS SELECT ${castSelect(deliveryLogColumns)} FROM read_json(${sqlString(logGlob)}, ` +
        `format = 'newline_delimited', columns = {${jsonColumns}}, hive_partitioning = false)`,
      emptyViewSql: emptySelect("delivery_log", deliveryLogColumns),
    },
    {
      name: "occupancy",
      glob: occupancyGlob,
      viewSql:
        `CREATE OR REPLACE VIEW occupancy AS SELECT ${castSelect(occupancyColumns)} FROM read_parquet(${sqlString(occupancyGlob)}, ` +
        "union_by_name = true, hive_partitioning = false)",
      emptyViewSql: emptySelect("occupancy", occupancyColumns),
    },
  ];
}
