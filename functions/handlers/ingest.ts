import middy from "@middy/core";
import { createRuntimeFromEnv, type Runtime } from "../compose.ts";
import { ingestDropZoneObject } from "../core/ingest.ts";
import { mailReceipt } from "../core/receipt-mail.ts";
import type { ObjectStore } from "../ports.ts";
import { InvalidEventError, s3ObjectCreatedEvent } from "./events.ts";

/** What the ingest Lambda returns (no youth data, no file contents). */
export interface IngestResult {
  status: "accepted" | "rejected" | "duplicate";
  attemptId: string;
  location: string;
  quarter: string;
}

/**
 * S3 may hand over keys URL-encoded (spaces as `+`). Use the decoded key when that object exists,
 * else the key as given.
 */
async function resolveKey(store: ObjectStore, key: string): Promise<string> {
  let decoded = key;
  try {
    decoded = decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    return key;
  }
  if (decoded === key) return key;
  return (await store.exists("dropzone", decoded)) ? decoded : key;
}

/**
 * The ingest handler: parses the EventBridge event with zod and runs the same core as the
 * local `deliver`. A rejected file is a normal outcome (it is quarantined with its report);
 * only system errors throw, so Lambda retries them and finally sends them to the DLQ.
 * Re-delivered events for the same object version change nothing.
 */
export function createIngestHandler(getRuntime: () => Promise<Runtime>) {
  return middy<unknown, IngestResult>()
    .use({
      onError: async (request) => {
        const error = request.error as Error | null;
        (await getRuntime()).ports.logger.error("ingest failed", {
          error: error?.name,
          reason: error?.message,
        });
      },
    })
    .handler(async (event) => {
      const parsed = s3ObjectCreatedEvent.safeParse(event);
      if (!parsed.success)
        throw new InvalidEventError(
          `not an S3 Object Created event: ${parsed.error.issues[0]?.message ?? "invalid"}`,
        );
      const runtime = await getRuntime();
      const { object } = parsed.data.detail;
      const key = await resolveKey(runtime.store, object.key);
      const locations = await runtime.loadLocations();
      const outcome = await ingestDropZoneObject(
        runtime.ports,
        {
          key,
          // Without versioning, etag + sequencer identify this write of the object.
          version: object["version-id"] ?? `${object.etag ?? ""}:${object.sequencer ?? ""}`,
          receivedAt: new Date(parsed.data.time),
        },
        { locations: locations.map((l) => l.code) },
      );
      // The verdict goes to the location by e-mail, once per attempt (also when a re-delivered
      // event finds the delivery already processed but its mail not yet sent).
      if (runtime.canMail && outcome.kind === "delivery")
        await mailReceipt({ store: runtime.store, mailer: () => runtime.mailer(), locations }, outcome.entry);
      return {
        status: outcome.status,
        attemptId: outcome.entry.attempt_id,
        location: outcome.entry.location,
        quarter: outcome.entry.quarter,
      };
    });
}

let runtime: Promise<Runtime> | undefined;
export const handler = createIngestHandler(() => (runtime ??= createRuntimeFromEnv(process.env)));
