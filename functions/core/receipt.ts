import { type Codebook, indexCodebook } from "../../schemas/codebook.ts";
import type { ValidationReport } from "../../schemas/report.ts";
import type { YouthRiseSignal } from "./signals.ts";
import type { MeasureColumns } from "./validate/delivery.ts";

/**
 * The private receipt of one delivery attempt, stored in the location's own area
 * (`receipts/<LOC>/<YYYY-Qn>/<attempt id>.json`). It holds the full validation report (which
 * may show the location's own values) and a short summary. It never goes into national data.
 */
export interface Receipt {
  attemptId: string;
  receivedAt: string;
  processedAt: string;
  status: "accepted" | "rejected";
  /** Dutch one-line verdict for the location. */
  verdict: string;
  /**
   * Accepted, but a file for the same location and quarter that was uploaded later had already
   * been accepted: that one counts. Its file name; null otherwise.
   */
  supersededBy: string | null;
  summary: {
    rows: number;
    measures: number;
    youth: number;
    firstStart: string | null;
    lastStart: string | null;
    byCategory: { category: string; label: string; count: number }[];
    carePlanUnknown: number;
    missingEnd: number;
  } | null;
  /** Signals only this location may see (raw youth numbers); null for rejected deliveries. */
  signals: YouthRiseSignal | null;
  report: ValidationReport;
}

export function receiptKey(location: string, quarter: string, attemptId: string): string {
  return `${location}/${quarter}/${attemptId}.json`;
}

const wallIso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/**
 * The verdict in one Dutch sentence. `check` is for `validate` (a check before delivering):
 * nothing was delivered, so it never says accepted or received.
 */
export function verdictText(report: ValidationReport, mode: "delivery" | "check" = "delivery"): string {
  const where = report.location && report.quarter ? ` voor ${report.location} ${report.quarter}` : "";
  if (mode === "check") {
    const w = report.stats.warnings;
    const notes = w > 0 ? `, met ${w} ${w === 1 ? "opmerking" : "opmerkingen"} om naar te kijken` : "";
    if (!report.valid) {
      const n = report.stats.errors;
      return `Afgewezen${where}: ${n} ${n === 1 ? "fout" : "fouten"} gevonden. Dit bestand kan zo nog niet worden aangeleverd; verbeter het en controleer het opnieuw.`;
    }
    if (report.stats.zeroDelivery)
      return `Dit bestand is goed en kan worden aangeleverd${where}: een nullevering (geen maatregelen dit kwartaal). Er is nog niets aangeleverd.`;
    const rows = `${report.stats.rows} ${report.stats.rows === 1 ? "maatregel" : "maatregelen"}`;
    return `Dit bestand is goed en kan worden aangeleverd${where}: ${rows}${notes}. Er is nog niets aangeleverd.`;
  }
  if (!report.valid) {
    const n = report.stats.errors;
    return `Afgewezen${where}: ${n} ${n === 1 ? "fout" : "fouten"} gevonden. Er is niets veranderd in de gegevens; verbeter het bestand en lever het opnieuw.`;
  }
  if (report.stats.zeroDelivery)
    return `Ontvangen${where}: een nullevering (geen maatregelen dit kwartaal). Dank u; dit telt als levering.`;
  const w = report.stats.warnings;
  const rows = `${report.stats.rows} ${report.stats.rows === 1 ? "maatregel" : "maatregelen"}`;
  return `Geaccepteerd${where}: ${rows}${w > 0 ? `, met ${w} ${w === 1 ? "opmerking" : "opmerkingen"} om naar te kijken` : ""}.`;
}

/** The verdict and field of a receipt whose delivery is not the one that counts: a later upload is. */
export function supersededNote(
  receipt: Pick<Receipt, "verdict">,
  laterFile: string | undefined,
): Pick<Receipt, "verdict" | "supersededBy"> {
  const name = laterFile ?? "een later bestand";
  return {
    verdict: `${receipt.verdict} Let op: voor dit kwartaal is daarna al een ander bestand aangeleverd (${name}); dat latere bestand telt, niet dit.`,
    supersededBy: name,
  };
}

export function buildReceipt(input: {
  attemptId: string;
  event: { receivedAt: Date };
  processedAt: Date;
  report: ValidationReport;
  measures?: MeasureColumns;
  codebook?: Codebook;
  signals?: YouthRiseSignal;
  supersededBy?: string | null;
}): Receipt {
  const { report, measures, codebook } = input;
  let summary: Receipt["summary"] = null;
  if (measures && codebook) {
    const cb = indexCodebook(codebook);
    const perCategory = new Map(codebook.categories.map((c) => [c.id, 0]));
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    let carePlanUnknown = 0;
    let missingEnd = 0;
    for (let i = 0; i < measures.count; i++) {
      const type = cb.typeByCode.get(measures.typeCode[i] as number);
      if (type) perCategory.set(type.category, (perCategory.get(type.category) ?? 0) + 1);
      const s = measures.startWall[i] as number;
      if (s < first) first = s;
      if (s > last) last = s;
      if (measures.carePlan[i] === 0) carePlanUnknown++;
      if (type && !type.pointInTime && (measures.durationMin[i] as number) < 0) missingEnd++;
    }
    summary = {
      rows: report.stats.rows,
      measures: measures.count,
      youth: measures.youthNumbers.length,
      firstStart: measures.count > 0 ? wallIso(first) : null,
      lastStart: measures.count > 0 ? wallIso(last) : null,
      byCategory: [...perCategory].map(([category, count]) => ({
        category,
        label: cb.categoryLabel.get(category) ?? category,
        count,
      })),
      carePlanUnknown,
      missingEnd,
    };
  }
  return {
    attemptId: input.attemptId,
    receivedAt: input.event.receivedAt.toISOString(),
    processedAt: input.processedAt.toISOString(),
    status: report.valid ? "accepted" : "rejected",
    verdict: verdictText(report),
    supersededBy: null,
    ...(input.supersededBy ? supersededNote({ verdict: verdictText(report) }, input.supersededBy) : {}),
    summary,
    signals: input.signals ?? null,
    report,
  };
}
