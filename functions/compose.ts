import { join, resolve } from "node:path";
import { z } from "zod";
import { checkLocationsConfig, type LocationConfig } from "../schemas/locations.ts";
import { createFileLogger } from "./adapters/local/file-logger.ts";
import { createFolderStore } from "./adapters/local/folder-store.ts";
import { createLocalPseudonymiser } from "./adapters/local/hmac-pseudonymiser.ts";
import { UserError } from "./errors.ts";
import type { Clock, Logger, Mailer, ObjectStore, Ports, QueryEngine } from "./ports.ts";

/**
 * The one composition point: it picks the adapters. Everything else receives ports and does
 * not know which mode it runs in. (The AWS mode is added next to `local` here.)
 */
export const runtimeConfig = z.object({
  mode: z.literal("local"),
  dataDir: z.string().min(1),
  /** Sender address and, optionally, an SMTP server; without it mail only goes to the outbox. */
  mail: z.object({ from: z.string().min(1), smtpUrl: z.string().optional() }).optional(),
  /** Base URL of the portal, for links in mails (reminders, receipts). */
  portalUrl: z.url().optional(),
});
/** Where `vbm-monitor serve` listens by default. */
export const DEFAULT_PORTAL_URL = "http://127.0.0.1:8080";
export type RuntimeConfig = z.infer<typeof runtimeConfig>;

export interface Runtime {
  readonly mode: "local" | "aws";
  readonly ports: Ports;
  /** Store without the pseudonymiser (for commands that only read). */
  readonly store: ObjectStore;
  /**
   * A query engine over one consistent snapshot of the curated data (resolved now from the
   * delivery log; `range` limits it to quarters `from`..`to`). Open one per run.
   */
  openQueryEngine(range?: { from?: string; to?: string }): Promise<QueryEngine>;
  /** Removes what killed writes left behind (local temporary files); nothing to do on S3. */
  removeLeftovers(): Promise<number>;
  loadLocations(): Promise<LocationConfig[]>;
  /** Human-readable places of things, for the CLI to tell where data, reports and logs are. */
  readonly places: {
    dataDir: string;
    curated: string;
    quarantine: string;
    receipts: string;
    logFile: string;
  };
  /** Where the IGJ aggregate tables are materialised (AWS mode only). */
  readonly aggregates?: { database: string; bucket: string };
  /** Sends mail: locally into the outbox folder (and SMTP when configured), on AWS through SES. */
  mailer(): Promise<Mailer>;
  /** Whether mail is configured (locally always: the outbox; on AWS when SES is configured). */
  readonly canMail: boolean;
  /**
   * Base URL of the portal, for links in mails: locally `VBM_PORTAL_URL` (default
   * http://127.0.0.1:8080), on AWS `PORTAL_URL`; null when not known (mails then name the
   * drop-zone path instead).
   */
  readonly portalUrl: string | null;
}

/**
 * Chooses the mode from the environment: `VBM_MODE=aws` gives the AWS adapters (S3, KMS,
 * Athena; loaded only then), anything else the local ones under `VBM_DATA_DIR` (default .vbm).
 */
export async function createRuntimeFromEnv(env: Record<string, string | undefined>): Promise<Runtime> {
  if (env.VBM_MODE === "aws") return (await import("./compose-aws.ts")).createAwsRuntime(env);
  return createRuntime(localConfigFromEnv(env, env.VBM_DATA_DIR ?? ".vbm"));
}

/** Local configuration: the data dir plus the mail settings from the environment. */
export function localConfigFromEnv(env: Record<string, string | undefined>, dataDir: string): RuntimeConfig {
  return {
    mode: "local",
    dataDir,
    portalUrl: env.VBM_PORTAL_URL || DEFAULT_PORTAL_URL,
    mail: {
      from: env.VBM_MAIL_FROM ?? "vbm-monitor@example.org",
      ...(env.VBM_SMTP_URL ? { smtpUrl: env.VBM_SMTP_URL } : {}),
    },
  };
}

export const systemClock: Clock = { now: () => new Date() };

export function createRuntime(
  config: RuntimeConfig,
  overrides: { clock?: Clock; logger?: Logger } = {},
): Runtime {
  const dataDir = resolve(config.dataDir);
  // The drop zone keeps every version of a file, as the versioned S3 bucket does, so a file
  // delivered twice under one name is processed as the bytes of each upload.
  const store = createFolderStore(dataDir, { versioned: ["dropzone"] });
  const logFile = join(dataDir, "logs", "vbm-monitor.log");
  let ports: Ports | undefined;
  return {
    mode: "local",
    get ports() {
      const clock = overrides.clock ?? systemClock;
      ports ??= {
        store,
        // Lazy: the key is read, checked against the data (or, in an empty data dir, created)
        // only when something is pseudonymised, never by commands that only read.
        pseudonymiser: createLocalPseudonymiser(dataDir, () => clock.now()),
        clock,
        logger: overrides.logger ?? createFileLogger(logFile),
      };
      return ports;
    },
    store,
    // DuckDB is loaded only when a query runs: delivering a file does not need it.
    openQueryEngine: async (range) => {
      const { resolveSnapshot } = await import("./core/current.ts");
      const snapshot = await resolveSnapshot(store, range);
      return (await import("./adapters/local/duckdb-engine.ts")).createDuckDbEngine({
        curatedDir: join(dataDir, "curated"),
        snapshot,
      });
    },
    removeLeftovers: () => store.removeLeftovers(),
    async loadLocations() {
      const obj = await store.get("config", "locations.json");
      if (!obj) return [];
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(obj.body));
      } catch (e) {
        throw new UserError(
          `De lijst van locaties (${join(dataDir, "config", "locations.json")}) is geen geldige JSON.`,
          {
            cause: e,
          },
        );
      }
      const checked = checkLocationsConfig(json);
      if (!checked.ok)
        throw new UserError(
          `De lijst van locaties (${join(dataDir, "config", "locations.json")}) klopt niet: ${checked.problems.join("; ")}.`,
        );
      return checked.locations;
    },
    canMail: true,
    portalUrl: config.portalUrl ?? null,
    async mailer() {
      const { createOutboxMailer } = await import("./adapters/local/outbox-mailer.ts");
      const mail = config.mail ?? { from: "vbm-monitor@example.org" };
      return createOutboxMailer({
        outboxDir: join(dataDir, "outbox"),
        from: mail.from,
        ...(mail.smtpUrl ? { smtp: { url: mail.smtpUrl } } : {}),
      });
    },
    places: {
      dataDir,
      curated: join(dataDir, "curated"),
      quarantine: join(dataDir, "quarantine"),
      receipts: join(dataDir, "receipts"),
      logFile,
    },
  };
}
