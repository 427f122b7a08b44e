/**
 * The aggregate tables IGJ analysts may query (never row-level data). Each is one of the bare
 * SELECT files, run per quarter for every location and nationally, and materialised as Parquet
 * under `s3://<aggregates bucket>/<name>/quarter=<YYYY-Qn>/`. The Glue tables (infra) and the
 * materialiser (functions/handlers) both read this list, so the two cannot drift apart.
 * Every table gets two more columns: `location` (a code, or `_national`) and the partition
 * column `quarter`. Column types are Glue/Athena types of what the query returns.
 */
export interface AggregateDefinition {
  /** Table name in the aggregates database, and its S3 prefix. */
  name: string;
  /** The query file in `queries/` (parameters: from, to, location, location). */
  query: string;
  columns: readonly { name: string; type: "string" | "bigint" | "int" | "smallint" | "double" | "boolean" }[];
  /**
   * Count columns: each goes through disclosure control as a table of keys × locations whose
   * margins (per key nationally, per location) are published. Suppressed counts are null.
   */
  counts: readonly string[];
  /** Statistics that are null when the row's first count is suppressed or below the threshold. */
  stats?: readonly string[];
}

/** Every aggregate table also has these columns (after the query's own), then partition `quarter`. */
export const aggregateExtraColumns = [
  { name: "location", type: "string", comment: "location code, or _national" },
  { name: "suppressed", type: "boolean", comment: "true when a count of this row is suppressed (null)" },
] as const;

export const NATIONAL = "_national";

export const aggregates: readonly AggregateDefinition[] = [
  {
    name: "totals",
    query: "totals",
    counts: ["total", "unique_youth"],
    columns: [
      { name: "total", type: "bigint" },
      { name: "unique_youth", type: "bigint" },
    ],
  },
  {
    name: "by_month",
    query: "by_month",
    counts: ["n"],
    columns: [
      { name: "start_month", type: "string" },
      { name: "n", type: "bigint" },
    ],
  },
  {
    name: "by_type",
    query: "by_type",
    counts: ["n"],
    columns: [
      { name: "type_code", type: "smallint" },
      { name: "category", type: "string" },
      { name: "n", type: "bigint" },
    ],
  },
  {
    name: "by_start_hour",
    query: "by_start_hour",
    counts: ["n"],
    columns: [
      { name: "start_hour", type: "smallint" },
      { name: "n", type: "bigint" },
    ],
  },
  {
    name: "seclusion_by_room",
    query: "seclusion_by_room",
    counts: ["n"],
    columns: [
      { name: "room", type: "string" },
      { name: "locked", type: "boolean" },
      { name: "n", type: "bigint" },
    ],
  },
  {
    name: "duration",
    query: "duration",
    counts: ["n"],
    stats: ["min_duration", "max_duration", "mean_duration", "median_duration"],
    columns: [
      { name: "type_code", type: "smallint" },
      { name: "n", type: "bigint" },
      { name: "min_duration", type: "int" },
      { name: "max_duration", type: "int" },
      { name: "mean_duration", type: "double" },
      { name: "median_duration", type: "double" },
    ],
  },
  {
    name: "care_plan",
    query: "care_plan",
    counts: ["n"],
    columns: [
      { name: "care_plan", type: "string" },
      { name: "n", type: "bigint" },
    ],
  },
  {
    name: "youth_frequency",
    query: "youth_frequency",
    counts: ["youth"],
    columns: [
      { name: "measures", type: "bigint" },
      { name: "youth", type: "bigint" },
    ],
  },
];
