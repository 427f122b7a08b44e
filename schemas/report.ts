import { z } from "zod";

/** Stable finding codes. Their Dutch titles live next to the validators. */
export const findingCodes = [
  // file level
  "file-too-large",
  "file-empty",
  "file-unreadable",
  "csv-malformed",
  "xlsx-invalid",
  "xlsx-too-large",
  "unsupported-format",
  "missing-column",
  "duplicate-column",
  "extra-column",
  "bad-drop-key",
  // row level
  "row-field-count",
  "missing-value",
  "invalid-date",
  "invalid-time",
  "end-incomplete",
  "end-before-start",
  "unknown-type",
  "invalid-care-plan",
  "invalid-youth-number",
  "youth-number-other-location",
  "start-outside-quarter",
  "type-outside-scope",
  "duplicate-row",
  // warnings
  "duration-over-24h",
  "end-on-point-in-time",
  // occupancy files
  "invalid-month",
  "invalid-number",
  "unknown-location",
  "duplicate-month",
] as const;
export type FindingCode = (typeof findingCodes)[number];
export const severity = z.enum(["error", "warning"]);
export type Severity = z.infer<typeof severity>;

export const finding = z.object({
  code: z.enum(findingCodes),
  severity,
  /** Row number as Excel shows it (header = 1); null for file-level findings. */
  row: z.number().int().positive().nullable(),
  /** Column as the user named it in the file (or the codebook header when missing). */
  column: z.string().nullable(),
  value: z.string().nullable(),
  message: z.string().min(1),
});
export type Finding = z.infer<typeof finding>;

export const validationReport = z.object({
  valid: z.boolean(),
  kind: z.enum(["delivery", "occupancy"]),
  codebookVersion: z.string().nullable(),
  location: z.string().nullable(),
  quarter: z.string().nullable(),
  scope: z.enum(["all", "seclusion"]).nullable(),
  file: z.object({
    name: z.string(),
    bytes: z.number().int().nonnegative(),
    sha256: z.string(),
    format: z.enum(["csv", "xlsx", "unknown"]),
    encoding: z.string().nullable(),
    delimiter: z.string().nullable(),
  }),
  stats: z.object({
    /** Data rows read (non-blank rows after the header). */
    rows: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative(),
    warnings: z.number().int().nonnegative(),
    /** Header-only file: "we registered, there were none". */
    zeroDelivery: z.boolean(),
  }),
  /** Exact number of findings per code. */
  summary: z.array(
    z.object({ code: z.enum(findingCodes), severity, count: z.number().int().positive(), title: z.string() }),
  ),
  /** Findings listed (at most `examplesPerCode` per code; `summary` has the exact counts). */
  findings: z.array(finding),
  examplesPerCode: z.number().int().positive(),
  truncated: z.boolean(),
});
export type ValidationReport = z.infer<typeof validationReport>;
