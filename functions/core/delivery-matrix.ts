/**
 * The delivery matrix for the facilitator: per location and quarter what was delivered, and the
 * attempts behind it. Built from the delivery log (the same snapshot the reports read) and the
 * locations config. It holds only counts, statuses, file names and finding titles — never a
 * youth number, a reason text or a finding's value.
 */
import { DateTime } from "luxon";
import type { CurrentDelivery, DeliveryLogEntry } from "../../schemas/curated.ts";
import { quarterBounds, quarterRange } from "../../schemas/quarter.ts";
import type { ValidationReport } from "../../schemas/report.ts";
import { UserError } from "../errors.ts";
import type { ObjectStore } from "../ports.ts";
import { type BrokenObject, resolveSnapshot } from "./current.ts";
import { ZONE } from "./time.ts";

export const cellStatuses = [
  "geleverd",
  "alleen afzonderen",
  "nullevering",
  "afgewezen",
  "ontbreekt",
  "te laat",
  /** The quarter has not ended yet: nothing is due. */
  "loopt nog",
] as const;
export type CellStatus = (typeof cellStatuses)[number];

export interface MatrixAttempt {
  attemptId: string;
  /** When the file arrived, UTC (as in the delivery log). */
  receivedAt: string;
  fileName: string;
  status: "accepted" | "rejected";
  scope: "all" | "seclusion" | null;
  rows: number;
  errors: number;
  warnings: number;
  /** Whether this attempt is the delivery that counts. */
  current: boolean;
}

export interface MatrixCell {
  location: string;
  quarter: string;
  status: CellStatus;
  /** Last day (Amsterdam date, inclusive) a delivery for the quarter is on time. */
  deadline: string;
  /** The delivery that counts arrived after the deadline. */
  deliveredLate: boolean;
  /** Rows of the delivery that counts; null without one. */
  rows: number | null;
  /** Titles of the errors of the latest rejected attempt (status `afgewezen` only). */
  errorTitles: string[];
  /** Every attempt for the cell, newest first. */
  attempts: MatrixAttempt[];
}

export interface MatrixRow {
  location: string;
  name: string;
  cells: MatrixCell[];
}

export interface DeliveryMatrix {
  quarters: string[];
  rows: MatrixRow[];
}

export interface MatrixInput {
  log: readonly DeliveryLogEntry[];
  current: readonly Pick<
    CurrentDelivery,
    "location" | "quarter" | "attempt_id" | "scope" | "rows" | "received_at"
  >[];
  locations: readonly { code: string; name: string }[];
  quarters: readonly string[];
  deadlineDays: number;
  now: Date;
  /** Error titles per rejected attempt id (from its receipt); missing = unknown. */
  errorTitles?: ReadonlyMap<string, readonly string[]>;
}

export const DEFAULT_DEADLINE_DAYS = 30;

/** The delivery deadline in days after the quarter from `VBM_DEADLINE_DAYS` (default 30). */
export function deadlineDaysFromEnv(env: Record<string, string | undefined>): number {
  const raw = env.VBM_DEADLINE_DAYS?.trim();
  if (!raw) return DEFAULT_DEADLINE_DAYS;
  const days = Number(raw);
  if (!/^\d{1,3}$/.test(raw) || days > 366)
    throw new UserError(
      `VBM_DEADLINE_DAYS="${raw}" is geen geldig aantal dagen: gebruik een heel getal van 0 tot en met 366, bijv. 30.`,
    );
  return days;
}

/** The last day (ISO date, Amsterdam) on which a delivery for `quarter` is on time. */
export function deliveryDeadline(quarter: string, deadlineDays: number): string {
  return DateTime.fromISO(quarterBounds(quarter).last, { zone: ZONE })
    .plus({ days: deadlineDays })
    .toISODate() as string;
}

/** The Amsterdam calendar date of a moment (a Date, or a log time `YYYY-MM-DD HH:MM:SS.mmm` in UTC). */
export function amsterdamDate(moment: Date | string): string {
  const ms = typeof moment === "string" ? Date.parse(`${moment.replace(" ", "T")}Z`) : moment.getTime();
  return DateTime.fromMillis(ms, { zone: ZONE }).toISODate() as string;
}

const newestFirst = (a: DeliveryLogEntry, b: DeliveryLogEntry) =>
  b.received_at.localeCompare(a.received_at) ||
  (b.sequencer ?? "").localeCompare(a.sequencer ?? "") ||
  b.attempt_id.localeCompare(a.attempt_id);

/** Pure: the matrix of `locations` (plus any other location in the log) × `quarters`. */
export function buildDeliveryMatrix(input: MatrixInput): DeliveryMatrix {
  const today = amsterdamDate(input.now);
  const byCell = new Map<string, DeliveryLogEntry[]>();
  for (const e of input.log) {
    if (e.location === "_unrouted" || e.location === "_occupancy") continue;
    const k = `${e.location}/${e.quarter}`;
    byCell.set(k, [...(byCell.get(k) ?? []), e]);
  }
  const current = new Map(input.current.map((c) => [`${c.location}/${c.quarter}`, c]));
  const names = new Map(input.locations.map((l) => [l.code, l.name]));
  const wanted = new Set(input.quarters);
  for (const e of input.log)
    if (wanted.has(e.quarter) && /^[A-Z]{2}$/.test(e.location) && !names.has(e.location))
      names.set(e.location, e.location);

  const rows: MatrixRow[] = [...names.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([location, name]) => ({
      location,
      name,
      cells: input.quarters.map((quarter): MatrixCell => {
        const key = `${location}/${quarter}`;
        const entries = [...(byCell.get(key) ?? [])].sort(newestFirst);
        const counts = current.get(key);
        const deadline = deliveryDeadline(quarter, input.deadlineDays);
        const attempts = entries.map((e) => ({
          attemptId: e.attempt_id,
          receivedAt: e.received_at,
          fileName: e.file_name,
          status: e.status,
          scope: e.scope,
          rows: e.rows,
          errors: e.errors,
          warnings: e.warnings,
          current: counts?.attempt_id === e.attempt_id,
        }));
        const base = { location, quarter, deadline, attempts };
        if (counts) {
          const status: CellStatus =
            counts.rows === 0
              ? "nullevering"
              : counts.scope === "seclusion"
                ? "alleen afzonderen"
                : "geleverd";
          return {
            ...base,
            status,
            deliveredLate: amsterdamDate(counts.received_at) > deadline,
            rows: counts.rows,
            errorTitles: [],
          };
        }
        const latestRejected = entries.find((e) => e.status === "rejected");
        if (latestRejected)
          return {
            ...base,
            status: "afgewezen",
            deliveredLate: false,
            rows: null,
            errorTitles: [...(input.errorTitles?.get(latestRejected.attempt_id) ?? [])],
          };
        return {
          ...base,
          status:
            today > deadline ? "te laat" : today <= quarterBounds(quarter).last ? "loopt nog" : "ontbreekt",
          deliveredLate: false,
          rows: null,
          errorTitles: [],
        };
      }),
    }));
  return { quarters: [...input.quarters], rows };
}

/** Titles (never values) of the errors in a receipt's validation report. */
export function errorTitlesOf(report: Pick<ValidationReport, "summary"> | undefined): string[] {
  return (report?.summary ?? []).filter((s) => s.severity === "error").map((s) => s.title);
}

/**
 * Reads the snapshot of `from`..`to` and the error titles of the latest rejected attempt of every
 * cell without an accepted delivery, and builds the matrix.
 */
export async function loadDeliveryMatrix(
  store: ObjectStore,
  opts: {
    from: string;
    to: string;
    locations: readonly { code: string; name: string }[];
    deadlineDays: number;
    now: Date;
  },
): Promise<DeliveryMatrix & { broken: BrokenObject[] }> {
  const snapshot = await resolveSnapshot(store, { from: opts.from, to: opts.to });
  const input = {
    log: snapshot.log,
    current: snapshot.current,
    locations: opts.locations,
    quarters: quarterRange(opts.from, opts.to),
    deadlineDays: opts.deadlineDays,
    now: opts.now,
  };
  const titles = new Map<string, string[]>();
  for (const row of buildDeliveryMatrix(input).rows)
    for (const cell of row.cells) {
      if (cell.status !== "afgewezen") continue;
      const latest = cell.attempts.find((a) => a.status === "rejected");
      const entry = latest && snapshot.log.find((e) => e.attempt_id === latest.attemptId);
      if (!entry) continue;
      const obj = await store.get("receipts", entry.report_key);
      if (!obj) continue;
      try {
        const receipt = JSON.parse(new TextDecoder().decode(obj.body)) as { report?: ValidationReport };
        titles.set(entry.attempt_id, errorTitlesOf(receipt.report));
      } catch {
        // A damaged receipt only costs the titles; the status still comes from the log.
      }
    }
  return { ...buildDeliveryMatrix({ ...input, errorTitles: titles }), broken: snapshot.broken };
}

/** The matrix as CSV for Dutch Excel: `;`, CRLF, UTF-8 with BOM; one line per location and quarter. */
export function matrixCsv(matrix: DeliveryMatrix): string {
  // A cell Excel would read as a formula (a file name like `=HYPERLINK(…)`) is made text first.
  const quote = (value: string) => {
    const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[;"\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  };
  const lines = [
    [
      "Locatie",
      "Naam",
      "Kwartaal",
      "Status",
      "Uiterste datum",
      "Na de uiterste datum geleverd",
      "Rijen",
      "Pogingen",
      "Fouten laatste afgewezen poging",
    ],
  ];
  for (const row of matrix.rows)
    for (const c of row.cells)
      lines.push([
        row.location,
        row.name,
        c.quarter,
        c.status,
        c.deadline,
        c.deliveredLate ? "ja" : "nee",
        c.rows === null ? "" : String(c.rows),
        String(c.attempts.length),
        c.errorTitles.join(" | "),
      ]);
  return `\uFEFF${lines.map((l) => l.map(quote).join(";")).join("\r\n")}\r\n`;
}

/** Keeps the locations with at least one cell of `status` (all rows without a status). */
export function filterMatrix(matrix: DeliveryMatrix, status: CellStatus | null): DeliveryMatrix {
  if (!status) return matrix;
  return { ...matrix, rows: matrix.rows.filter((r) => r.cells.some((c) => c.status === status)) };
}
