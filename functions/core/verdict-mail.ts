/**
 * The verdict e-mail of a delivery attempt is its own step, after the attempt is committed: the
 * ingest leaves a request (`mail` area, `requests/<attempt id>.json`), and `sendVerdictMail`
 * sends it, with its own retries. A mail failure therefore never re-processes a delivery, and
 * the status of every request is kept next to it, for the facilitator to see (`mailOverview`).
 *
 * At most one send per attempt at a time: each try first claims `status/<attempt id>/try-<n>.json`
 * with a create-if-absent write, so two concurrent senders of one request cannot both send. A
 * try that failed records why (`try-<n>.failed.json`) and may be followed by try n+1; a claim
 * without outcome (the sender died) is taken over only after `staleMs`, the one case in which a
 * message may go twice.
 */
import { z } from "zod";
import type { DeliveryLogEntry } from "../../schemas/curated.ts";
import type { LocationConfig } from "../../schemas/locations.ts";
import type { Clock, Logger, Mailer, ObjectStore } from "../ports.ts";
import { receiptMail } from "../reports/mail-texts.ts";
import { formatReport } from "../reports/validation-text.ts";
import type { Receipt } from "./receipt.ts";

export const verdictMailRequestKey = (attemptId: string) => `requests/${attemptId}.json`;
const statusPrefix = (attemptId: string) => `status/${attemptId}/`;
const DEFAULT_STALE_MS = 15 * 60 * 1000;

export const verdictMailRequestSchema = z.object({
  attempt_id: z.string().regex(/^[0-9a-f]{20}$/),
  location: z.string(),
  quarter: z.string(),
  status: z.enum(["accepted", "rejected"]),
  receipt_key: z.string(),
});
export type VerdictMailRequest = z.infer<typeof verdictMailRequestSchema>;

export function verdictMailRequest(entry: DeliveryLogEntry): VerdictMailRequest {
  return {
    attempt_id: entry.attempt_id,
    location: entry.location,
    quarter: entry.quarter,
    status: entry.status,
    receipt_key: entry.report_key,
  };
}

/** Attempt id of a request key (`requests/<id>.json`), or null. */
export function attemptIdOfRequestKey(key: string): string | null {
  return /^requests\/([0-9a-f]{20})\.json$/.exec(key)?.[1] ?? null;
}

export type VerdictMailResult = "sent" | "already-sent" | "in-progress" | "no-recipients" | "no-request";

export interface VerdictMailDeps {
  store: ObjectStore;
  mailer: () => Promise<Mailer>;
  locations: readonly LocationConfig[];
  clock: Clock;
  logger: Logger;
  staleMs?: number;
  /** Base URL of the portal: the mail links to the receipt page there. */
  portalUrl?: string | null;
}

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value)}\n`);
const readJson = async (store: ObjectStore, key: string): Promise<unknown> => {
  const o = await store.get("mail", key);
  return o ? JSON.parse(new TextDecoder().decode(o.body)) : undefined;
};

interface TryState {
  n: number;
  claimedAt: string | null;
  failed: boolean;
}

/** The try numbers among an attempt's status record names (`try-<n>.json`), ascending. */
function triesOf(names: readonly string[]): number[] {
  return names
    .map((n) => /^try-(\d+)\.json$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

async function stateOf(store: ObjectStore, attemptId: string) {
  const keys = await store.list("mail", statusPrefix(attemptId));
  const names = keys.map((k) => k.slice(statusPrefix(attemptId).length));
  const tries = triesOf(names);
  const last = tries.at(-1);
  let lastTry: TryState | null = null;
  if (last !== undefined) {
    const claim = (await readJson(store, `${statusPrefix(attemptId)}try-${last}.json`)) as
      | { claimed_at?: string }
      | undefined;
    lastTry = {
      n: last,
      claimedAt: claim?.claimed_at ?? null,
      failed: names.includes(`try-${last}.failed.json`),
    };
  }
  return {
    sent: names.includes("sent.json"),
    skipped: names.includes("skipped.json"),
    tries: tries.length,
    lastTry,
  };
}

/** Sends the verdict mail of one attempt, once. Throws when sending fails (the try is recorded). */
export async function sendVerdictMail(deps: VerdictMailDeps, attemptId: string): Promise<VerdictMailResult> {
  const { store, clock, logger } = deps;
  const raw = await readJson(store, verdictMailRequestKey(attemptId));
  if (raw === undefined) return "no-request";
  const request = verdictMailRequestSchema.parse(raw);
  const state = await stateOf(store, attemptId);
  if (state.sent) return "already-sent";
  if (state.skipped) return "no-recipients";
  const now = clock.now();
  const last = state.lastTry;
  if (last && !last.failed) {
    const age = last.claimedAt ? now.getTime() - Date.parse(last.claimedAt) : Number.POSITIVE_INFINITY;
    if (age < (deps.staleMs ?? DEFAULT_STALE_MS)) return "in-progress";
  }
  const n = (last?.n ?? 0) + 1;
  const claimKey = `${statusPrefix(attemptId)}try-${n}.json`;
  if (
    !(await store.putIfAbsent("mail", claimKey, json({ claimed_at: now.toISOString() }), "application/json"))
  )
    return "in-progress";

  const location = deps.locations.find((l) => l.code === request.location);
  if (!location || location.emails.length === 0) {
    await store.put("mail", `${statusPrefix(attemptId)}skipped.json`, json({ reason: "no-recipients" }));
    logger.warn("verdict mail not sent: no recipients", { attemptId, location: request.location });
    return "no-recipients";
  }
  try {
    const stored = await store.get("receipts", request.receipt_key);
    if (!stored) throw new Error(`receipt ${request.receipt_key} not found`);
    const receipt = JSON.parse(new TextDecoder().decode(stored.body)) as Receipt;
    const mail = receiptMail({
      locationName: location.name,
      quarter: request.quarter,
      accepted: request.status === "accepted",
      verdict: receipt.verdict,
      details: formatReport(receipt.report),
      ...(deps.portalUrl ? { portal: { url: deps.portalUrl, attemptId } } : {}),
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
      idempotencyKey: `receipt/${attemptId}`,
    });
    await store.put(
      "mail",
      `${statusPrefix(attemptId)}sent.json`,
      json({ ...sent, sent_at: clock.now().toISOString(), try: n }),
      "application/json",
    );
    logger.info("verdict mail sent", { attemptId, location: request.location, try: n });
    return "sent";
  } catch (e) {
    const reason = `${(e as Error)?.name ?? "Error"}: ${(e as Error)?.message ?? String(e)}`;
    await store.put(
      "mail",
      `${statusPrefix(attemptId)}try-${n}.failed.json`,
      json({ failed_at: clock.now().toISOString(), reason }),
      "application/json",
    );
    logger.error("verdict mail failed", { attemptId, location: request.location, try: n, reason });
    throw e;
  }
}

export interface MailOverviewLine {
  attemptId: string;
  location: string;
  quarter: string;
  status: "sent" | "failed" | "pending" | "sending" | "no-recipients";
  tries: number;
  lastError: string | null;
}

/** Every verdict mail request with its state (for the facilitator: which verdicts did not arrive). */
export async function mailOverview(store: ObjectStore): Promise<MailOverviewLine[]> {
  const requestKeys = await store.list("mail", "requests/");
  const ids = requestKeys.map(attemptIdOfRequestKey).filter((id): id is string => id !== null);
  // The states of all requests from one listing of the status records (verdictMailStates).
  const states = await verdictMailStates(store, ids);
  const out: MailOverviewLine[] = [];
  for (const attemptId of ids) {
    const request = verdictMailRequestSchema.safeParse(
      await readJson(store, verdictMailRequestKey(attemptId)),
    );
    const state = states.get(attemptId);
    if (!request.success || !state) continue;
    out.push({ attemptId, location: request.data.location, quarter: request.data.quarter, ...state });
  }
  return out;
}

export type VerdictMailState = Pick<MailOverviewLine, "status" | "tries" | "lastError">;

/**
 * The verdict mail state of the given attempts, from one listing of the requests and one of the
 * status records (not a read per attempt): for the facilitator's overview. An attempt without a
 * request (e.g. a delivery from before the mail step) has no entry. The reason of a failed try
 * is read only for those.
 */
export async function verdictMailStates(
  store: ObjectStore,
  attemptIds: readonly string[],
): Promise<Map<string, VerdictMailState>> {
  const wanted = new Set(attemptIds);
  const requested = new Set(
    (await store.list("mail", "requests/"))
      .map(attemptIdOfRequestKey)
      .filter((id): id is string => id !== null && wanted.has(id)),
  );
  const names = new Map<string, string[]>();
  for (const key of await store.list("mail", "status/")) {
    const m = /^status\/([0-9a-f]{20})\/(.+)$/.exec(key);
    if (!m?.[1] || !m[2] || !requested.has(m[1])) continue;
    names.set(m[1], [...(names.get(m[1]) ?? []), m[2]]);
  }
  const out = new Map<string, VerdictMailState>();
  for (const attemptId of requested) {
    const files = names.get(attemptId) ?? [];
    const tries = triesOf(files);
    const last = tries.at(-1);
    const lastFailed = last !== undefined && files.includes(`try-${last}.failed.json`);
    const status: VerdictMailState["status"] = files.includes("sent.json")
      ? "sent"
      : files.includes("skipped.json")
        ? "no-recipients"
        : last === undefined
          ? "pending"
          : lastFailed
            ? "failed"
            : "sending";
    let lastError: string | null = null;
    if (status === "failed") {
      const failed = (await readJson(store, `${statusPrefix(attemptId)}try-${last}.failed.json`)) as
        | { reason?: string }
        | undefined;
      lastError = failed?.reason ?? null;
    }
    out.set(attemptId, { status, tries: tries.length, lastError });
  }
  return out;
}
