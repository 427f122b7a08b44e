import type * as glue from "aws-cdk-lib/aws-glue";
import { type AggregateDefinition, aggregateExtraColumns } from "../queries/aggregates.ts";
import { deliveryLogEntry, measureColumns, occupancyColumns } from "../schemas/curated.ts";

/**
 * Glue (Hive) types of the curated tables, derived from the product's own schema definitions so
 * the catalog cannot drift from what the ingest writes.
 */
const GLUE_TYPE = {
  VARCHAR: "string",
  INTEGER: "int",
  SMALLINT: "smallint",
  TIMESTAMP: "timestamp",
  BOOLEAN: "boolean",
  DOUBLE: "double",
} as const;

type SqlType = keyof typeof GLUE_TYPE;

function glueColumns(
  columns: readonly { name: string; sql: SqlType; doc: string }[],
): glue.CfnTable.ColumnProperty[] {
  return columns.map((c) => ({ name: c.name, type: GLUE_TYPE[c.sql], comment: c.doc }));
}

export const measuresColumns = glueColumns(measureColumns);
export const occupancyTableColumns = glueColumns(occupancyColumns);

/** Non-string columns of a delivery-log line; every other field is a string (or null). */
const DELIVERY_LOG_TYPES: Record<string, string> = {
  file_bytes: "bigint",
  rows: "int",
  errors: "int",
  warnings: "int",
};

export const deliveryLogColumns: glue.CfnTable.ColumnProperty[] = Object.keys(deliveryLogEntry.shape).map(
  (name) => ({ name, type: DELIVERY_LOG_TYPES[name] ?? "string" }),
);

export function aggregateColumns(agg: AggregateDefinition): glue.CfnTable.ColumnProperty[] {
  return [
    ...agg.columns.map((c) => ({ name: c.name, type: c.type })),
    ...aggregateExtraColumns.map((c) => ({ ...c })),
  ];
}

/** Every quarter the partition projection knows: 2023-Q1 up to and including `lastYear`-Q4. */
export function projectedQuarters(firstYear = 2023, lastYear = 2035): string[] {
  const quarters: string[] = [];
  for (let year = firstYear; year <= lastYear; year++)
    for (let q = 1; q <= 4; q++) quarters.push(`${year}-Q${q}`);
  return quarters;
}

export const PARQUET_STORAGE = {
  inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
  serdeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
} as const;

export const JSON_LINES_STORAGE = {
  inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
  serdeInfo: {
    serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
    parameters: { "ignore.malformed.json": "false" },
  },
} as const;
