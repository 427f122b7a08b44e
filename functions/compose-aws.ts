import { AthenaClient } from "@aws-sdk/client-athena";
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { locationsConfig } from "../schemas/locations.ts";
import { createAthenaEngine } from "./adapters/aws/athena-engine.ts";
import { createKmsPseudonymiser } from "./adapters/aws/kms-pseudonymiser.ts";
import { createS3Store } from "./adapters/aws/s3-store.ts";
import { createJsonLogger } from "./adapters/lambda/json-logger.ts";
import type { Runtime } from "./compose.ts";
import { systemClock } from "./compose.ts";
import { athenaEnv, ingestEnv, mailEnv, parseEnv, storageEnv } from "./config.ts";
import { resolveSnapshot } from "./core/current.ts";
import type { Ports, Pseudonymiser } from "./ports.ts";

/**
 * The AWS side of the composition point (loaded only in AWS mode). Configuration is parsed once
 * per container; the KMS pseudonymiser and the Athena engine are built only by the functions
 * whose environment has their variables, so a function cannot use what it was not given.
 */
export function createAwsRuntime(env: Record<string, string | undefined>): Runtime {
  const storage = parseEnv(storageEnv, env);
  const region = storage.AWS_REGION;
  const athena = athenaEnv.safeParse(env);
  const store = createS3Store({
    client: new S3Client({ region }),
    buckets: {
      dropzone: { bucket: storage.DROPZONE_BUCKET },
      quarantine: { bucket: storage.QUARANTINE_BUCKET },
      curated: { bucket: storage.CURATED_BUCKET },
      receipts: { bucket: storage.REPORTS_BUCKET, prefix: "receipts/" },
      reports: { bucket: storage.REPORTS_BUCKET, prefix: "documents/" },
      config: { bucket: storage.REPORTS_BUCKET, prefix: "config/" },
      mail: { bucket: storage.REPORTS_BUCKET, prefix: "mail/" },
      // Only the materialise function is given (and allowed) the aggregates bucket.
      aggregates: {
        bucket: env.AGGREGATES_BUCKET ?? storage.CURATED_BUCKET,
        prefix: env.AGGREGATES_BUCKET ? "" : "_no-aggregates/",
      },
    },
  });
  const logger = createJsonLogger(env.AWS_LAMBDA_FUNCTION_NAME ?? "vbm-monitor");
  const locationCodes = (): string[] =>
    (env.LOCATION_CODES ?? "")
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean);
  // The pseudonymiser is built on first use: only the ingest function has (and may use) the
  // KMS key, so the other functions must not need its variable.
  let pseudonymiser: Pseudonymiser | undefined;
  const lazyPseudonymiser = (): Pseudonymiser => {
    if (!pseudonymiser) {
      const ingest = parseEnv(ingestEnv, env);
      pseudonymiser = createKmsPseudonymiser({
        client: new KMSClient({ region }),
        keyId: ingest.PSEUDONYM_KEY_ID,
        concurrency: ingest.PSEUDONYM_CONCURRENCY,
      });
    }
    return pseudonymiser;
  };
  let ports: Ports | undefined;
  const s3 = (bucket: string) => `s3://${bucket}`;
  return {
    mode: "aws",
    get ports() {
      ports ??= {
        store,
        pseudonymiser: {
          get keyVersion() {
            return lazyPseudonymiser().keyVersion;
          },
          pseudonymise: (youthNumbers) => lazyPseudonymiser().pseudonymise(youthNumbers),
        },
        clock: systemClock,
        logger,
      };
      return ports;
    },
    store,
    async openQueryEngine(range) {
      const config = parseEnv(athenaEnv, env);
      const snapshot = await resolveSnapshot(store, range);
      return createAthenaEngine({
        snapshot,
        client: new AthenaClient({ region }),
        workGroup: config.ATHENA_WORKGROUP,
        database: config.ATHENA_CURATED_DATABASE,
      });
    },
    removeLeftovers: async () => 0,
    canMail: mailEnv.safeParse(env).success,
    async mailer() {
      const { SESv2Client } = await import("@aws-sdk/client-sesv2");
      const { createSesMailer } = await import("./adapters/aws/ses-mailer.ts");
      const mail = parseEnv(mailEnv, env);
      return createSesMailer({
        client: new SESv2Client({ region }),
        from: mail.MAIL_FROM,
        configurationSet: mail.SES_CONFIGURATION_SET,
      });
    },
    async loadLocations() {
      // The document functions get names and recipients; the others only the codes.
      if (env.LOCATIONS_JSON) return locationsConfig.parse(JSON.parse(env.LOCATIONS_JSON));
      return locationCodes().map((code) => ({ code, name: code, emails: [] }));
    },
    places: {
      dataDir: s3(storage.CURATED_BUCKET),
      curated: s3(storage.CURATED_BUCKET),
      quarantine: s3(storage.QUARANTINE_BUCKET),
      receipts: `${s3(storage.REPORTS_BUCKET)}/receipts`,
      logFile: "CloudWatch Logs",
    },
    ...(athena.success
      ? {
          aggregates: {
            database: athena.data.ATHENA_AGGREGATES_DATABASE,
            bucket: athena.data.AGGREGATES_BUCKET,
          },
        }
      : {}),
  };
}
