import type * as glue from "aws-cdk-lib/aws-glue";
import { type AggregateDefinition, aggregateExtraColumns } from "../queries/aggregates.ts";
import {
  currentDeliveryColumns,
  currentDeliverySql,
  deliveryLogEntry,
  measureColumns,
  measuresViewSql,
  occupancyColumns,
} from "../schemas/curated.ts";
import { QUARTER_YEARS } from "../schemas/delivery.ts";

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

/**
 * The years the partition projection covers: exactly the years a delivery's quarter can have
 * (`QUARTER_YEARS`, checked on every drop-zone key), so every object the ingest writes is
 * queryable.
 */
export const PROJECTED_YEARS = QUARTER_YEARS;

/** Every quarter the partition projection knows, in order. */
export function projectedQuarters(
  firstYear: number = PROJECTED_YEARS.first,
  lastYear: number = PROJECTED_YEARS.last,
): string[] {
  const quarters: string[] = [];
  for (let year = firstYear; year <= lastYear; year++)
    for (let q = 1; q <= 4; q++) quarters.push(`${year}-Q${q}`);
  return quarters;
}

/**
 * Every location code the ingest can write (`locationCode`: two capital letters, AA–ZZ), not
 * only the configured ones: removing a location from the config must not hide its history, and
 * a new location needs no catalog change.
 */
export function projectedLocationCodes(): string[] {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return [...letters].flatMap((a) => [...letters].map((b) => `${a}${b}`));
}

/**
 * Columns of the view `current_delivery` (the current accepted delivery per location and
 * quarter, over the delivery log), typed as in the delivery log.
 */
export const currentDeliveryViewColumns: glue.CfnTable.ColumnProperty[] = currentDeliveryColumns.map(
  (name) => ({
    name,
    type: DELIVERY_LOG_TYPES[name] ?? "string",
  }),
);

/** Presto (Athena engine) type of a Glue (Hive) column type, as a view definition stores it. */
const PRESTO_TYPE: Record<string, string> = {
  string: "varchar",
  int: "integer",
  smallint: "smallint",
  bigint: "bigint",
  timestamp: "timestamp(3)",
  boolean: "boolean",
  double: "double",
};

/**
 * Columns of the view `measures` (the rows of the current deliveries): the measures columns,
 * then the partition columns of `measures_all`.
 */
export const measuresViewColumns: glue.CfnTable.ColumnProperty[] = [
  ...measuresColumns,
  { name: "location", type: "string" },
  { name: "quarter", type: "string" },
];

/**
 * The two views of `vbm_curated`, with the SQL the product defines once (schemas/curated.ts) and
 * DuckDB runs locally: `current_delivery` over `delivery_log`, `measures` over `measures_all`
 * joined with `current_delivery`.
 */
export const CURATED_VIEWS = {
  currentDelivery: { sql: currentDeliverySql, columns: currentDeliveryViewColumns },
  measures: {
    sql: measuresViewSql(measuresViewColumns.map((c) => c.name as string)),
    columns: measuresViewColumns,
  },
} as const;

/**
 * The Glue table input of an Athena (Presto) view: Athena reads the definition from
 * `viewOriginalText`, a base64 JSON document between `/* Presto View: ` and ` *\/`.
 */
export function prestoView(
  name: string,
  database: string,
  sql: string,
  columns: readonly glue.CfnTable.ColumnProperty[],
  description: string,
): glue.CfnTable.TableInputProperty {
  const definition = {
    originalSql: sql,
    catalog: "awsdatacatalog",
    schema: database,
    columns: columns.map((c) => {
      const type = PRESTO_TYPE[c.type ?? ""];
      if (!type) throw new Error(`view ${name}: no Presto type for column ${c.name} (${c.type})`);
      return { name: c.name, type };
    }),
  };
  return {
    name,
    description,
    tableType: "VIRTUAL_VIEW",
    parameters: { presto_view: "true", comment: "Presto View" },
    viewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(definition)).toString("base64")} */`,
    viewExpandedText: "/* Presto View */",
    partitionKeys: [],
    storageDescriptor: {
      columns: columns.map((c) => ({ name: c.name, type: c.type })),
      serdeInfo: {},
    },
  };
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
