import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { commandMail } from "../../../functions/cli/mail.ts";
import { createRuntime, type Runtime } from "../../../functions/compose.ts";
import { mailOverview, sendVerdictMail, verdictMailStates } from "../../../functions/core/verdict-mail.ts";
import { createIngestHandler } from "../../../functions/handlers/ingest.ts";
import { createSendReceiptHandler } from "../../../functions/handlers/send-receipt.ts";
import type { Logger, Mailer } from "../../../functions/ports.ts";
import { captureIo, csvBytes, tempDir } from "../../helpers.ts";

let cleanup = () => {};
afterEach(() => cleanup());
const context = {} as Context;
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

const s3Event = (bucket: string, key: string, versionId?: string) => ({
  version: "0",
  id: "e1",
  "detail-type": "Object Created",
  source: "aws.s3",
  account: "123456789012",
  time: "2023-04-03T08:15:00Z",
  region: "eu-west-1",
  resources: [],
  detail: {
    bucket: { name: bucket },
    object: { key, size: 100, ...(versionId ? { "version-id": versionId } : {}) },
  },
});

async function setup() {
  const t = tempDir("vbm-mail-");
  cleanup = t.cleanup;
  const runtime = createRuntime({ mode: "local", dataDir: t.dir }, { logger: quiet });
  await runtime.store.put(
    "config",
    "locations.json",
    new TextEncoder().encode(
      JSON.stringify([{ code: "AB", name: "De Eik", emails: ["registratie@eik.example"] }]),
    ),
  );
  const ingest = createIngestHandler(async () => runtime);
  const { version } = await runtime.store.put(
    "dropzone",
    "AB/2023-Q1/all/a.csv",
    csvBytes([["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "", "3", "1"]]),
  );
  const delivered = await ingest(s3Event("vbm-dropzone", "AB/2023-Q1/all/a.csv", version), context);
  const outbox = () => {
    try {
      return readdirSync(join(t.dir, "outbox")).filter((f) => f.endsWith(".eml"));
    } catch {
      return [];
    }
  };
  return { runtime, attemptId: delivered.attemptId, outbox };
}

const requestEvent = (attemptId: string) => s3Event("vbm-reports", `mail/requests/${attemptId}.json`);

function withMailer(runtime: Runtime, mailer: Mailer): Runtime {
  return { ...runtime, mailer: async () => mailer };
}

describe("the verdict e-mail as its own step", () => {
  it("sends the request once: a second event for it sends nothing", async () => {
    const { runtime, attemptId, outbox } = await setup();
    const send = createSendReceiptHandler(async () => runtime);
    expect(await send(requestEvent(attemptId), context)).toEqual({ attemptId, result: "sent" });
    expect(await send(requestEvent(attemptId), context)).toEqual({ attemptId, result: "already-sent" });
    expect(outbox()).toHaveLength(1);
  });

  it("two senders at the same moment: exactly one message", async () => {
    const { runtime, attemptId, outbox } = await setup();
    const send = createSendReceiptHandler(async () => runtime);
    const results = await Promise.all([
      send(requestEvent(attemptId), context),
      send(requestEvent(attemptId), context),
    ]);
    expect(results.map((r) => r.result).sort()).toEqual(["in-progress", "sent"]);
    expect(outbox()).toHaveLength(1);
  });

  it("a failing provider: the send step fails and records why, the delivery is not processed again, a retry sends", async () => {
    const { runtime, attemptId, outbox } = await setup();
    const logBefore = await runtime.store.list("curated", "delivery-log/");
    const failing: Mailer = {
      send: async () => {
        throw new Error("MessageRejected: Email address is not verified.");
      },
    };
    const send = createSendReceiptHandler(async () => withMailer(runtime, failing));
    await expect(send(requestEvent(attemptId), context)).rejects.toThrow(/not verified/);
    // Nothing about the delivery changed: same log lines, same (single) attempt.
    expect(await runtime.store.list("curated", "delivery-log/")).toEqual(logBefore);
    expect(await mailOverview(runtime.store)).toEqual([
      {
        attemptId,
        location: "AB",
        quarter: "2023-Q1",
        status: "failed",
        tries: 1,
        lastError: "Error: MessageRejected: Email address is not verified.",
      },
    ]);
    // The overview's bulk reading gives the same state (the portal's matrix uses it).
    expect(await verdictMailStates(runtime.store, [attemptId, "0123456789abcdef0123"])).toEqual(
      new Map([
        [
          attemptId,
          { status: "failed", tries: 1, lastError: "Error: MessageRejected: Email address is not verified." },
        ],
      ]),
    );
    // The facilitator sees it, and can send again.
    const seen = captureIo({});
    expect(await commandMail(runtime, {}, seen.io)).toBe(1);
    expect(seen.out()).toContain("mislukt");
    expect(seen.out()).toContain("not verified");
    const retried = captureIo({});
    expect(await commandMail(runtime, { retry: true }, retried.io)).toBe(0);
    expect(retried.out()).toMatch(/Alle 1 bevestigingsmails zijn verstuurd/);
    expect(outbox()).toHaveLength(1);
    expect((await verdictMailStates(runtime.store, [attemptId])).get(attemptId)).toEqual({
      status: "sent",
      tries: 2,
      lastError: null,
    });
  });

  it("a sender that died after claiming is taken over only after the stale time", async () => {
    const { runtime, attemptId, outbox } = await setup();
    await runtime.store.putIfAbsent(
      "mail",
      `status/${attemptId}/try-1.json`,
      new TextEncoder().encode(JSON.stringify({ claimed_at: "2023-04-03T08:16:00.000Z" })),
    );
    const deps = (now: string) => ({
      store: runtime.store,
      mailer: () => runtime.mailer(),
      locations: [{ code: "AB", name: "De Eik", emails: ["registratie@eik.example"] }],
      clock: { now: () => new Date(now) },
      logger: quiet,
    });
    expect(await sendVerdictMail(deps("2023-04-03T08:20:00.000Z"), attemptId)).toBe("in-progress");
    expect(outbox()).toHaveLength(0);
    expect(await sendVerdictMail(deps("2023-04-03T08:40:00.000Z"), attemptId)).toBe("sent");
    expect(outbox()).toHaveLength(1);
  });
});
