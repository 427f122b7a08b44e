import middy from "@middy/core";
import { normaliseS3Sequencer } from "../../schemas/curated.ts";
import { createRuntimeFromEnv, type Runtime } from "../compose.ts";
import { ingestDropZoneObject } from "../core/ingest.ts";
import type { ObjectStore } from "../ports.ts";
import { logFailure, parseObjectCreated } from "./events.ts";

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
    .use(logFailure(async () => (await getRuntime()).ports.logger, "ingest failed"))
    .handler(async (event) => {
      const created = parseObjectCreated(event);
      const runtime = await getRuntime();
      const { object } = created.detail;
      const key = await resolveKey(runtime.store, object.key);
      const locations = await runtime.loadLocations();
      const outcome = await ingestDropZoneObject(
        runtime.ports,
        {
          key,
          // The drop zone is versioned: the object is read by the version this event is about.
          version: object["version-id"],
          receivedAt: new Date(created.time),
          sequencer: normaliseS3Sequencer(object.sequencer),
          size: object.size,
        },
        // The verdict e-mail is a separate step (vbm-send-receipt): a mail failure never
        // re-runs this ingest.
        // An empty list only comes from a missing locations config (an empty one is refused).
        { locations: locations.length > 0 ? locations.map((l) => l.code) : undefined, mailVerdict: true },
      );
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
