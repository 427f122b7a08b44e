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
export const CURATED_TABLES = {
  measures: "measures",
  deliveryLog: "delivery_log",
  occupancy: "occupancy",
} as const;

export const WORKGROUPS = { facilitator: "vbm-facilitator", igj: "vbm-igj" } as const;
/** Result prefixes of the workgroups in the Athena results bucket. */
export const RESULT_PREFIXES = { facilitator: "facilitator/", igj: "igj/" } as const;

export const FUNCTIONS = {
  ingest: "vbm-ingest",
  materialise: "vbm-materialise",
  sendFactsheets: "vbm-send-factsheets",
  nationalReport: "vbm-national-report",
} as const;

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

export function workgroupArn(workgroup: string): string {
  return `arn:${Aws.PARTITION}:athena:${Aws.REGION}:${Aws.ACCOUNT_ID}:workgroup/${workgroup}`;
}

export function roleArn(roleName: string): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${roleName}`;
}
