import { createHash } from "node:crypto";
import {
  compareUploadOrder,
  curatedKeys,
  type DeliveryLogEntry,
  deliveryLogEntry,
} from "../../schemas/curated.ts";
import { type DeliveryRoute, parseDropZoneKey } from "../../schemas/delivery.ts";
import type { ValidationReport } from "../../schemas/report.ts";
import { SystemError } from "../errors.ts";
import type { Ports } from "../ports.ts";
import { encodeMeasures, encodeOccupancy } from "./curated.ts";
import { currentDeliveryOf, pickCurrent, readLogLines } from "./current.ts";
import { tooLargeMessage } from "./read/index.ts";
import { defaultReadLimits, type ReadLimits } from "./read/types.ts";
import { buildReceipt, type Receipt, receiptKey, supersededNote } from "./receipt.ts";
import { findYouthRises, type YouthRiseSignal } from "./signals.ts";
import { type DeliveryValidation, validateDelivery } from "./validate/delivery.ts";
import { findingTitles } from "./validate/findings.ts";
import { sha256Hex } from "./validate/hash.ts";
import { validateOccupancy } from "./validate/occupancy.ts";
import { verdictMailRequest, verdictMailRequestKey } from "./verdict-mail.ts";

/** An object that arrived in the drop zone (from an S3 event, or from the local `deliver`). */
export interface DropZoneEvent {
  key: string;
  /** Object version (S3 versionId; locally the folder store's version). Same event twice = same version. */
  version?: string | undefined;
  /** When the object arrived (S3 event time; locally when `deliver` stored it). */
  receivedAt: Date;
  /** Upload order within one millisecond (see `sequencer` in schemas/curated.ts), when known. */
  sequencer?: string | null | undefined;
  /** Size in bytes from the event, when it says; otherwise the store is asked before anything is read. */
  size?: number | undefined;
}

export interface IngestOptions {
  /**
   * Known location codes (from the locations config). `undefined` = no config at all (a local data
   * dir without `config/locations.json`): any well-formed code is accepted. An empty list accepts none.
   */
  locations?: readonly string[] | undefined;
  limits?: ReadLimits;
  /** Leave a verdict e-mail request for the separate send step (AWS; locally the CLI shows the verdict). */
  mailVerdict?: boolean;
  /** Objects of attempts superseded at least this long ago are removed (default one hour). */
  cleanupGraceMs?: number;
}

export interface IngestOutcome {
  /** `duplicate` = this exact event was processed before; nothing changed. */
  status: "accepted" | "rejected" | "duplicate";
  kind: "delivery" | "occupancy";
  entry: DeliveryLogEntry;
  report: ValidationReport | null;
  /**
   * For an accepted delivery: whether it is the current delivery of its location and quarter
   * after processing (false: a file uploaded later had already been accepted, and that one counts).
   */
  current: boolean | null;
}

const JSON_TYPE = "application/json; charset=utf-8";
const PARQUET_TYPE = "application/vnd.apache.parquet";
const DEFAULT_GRACE_MS = 60 * 60 * 1000;
const encodeJson = (value: unknown, pretty = false) =>
  new TextEncoder().encode(`${pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`);

/** Timestamps in the log: UTC, `YYYY-MM-DD HH:MM:SS.mmm` (readable by DuckDB and Athena alike). */
const logTime = (d: Date) => d.toISOString().replace("T", " ").replace("Z", "");

/** SHA-256 (hex) of a file, hashed in place (Web Crypto's digest would copy the whole file first). */
function fileSha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function attemptIdFor(event: Pick<DropZoneEvent, "key" | "version">): Promise<string> {
  return (await sha256Hex(`${event.key}\n${event.version ?? ""}`)).slice(0, 20);
}

function logKeyFor(kind: "delivery" | "occupancy", route: DeliveryRoute | null, attemptId: string): string {
  if (kind === "occupancy") return `occupancy-log/${attemptId}.json`;
  return route
    ? curatedKeys.deliveryLog(route.location, route.quarter, attemptId)
    : curatedKeys.deliveryLog("_unrouted", "_", attemptId);
}

/**
 * Processes one object from the drop zone: exactly what the ingest Lambda runs, and what the
 * local `deliver` runs.
 *
 * Every check that can fail runs before anything is written: the size (from the event or the
 * store, before downloading), the location, validation, pseudonymisation, and the rise check
 * against the previous quarter. Then the attempt writes only objects of its own — its Parquet
 * object (accepted) or a server-side copy of the file plus its report in quarantine (rejected),
 * its private receipt, and the verdict e-mail request — and commits by writing its one
 * delivery-log line last. Until that line exists, the attempt is invisible: a crash at any point
 * leaves the previous complete state, and processing the event again finishes the job.
 *
 * Which accepted attempt counts for a location and quarter is the one uploaded last (see
 * `current.ts`), so two deliveries processed concurrently or out of order always end with the
 * later upload current, and the delivery status is read from the same log the figures follow.
 */
export async function ingestDropZoneObject(
  ports: Ports,
  event: DropZoneEvent,
  options: IngestOptions = {},
): Promise<IngestOutcome> {
  const { store, logger, clock } = ports;
  const attemptId = await attemptIdFor(event);
  const parsed = parseDropZoneKey(event.key);
  const route = parsed.ok && parsed.route.kind === "delivery" ? parsed.route : null;
  const kind = parsed.ok && parsed.route.kind === "occupancy" ? "occupancy" : "delivery";
  const logKey = logKeyFor(kind, route, attemptId);
  const limits = options.limits ?? defaultReadLimits;

  // The attempt's log line is its commit: when it exists, this event was processed before.
  const previous = await readLogLines(store, [logKey]);
  const done = previous.entries[0];
  if (done) {
    logger.info("drop-zone event already processed", { attemptId, status: done.status });
    return { status: "duplicate", kind, entry: done, report: null, current: null };
  }
  // A damaged log line of this very attempt: the event is processed again and the line rewritten.
  if (previous.broken.length > 0)
    logger.warn("delivery-log line of this attempt is damaged; processing again", { attemptId });

  const fileName = event.key.split("/").pop() ?? event.key;
  const source = { area: "dropzone" as const, key: event.key, version: event.version };
  // The size comes from the event or a HEAD request: a file over the limit is never downloaded.
  const size = event.size ?? (await store.head("dropzone", event.key, { version: event.version }))?.size;
  if (size === undefined)
    throw new SystemError(`Het bestand ${event.key} staat niet (meer) in de afleverzone.`);
  const read = async (): Promise<Uint8Array> => {
    const object = await store.get("dropzone", event.key, { version: event.version });
    if (!object) throw new SystemError(`Het bestand ${event.key} staat niet (meer) in de afleverzone.`);
    return object.body;
  };

  if (kind === "occupancy") {
    if (size > limits.maxBytes)
      return commitRejected(ports, event, {
        attemptId,
        logKey,
        fileName,
        source,
        report: fileReport(
          "file-too-large",
          fileName,
          size,
          null,
          tooLargeMessage(size, limits.maxBytes, "csv"),
        ),
        location: "_occupancy",
        quarter: "_",
        route: null,
        mailVerdict: false,
      });
    return ingestOccupancy(
      ports,
      event,
      { attemptId, logKey, fileName, source, bytes: await read() },
      options,
    );
  }

  // The file's bytes live only inside `check`, so they can be freed before the Parquet is built.
  const check = async (): Promise<CheckedDelivery> => {
    if (!route) {
      const message = parsed.ok ? "" : parsed.message;
      return { report: fileReport("bad-drop-key", fileName, size, null, message) };
    }
    if (options.locations && !options.locations.includes(route.location)) {
      const message = `Locatie ${route.location} staat niet in de lijst van locaties. Controleer de locatiecode of vraag de netwerkbegeleider de locatie toe te voegen.`;
      return { report: fileReport("unknown-location", fileName, size, null, message, route) };
    }
    if (size > limits.maxBytes) {
      const format = fileName.toLowerCase().endsWith(".xlsx") ? "xlsx" : "csv";
      const message = tooLargeMessage(size, limits.maxBytes, format);
      return { report: fileReport("file-too-large", fileName, size, null, message, route) };
    }
    const bytes = await read();
    return validateDelivery(bytes, { ...route, limits, sha256: fileSha256(bytes) });
  };
  const validation = await check();
  const { report } = validation;
  const location = route?.location ?? "_unrouted";
  const quarter = route?.quarter ?? "_";

  if (!(report.valid && validation.measures && validation.codebook && route))
    return commitRejected(ports, event, {
      attemptId,
      logKey,
      fileName,
      source,
      report,
      location,
      quarter,
      route,
      mailVerdict: options.mailVerdict === true,
    });

  // Accepted: everything that reads or can fail happens before the first write.
  const measures = validation.measures;
  const pseudonyms = await ports.pseudonymiser.pseudonymise(measures.youthNumbers);
  const pseudonymKeyVersion = ports.pseudonymiser.keyVersion;
  const signals = await riseSignals(ports, route, measures, pseudonyms);
  const order = {
    received_at: logTime(event.receivedAt),
    sequencer: event.sequencer ?? null,
    attempt_id: attemptId,
  };
  const before = await currentDeliveryOf(store, route.location, route.quarter);
  const newerIsCurrent = before.current !== null && compareUploadOrder(before.current, order) > 0;
  const parquet = await encodeMeasures(measures, pseudonyms, {
    deliveryId: attemptId,
    codebook: validation.codebook,
  });
  const processedAt = clock.now();
  const curatedKey = curatedKeys.measures(route.location, route.quarter, attemptId);
  const receipt = buildReceipt({
    attemptId,
    event,
    processedAt,
    report,
    measures,
    codebook: validation.codebook,
    signals,
    supersededBy: newerIsCurrent ? (before.current?.file_name ?? null) : null,
  });
  const entry = logEntry(event, {
    attemptId,
    processedAt,
    location,
    quarter,
    route,
    fileName,
    report,
    fileSha: report.file.sha256,
    pseudonymKeyVersion,
    curatedKey,
    quarantineKey: null,
  });

  await store.put("curated", curatedKey, parquet, PARQUET_TYPE);
  await writeReceiptAndRequest(ports, entry, receipt, options.mailVerdict === true);
  // The commit: from this line on, the attempt exists (and counts when it is the latest upload).
  await store.put("curated", logKey, encodeJson(entry), JSON_TYPE);

  const after = await removeSuperseded(ports, route, options.cleanupGraceMs ?? DEFAULT_GRACE_MS);
  const current = after === null ? !newerIsCurrent : after === attemptId;
  if (!current && !newerIsCurrent && after !== null) {
    // A later upload was committed while this one was processed: say so in the receipt too.
    const newer = (await currentDeliveryOf(store, route.location, route.quarter)).current;
    await store
      .put(
        "receipts",
        entry.report_key,
        encodeJson({ ...receipt, ...supersededNote(receipt, newer?.file_name) }, true),
        JSON_TYPE,
      )
      .catch((e: unknown) =>
        logger.warn("receipt note failed", { attemptId, reason: (e as Error)?.message }),
      );
  }
  logger.info("delivery processed", {
    attemptId,
    location,
    quarter,
    scope: entry.scope,
    status: entry.status,
    current,
    rows: entry.rows,
    errors: entry.errors,
    warnings: entry.warnings,
    codebookVersion: entry.codebook_version,
    findings: report.summary.map((s) => ({ code: s.code, count: s.count })),
  });
  return { status: "accepted", kind: "delivery", entry, report, current };
}

/** The attempt and the drop-zone object (key and version) it processes. */
interface AttemptFile {
  attemptId: string;
  logKey: string;
  fileName: string;
  source: { area: "dropzone"; key: string; version?: string | undefined };
}

type CheckedDelivery =
  | DeliveryValidation
  | { report: ValidationReport; measures?: undefined; codebook?: undefined };

/** The rise check reads the previous quarter; a damaged object there never blocks this delivery. */
async function riseSignals(
  ports: Ports,
  route: DeliveryRoute,
  measures: NonNullable<DeliveryValidation["measures"]>,
  pseudonyms: ReadonlyMap<string, string>,
): Promise<YouthRiseSignal> {
  try {
    return await findYouthRises(ports.store, route.location, route.quarter, measures, pseudonyms);
  } catch (e) {
    const problem = (e as Error)?.message ?? String(e);
    ports.logger.warn("rise check skipped: previous quarter unreadable", {
      location: route.location,
      problem,
    });
    return { comparedWith: null, rises: [], unavailable: problem };
  }
}

function logEntry(
  event: DropZoneEvent,
  f: {
    attemptId: string;
    processedAt: Date;
    location: string;
    quarter: string;
    route: DeliveryRoute | null;
    fileName: string;
    report: ValidationReport;
    fileSha: string | null;
    pseudonymKeyVersion: string | null;
    curatedKey: string | null;
    quarantineKey: string | null;
    reportKey?: string;
  },
): DeliveryLogEntry {
  return deliveryLogEntry.parse({
    attempt_id: f.attemptId,
    received_at: logTime(event.receivedAt),
    sequencer: event.sequencer ?? null,
    processed_at: logTime(f.processedAt),
    location: f.location,
    quarter: f.quarter,
    scope: f.route?.scope ?? null,
    source_key: event.key,
    file_name: f.fileName,
    file_sha256: f.fileSha || null,
    file_bytes: f.report.file.bytes,
    rows: f.report.stats.rows,
    status: f.report.valid ? "accepted" : "rejected",
    errors: f.report.stats.errors,
    warnings: f.report.stats.warnings,
    codebook_version: f.report.codebookVersion,
    pseudonym_key_version: f.pseudonymKeyVersion,
    report_key: f.reportKey ?? receiptKey(f.location, f.quarter, f.attemptId),
    curated_key: f.curatedKey,
    quarantine_key: f.quarantineKey,
  } satisfies DeliveryLogEntry);
}

async function writeReceiptAndRequest(
  ports: Ports,
  entry: DeliveryLogEntry,
  receipt: Receipt,
  mailVerdict: boolean,
): Promise<void> {
  await ports.store.put("receipts", entry.report_key, encodeJson(receipt, true), JSON_TYPE);
  if (mailVerdict && entry.location !== "_unrouted")
    await ports.store.put(
      "mail",
      verdictMailRequestKey(entry.attempt_id),
      encodeJson(verdictMailRequest(entry)),
      JSON_TYPE,
    );
}

/**
 * A rejected file: copied server-side into quarantine (never downloaded again), kept there with
 * its report; the receipt and, last, the log line. The curated data are not touched.
 */
async function commitRejected(
  ports: Ports,
  event: DropZoneEvent,
  f: AttemptFile & {
    report: ValidationReport;
    location: string;
    quarter: string;
    route: DeliveryRoute | null;
    mailVerdict: boolean;
  },
): Promise<IngestOutcome> {
  const { store, clock, logger } = ports;
  const base = `${f.location}/${f.quarter}/${f.attemptId}`;
  const quarantineKey = `${base}/${f.fileName}`;
  const processedAt = clock.now();
  const occupancy = f.location === "_occupancy";
  const entry = logEntry(event, {
    attemptId: f.attemptId,
    processedAt,
    location: f.location,
    quarter: f.quarter,
    route: f.route,
    fileName: f.fileName,
    report: f.report,
    fileSha: f.report.file.sha256,
    pseudonymKeyVersion: null,
    curatedKey: null,
    quarantineKey,
    ...(occupancy ? { reportKey: `${base}/report.json` } : {}),
  });
  await store.copy(f.source, { area: "quarantine", key: quarantineKey });
  await store.put("quarantine", `${base}/report.json`, encodeJson(f.report, true), JSON_TYPE);
  if (!occupancy) {
    const receipt = buildReceipt({ attemptId: f.attemptId, event, processedAt, report: f.report });
    await writeReceiptAndRequest(ports, entry, receipt, f.mailVerdict);
  }
  await store.put("curated", f.logKey, encodeJson(entry), JSON_TYPE);
  logger.info(occupancy ? "occupancy processed" : "delivery processed", {
    attemptId: f.attemptId,
    location: f.location,
    quarter: f.quarter,
    status: entry.status,
    rows: entry.rows,
    errors: entry.errors,
    warnings: entry.warnings,
    findings: f.report.summary.map((s) => ({ code: s.code, count: s.count })),
  });
  return {
    status: "rejected",
    kind: occupancy ? "occupancy" : "delivery",
    entry,
    report: f.report,
    current: null,
  };
}

/**
 * Removes Parquet objects of this location and quarter that no longer count: attempts for which a
 * later upload was committed at least `graceMs` ago (a run that resolved its snapshot before may
 * still be reading them until then), and objects of attempts that never committed, older than
 * `graceMs`. Best effort: a failure is logged and retried at the next delivery. Returns the
 * attempt id that is current, or null when the log could not be read.
 */
async function removeSuperseded(ports: Ports, route: DeliveryRoute, graceMs: number): Promise<string | null> {
  const { store, clock, logger } = ports;
  try {
    const { entries, broken } = await currentDeliveryOf(store, route.location, route.quarter);
    const current = pickCurrent(entries).get(`${route.location}/${route.quarter}`) ?? null;
    if (broken.length > 0) return current?.attempt_id ?? null;
    const now = clock.now().getTime();
    const cutoff = new Date(now - graceMs).toISOString().replace("T", " ").replace("Z", "");
    const byKey = new Map(entries.filter((e) => e.curated_key).map((e) => [e.curated_key as string, e]));
    const objects = await store.list("curated", curatedKeys.measuresPrefix(route.location, route.quarter));
    for (const key of objects) {
      if (key === current?.curated_key) continue;
      const owner = byKey.get(key);
      let remove = false;
      if (owner) {
        remove = entries.some(
          (e) =>
            e.status === "accepted" &&
            e.curated_key !== null &&
            compareUploadOrder(e, owner) > 0 &&
            e.processed_at < cutoff,
        );
      } else {
        const info = await store.head("curated", key);
        remove = info !== undefined && now - info.lastModified.getTime() > graceMs;
      }
      if (remove) {
        await store.delete("curated", key);
        logger.info("superseded delivery object removed", { key });
      }
    }
    return current?.attempt_id ?? null;
  } catch (e) {
    logger.warn("cleanup of superseded delivery objects failed", { reason: (e as Error)?.message });
    return null;
  }
}

function fileReport(
  code: "bad-drop-key" | "unknown-location" | "file-too-large",
  fileName: string,
  bytes: number,
  sha256: string | null,
  message: string,
  route?: DeliveryRoute,
): ValidationReport {
  return {
    valid: false,
    kind: "delivery",
    codebookVersion: null,
    location: route?.location ?? null,
    quarter: route?.quarter ?? null,
    scope: route?.scope ?? null,
    file: { name: fileName, bytes, sha256: sha256 ?? "", format: "unknown", encoding: null, delimiter: null },
    stats: { rows: 0, errors: 1, warnings: 0, zeroDelivery: false },
    summary: [{ code, severity: "error", count: 1, title: findingTitles[code] }],
    findings: [{ code, severity: "error", row: null, column: null, value: null, message }],
    examplesPerCode: 50,
    truncated: false,
  };
}

async function ingestOccupancy(
  ports: Ports,
  event: DropZoneEvent,
  f: AttemptFile & { bytes: Uint8Array },
  options: IngestOptions,
): Promise<IngestOutcome> {
  const { store, clock, logger } = ports;
  const fileSha = fileSha256(f.bytes);
  const { report, rows } = await validateOccupancy(f.bytes, {
    fileName: f.fileName,
    ...(options.locations ? { locations: options.locations } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  if (!report.valid || !rows)
    return commitRejected(ports, event, {
      attemptId: f.attemptId,
      logKey: f.logKey,
      fileName: f.fileName,
      source: f.source,
      report: { ...report, file: { ...report.file, sha256: fileSha } },
      location: "_occupancy",
      quarter: "_",
      route: null,
      mailVerdict: false,
    });
  const processedAt = clock.now();
  const curatedKey = curatedKeys.occupancy(f.attemptId);
  const reportKey = `_occupancy/_/${f.attemptId}/report.json`;
  // `loaded_at` is the upload time, so for each location and month the latest upload counts.
  const parquet = encodeOccupancy(rows, { loadId: f.attemptId, loadedAt: event.receivedAt });
  const entry = logEntry(event, {
    attemptId: f.attemptId,
    processedAt,
    location: "_occupancy",
    quarter: "_",
    route: null,
    fileName: f.fileName,
    report,
    fileSha,
    pseudonymKeyVersion: null,
    curatedKey,
    quarantineKey: null,
    reportKey,
  });
  await store.put("curated", curatedKey, parquet, PARQUET_TYPE);
  await store.put("quarantine", reportKey, encodeJson(report, true), JSON_TYPE);
  await store.put("curated", f.logKey, encodeJson(entry), JSON_TYPE);
  logger.info("occupancy processed", { attemptId: f.attemptId, status: entry.status, rows: entry.rows });
  return { status: "accepted", kind: "occupancy", entry, report, current: null };
}
