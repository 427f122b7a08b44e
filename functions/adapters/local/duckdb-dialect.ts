/**
 * The ONE place with DuckDB-specific SQL. The queries in `queries/*.sql` are written in the
 * Athena engine v3 (Trino) dialect; this file makes a DuckDB session behave like Trino where
 * the two differ for those queries, and exposes the objects of a run's snapshot as the tables
 * `delivery_log`, `current_delivery`, `measures` and `occupancy` (in Athena these are Glue
 * tables and views over the same objects).
 *
 * No SQL text of a query is rewritten: the queries run on DuckDB exactly as they are stored.
 */
import {
  currentDeliverySql,
  type deliveryLogEntry,
  measureColumns,
  measuresViewSql,
  occupancyColumns,
} from "../../../schemas/curated.ts";

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
  sequencer: "VARCHAR",
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

function emptyTable(name: string, columns: ColumnSpec): string {
  return `CREATE TABLE ${name} (${columns.map((c) => `${quoteIdent(c.name)} ${c.sql}`).join(", ")})`;
}

const fileList = (files: readonly string[]) => `[${files.map(sqlString).join(", ")}]`;

export const measuresAllColumns: ColumnSpec = [...measureColumns, ...measurePartitionColumns];

/**
 * The tables of a run, over exactly the objects of its snapshot (see functions/core/current.ts):
 * - `delivery_log`: a table filled with the snapshot's log lines (inserted by the engine);
 * - `current_delivery` and `measures`: the same view SQL as the Glue views in Athena
 *   (`currentDeliverySql`, `measuresViewSql` in schemas/curated.ts);
 * - `measures_all`: the Parquet objects of the current deliveries only (hive partitioning:
 *   `location=AB/quarter=2023-Q1` from the path, typed as VARCHAR as Glue declares them;
 *   union_by_name: a column missing from an older file reads as NULL, as Athena does);
 * - `occupancy`: the accepted occupancy loads.
 *
 * The Parquet objects are read once, into the in-memory tables `snapshot_measures` and
 * `snapshot_occupancy`, and `measures_all` and `occupancy` are views over those: a document run
 * asks hundreds of small queries (13 per figures model), and reading every object again for
 * each of them was most of a factsheet run's time. The data of a monitor is small (thousands of
 * rows per quarter), so holding it in memory for one command is cheap. Once the log is in,
 * `freezeViewSql` does the same for the two views.
 */
export function snapshotTableSql(opts: {
  measuresFiles: readonly string[];
  occupancyFiles: readonly string[];
}): SnapshotStatement[] {
  const logColumns = deliveryLogColumns.map((c) => `${quoteIdent(c.name)} ${c.sql}`).join(", ");
  return [
    { sql: `CREATE TABLE delivery_log (${logColumns})` },
    opts.measuresFiles.length > 0
      ? loaded(
          "snapshot_measures",
          `SELECT ${castSelect(measuresAllColumns)} FROM read_parquet(${fileList(opts.measuresFiles)}, ` +
            "hive_partitioning = true, hive_types = {'location': VARCHAR, 'quarter': VARCHAR}, union_by_name = true)",
        )
      : { sql: emptyTable("snapshot_measures", measuresAllColumns) },
    { sql: "CREATE OR REPLACE VIEW measures_all AS SELECT * FROM snapshot_measures" },
    { sql: `CREATE OR REPLACE VIEW current_delivery AS ${currentDeliverySql}` },
    { sql: `CREATE OR REPLACE VIEW measures AS ${measuresViewSql(measuresAllColumns.map((c) => c.name))}` },
    opts.occupancyFiles.length > 0
      ? loaded(
          "snapshot_occupancy",
          `SELECT ${castSelect(occupancyColumns)} FROM read_parquet(${fileList(opts.occupancyFiles)}, ` +
            "union_by_name = true, hive_partitioning = false)",
        )
      : { sql: emptyTable("snapshot_occupancy", occupancyColumns) },
    { sql: "CREATE OR REPLACE VIEW occupancy AS SELECT * FROM snapshot_occupancy" },
  ];
}

/**
 * Run after the delivery log is filled, per view: `current_delivery` and `measures` evaluated
 * once, with their own SQL, into a table the view then reads. A snapshot never changes, so every
 * query gets the rows the view gave, without ranking the log and joining for each query again.
 * When the first statement fails (objects that could not be read whole, see `loaded`), the view
 * stays as it is.
 */
export const freezeViewSql: readonly (readonly [string, string])[] = [
  ["current_delivery", "snapshot_current_delivery"],
  ["measures", "snapshot_current_measures"],
].map(([view, table]) => [
  `CREATE TABLE ${table} AS SELECT * FROM ${view}`,
  `CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${table}`,
]);

/** One statement of `snapshotTableSql`; `orElse` runs instead when `sql` fails. */
export interface SnapshotStatement {
  sql: string;
  orElse?: string;
}

/**
 * The objects read into an in-memory table, or — when one of them cannot be read as a whole
 * (a footer that checks out over damaged data) — a view that reads them per query, as before:
 * a query that does not touch the damaged object (another location or quarter) still works.
 */
function loaded(name: string, select: string): SnapshotStatement {
  return { sql: `CREATE TABLE ${name} AS ${select}`, orElse: `CREATE VIEW ${name} AS ${select}` };
}

/** Insert of `n` delivery-log rows with `?` parameters, in column order of `deliveryLogColumnNames`. */
export function insertLogSql(n: number): string {
  const row = `(${deliveryLogColumns.map((c) => `CAST(? AS ${c.sql})`).join(", ")})`;
  return `INSERT INTO delivery_log VALUES ${Array.from({ length: n }, () => row).join(", ")}`;
}
export const deliveryLogColumnNames = deliveryLogColumns.map(
  (c) => c.name,
) as (keyof typeof deliveryLogEntry.shape)[];

/** Reads only the footer of a Parquet file: fails on a truncated, empty or non-Parquet file. */
export const checkParquetSql = (file: string) =>
  `SELECT count(*) AS n FROM parquet_metadata(${sqlString(file)})`;
