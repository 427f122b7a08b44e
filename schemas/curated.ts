import { z } from "zod";
import { locationCode, quarterId, scope } from "./delivery.ts";

/**
 * The curated measures table: one Parquet object per accepted delivery at
 * `measures/location=<LOC>/quarter=<YYYY-Qn>/delivery.parquet` in the curated area.
 * `location` and `quarter` are partition columns (from the path), not stored in the file.
 * Never holds the raw youth number or the reason text.
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
  received_at: z.string(),
  processed_at: z.string(),
  location: locationCode.or(z.enum(["_unrouted", "_occupancy"])),
  quarter: quarterId.or(z.literal("_")),
  scope: scope.nullable(),
  source_key: z.string(),
  file_name: z.string(),
  file_sha256: z.string().regex(/^[0-9a-f]{64}$/),
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
  measures: (location: string, quarter: string) =>
    `measures/location=${location}/quarter=${quarter}/delivery.parquet`,
  deliveryLog: (location: string, quarter: string, attemptId: string) =>
    `delivery-log/${location}/${quarter}/${attemptId}.json`,
  occupancy: (loadId: string) => `occupancy/${loadId}.parquet`,
};
