import middy from "@middy/core";
import { z } from "zod";
import { locationCode, quarterId } from "../../schemas/delivery.ts";
import { previousQuarter, quarterRange } from "../../schemas/quarter.ts";
import { documentDeps } from "../cli/documents.ts";
import type { Runtime } from "../compose.ts";
import {
  type FactsheetOutcome,
  makeFactsheet,
  makeFactsheets,
  makeNationalReport,
  sendReminders,
} from "../core/documents.ts";
import { type Period, parsePeriods } from "../core/trend.ts";
import { UserError } from "../errors.ts";
import { InvalidEventError } from "./events.ts";

function quarterOf(d: Date): string {
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/**
 * What the send-factsheets function accepts: a scheduled event (the quarter that has just ended),
 * `{"quarter"}` for every location, `{"quarter","only":"reminders"}` for the reminders alone
 * (the portal's "Herinneringen sturen"), or `{"quarter","location","resend":true}` for one
 * location's factsheet, sent again also when it was sent before (the portal's "Factsheet
 * (opnieuw) sturen").
 */
const sendFactsheetsEvent = z.union([
  z.object({ quarter: quarterId, only: z.literal("reminders") }).strict(),
  z.object({ quarter: quarterId, location: locationCode, resend: z.literal(true) }).strict(),
  // A scheduled event carries EventBridge's own fields; a mistyped action must not fall through
  // to "everything for every location".
  z
    .object({
      quarter: quarterId.optional(),
      only: z.undefined(),
      location: z.undefined(),
      resend: z.undefined(),
    })
    .loose(),
]);

/**
 * Scheduled after each quarter: every location with an accepted delivery gets its factsheet,
 * the others a friendly reminder. Idempotent: what was sent before is not sent again.
 * `{"quarter":"YYYY-Qn"}` picks a quarter; without it, the quarter that has just ended.
 */
export function createSendFactsheetsHandler(getRuntime: () => Promise<Runtime>) {
  return middy<unknown, FactsheetOutcome[]>().handler(async (raw) => {
    const parsed = sendFactsheetsEvent.safeParse(raw ?? {});
    if (!parsed.success)
      throw new InvalidEventError(
        'expected {"quarter": "YYYY-Qn"}, {"quarter", "only": "reminders"}, {"quarter", "location", "resend": true} or a scheduled event',
      );
    const event = parsed.data;
    const runtime = await getRuntime();
    const quarter = event.quarter ?? previousQuarter(quarterOf(runtime.ports.clock.now()));
    const log = (outcomes: FactsheetOutcome[]) => {
      runtime.ports.logger.info("factsheets done", {
        quarter,
        outcomes: outcomes.map((o) => ({ location: o.location, status: o.status })),
      });
      return outcomes;
    };
    const locations = await runtime.loadLocations();
    if ("only" in event)
      return log(
        await sendReminders(
          {
            store: runtime.store,
            clock: runtime.ports.clock,
            logger: runtime.ports.logger,
            locations,
            mailer: await runtime.mailer(),
            portalUrl: runtime.portalUrl,
          },
          quarter,
        ),
      );
    const one = "location" in event ? locations.find((l) => l.code === event.location) : undefined;
    if ("location" in event && !one)
      throw new InvalidEventError(`location ${event.location} is not in the locations config`);
    const deps = await documentDeps(runtime, true);
    try {
      if (one) return log([await makeFactsheet(deps, one, quarter, { send: true, resend: true })]);
      return log(await makeFactsheets(deps, quarter, { send: true }));
    } finally {
      await deps.engine.close();
    }
  });
}

/**
 * What the national report function accepts: `{"from","to"}` and optionally `"periods"`, the
 * periods of "Verloop in de tijd" as `trend --periods` takes them (`YYYY-MM..YYYY-MM,…`; without
 * it one period per quarter). Other fields are ignored, as before.
 */
const nationalReportEvent = z
  .object({ from: quarterId, to: quarterId, periods: z.string().min(1).optional() })
  .loose();

/** The national report on demand (`{"from":"YYYY-Qn","to":"YYYY-Qn"[,"periods"]}`), mailed to the facilitator. */
export function createNationalReportHandler(
  getRuntime: () => Promise<Runtime>,
  facilitators: () => string[],
) {
  return middy<unknown, { key: string }>().handler(async (event) => {
    const parsed = nationalReportEvent.safeParse(event ?? {});
    if (!parsed.success)
      throw new InvalidEventError(
        'expected {"from": "YYYY-Qn", "to": "YYYY-Qn"} with optionally "periods": "YYYY-MM..YYYY-MM,YYYY-MM..YYYY-MM[,…]"',
      );
    const { from, to } = parsed.data;
    if (quarterRange(from, to).length === 0) throw new InvalidEventError(`${to} is before ${from}`);
    let periods: Period[] | undefined;
    if (parsed.data.periods !== undefined)
      try {
        periods = parsePeriods(parsed.data.periods, { from, to });
      } catch (e) {
        if (e instanceof UserError) throw new InvalidEventError(`periods: ${e.message}`);
        throw e;
      }
    const runtime = await getRuntime();
    const recipients = facilitators();
    const deps = await documentDeps(runtime, recipients.length > 0);
    try {
      const { key } = await makeNationalReport(deps, from, to, {
        send: recipients,
        ...(periods ? { periods } : {}),
      });
      return { key };
    } finally {
      await deps.engine.close();
    }
  });
}
