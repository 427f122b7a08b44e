import { z } from "zod";
import { locationCode, quarterId, scope } from "./delivery.ts";

/**
 * The curated measures: one immutable Parquet object per accepted delivery attempt at
 * `measures/location=<LOC>/quarter=<YYYY-Qn>/<attempt_id>.parquet` in the curated area. Which
 * attempt is current for a location and quarter is decided by the delivery log (see
 * `currentDeliverySql`), never by overwriting an object. `location` and `quarter` are
 * partition columns (from the path), not stored in the file. Never holds the raw youth number
 * or the reason text.
 */
export const measureColumns = [
  { name: "delivery_id", sql: "VARCHAR", doc: "attempt id of the delivery that brought this row" },
  {
    name: "source_row",
    sql: "INTEGER",
    doc: "row number in the delivered file (header = 1), for the location's own follow-up",
  },
  {
    name: "youth_pseudonym",
    sql: "VARCHAR",
    doc: "keyed HMAC-SHA256 pseudonym of the youth number (hex, 64 chars)",
  },
  {
    name: "start_ts",
    sql: "TIMESTAMP",
    doc: "start, local wall time Europe/Amsterdam (isAdjustedToUTC=false)",
  },
  {
    name: "end_ts",
    sql: "TIMESTAMP",
    doc: "end, local wall time; null for point-in-time measures or when not registered",
  },
  {
    name: "start_month",
    sql: "VARCHAR",
    doc: "YYYY-MM of the start (derived, avoids dialect-specific date functions)",
  },
  { name: "start_hour", sql: "SMALLINT", doc: "hour of day of the start, 0-23 (derived)" },
  {
    name: "duration_min",
    sql: "INTEGER",
    doc: "duration in whole minutes, DST-correct; null without an end",
  },
  { name: "type_code", sql: "SMALLINT", doc: "Type VBM code from the codebook" },
  { name: "category", sql: "VARCHAR", doc: "category id from the codebook (one of six)" },
  { name: "room", sql: "VARCHAR", doc: "seclusion room type id (seclusion types only)" },
  { name: "locked", sql: "BOOLEAN", doc: "seclusion room locked (seclusion types only)" },
  { name: "care_plan", sql: "VARCHAR", doc: "foreseen in the care plan: yes | no | unknown" },
  {
    name: "has_reason",
    sql: "BOOLEAN",
    doc: "whether Aanleiding was filled in (the text itself is never kept)",
  },
  { name: "codebook_version", sql: "VARCHAR", doc: "codebook version the delivery was checked against" },
] as const;
export type MeasureColumn = (typeof measureColumns)[number]["name"];

export const carePlanValue = z.enum(["yes", "no", "unknown"]);
export type CarePlanValue = z.infer<typeof carePlanValue>;

/**
 * One line (JSON) per delivery attempt at
 * `delivery-log/<LOC>/<YYYY-Qn>/<attempt_id>.json` in the curated area (unroutable files:
 * `delivery-log/_unrouted/_/<attempt_id>.json`). Holds no youth numbers and no reason texts.
 */
export const deliveryLogEntry = z.object({
  attempt_id: z.string().regex(/^[0-9a-f]{20}$/),
  /** When the file arrived in the drop zone (S3 event time; locally when `deliver` stored it), UTC. */
  received_at: z.string(),
  /**
   * Upload order among objects that arrived in the same millisecond: the S3 event sequencer
   * (upper-case hex, right-padded with zeros to 32 characters, so text order is upload order);
   * locally the machine's monotonic clock in nanoseconds, left-padded to 32 digits. Lines
   * written before this field existed read as null.
   */
  sequencer: z.string().nullable().default(null),
  processed_at: z.string(),
  location: locationCode.or(z.enum(["_unrouted", "_occupancy"])),
  quarter: quarterId.or(z.literal("_")),
  scope: scope.nullable(),
  source_key: z.string(),
  file_name: z.string(),
  /** Null only when the file was refused on its size alone (it was never downloaded). */
  file_sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  file_bytes: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  status: z.enum(["accepted", "rejected"]),
  errors: z.number().int().nonnegative(),
  warnings: z.number().int().nonnegative(),
  codebook_version: z.string().nullable(),
  pseudonym_key_version: z.string().nullable(),
  report_key: z.string(),
  curated_key: z.string().nullable(),
  quarantine_key: z.string().nullable(),
});
export type DeliveryLogEntry = z.infer<typeof deliveryLogEntry>;

/**
 * Occupancy (gemiddelde bezetting): one Parquet object per loaded file at
 * `occupancy/<load_id>.parquet` in the curated area. For each (location, month) the
 * most recently loaded value counts.
 */
export const occupancyColumns = [
  { name: "location", sql: "VARCHAR", doc: "location code" },
  { name: "month", sql: "VARCHAR", doc: "YYYY-MM" },
  { name: "occupancy", sql: "DOUBLE", doc: "average number of young people present that month" },
  { name: "loaded_at", sql: "TIMESTAMP", doc: "when the file was loaded (UTC)" },
  { name: "load_id", sql: "VARCHAR", doc: "id of the load (sha256 prefix of the file)" },
] as const;

/** Object keys in the curated area. */
export const curatedKeys = {
  measures: (location: string, quarter: string, attemptId: string) =>
    `measures/location=${location}/quarter=${quarter}/${attemptId}.parquet`,
  measuresPrefix: (location: string, quarter: string) => `measures/location=${location}/quarter=${quarter}/`,
  deliveryLog: (location: string, quarter: string, attemptId: string) =>
    `delivery-log/${location}/${quarter}/${attemptId}.json`,
  occupancy: (loadId: string) => `occupancy/${loadId}.parquet`,
};

/**
 * The current delivery of a location and quarter: of its accepted attempts, the one uploaded
 * last (drop-zone arrival, then sequencer, then attempt id), whatever the order in which they
 * were processed. Each attempt commits by writing its one delivery-log line (after its Parquet
 * object), so "current" changes in a single atomic step and always names an object that exists.
 * This ordering is defined once here and used by the SQL view (Athena, DuckDB) and by
 * `pickCurrent` in functions/core/current.ts.
 */
export const currentDeliveryColumns = [
  "location",
  "quarter",
  "attempt_id",
  "scope",
  "rows",
  "codebook_version",
  "pseudonym_key_version",
  "received_at",
  "sequencer",
  "processed_at",
  "curated_key",
] as const satisfies readonly (keyof DeliveryLogEntry)[];
export type CurrentDelivery = Pick<DeliveryLogEntry, (typeof currentDeliveryColumns)[number]>;

/** SQL (Trino and DuckDB alike) of the view `current_delivery` over `delivery_log`. */
export const currentDeliverySql = `SELECT ${currentDeliveryColumns.join(", ")}
FROM (
  SELECT
    ${currentDeliveryColumns.join(", ")},
    row_number() OVER (
      PARTITION BY location, quarter
      ORDER BY received_at DESC, coalesce(sequencer, '') DESC, attempt_id DESC
    ) AS rn
  FROM delivery_log
  WHERE status = 'accepted'
) ranked
WHERE rn = 1`;

/** SQL of the view `measures` over all attempt objects (`measures_all`): the current ones only. */
export const measuresViewSql = (
  columns: readonly string[],
) => `SELECT ${columns.map((c) => `m.${c}`).join(", ")}
FROM measures_all m
JOIN current_delivery c
  ON m.location = c.location AND m.quarter = c.quarter AND m.delivery_id = c.attempt_id`;

/** Compares two accepted attempts of one location and quarter by upload order (> 0: a is later). */
export function compareUploadOrder(
  a: Pick<DeliveryLogEntry, "received_at" | "sequencer" | "attempt_id">,
  b: Pick<DeliveryLogEntry, "received_at" | "sequencer" | "attempt_id">,
): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    cmp(a.received_at, b.received_at) ||
    cmp(a.sequencer ?? "", b.sequencer ?? "") ||
    cmp(a.attempt_id, b.attempt_id)
  );
}

/** S3 sequencers of one key compare as hex after right-padding the shorter with zeros. */
export function normaliseS3Sequencer(sequencer: string | undefined): string | null {
  if (!sequencer || !/^[0-9a-fA-F]+$/.test(sequencer)) return null;
  return sequencer.toUpperCase().padEnd(32, "0");
}
