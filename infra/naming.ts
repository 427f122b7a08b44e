import { Aws } from "aws-cdk-lib";

/**
 * Physical names shared by the stacks. Bucket names are derived from account and region, so
 * every stack can build a bucket's ARN from the pseudo parameters alone: no CloudFormation
 * exports tie the stacks together for buckets, and the least-privilege statements (and their
 * cdk-nag acknowledgements) read the same in every stack. One deployment per account and region.
 */
export const AREAS = [
  "dropzone",
  "quarantine",
  "curated",
  "aggregates",
  "reports",
  "athena-results",
  "access-logs",
] as const;
export type BucketArea = (typeof AREAS)[number];

export function bucketName(area: BucketArea): string {
  return `vbm-${area}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

export function bucketArn(area: BucketArea): string {
  return `arn:${Aws.PARTITION}:s3:::${bucketName(area)}`;
}

/** ARN of the objects under `prefix` (e.g. `measures/`); without a prefix all objects of the bucket. */
export function objectsArn(area: BucketArea, prefix = ""): string {
  return `${bucketArn(area)}/${prefix}*`;
}

export function s3Url(area: BucketArea, path = ""): string {
  return `s3://${bucketName(area)}/${path}`;
}

export const DATABASES = { curated: "vbm_curated", aggregates: "vbm_aggregates" } as const;
/**
 * Tables and views of `vbm_curated`. `measures_all` holds every accepted attempt (one immutable
 * Parquet object per attempt); the view `current_delivery` picks the current attempt per location
 * and quarter from `delivery_log`, and the view `measures` keeps the rows of those only.
 */
export const CURATED_TABLES = {
  measuresAll: "measures_all",
  measures: "measures",
  currentDelivery: "current_delivery",
  deliveryLog: "delivery_log",
  occupancy: "occupancy",
} as const;

/** Prefixes of the curated bucket. */
export const CURATED_PREFIXES = {
  /** `measures/location=<LOC>/quarter=<Q>/<attempt id>.parquet`, one object per accepted attempt. */
  measures: "measures/",
  /** `delivery-log/<LOC>/<Q>/<attempt id>.json`: the line that commits an attempt. */
  deliveryLog: "delivery-log/",
  occupancy: "occupancy/",
  occupancyLog: "occupancy-log/",
} as const;

/** Prefixes of the reports bucket (areas `receipts`, `reports`, `config` and `mail` of the code). */
export const REPORTS_PREFIXES = {
  receipts: "receipts/",
  documents: "documents/",
  config: "config/",
  mailRequests: "mail/requests/",
  mailStatus: "mail/status/",
} as const;

/** The locations config (names and recipients) the functions read at run time. */
export const LOCATIONS_CONFIG_KEY = `${REPORTS_PREFIXES.config}locations.json`;

export const WORKGROUPS = { facilitator: "vbm-facilitator", igj: "vbm-igj" } as const;
/** Result prefixes of the workgroups in the Athena results bucket. */
export const RESULT_PREFIXES = { facilitator: "facilitator/", igj: "igj/" } as const;

export const FUNCTIONS = {
  ingest: "vbm-ingest",
  materialise: "vbm-materialise",
  sendFactsheets: "vbm-send-factsheets",
  nationalReport: "vbm-national-report",
  sendReceipt: "vbm-send-receipt",
  /** The portal (API Gateway → Lambda); its role signs the presigned uploads. */
  portal: "vbm-portal",
} as const;

/**
 * Fixed name of a function's execution role, so the key policies (in the data stack, deployed
 * first) can name it without a cross-stack reference.
 */
export function functionRoleName(functionName: string): string {
  return `${functionName}-function`;
}

/** Roles of people, by fixed name (the upload roles are `vbm-upload-<LOC>`). */
export const ROLES = {
  facilitator: "vbm-facilitator",
  igj: "vbm-igj-analyst",
  /** Execution role of the deployment of `config/locations.json` (a CDK BucketDeployment). */
  configDeployment: "vbm-config-deployment",
} as const;

export function uploadRoleName(locationCode: string): string {
  return `vbm-upload-${locationCode}`;
}

export const SES_CONFIGURATION_SET = "vbm-monitor";

export const KEY_ALIASES = { data: "alias/vbm-data", pseudonym: "alias/vbm-pseudonym" } as const;

export function glueCatalogArn(): string {
  return `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:catalog`;
}

export function glueDatabaseArn(database: string): string {
  return `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:database/${database}`;
}

export function glueTableArn(database: string, table: string): string {
  return `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/${database}/${table}`;
}

/** The account's default Glue data catalog as Athena names it. */
export function athenaDataCatalogArn(): string {
  return `arn:${Aws.PARTITION}:athena:${Aws.REGION}:${Aws.ACCOUNT_ID}:datacatalog/AwsDataCatalog`;
}

export function workgroupArn(workgroup: string): string {
  return `arn:${Aws.PARTITION}:athena:${Aws.REGION}:${Aws.ACCOUNT_ID}:workgroup/${workgroup}`;
}

export function roleArn(roleName: string): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${roleName}`;
}

/** Cognito groups of the portal: one role group per user (functions/portal/aws.ts). */
export const PORTAL_GROUPS = {
  facilitator: "facilitator",
  igj: "igj",
  location: (code: string) => `location-${code}`,
} as const;

/** Drop-zone keys a location's portal upload may have: `<LOC>/<YYYY-Qn>/<scope>/<file>` (IAM `?` is one character). */
export const DROPZONE_UPLOAD_PATTERN = "??/????-Q?/*";
