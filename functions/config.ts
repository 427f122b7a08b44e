import { z } from "zod";
import { locationCode } from "../schemas/delivery.ts";

/**
 * Configuration of the AWS mode, parsed once from the environment with zod. Each function
 * parses only the part it needs; a missing or wrong variable names itself.
 */
const name = z.string().min(1);
const codes = z
  .string()
  .min(1)
  .transform((s) => s.split(",").map((c) => c.trim()))
  .pipe(z.array(locationCode).min(1));

export const storageEnv = z.object({
  AWS_REGION: name,
  /** Bucket per area; receipts live in the reports bucket under `receipts/`. */
  DROPZONE_BUCKET: name,
  QUARANTINE_BUCKET: name,
  CURATED_BUCKET: name,
  REPORTS_BUCKET: name,
});

export const ingestEnv = storageEnv.extend({
  /** ARN or id of the KMS HMAC_256 key for pseudonyms. */
  PSEUDONYM_KEY_ID: name,
  /**
   * Location codes, comma separated. Not set by the CDK app: the locations come from
   * `config/locations.json` in the config area (functions/compose-aws.ts).
   */
  LOCATION_CODES: codes.optional(),
  PSEUDONYM_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
});

export const athenaEnv = z.object({
  AWS_REGION: name,
  ATHENA_WORKGROUP: name,
  /** Glue database with measures, delivery_log and occupancy. */
  ATHENA_CURATED_DATABASE: name,
  /** Glue database with the materialised aggregate tables (the only one IGJ can read). */
  ATHENA_AGGREGATES_DATABASE: name,
  AGGREGATES_BUCKET: name,
  /** Not set by the CDK app (see ingestEnv). */
  LOCATION_CODES: codes.optional(),
});

export const mailEnv = z.object({
  /** Verified SES identity the mail is sent from. */
  MAIL_FROM: name,
  SES_CONFIGURATION_SET: name,
});

/**
 * Settings of the document functions. Location names and recipients are not in the environment:
 * they come from `config/locations.json` in the config area (functions/compose-aws.ts).
 */
export const documentsEnv = z.object({
  /** Facilitator addresses that receive the national report. */
  FACILITATOR_EMAILS: z.string().default(""),
});

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    message: string,
    /** The environment variables that are missing or invalid. */
    readonly variables: readonly string[] = [],
    /** What a person reads (Dutch), when the problem is not a missing variable. */
    readonly dutch?: string,
  ) {
    super(message);
  }
}

/** Parses `env` with `schema`; the error lists every missing or invalid variable by name. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const key = String(i.path[0] ?? "");
    return env[key] === undefined ? `${key} is not set` : `${key} is invalid: ${i.message}`;
  });
  throw new ConfigError(
    `configuration: ${problems.join("; ")}`,
    parsed.error.issues.map((i) => String(i.path[0] ?? "")),
  );
}

/**
 * Settings of the portal function (functions/handlers/portal.ts) besides storage and Athena:
 * the Cognito user pool, app client and managed-login domain, the portal's public URL, the data
 * key the presigned uploads must use, the file size limit and the KMS HMAC key the CSRF secret
 * is derived from.
 */
export const portalEnv = z.object({
  USER_POOL_ID: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, "expected a user pool id like eu-west-1_AbC123"),
  USER_POOL_CLIENT_ID: name,
  /** Managed-login domain without scheme, e.g. `vbm-123456789012.auth.eu-west-1.amazoncognito.com`. */
  COGNITO_DOMAIN: z.string().regex(/^[a-z0-9.-]+$/, "expected a host name without https://"),
  /** The portal's public origin (the CloudFront distribution), e.g. `https://d111111abcdef8.cloudfront.net`. */
  PORTAL_URL: z.url({ protocol: /^https$/ }),
  DATA_KEY_ARN: z.string().startsWith("arn:"),
  MAX_FILE_MB: z.coerce
    .number()
    .positive()
    .max(5 * 1024)
    .default(50),
  /** KMS HMAC key: the CSRF secret is its MAC of a fixed label, the same in every container. */
  CSRF_KEY_ID: name,
  /** The pipeline's functions the facilitator's actions invoke. */
  SEND_FACTSHEETS_FUNCTION: name,
  NATIONAL_REPORT_FUNCTION: name,
});
