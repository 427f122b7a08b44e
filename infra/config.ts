import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Node } from "constructs";
import { z } from "zod";
import { type LocationConfig, locationsConfig } from "../schemas/locations.ts";

/** The repository root: relative paths in the context (the locations file) are resolved against it. */
export const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/**
 * An IAM principal that may assume one of the roles: an account id, an account root, a role or a
 * user ARN. Wildcards are refused: every trust relationship names someone.
 */
const principalArn = z
  .string()
  .regex(
    /^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+))$/,
    "expected a 12-digit account id or an IAM account-root, role or user ARN",
  );

/** Context values come as JSON from cdk.json, but as strings from `cdk -c key=value`. */
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")]);
const list = (item: z.ZodType<string, string>) =>
  z.union([
    z.array(item),
    z
      .string()
      .transform((s) =>
        s
          .split(",")
          .map((p) => p.trim())
          .filter(Boolean),
      )
      .pipe(z.array(item)),
  ]);

/** Retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const infraContext = z.object({
  /**
   * `production` refuses to synthesise without an alarm recipient; any other stage (`test`)
   * warns in the synth and deploy output and says "NONE" in the stack output AlarmRecipients.
   */
  "vbm:stage": z.enum(["production", "test"]).default("production"),
  /** Keep data buckets and keys when a stack is deleted (RETAIN). `false` is for throwaway test accounts only. */
  "vbm:retainData": flag.default(true),
  /** Days a delivered raw file stays in the drop zone (and a rejected file in quarantine). */
  "vbm:rawRetentionDays": z.coerce.number().int().min(1).max(3650).default(30),
  /** Days an earlier version of an object is kept after it was overwritten or deleted. */
  "vbm:noncurrentVersionDays": z.coerce.number().int().min(1).max(3650).default(90),
  /** Days Athena query results are kept (they can hold row-level query output). */
  "vbm:athenaResultsDays": z.coerce.number().int().min(1).max(365).default(30),
  /** Days S3 server access logs are kept. */
  "vbm:accessLogDays": z.coerce.number().int().min(1).max(3650).default(365),
  /** Retention of the Lambda log groups; one of the values CloudWatch Logs accepts. */
  "vbm:logRetentionDays": z.coerce
    .number()
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `one of ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .default(365),
  /** The locations config (JSON, `schemas/locations.ts`), relative to the repository root. */
  "vbm:locationsFile": z.string().min(1).default("infra/locations.example.json"),
  /** Name of the break-glass role: the only principal allowed to disable or schedule deletion of the keys. */
  "vbm:breakGlassRoleName": z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/)
    .default("vbm-break-glass"),
  /** Who may assume the break-glass role (with MFA). Empty: the own account (IAM decides who). */
  "vbm:breakGlassPrincipals": list(principalArn).default([]),
  /** Who may assume the network facilitator role. Empty: the own account (IAM decides who). */
  "vbm:facilitatorPrincipals": list(principalArn).default([]),
  /** Who may assume the IGJ analyst role. Empty: the own account (IAM decides who). */
  "vbm:igjPrincipals": list(principalArn).default([]),
  /** E-mail addresses subscribed to the alarm topic. */
  "vbm:alarmEmails": list(z.email()).default([]),
  /** Athena stops (and bills no further) a query that scans more than this many bytes. */
  "vbm:athenaBytesScannedCutoff": z.coerce
    .number()
    .int()
    .min(10 * 1024 * 1024)
    .default(10 * 1024 ** 3),
  /** Sender of factsheets, reminders and reports: an address of the verified SES identity. */
  "vbm:mailFrom": z.email().default("vbm-monitor@example.org"),
  /** The verified SES identity (domain or address) the functions may send from — nothing else. */
  "vbm:sesIdentity": z.string().min(3).default("example.org"),
  /** Who receives the national report (the network facilitators). */
  "vbm:facilitatorEmails": list(z.email()).default([]),
  /**
   * Origins whose pages may read the drop zone's answer to a presigned POST (CORS; the POST's
   * policy, not CORS, decides what may be written). The portal's CloudFront domain is known
   * only after the data stack exists, hence the default; set the portal's own origin once known.
   */
  "vbm:portalOrigins": list(z.string().regex(/^https:\/\/[a-z0-9.*-]+$/, "expected https://<host>")).default([
    "https://*.cloudfront.net",
  ]),
  /**
   * The portal's URL (the `PortalUrl` output, or its custom domain), for the links in receipt and
   * reminder mails. Known only after the first deploy of the portal stack, which comes after the
   * functions that send those mails; until it is set, mails name the drop-zone path instead.
   */
  "vbm:portalUrl": z.url({ protocol: /^https$/, hostname: /^[a-z0-9.-]+$/ }).optional(),
  /** The largest file the portal lets a location upload (the presigned POST's size limit), in MB. */
  "vbm:maxFileMb": z.coerce
    .number()
    .int()
    .min(1)
    .max(5 * 1024)
    .default(50),
});

export interface InfraConfig {
  stage: "production" | "test";
  retainData: boolean;
  rawRetentionDays: number;
  noncurrentVersionDays: number;
  athenaResultsDays: number;
  accessLogDays: number;
  logRetentionDays: number;
  locationsFile: string;
  /** Every location, each with the principal that may upload for it. */
  locations: (LocationConfig & { principal: string })[];
  breakGlassRoleName: string;
  breakGlassPrincipals: string[];
  facilitatorPrincipals: string[];
  igjPrincipals: string[];
  alarmEmails: string[];
  athenaBytesScannedCutoff: number;
  mailFrom: string;
  sesIdentity: string;
  facilitatorEmails: string[];
  maxFileMb: number;
  portalOrigins: string[];
  portalUrl: string | null;
}

export class InfraConfigError extends Error {
  override readonly name = "InfraConfigError";
}

/** Reads and validates the `vbm:*` context of `node` and the locations file it names. */
export function loadInfraConfig(node: Node): InfraConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(infraContext.shape)) raw[key] = node.tryGetContext(key);
  const parsed = infraContext.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new InfraConfigError(`invalid CDK context: ${problems.join("; ")}`);
  }
  const c = parsed.data;
  const locationsFile = isAbsolute(c["vbm:locationsFile"])
    ? c["vbm:locationsFile"]
    : resolve(repoRoot, c["vbm:locationsFile"]);
  if (c["vbm:stage"] === "production" && c["vbm:alarmEmails"].length === 0)
    throw new InfraConfigError(
      'vbm:alarmEmails: a production stage needs at least one alarm recipient (failed ingests and dead letters would reach nobody); set vbm:alarmEmails, or vbm:stage to "test"',
    );
  return {
    stage: c["vbm:stage"],
    retainData: c["vbm:retainData"],
    rawRetentionDays: c["vbm:rawRetentionDays"],
    noncurrentVersionDays: c["vbm:noncurrentVersionDays"],
    athenaResultsDays: c["vbm:athenaResultsDays"],
    accessLogDays: c["vbm:accessLogDays"],
    logRetentionDays: c["vbm:logRetentionDays"],
    locationsFile,
    locations: loadLocations(locationsFile),
    breakGlassRoleName: c["vbm:breakGlassRoleName"],
    breakGlassPrincipals: c["vbm:breakGlassPrincipals"],
    facilitatorPrincipals: c["vbm:facilitatorPrincipals"],
    igjPrincipals: c["vbm:igjPrincipals"],
    alarmEmails: c["vbm:alarmEmails"],
    athenaBytesScannedCutoff: c["vbm:athenaBytesScannedCutoff"],
    mailFrom: c["vbm:mailFrom"],
    sesIdentity: c["vbm:sesIdentity"],
    facilitatorEmails: c["vbm:facilitatorEmails"],
    maxFileMb: c["vbm:maxFileMb"],
    portalOrigins: c["vbm:portalOrigins"],
    portalUrl: c["vbm:portalUrl"]?.replace(/\/+$/, "") ?? null,
  };
}

/**
 * Parses the locations config with the product's own schema. In the AWS deployment every
 * location needs the principal that uploads for it (its upload role trusts only that principal).
 */
export function loadLocations(file: string): InfraConfig["locations"] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InfraConfigError(`cannot read the locations config ${file}: ${(e as Error).message}`);
  }
  const parsed = locationsConfig.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new InfraConfigError(`invalid locations config ${file}: ${problems.join("; ")}`);
  }
  if (parsed.data.length === 0) throw new InfraConfigError(`the locations config ${file} lists no locations`);
  return parsed.data.map((l) => {
    const principal = principalArn.safeParse(l.principal);
    if (!principal.success)
      throw new InfraConfigError(
        `location ${l.code} in ${file}: "principal" must be the account id or IAM ARN that uploads for it (got ${JSON.stringify(l.principal ?? null)})`,
      );
    return { ...l, principal: principal.data };
  });
}
