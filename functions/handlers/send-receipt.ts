import middy from "@middy/core";
import { createRuntimeFromEnv, type Runtime } from "../compose.ts";
import { attemptIdOfRequestKey, sendVerdictMail, type VerdictMailResult } from "../core/verdict-mail.ts";
import { InvalidEventError, logFailure, parseObjectCreated } from "./events.ts";

/** The reports bucket holds the `mail` area under this prefix. */
const MAIL_PREFIX = "mail/";

export interface SendReceiptResult {
  attemptId: string;
  result: VerdictMailResult;
}

/**
 * Sends the verdict e-mail of one delivery attempt when the ingest has left its request
 * (`mail/requests/<attempt id>.json` in the reports bucket). Its own step with its own retries
 * and dead-letter queue: a failing mail provider never re-runs an ingest, and the state of each
 * try is stored next to the request. A second event for the same request sends nothing.
 */
export function createSendReceiptHandler(getRuntime: () => Promise<Runtime>) {
  return middy<unknown, SendReceiptResult>()
    .use(logFailure(async () => (await getRuntime()).ports.logger, "sending the verdict mail failed"))
    .handler(async (event) => {
      const key = parseObjectCreated(event).detail.object.key;
      const attemptId = key.startsWith(MAIL_PREFIX)
        ? attemptIdOfRequestKey(key.slice(MAIL_PREFIX.length))
        : null;
      if (!attemptId) throw new InvalidEventError(`not a verdict mail request: ${key}`);
      const runtime = await getRuntime();
      const result = await sendVerdictMail(
        {
          store: runtime.store,
          mailer: () => runtime.mailer(),
          locations: await runtime.loadLocations(),
          clock: runtime.ports.clock,
          logger: runtime.ports.logger,
          portalUrl: runtime.portalUrl,
        },
        attemptId,
      );
      return { attemptId, result };
    });
}

let runtime: Promise<Runtime> | undefined;
export const handler = createSendReceiptHandler(() => (runtime ??= createRuntimeFromEnv(process.env)));
