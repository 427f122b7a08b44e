import type { Runtime } from "../compose.ts";
import {
  type MailOverviewLine,
  mailOverview,
  sendVerdictMail,
  verdictMailRequestKey,
} from "../core/verdict-mail.ts";
import type { Io } from "./main.ts";

const STATUS_NL: Record<MailOverviewLine["status"], string> = {
  sent: "verstuurd",
  failed: "mislukt",
  pending: "wacht op verzending",
  sending: "wordt verstuurd",
  "no-recipients": "geen e-mailadres bekend",
};

/**
 * `vbm-monitor mail [--retry]`: for the facilitator, the verdict e-mails that did not (yet) reach
 * a location, with the reason of the last failure; `--retry` sends those again (each at most once
 * more, never a second time when one went).
 */
export async function commandMail(
  runtime: Runtime,
  values: { retry?: boolean | undefined; json?: boolean | undefined },
  io: Io,
): Promise<number> {
  let lines = await mailOverview(runtime.store);
  let failedAgain = 0;
  if (values.retry && runtime.mode === "aws") {
    // On AWS the send function does the sending: writing a request again starts it once more
    // (it never sends an attempt's mail twice: a sent one stays sent).
    const retry = lines.filter((l) => l.status === "failed" || l.status === "pending");
    for (const line of retry) {
      const key = verdictMailRequestKey(line.attemptId);
      const request = await runtime.store.get("mail", key);
      if (request) await runtime.store.put("mail", key, request.body, "application/json");
    }
    io.out(
      retry.length === 0
        ? "Er is niets opnieuw te versturen."
        : `${retry.length} bevestigingsmail(s) opnieuw aangeboden; de verzendfunctie (vbm-send-receipt) probeert het nu opnieuw. Kijk over een minuut opnieuw met: vbm-monitor mail`,
    );
    return 0;
  }
  if (values.retry) {
    const locations = await runtime.loadLocations();
    for (const line of lines.filter((l) => l.status === "failed" || l.status === "pending")) {
      try {
        await sendVerdictMail(
          {
            store: runtime.store,
            mailer: () => runtime.mailer(),
            locations,
            clock: runtime.ports.clock,
            logger: runtime.ports.logger,
            portalUrl: runtime.portalUrl,
          },
          line.attemptId,
        );
      } catch {
        failedAgain++;
      }
    }
    lines = await mailOverview(runtime.store);
  }
  const open = lines.filter((l) => l.status !== "sent");
  if (values.json) io.out(JSON.stringify(lines, null, 2));
  else if (lines.length === 0) io.out("Er zijn geen bevestigingsmails van leveringen.");
  else if (open.length === 0) io.out(`Alle ${lines.length} bevestigingsmails zijn verstuurd.`);
  else {
    io.out(`${open.length} van de ${lines.length} bevestigingsmails zijn niet verstuurd:`);
    for (const l of open)
      io.out(
        `  ${l.location} ${l.quarter}  levering ${l.attemptId}: ${STATUS_NL[l.status]}${l.tries > 0 ? ` (${l.tries} ${l.tries === 1 ? "poging" : "pogingen"})` : ""}${l.lastError ? ` — ${l.lastError}` : ""}`,
      );
    if (!values.retry) io.out("Opnieuw versturen: vbm-monitor mail --retry");
  }
  return failedAgain > 0 || open.some((l) => l.status === "failed") ? 1 : 0;
}
