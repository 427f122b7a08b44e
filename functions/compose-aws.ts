import { S3Client } from "@aws-sdk/client-s3";
import { checkLocationsConfig, type LocationConfig } from "../schemas/locations.ts";
import { createS3Store } from "./adapters/aws/s3-store.ts";
import { createJsonLogger } from "./adapters/lambda/json-logger.ts";
import type { Runtime } from "./compose.ts";
import { systemClock } from "./compose.ts";
import { athenaEnv, ConfigError, ingestEnv, mailEnv, parseEnv, storageEnv } from "./config.ts";
import { resolveSnapshot } from "./core/current.ts";
import type { ObjectStore, Ports, Pseudonymiser } from "./ports.ts";

/** Key of the locations config in the `config` area (reports bucket, `config/locations.json`). */
export const LOCATIONS_CONFIG = "locations.json";

/**
 * The AWS side of the composition point (loaded only in AWS mode). Configuration is parsed once
 * per container; the KMS pseudonymiser, the Athena engine and the SES mailer are loaded (lazy
 * `import()`) and built only by the functions whose environment has their variables, so a
 * function cannot use what it was not given, and a function's bundle can leave out the parts
 * it never loads (infra/constructs/pipeline-function.ts, LAZY_MODULES).
 */
export async function createAwsRuntime(env: Record<string, string | undefined>): Promise<Runtime> {
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
      // Verdict mail requests and their send status (mail/requests/, mail/status/).
      mail: { bucket: storage.REPORTS_BUCKET, prefix: "mail/" },
      // Only the materialise function is given (and allowed) the aggregates bucket.
      aggregates: {
        bucket: env.AGGREGATES_BUCKET ?? storage.CURATED_BUCKET,
        prefix: env.AGGREGATES_BUCKET ? "" : "_no-aggregates/",
      },
    },
  });
  const logger = createJsonLogger(env.AWS_LAMBDA_FUNCTION_NAME ?? "vbm-monitor");
  // Only the ingest function has (and may use) the KMS key: the KMS adapter is loaded when its
  // variables are there, and the pseudonymiser is built on first use. The other functions must
  // not need its variable, and their bundles leave the KMS client out.
  const ingest = ingestEnv.safeParse(env);
  const kms = ingest.success
    ? {
        ...(await import("@aws-sdk/client-kms")),
        ...(await import("./adapters/aws/kms-pseudonymiser.ts")),
      }
    : undefined;
  let pseudonymiser: Pseudonymiser | undefined;
  const lazyPseudonymiser = (): Pseudonymiser => {
    if (!pseudonymiser) {
      const config = parseEnv(ingestEnv, env);
      if (!kms) throw new ConfigError("configuration: PSEUDONYM_KEY_ID is not set", ["PSEUDONYM_KEY_ID"]);
      pseudonymiser = kms.createKmsPseudonymiser({
        client: new kms.KMSClient({ region }),
        keyId: config.PSEUDONYM_KEY_ID,
        concurrency: config.PSEUDONYM_CONCURRENCY,
      });
    }
    return pseudonymiser;
  };
  const locations = cachedLocations(store);
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
      const { AthenaClient } = await import("@aws-sdk/client-athena");
      const { createAthenaEngine } = await import("./adapters/aws/athena-engine.ts");
      return createAthenaEngine({
        snapshot,
        client: new AthenaClient({ region }),
        workGroup: config.ATHENA_WORKGROUP,
        database: config.ATHENA_CURATED_DATABASE,
      });
    },
    removeLeftovers: async () => 0,
    canMail: mailEnv.safeParse(env).success,
    portalUrl: env.PORTAL_URL || null,
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
    loadLocations: locations,
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

/**
 * The locations config (codes, names, recipients) from `config/locations.json` in the config
 * area, deployed there by the CDK app; read once per container. A failed read is not cached, so
 * the next invocation tries again. A missing, unreadable or invalid object is an error: in AWS the
 * config is always deployed, and running without it would accept (or refuse) every location.
 */
export function cachedLocations(store: ObjectStore): () => Promise<LocationConfig[]> {
  let cached: Promise<LocationConfig[]> | undefined;
  const load = async (): Promise<LocationConfig[]> => {
    const obj = await store.get("config", LOCATIONS_CONFIG);
    if (!obj)
      throw new ConfigError(
        `config/${LOCATIONS_CONFIG} is missing from the config area: deploy the stacks again (the CDK app writes it)`,
        [],
        `De lijst van locaties (config/${LOCATIONS_CONFIG}) ontbreekt in de AWS-omgeving. Rol de stacks opnieuw uit (npx cdk deploy --all); die schrijven de lijst.`,
      );
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(obj.body));
    } catch (e) {
      throw new ConfigError(
        `config/${LOCATIONS_CONFIG} is not valid JSON: ${(e as Error).message}`,
        [],
        `De lijst van locaties (config/${LOCATIONS_CONFIG}) in de AWS-omgeving is geen geldige JSON. Rol de stacks opnieuw uit.`,
      );
    }
    const checked = checkLocationsConfig(json);
    if (!checked.ok)
      throw new ConfigError(
        `config/${LOCATIONS_CONFIG} is invalid: ${checked.problems.join("; ")}`,
        [],
        `De lijst van locaties (config/${LOCATIONS_CONFIG}) in de AWS-omgeving klopt niet: ${checked.problems.join("; ")}.`,
      );
    return checked.locations;
  };
  return () => {
    cached ??= load().catch((e: unknown) => {
      cached = undefined;
      throw e;
    });
    return cached;
  };
}
