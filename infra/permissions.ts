import { Aws } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import type { Permission } from "./constructs/least-privilege-policy.ts";
import {
  athenaDataCatalogArn,
  bucketArn,
  CURATED_PREFIXES,
  CURATED_TABLES,
  DATABASES,
  glueCatalogArn,
  glueDatabaseArn,
  glueTableArn,
  LOCATIONS_CONFIG_KEY,
  objectsArn,
  RESULT_PREFIXES,
  SES_CONFIGURATION_SET,
  WORKGROUPS,
  workgroupArn,
} from "./naming.ts";

/**
 * Permissions several functions share, defined once so they cannot drift apart: running Athena
 * queries in the facilitator workgroup (and handling its results), and using the data key only
 * through S3.
 */
export function facilitatorQueryPermissions(): Permission[] {
  return [
    {
      sid: "RunQueries",
      actions: [
        "athena:StartQueryExecution",
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:StopQueryExecution",
        "athena:GetWorkGroup",
      ],
      resources: [workgroupArn(WORKGROUPS.facilitator)],
    },
    {
      sid: "ListOwnQueryResults",
      actions: ["s3:ListBucket"],
      resources: [bucketArn("athena-results")],
      conditions: { StringLike: { "s3:prefix": [`${RESULT_PREFIXES.facilitator}*`] } },
    },
    {
      sid: "WriteQueryResults",
      actions: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      resources: [objectsArn("athena-results", RESULT_PREFIXES.facilitator)],
      wildcardReason:
        "Athena names result objects per query execution id under the workgroup's result prefix",
    },
  ];
}

export function dataKeyThroughS3(dataKey: kms.IKey): Permission {
  return {
    sid: "UseDataKeyThroughS3",
    actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
    resources: [dataKey.keyArn],
    conditions: { StringEquals: { "kms:ViaService": `s3.${Aws.REGION}.amazonaws.com` } },
  };
}

/** Sending mail only from the one verified SES identity, through the monitor's configuration set. */
export function sendMailFromIdentity(sesIdentity: string): Permission {
  return {
    sid: "SendFromTheVerifiedIdentityOnly",
    actions: ["ses:SendEmail", "ses:SendRawEmail"],
    resources: [
      `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:identity/${sesIdentity}`,
      `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:configuration-set/${SES_CONFIGURATION_SET}`,
    ],
  };
}

/** Reading the locations config (names and recipients) the functions load at run time. */
export function readLocationsConfig(): Permission {
  return {
    sid: "ReadLocationsConfig",
    actions: ["s3:GetObject"],
    resources: [`${bucketArn("reports")}/${LOCATIONS_CONFIG_KEY}`],
  };
}

/**
 * Browsing one's own databases in the Athena console (the catalog tree and table details):
 * Athena's catalog calls and the Glue list calls behind them, on the named database and tables only.
 */
export function browseCatalog(database: string, tables: readonly string[]): Permission[] {
  return [
    {
      sid: "BrowseCatalogInAthena",
      actions: [
        "athena:GetDataCatalog",
        "athena:ListDatabases",
        "athena:GetDatabase",
        "athena:ListTableMetadata",
        "athena:GetTableMetadata",
      ],
      resources: [athenaDataCatalogArn()],
    },
    {
      sid: "ListOwnDatabaseAndTables",
      actions: ["glue:GetDatabases", "glue:GetTables"],
      resources: [
        glueCatalogArn(),
        glueDatabaseArn(database),
        ...tables.map((t) => glueTableArn(database, t)),
      ],
    },
  ];
}

/**
 * Prefixes of the curated bucket a reader needs: the objects behind the tables of `vbm_curated`,
 * and the occupancy log, which a run reads with the delivery log to fix its snapshot (the
 * deliveries and loads it counts, functions/core/current.ts).
 */
const CURATED_TABLE_PREFIXES = [
  CURATED_PREFIXES.measures,
  CURATED_PREFIXES.deliveryLog,
  CURATED_PREFIXES.occupancy,
  CURATED_PREFIXES.occupancyLog,
];

/**
 * Reading the curated tables as the facilitator does (role, materialiser and document functions
 * alike): the catalog of `vbm_curated` (the views and the tables behind them), and the objects of
 * the measures, the delivery log, occupancy and its log.
 */
export function readCuratedTables(): Permission[] {
  return [
    {
      sid: "ReadCuratedCatalog",
      actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartition", "glue:GetPartitions"],
      resources: [
        glueCatalogArn(),
        glueDatabaseArn(DATABASES.curated),
        ...Object.values(CURATED_TABLES).map((t) => glueTableArn(DATABASES.curated, t)),
      ],
    },
    {
      sid: "ListCuratedTables",
      actions: ["s3:ListBucket"],
      resources: [bucketArn("curated")],
      conditions: { StringLike: { "s3:prefix": CURATED_TABLE_PREFIXES.map((p) => `${p}*`) } },
    },
    {
      sid: "ReadCuratedTables",
      actions: ["s3:GetObject"],
      resources: CURATED_TABLE_PREFIXES.map((p) => objectsArn("curated", p)),
      wildcardReason:
        "the delivery log (delivery status, the current deliveries), the occupancy log and the tables Athena reads are one object per location, quarter, attempt or load below these prefixes",
    },
  ];
}
