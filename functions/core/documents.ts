import { createHash } from "node:crypto";
import { queryHash, queryNames } from "../../queries/index.ts";
import type { DeliveryLogEntry } from "../../schemas/curated.ts";
import type { FactsheetInput, NationalReportInput } from "../../schemas/documents.ts";
import type { FiguresModel } from "../../schemas/figures.ts";
import type { LocationConfig } from "../../schemas/locations.ts";
import { previousQuarter, quarterRange } from "../../schemas/quarter.ts";
import { NoDataError } from "../errors.ts";
import type { Clock, Logger, Mailer, ObjectStore, QueryEngine } from "../ports.ts";
import { renderFactsheet } from "../reports/factsheet.ts";
import { factsheetMail, nationalReportMail, reminderMail } from "../reports/mail-texts.ts";
import { renderNationalReport } from "../reports/national.ts";
import { currentDeliveryOf } from "./current.ts";
import { defaultSuppression, protectFiguresTogether, type SuppressionSettings } from "./disclosure.ts";
import { documentKeys } from "./document-keys.ts";
import { buildFigures, type FiguresOptions } from "./figures.ts";
import { buildIgjExport } from "./igj-export.ts";
import type { Receipt } from "./receipt.ts";
import type { Period } from "./trend.ts";
import { reportTrend } from "./trend-report.ts";

/**
 * The documents people act on: the quarterly factsheet per location, the national report and
 * the half-yearly IGJ provision. Built from the figures model (and, for a location's own
 * factsheet, its private receipt) — never from row-level data. Sending is idempotent: every
 * sent message is recorded under `sent/` in the reports area and never sent twice.
 */
export interface DocumentDeps {
  engine: QueryEngine;
  store: ObjectStore;
  clock: Clock;
  logger: Logger;
  locations: readonly LocationConfig[];
  mailer?: Mailer;
  suppression?: SuppressionSettings;
  /** Base URL of the portal: reminders send the location to its delivery page there. */
  portalUrl?: string | null;
}

export type FactsheetStatus =
  | "created"
  | "sent"
  /** Sent again, marked as corrected: the facts shown changed since the last message. */
  | "resent-corrected"
  | "already-sent"
  | "reminded"
  | "already-reminded"
  | "no-delivery"
  | "no-recipients";

export interface FactsheetOutcome {
  location: string;
  quarter: string;
  status: FactsheetStatus;
  pdfKey: string | null;
}

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
const readJson = async <T>(store: ObjectStore, area: "curated" | "receipts" | "reports", key: string) => {
  const obj = await store.get(area, key);
  return obj ? (JSON.parse(new TextDecoder().decode(obj.body)) as T) : undefined;
};

/** The delivery that counts for a location and quarter: the accepted attempt uploaded last. */
async function acceptedDelivery(store: ObjectStore, location: string, quarter: string) {
  return (await currentDeliveryOf(store, location, quarter)).current ?? undefined;
}

function figures(
  deps: DocumentDeps,
  from: string,
  to: string,
  location: string | null,
  details?: FiguresOptions["details"],
): Promise<FiguresModel> {
  return buildFigures(deps.engine, {
    from,
    to,
    location,
    locations: deps.locations.map((l) => l.code),
    ...(details ? { details } : {}),
  });
}

/** Everything a location's factsheet shows; null when the location has no accepted delivery. */
export async function factsheetInput(
  deps: DocumentDeps,
  location: LocationConfig,
  quarter: string,
  /** The national figures of the quarter, when the caller shares them (one query for all locations). */
  nationalFigures?: () => Promise<FiguresModel>,
) {
  const delivery = await acceptedDelivery(deps.store, location.code, quarter);
  if (!delivery) return null;
  const prevQuarter = previousQuarter(quarter);
  const [current, national, prevDelivery] = await Promise.all([
    figures(deps, quarter, quarter, location.code),
    nationalFigures ? nationalFigures() : figures(deps, quarter, quarter, null),
    acceptedDelivery(deps.store, location.code, prevQuarter),
  ]);
  const previous = prevDelivery ? await figures(deps, prevQuarter, prevQuarter, location.code) : null;
  const receipt = await readJson<Receipt>(deps.store, "receipts", delivery.report_key);
  const input: FactsheetInput = {
    location: { code: location.code, name: location.name },
    quarter,
    current,
    previous,
    national,
    signals: {
      lockedRooms: current.seclusionByRoom.filter((r) => r.locked).reduce((a, r) => a + r.count, 0),
      over12h: current.longMeasures.over12h,
      over3days: current.longMeasures.over3days,
      youthRises: receipt?.signals?.rises ?? [],
    },
    warnings: (receipt?.report.summary ?? [])
      .filter((s) => s.severity === "warning")
      .map((s) => ({ code: s.code, title: s.title, count: s.count })),
    generatedAt: deps.clock.now().toISOString(),
  };
  return input;
}

/**
 * Makes (and with `send`, mails) the factsheet of one location for one quarter; a location
 * without an accepted delivery gets a friendly reminder instead (only with `send`).
 */
export async function makeFactsheet(
  deps: DocumentDeps,
  location: LocationConfig,
  quarter: string,
  opts: {
    send: boolean;
    national?: () => Promise<FiguresModel>;
    /** Send again even when sent before (after a corrected delivery, or a lost mail). */
    resend?: boolean;
  },
): Promise<FactsheetOutcome> {
  const input = await factsheetInput(deps, location, quarter, opts.national);
  const base = { location: location.code, quarter };
  if (!input) {
    if (!opts.send) return { ...base, status: "no-delivery", pdfKey: null };
    return sendReminder(deps, location, quarter);
  }
  const rendered = await renderFactsheet(input);
  const pdfKey = documentKeys.factsheetPdf(quarter, location.code);
  await deps.store.put("reports", pdfKey, rendered.pdf, "application/pdf");
  await deps.store.put(
    "reports",
    documentKeys.factsheetHtml(quarter, location.code),
    new TextEncoder().encode(rendered.html),
  );
  if (!opts.send) return { ...base, status: "created", pdfKey };
  const record = documentKeys.sent(quarter, location.code, "factsheet");
  const contentHash = factsheetContentHash(input);
  const previous = await readJson<{ contentHash?: string }>(deps.store, "reports", record);
  // Sent before: only again when the facts shown changed (a corrected delivery). A record
  // without a hash (made before hashes were kept) counts as the same content.
  const corrected =
    previous !== undefined && previous.contentHash !== undefined && previous.contentHash !== contentHash;
  if (!opts.resend && previous !== undefined && !corrected)
    return { ...base, status: "already-sent", pdfKey };
  if (location.emails.length === 0) return { ...base, status: "no-recipients", pdfKey };
  // A resend is a new message per delivery: the idempotency key names the delivery it shows.
  const resentOf = opts.resend
    ? (await acceptedDelivery(deps.store, location.code, quarter))?.attempt_id
    : null;
  const mail = factsheetMail({
    locationName: location.name,
    quarter,
    headline: `${input.current.total} maatregelen, ${input.current.uniqueYouth} jongeren`,
    bodyHtml: rendered.html,
    corrected,
  });
  const sent = await requireMailer(deps).send({
    to: location.emails,
    ...mail,
    attachments: [
      {
        filename: `factsheet-${location.code}-${quarter}.pdf`,
        content: rendered.pdf,
        contentType: "application/pdf",
      },
    ],
    idempotencyKey: `factsheet/${quarter}/${location.code}${resentOf ? `/${resentOf}` : corrected ? `/${contentHash.slice(0, 16)}` : ""}`,
  });
  await deps.store.put(
    "reports",
    record,
    json({ ...sent, to: location.emails, sentAt: deps.clock.now(), contentHash }),
  );
  deps.logger.info("factsheet sent", { location: location.code, quarter, corrected });
  return { ...base, status: corrected ? "resent-corrected" : "sent", pdfKey };
}

/**
 * sha256 of the facts a location's factsheet shows about itself: its figures this quarter and
 * the previous one, its signals and validation warnings. Not the PDF (it holds the date it was
 * made) and not the national comparison (a delivery of another location must not send every
 * location its factsheet again).
 */
export function factsheetContentHash(input: FactsheetInput): string {
  const { location, quarter, current, previous, signals, warnings } = input;
  const facts = { location, quarter, current, previous, signals, warnings };
  return createHash("sha256").update(JSON.stringify(facts), "utf8").digest("hex");
}

/** What sending reminders needs: no query engine. */
export type ReminderDeps = Pick<
  DocumentDeps,
  "store" | "clock" | "logger" | "locations" | "mailer" | "portalUrl"
>;

/** A friendly reminder to a location without an accepted delivery; sent once per quarter. */
async function sendReminder(
  deps: ReminderDeps,
  location: LocationConfig,
  quarter: string,
): Promise<FactsheetOutcome> {
  const base = { location: location.code, quarter, pdfKey: null };
  const record = documentKeys.sent(quarter, location.code, "reminder");
  if (await deps.store.exists("reports", record)) return { ...base, status: "already-reminded" };
  if (location.emails.length === 0) return { ...base, status: "no-recipients" };
  const mail = reminderMail({
    locationName: location.name,
    locationCode: location.code,
    quarter,
    ...(deps.portalUrl ? { portalUrl: deps.portalUrl } : {}),
  });
  const sent = await requireMailer(deps).send({
    to: location.emails,
    ...mail,
    idempotencyKey: `reminder/${quarter}/${location.code}`,
  });
  await deps.store.put("reports", record, json({ ...sent, to: location.emails, sentAt: deps.clock.now() }));
  deps.logger.info("reminder sent", { location: location.code, quarter });
  return { ...base, status: "reminded" };
}

/**
 * Reminders only: to every location without an accepted delivery for the quarter (missing or
 * only rejected files). Locations that delivered get nothing, not even their factsheet.
 */
export async function sendReminders(deps: ReminderDeps, quarter: string): Promise<FactsheetOutcome[]> {
  const out: FactsheetOutcome[] = [];
  for (const location of deps.locations)
    if (!(await acceptedDelivery(deps.store, location.code, quarter)))
      out.push(await sendReminder(deps, location, quarter));
  return out;
}

function requireMailer(deps: Pick<DocumentDeps, "mailer">): Mailer {
  if (!deps.mailer) throw new Error("no mailer configured");
  return deps.mailer;
}

/** Locations whose factsheet is in progress at the same time (see `makeFactsheets`). */
const FACTSHEETS_IN_PROGRESS = 2;

/**
 * The factsheets (or reminders) of every location for a quarter, in the order of the locations.
 * Two locations are in progress at once: while one factsheet is drawn (JavaScript, this thread),
 * the figures of the next are asked (DuckDB's own threads, or Athena). `onDone` hears of each
 * location as soon as it is finished.
 */
export async function makeFactsheets(
  deps: DocumentDeps,
  quarter: string,
  opts: { send: boolean; onDone?: (outcome: FactsheetOutcome) => void },
) {
  // The national comparison is the same for every location: query it once, and only if needed.
  let national: Promise<FiguresModel> | undefined;
  const nationalOnce = () => {
    national ??= figures(deps, quarter, quarter, null);
    return national;
  };
  return mapInOrder(deps.locations, FACTSHEETS_IN_PROGRESS, async (location) => {
    const outcome = await makeFactsheet(deps, location, quarter, { send: opts.send, national: nationalOnce });
    opts.onDone?.(outcome);
    return outcome;
  });
}

/**
 * `f` over `items` with at most `limit` calls in progress; the results in the order of `items`.
 * After a failure no new call starts; the first error is thrown once the running calls ended.
 */
export async function mapInOrder<T, R>(
  items: readonly T[],
  limit: number,
  f: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        results[i] = await f(items[i] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure !== undefined) throw failure.error;
  return results;
}

/**
 * The national report for any range of quarters, after disclosure control. Its "Verloop in de
 * tijd" compares periods of months with the first (the reference): by default one period per
 * quarter of the range (`defaultReportPeriods`), or `opts.periods` (as `parsePeriods` gives
 * them). A report of one quarter, or without usable data, says in one line why it has no
 * trend analysis.
 */
export async function makeNationalReport(
  deps: DocumentDeps,
  from: string,
  to: string,
  opts: { send?: readonly string[]; periods?: readonly Period[] } = {},
) {
  const settings = deps.suppression ?? defaultSuppression;
  const quarters = quarterRange(from, to);
  // The start time per kind of seclusion is shown for the whole range only.
  const total = await figures(deps, from, to, null, { seclusionByStartHour: true });
  if (total.deliveries.every((d) => d.status === "missing"))
    throw new NoDataError(
      `Over ${from === to ? from : `${from} t/m ${to}`} is er geen enkele levering geaccepteerd; er is geen landelijke rapportage gemaakt.`,
    );
  const perQuarter = await Promise.all(quarters.map((q) => figures(deps, q, q, null)));
  const range: NationalReportInput = {
    from,
    to,
    total,
    perQuarter,
    matrix: total.deliveries.map((d) => ({
      location: d.location,
      quarter: d.quarter,
      status: d.status !== "missing" && d.rows === 0 ? "zero" : d.status,
    })),
    generatedAt: deps.clock.now().toISOString(),
    suppressionThreshold: settings.threshold,
  };
  // The quarters add up to the range: protect them together, so no hidden quarterly count
  // can be derived from the range total minus the other quarters.
  const protectedFigures = protectFiguresTogether(perQuarter, total, settings);
  const trend = await reportTrend(deps.engine, { from, to, periods: opts.periods }, settings);
  const rendered = await renderNationalReport({
    range,
    total: protectedFigures.whole,
    perQuarter: protectedFigures.parts,
    trend,
  });
  const key = documentKeys.nationalPdf(from, to);
  await deps.store.put("reports", key, rendered.pdf, "application/pdf");
  if (opts.send && opts.send.length > 0) {
    await requireMailer(deps).send({
      to: opts.send,
      ...nationalReportMail({ from, to }),
      attachments: [
        {
          filename: `landelijke-rapportage-${from}_${to}.pdf`,
          content: rendered.pdf,
          contentType: "application/pdf",
        },
      ],
    });
  }
  deps.logger.info("national report made", { from, to });
  return { key, text: rendered.text };
}

/** The half-yearly IGJ provision: aggregates per location (after disclosure control) + manifest. */
export async function makeIgjExport(
  deps: DocumentDeps,
  half: string,
  pseudonymKeyVersions: readonly string[],
) {
  const m = /^(\d{4})-H([12])$/.exec(half);
  if (!m) throw new RangeError(`not a half year: ${half}`);
  const [from, to] = m[2] === "1" ? [`${m[1]}-Q1`, `${m[1]}-Q2`] : [`${m[1]}-Q3`, `${m[1]}-Q4`];
  const national = await figures(deps, from, to, null);
  if (national.deliveries.every((d) => d.status === "missing"))
    throw new NoDataError(
      `Over ${half} (${from} t/m ${to}) is er geen enkele levering geaccepteerd; er is geen IGJ-aanlevering gemaakt.`,
    );
  const perLocation = await Promise.all(deps.locations.map((l) => figures(deps, from, to, l.code)));
  const deliveries: DeliveryLogEntry[] = [];
  for (const l of deps.locations)
    for (const q of quarterRange(from, to)) {
      const d = await acceptedDelivery(deps.store, l.code, q);
      if (d) deliveries.push(d);
    }
  const result = buildIgjExport({
    half,
    perLocation,
    national,
    deliveries,
    queryHashes: Object.fromEntries(queryNames().map((n) => [n, queryHash(n)])),
    pseudonymKeyVersions: [
      ...new Set([...pseudonymKeyVersions, ...deliveries.flatMap((d) => d.pseudonym_key_version ?? [])]),
    ],
    settings: deps.suppression ?? defaultSuppression,
    createdAt: deps.clock.now().toISOString(),
  });
  const keys: string[] = [];
  for (const f of result.files) {
    const key = documentKeys.igj(half, f.name);
    const type = f.name.endsWith(".csv") ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8";
    await deps.store.put("reports", key, new TextEncoder().encode(f.content), type);
    keys.push(key);
  }
  const manifestKey = documentKeys.igj(half, "manifest.json");
  await deps.store.put("reports", manifestKey, json(result.manifest), "application/json");
  return { keys: [...keys, manifestKey], manifest: result.manifest };
}

export { documentKeys };
