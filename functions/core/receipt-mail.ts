import type { DeliveryLogEntry } from "../../schemas/curated.ts";
import type { LocationConfig } from "../../schemas/locations.ts";
import type { Mailer, ObjectStore } from "../ports.ts";
import { receiptMail } from "../reports/mail-texts.ts";
import { formatReport } from "../reports/validation-text.ts";
import type { Receipt } from "./receipt.ts";

/**
 * Mails the verdict of a delivery to the location that delivered it (in AWS the upload role can
 * only put files, so this is how the immediate verdict reaches the location). Sent once per
 * delivery attempt: a record next to the receipt says it went; a re-delivered event whose mail
 * has not gone yet (e.g. after a failed send) sends it then.
 */
export async function mailReceipt(
  deps: { store: ObjectStore; mailer: () => Promise<Mailer>; locations: readonly LocationConfig[] },
  entry: DeliveryLogEntry,
): Promise<"sent" | "already-sent" | "no-recipients"> {
  const location = deps.locations.find((l) => l.code === entry.location);
  if (!location || location.emails.length === 0) return "no-recipients";
  const record = entry.report_key.replace(/\.json$/, ".mailed.json");
  if (await deps.store.exists("receipts", record)) return "already-sent";
  const stored = await deps.store.get("receipts", entry.report_key);
  if (!stored) throw new Error(`receipt ${entry.report_key} not found`);
  const receipt = JSON.parse(new TextDecoder().decode(stored.body)) as Receipt;
  const mail = receiptMail({
    locationName: location.name,
    quarter: entry.quarter,
    accepted: entry.status === "accepted",
    verdict: receipt.verdict,
    details: formatReport(receipt.report),
  });
  const sent = await (await deps.mailer()).send({
    to: location.emails,
    ...mail,
    attachments: [
      {
        filename: "rapport.json",
        content: new TextEncoder().encode(JSON.stringify(receipt.report, null, 2)),
        contentType: "application/json",
      },
    ],
    idempotencyKey: `receipt/${entry.attempt_id}`,
  });
  await deps.store.put(
    "receipts",
    record,
    new TextEncoder().encode(`${JSON.stringify({ ...sent, to: location.emails }, null, 2)}\n`),
    "application/json",
  );
  return "sent";
}
