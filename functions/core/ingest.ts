import { curatedKeys, type DeliveryLogEntry, deliveryLogEntry } from "../../schemas/curated.ts";
import { type DeliveryRoute, parseDropZoneKey } from "../../schemas/delivery.ts";
import type { ValidationReport } from "../../schemas/report.ts";
import { SystemError } from "../errors.ts";
import type { Ports } from "../ports.ts";
import { encodeMeasures, encodeOccupancy } from "./curated.ts";
import type { ReadLimits } from "./read/types.ts";
import { buildReceipt, type Receipt, receiptKey } from "./receipt.ts";
import { findYouthRises } from "./signals.ts";
import { type DeliveryValidation, validateDelivery } from "./validate/delivery.ts";
import { findingTitles } from "./validate/findings.ts";
import { sha256Hex } from "./validate/hash.ts";
import { validateOccupancy } from "./validate/occupancy.ts";

/** An object that arrived in the drop zone (from an S3 event, or from the local `deliver`). */
export interface DropZoneEvent {
  key: string;
  /** Object version (S3 versionId; locally a unique id per put). Same event twice = same version. */
  version?: string | undefined;
  receivedAt: Date;
}

export interface IngestOptions {
  /** Known location codes (from the locations config); empty = accept any well-formed code. */
  locations?: readonly string[];
  limits?: ReadLimits;
}

export interface IngestOutcome {
  /** `duplicate` = this exact event was processed before; nothing changed. */
  status: "accepted" | "rejected" | "duplicate";
  kind: "delivery" | "occupancy";
  entry: DeliveryLogEntry;
  report: ValidationReport | null;
}

const JSON_TYPE = "application/json; charset=utf-8";
const encodeJson = (value: unknown, pretty = false) =>
  new TextEncoder().encode(`${pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`);

/** Timestamps in the log: UTC, `YYYY-MM-DD HH:MM:SS.mmm` (readable by DuckDB and Athena alike). */
const logTime = (d: Date) => d.toISOString().replace("T", " ").replace("Z", "");

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
 * local `deliver` runs. Validates; on any error the file and its report go to quarantine and the
 * curated data stay as they were; otherwise the measures are pseudonymised and written as the
 * one Parquet object of that location and quarter (replacing an earlier delivery). Every attempt
 * gets a private receipt for the location and one line in the delivery log. Processing the same
 * event again changes nothing.
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

  const previous = await store.get("curated", logKey);
  if (previous) {
    const entry = deliveryLogEntry.parse(JSON.parse(new TextDecoder().decode(previous.body)));
    logger.info("drop-zone event already processed", { attemptId, status: entry.status });
    return { status: "duplicate", kind, entry, report: null };
  }

  const fileName = event.key.split("/").pop() ?? event.key;
  if (kind === "occupancy") {
    const bytes = await readDropZone(ports, event.key);
    return ingestOccupancy(
      ports,
      event,
      { attemptId, logKey, bytes, fileName, fileSha: await sha256Hex(bytes) },
      options,
    );
  }
  // The file's bytes live only inside `check`, so they can be freed before the Parquet is built.
  const check = async (): Promise<CheckedDelivery> => {
    const bytes = await readDropZone(ports, event.key);
    if (!route) {
      const message = parsed.ok ? "" : parsed.message;
      return { report: unroutableReport(fileName, bytes.length, await sha256Hex(bytes), message) };
    }
    if (options.locations && options.locations.length > 0 && !options.locations.includes(route.location)) {
      const message = `Locatie ${route.location} staat niet in de lijst van locaties. Controleer de locatiecode of vraag de netwerkbegeleider de locatie toe te voegen.`;
      return { report: unroutableReport(fileName, bytes.length, await sha256Hex(bytes), message, route) };
    }
    return validateDelivery(bytes, { ...route, ...(options.limits ? { limits: options.limits } : {}) });
  };
  const validation = await check();
  const { report } = validation;
  const location = route?.location ?? "_unrouted";
  const quarter = route?.quarter ?? "_";
  const processedAt = clock.now();
  const rKey = receiptKey(location, quarter, attemptId);

  let curatedKey: string | null = null;
  let quarantineKey: string | null = null;
  let pseudonymKeyVersion: string | null = null;
  let receipt: Receipt;

  if (report.valid && validation.measures && validation.codebook && route) {
    const measures = validation.measures;
    const pseudonyms = await ports.pseudonymiser.pseudonymise(measures.youthNumbers);
    pseudonymKeyVersion = ports.pseudonymiser.keyVersion;
    curatedKey = curatedKeys.measures(route.location, route.quarter);
    await store.put(
      "curated",
      curatedKey,
      encodeMeasures(measures, pseudonyms, { deliveryId: attemptId, codebook: validation.codebook }),
      "application/vnd.apache.parquet",
    );
    const signals = await findYouthRises(store, route.location, route.quarter, measures, pseudonyms);
    receipt = buildReceipt({
      attemptId,
      event,
      processedAt,
      report,
      measures,
      codebook: validation.codebook,
      signals,
    });
  } else {
    quarantineKey = `${location}/${quarter}/${attemptId}/${fileName}`;
    await store.put("quarantine", quarantineKey, await readDropZone(ports, event.key));
    await store.put(
      "quarantine",
      `${location}/${quarter}/${attemptId}/report.json`,
      encodeJson(report, true),
      JSON_TYPE,
    );
    receipt = buildReceipt({ attemptId, event, processedAt, report });
  }
  await store.put("receipts", rKey, encodeJson(receipt, true), JSON_TYPE);

  const entry = deliveryLogEntry.parse({
    attempt_id: attemptId,
    received_at: logTime(event.receivedAt),
    processed_at: logTime(processedAt),
    location,
    quarter,
    scope: route?.scope ?? null,
    source_key: event.key,
    file_name: fileName,
    file_sha256: report.file.sha256,
    file_bytes: report.file.bytes,
    rows: report.stats.rows,
    status: report.valid ? "accepted" : "rejected",
    errors: report.stats.errors,
    warnings: report.stats.warnings,
    codebook_version: report.codebookVersion,
    pseudonym_key_version: pseudonymKeyVersion,
    report_key: rKey,
    curated_key: curatedKey,
    quarantine_key: quarantineKey,
  } satisfies DeliveryLogEntry);
  // The log line is written last: a crash before it means the event is processed again in full.
  await store.put("curated", logKey, encodeJson(entry), JSON_TYPE);
  logger.info("delivery processed", {
    attemptId,
    location,
    quarter,
    scope: entry.scope,
    status: entry.status,
    rows: entry.rows,
    errors: entry.errors,
    warnings: entry.warnings,
    codebookVersion: entry.codebook_version,
    findings: report.summary.map((s) => ({ code: s.code, count: s.count })),
  });
  return { status: entry.status, kind: "delivery", entry, report };
}

type CheckedDelivery =
  | DeliveryValidation
  | { report: ValidationReport; measures?: undefined; codebook?: undefined };

async function readDropZone(ports: Ports, key: string): Promise<Uint8Array> {
  const object = await ports.store.get("dropzone", key);
  if (!object) throw new SystemError(`Het bestand ${key} staat niet (meer) in de afleverzone.`);
  return object.body;
}

function unroutableReport(
  fileName: string,
  bytes: number,
  sha256: string,
  message: string,
  route?: DeliveryRoute,
): ValidationReport {
  const code = route ? "unknown-location" : "bad-drop-key";
  return {
    valid: false,
    kind: "delivery",
    codebookVersion: null,
    location: route?.location ?? null,
    quarter: route?.quarter ?? null,
    scope: route?.scope ?? null,
    file: { name: fileName, bytes, sha256, format: "unknown", encoding: null, delimiter: null },
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
  f: { attemptId: string; logKey: string; bytes: Uint8Array; fileName: string; fileSha: string },
  options: IngestOptions,
): Promise<IngestOutcome> {
  const { store, clock, logger } = ports;
  const { report, rows } = await validateOccupancy(f.bytes, {
    fileName: f.fileName,
    ...(options.locations ? { locations: options.locations } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const processedAt = clock.now();
  let curatedKey: string | null = null;
  let quarantineKey: string | null = null;
  if (report.valid && rows) {
    curatedKey = curatedKeys.occupancy(f.attemptId);
    await store.put(
      "curated",
      curatedKey,
      encodeOccupancy(rows, { loadId: f.attemptId, loadedAt: processedAt }),
    );
  } else {
    quarantineKey = `_occupancy/_/${f.attemptId}/${f.fileName}`;
    await store.put("quarantine", quarantineKey, f.bytes);
  }
  const reportKey = `_occupancy/_/${f.attemptId}/report.json`;
  await store.put("quarantine", reportKey, encodeJson(report, true), JSON_TYPE);
  const entry = deliveryLogEntry.parse({
    attempt_id: f.attemptId,
    received_at: logTime(event.receivedAt),
    processed_at: logTime(processedAt),
    location: "_occupancy",
    quarter: "_",
    scope: null,
    source_key: event.key,
    file_name: f.fileName,
    file_sha256: f.fileSha,
    file_bytes: f.bytes.length,
    rows: report.stats.rows,
    status: report.valid ? "accepted" : "rejected",
    errors: report.stats.errors,
    warnings: report.stats.warnings,
    codebook_version: null,
    pseudonym_key_version: null,
    report_key: reportKey,
    curated_key: curatedKey,
    quarantine_key: quarantineKey,
  } satisfies DeliveryLogEntry);
  await store.put("curated", f.logKey, encodeJson(entry), JSON_TYPE);
  logger.info("occupancy processed", { attemptId: f.attemptId, status: entry.status, rows: entry.rows });
  return { status: entry.status, kind: "occupancy", entry, report };
}
