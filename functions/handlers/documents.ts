import middy from "@middy/core";
import { previousQuarter, quarterRange } from "../../schemas/quarter.ts";
import { documentDeps } from "../cli/documents.ts";
import type { Runtime } from "../compose.ts";
import { type FactsheetOutcome, makeFactsheets, makeNationalReport } from "../core/documents.ts";
import { InvalidEventError } from "./events.ts";

function quarterOf(d: Date): string {
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}
const QUARTER = /^\d{4}-Q[1-4]$/;

/**
 * Scheduled after each quarter: every location with an accepted delivery gets its factsheet,
 * the others a friendly reminder. Idempotent: what was sent before is not sent again.
 * `{"quarter":"YYYY-Qn"}` picks a quarter; without it, the quarter that has just ended.
 */
export function createSendFactsheetsHandler(getRuntime: () => Promise<Runtime>) {
  return middy<unknown, FactsheetOutcome[]>().handler(async (event) => {
    const requested = (event as { quarter?: unknown } | null)?.quarter;
    if (requested !== undefined && (typeof requested !== "string" || !QUARTER.test(requested)))
      throw new InvalidEventError('expected {"quarter": "YYYY-Qn"} or a scheduled event');
    const runtime = await getRuntime();
    const quarter =
      (requested as string | undefined) ?? previousQuarter(quarterOf(runtime.ports.clock.now()));
    const deps = await documentDeps(runtime, true);
    try {
      const outcomes = await makeFactsheets(deps, quarter, { send: true });
      runtime.ports.logger.info("factsheets done", {
        quarter,
        outcomes: outcomes.map((o) => ({ location: o.location, status: o.status })),
      });
      return outcomes;
    } finally {
      await deps.engine.close();
    }
  });
}

/** The national report on demand (`{"from":"YYYY-Qn","to":"YYYY-Qn"}`), mailed to the facilitator. */
export function createNationalReportHandler(
  getRuntime: () => Promise<Runtime>,
  facilitators: () => string[],
) {
  return middy<unknown, { key: string }>().handler(async (event) => {
    const { from, to } = (event ?? {}) as { from?: unknown; to?: unknown };
    if (typeof from !== "string" || !QUARTER.test(from) || typeof to !== "string" || !QUARTER.test(to))
      throw new InvalidEventError('expected {"from": "YYYY-Qn", "to": "YYYY-Qn"}');
    if (quarterRange(from, to).length === 0) throw new InvalidEventError(`${to} is before ${from}`);
    const runtime = await getRuntime();
    const recipients = facilitators();
    const deps = await documentDeps(runtime, recipients.length > 0);
    try {
      const { key } = await makeNationalReport(deps, from, to, { send: recipients });
      return { key };
    } finally {
      await deps.engine.close();
    }
  });
}
