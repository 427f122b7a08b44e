/**
 * Test fixtures: a temporary curated folder with measures (Parquet, written by DuckDB with the
 * exact column types of schemas/curated.ts), delivery-log lines and occupancy loads.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { createDuckDbEngine } from "../../../functions/adapters/local/duckdb-engine.ts";
import { pickCurrent } from "../../../functions/core/current.ts";
import type { Row, SqlValue } from "../../../functions/ports.ts";
import { bindParams, loadQuery } from "../../../queries/index.ts";
import { codebookFor } from "../../../schemas/codebook.ts";
import {
  curatedKeys,
  type DeliveryLogEntry,
  deliveryLogEntry,
  measureColumns,
  occupancyColumns,
} from "../../../schemas/curated.ts";

export function makeCuratedDir(): string {
  return mkdtempSync(join(tmpdir(), "vbm-curated-"));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface MeasureFixture {
  youth: string;
  /** `YYYY-MM-DD HH:MM` local wall time. */
  start: string;
  type: number;
  /** `YYYY-MM-DD HH:MM`; omitted = no end. */
  end?: string;
  /** Minutes; omitted = null (no end). Given explicitly, not derived, like the ingest stores it. */
  duration?: number;
  carePlan?: "yes" | "no" | "unknown";
  hasReason?: boolean;
  codebookVersion?: string;
}

const codebook = codebookFor("2023-01-01");

async function copyToParquet(
  columns: readonly { name: string; sql: string }[],
  rows: readonly SqlValue[][],
  path: string,
): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    await c.run(`CREATE TABLE t (${columns.map((col) => `${col.name} ${col.sql}`).join(", ")})`);
    const placeholders = columns.map((col) => `CAST(? AS ${col.sql})`).join(", ");
    for (const row of rows) await c.run(`INSERT INTO t VALUES (${placeholders})`, [...row]);
    await c.run(`COPY t TO '${path.replaceAll("'", "''")}' (FORMAT parquet)`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/**
 * The attempt whose measures `writeMeasures` writes: the current accepted attempt of the location
 * and quarter already in the fixture's delivery log, else a new accepted log line (scope all).
 */
function attemptForMeasures(dir: string, location: string, quarter: string, rows: number): string {
  const logDir = join(dir, "delivery-log", location, quarter);
  const entries = existsSync(logDir)
    ? readdirSync(logDir).map((f) =>
        deliveryLogEntry.parse(JSON.parse(readFileSync(join(logDir, f), "utf8"))),
      )
    : [];
  const current = pickCurrent(entries).get(`${location}/${quarter}`);
  if (current) return current.attempt_id;
  const id = createHash("sha256").update(`${location}/${quarter}`).digest("hex").slice(0, 20);
  writeLog(dir, {
    attempt_id: id,
    location,
    quarter,
    status: "accepted",
    rows,
    processed_at: "2023-01-01 00:00:00.000",
  });
  return id;
}

/**
 * Writes the measures object of the current delivery of a location and quarter (an empty list =
 * header-only delivery), with its accepted delivery-log line when the test wrote none.
 */
export async function writeMeasures(
  dir: string,
  location: string,
  quarter: string,
  measures: readonly MeasureFixture[],
): Promise<void> {
  const attemptId = attemptForMeasures(dir, location, quarter, measures.length);
  const rows = measures.map((m, i): SqlValue[] => {
    const type = codebook.types.find((t) => t.code === m.type);
    if (!type) throw new Error(`fixture: unknown type ${m.type}`);
    const byColumn: Record<(typeof measureColumns)[number]["name"], SqlValue> = {
      delivery_id: attemptId,
      source_row: i + 2,
      youth_pseudonym: m.youth,
      start_ts: `${m.start}:00`,
      end_ts: m.end ? `${m.end}:00` : null,
      start_month: m.start.slice(0, 7),
      start_hour: Number(m.start.slice(11, 13)),
      duration_min: m.duration ?? null,
      type_code: m.type,
      category: type.category,
      room: type.seclusion?.room ?? null,
      locked: type.seclusion ? type.seclusion.locked : null,
      care_plan: m.carePlan ?? "unknown",
      has_reason: m.hasReason ?? true,
      codebook_version: m.codebookVersion ?? "2023",
    };
    return measureColumns.map((c) => byColumn[c.name]);
  });
  await copyToParquet(measureColumns, rows, join(dir, curatedKeys.measures(location, quarter, attemptId)));
}

export type LogFixture = Pick<DeliveryLogEntry, "location" | "quarter" | "status" | "processed_at"> &
  Partial<DeliveryLogEntry> & { attempt_id: string };

/** Writes one delivery-log line (validated against the contract) and returns the full entry. */
export function writeLog(dir: string, fixture: LogFixture): DeliveryLogEntry {
  const accepted = fixture.status === "accepted";
  const entry = deliveryLogEntry.parse({
    received_at: fixture.processed_at,
    scope: accepted ? "all" : null,
    source_key: `${fixture.location}/${fixture.quarter}/all/export.csv`,
    file_name: "export.csv",
    file_sha256: "0".repeat(64),
    file_bytes: 100,
    rows: 0,
    errors: accepted ? 0 : 1,
    warnings: 0,
    codebook_version: "2023",
    pseudonym_key_version: "k1",
    report_key: `reports/${fixture.attempt_id}.html`,
    curated_key: accepted
      ? curatedKeys.measures(fixture.location, fixture.quarter, fixture.attempt_id)
      : null,
    quarantine_key: accepted ? null : `quarantine/${fixture.attempt_id}`,
    ...fixture,
  });
  const path = join(dir, curatedKeys.deliveryLog(entry.location, entry.quarter, entry.attempt_id));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(entry)}\n`);
  return entry;
}

/** Attempt ids are 20 hex characters; `attempt(1)` = "00000000000000000001". */
export function attempt(n: number): string {
  return n.toString(16).padStart(20, "0");
}

/** Writes one occupancy load: rows of [location, month, occupancy]. */
export async function writeOccupancy(
  dir: string,
  loadId: string,
  loadedAt: string,
  rows: readonly [string, string, number][],
): Promise<void> {
  const values = rows.map(([location, month, occupancy]): SqlValue[] => [
    location,
    month,
    occupancy,
    loadedAt,
    loadId,
  ]);
  await copyToParquet(occupancyColumns, values, join(dir, curatedKeys.occupancy(loadId)));
  // The load counts once its log line exists (as the ingest commits it).
  const attemptId = createHash("sha256").update(loadId).digest("hex").slice(0, 20);
  const entry = deliveryLogEntry.parse({
    attempt_id: attemptId,
    received_at: loadedAt,
    processed_at: loadedAt,
    location: "_occupancy",
    quarter: "_",
    scope: null,
    source_key: `occupancy/${loadId}.csv`,
    file_name: `${loadId}.csv`,
    file_sha256: "0".repeat(64),
    file_bytes: 100,
    rows: rows.length,
    status: "accepted",
    errors: 0,
    warnings: 0,
    codebook_version: null,
    pseudonym_key_version: null,
    report_key: `_occupancy/_/${attemptId}/report.json`,
    curated_key: curatedKeys.occupancy(loadId),
    quarantine_key: null,
  });
  const logPath = join(dir, "occupancy-log", `${attemptId}.json`);
  mkdirSync(dirname(logPath), { recursive: true });
  writeFileSync(logPath, `${JSON.stringify(entry)}\n`);
}

export interface QueryValues {
  from: string;
  to: string;
  location: string | null;
  seclusionCategory?: string;
}

/** Runs one query file on a fresh DuckDB engine over `dir`. */
export async function runQuery(dir: string, name: string, values: QueryValues): Promise<Row[]> {
  const engine = await createDuckDbEngine({ curatedDir: dir });
  try {
    const params = bindParams(name, { seclusionCategory: "gedwongen_afzonderen", ...values });
    return await engine.query(loadQuery(name), params);
  } finally {
    await engine.close();
  }
}
