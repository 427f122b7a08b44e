import { Aws, CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type { Construct } from "constructs";
import { aggregates } from "../../queries/aggregates.ts";
import type { InfraConfig } from "../config.ts";
import { LeastPrivilegePolicy, type Permission } from "../constructs/least-privilege-policy.ts";
import {
  bucketArn,
  CURATED_TABLES,
  DATABASES,
  FUNCTIONS,
  glueCatalogArn,
  glueDatabaseArn,
  glueTableArn,
  objectsArn,
  RESULT_PREFIXES,
  ROLES,
  uploadRoleName,
  WORKGROUPS,
  workgroupArn,
} from "../naming.ts";
import { browseCatalog, readCuratedTables } from "../permissions.ts";

export interface AccessStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly dataKey: kms.IKey;
  readonly pseudonymKey: kms.IKey;
}

/** Actions to run and follow queries in one workgroup (no saved queries; browsing: browseCatalog). */
const QUERY_ACTIONS = [
  "athena:StartQueryExecution",
  "athena:StopQueryExecution",
  "athena:GetQueryExecution",
  "athena:GetQueryResults",
  "athena:BatchGetQueryExecution",
  "athena:ListQueryExecutions",
  "athena:GetWorkGroup",
];
const CATALOG_READ_ACTIONS = ["glue:GetDatabase", "glue:GetTable", "glue:GetPartition", "glue:GetPartitions"];

/**
 * Who may do what, one role per kind of user (README, "Who uses the product"):
 * - one upload role per location: put files under its own drop-zone prefix, nothing else;
 * - the network facilitator: trigger the materialiser, read the delivery log, query the curated
 *   data through the facilitator workgroup;
 * - IGJ analysts: the aggregates only, through their own workgroup; never curated (row-level)
 *   data. Views are no security boundary, so the aggregates are materialised tables in a
 *   database and bucket of their own;
 * - break glass: the only principal that can disable or schedule deletion of the keys.
 */
export class AccessStack extends Stack {
  readonly uploadRoles: Record<string, iam.Role> = {};
  readonly facilitatorRole: iam.Role;
  readonly igjRole: iam.Role;
  readonly breakGlassRole: iam.Role;

  constructor(scope: Construct, id: string, props: AccessStackProps) {
    super(scope, id, props);
    const { config, dataKey, pseudonymKey } = props;
    const viaS3 = `s3.${Aws.REGION}.amazonaws.com`;

    for (const location of config.locations) {
      const role = new iam.Role(this, `Upload${location.code}`, {
        roleName: uploadRoleName(location.code),
        description: `${location.name} (${location.code}) delivers its quarterly files`,
        assumedBy: principal(location.principal),
        ...(location.externalId ? { externalIds: [location.externalId] } : {}),
        maxSessionDuration: Duration.hours(1),
      });
      new LeastPrivilegePolicy(this, `Upload${location.code}Policy`, {
        description: `Upload into the drop zone under ${location.code}/ only`,
        roles: [role],
        permissions: [
          {
            // PutObject only: no Get, no List, no Delete, no other prefix. The bucket is versioned,
            // so uploading to an existing key adds a new version and never destroys the old one.
            sid: "UploadUnderOwnPrefix",
            actions: ["s3:PutObject"],
            resources: [objectsArn("dropzone", `${location.code}/`)],
            wildcardReason: `a location chooses the quarter, scope and file name of its delivery; the wildcard stays under ${location.code}/`,
          },
          {
            // SSE-KMS uploads need a data key; multipart uploads (aws s3 cp above 8 MB) also Decrypt.
            // Only through S3, and only for this bucket (bucket-key context) or this prefix.
            sid: "EncryptUploadWithDataKey",
            actions: ["kms:GenerateDataKey", "kms:Decrypt"],
            resources: [dataKey.keyArn],
            conditions: {
              StringEquals: { "kms:ViaService": viaS3 },
              StringLike: {
                "kms:EncryptionContext:aws:s3:arn": [
                  bucketArn("dropzone"),
                  `${bucketArn("dropzone")}/${location.code}/*`,
                ],
              },
            },
          },
        ],
      });
      this.uploadRoles[location.code] = role;
      new CfnOutput(this, `Upload${location.code}RoleArn`, { value: role.roleArn });
    }

    const listWorkGroups: Permission = {
      sid: "ListWorkGroups",
      actions: ["athena:ListWorkGroups"],
      resources: ["*"],
      wildcardReason: "athena:ListWorkGroups has no resource-level permissions; it lists names, not data",
    };
    const dataKeyViaS3: Permission = {
      sid: "UseDataKeyThroughS3",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [dataKey.keyArn],
      conditions: { StringEquals: { "kms:ViaService": viaS3 } },
    };
    const queryResults = (workgroup: keyof typeof RESULT_PREFIXES): Permission[] => [
      {
        sid: "LocateResultsBucket",
        actions: ["s3:GetBucketLocation"],
        resources: [bucketArn("athena-results")],
      },
      {
        sid: "ListOwnResults",
        actions: ["s3:ListBucket"],
        resources: [bucketArn("athena-results")],
        conditions: { StringLike: { "s3:prefix": [`${RESULT_PREFIXES[workgroup]}*`] } },
      },
      {
        sid: "ReadAndWriteOwnResults",
        actions: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        resources: [objectsArn("athena-results", RESULT_PREFIXES[workgroup])],
        wildcardReason:
          "Athena names result objects per query execution id under the workgroup's result prefix",
      },
    ];

    this.facilitatorRole = new iam.Role(this, "Facilitator", {
      roleName: ROLES.facilitator,
      description: "Network facilitator: delivery status, reports on demand, queries on the curated data",
      assumedBy: principals(config.facilitatorPrincipals),
      maxSessionDuration: Duration.hours(4),
    });
    new LeastPrivilegePolicy(this, "FacilitatorPolicy", {
      description:
        "Trigger the materialiser, read the delivery log, query curated data in the facilitator workgroup",
      roles: [this.facilitatorRole],
      permissions: [
        {
          sid: "TriggerReports",
          actions: ["lambda:InvokeFunction"],
          resources: [FUNCTIONS.materialise, FUNCTIONS.nationalReport, FUNCTIONS.sendFactsheets].map(
            (name) => `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:${name}`,
          ),
        },
        {
          sid: "QueryInFacilitatorWorkgroup",
          actions: QUERY_ACTIONS,
          resources: [workgroupArn(WORKGROUPS.facilitator)],
        },
        listWorkGroups,
        ...browseCatalog(DATABASES.curated, Object.values(CURATED_TABLES)),
        {
          sid: "LocateCuratedBucket",
          actions: ["s3:GetBucketLocation"],
          resources: [bucketArn("curated")],
        },
        ...readCuratedTables(),
        ...queryResults("facilitator"),
        {
          // `vbm-monitor mail`: which verdict e-mails did not reach a location, and why.
          sid: "ReadVerdictMailStatus",
          actions: ["s3:GetObject"],
          resources: [objectsArn("reports", "mail/")],
          wildcardReason:
            "one request and status objects per delivery attempt under mail/: location, quarter and send outcome only, no youth data",
        },
        {
          sid: "ReadLocationsConfig",
          actions: ["s3:GetObject"],
          resources: [`${bucketArn("reports")}/config/locations.json`],
        },
        {
          sid: "ListVerdictMailStatus",
          actions: ["s3:ListBucket"],
          resources: [bucketArn("reports")],
          conditions: { StringLike: { "s3:prefix": ["mail/*"] } },
        },
        {
          // `vbm-monitor mail --retry` writes a request again, so vbm-send-receipt runs once more.
          sid: "RetryVerdictMail",
          actions: ["s3:PutObject"],
          resources: [objectsArn("reports", "mail/requests/")],
          wildcardReason:
            "a request object per delivery attempt; writing one again makes vbm-send-receipt try it once more",
        },
        dataKeyViaS3,
      ],
    });

    this.igjRole = new iam.Role(this, "IgjAnalyst", {
      roleName: ROLES.igj,
      description: "IGJ analyst: queries the aggregate tables only, never row-level data",
      assumedBy: principals(config.igjPrincipals),
      maxSessionDuration: Duration.hours(4),
    });
    new LeastPrivilegePolicy(this, "IgjAnalystPolicy", {
      description: "Query the materialised aggregates in the IGJ workgroup; no access to curated data",
      roles: [this.igjRole],
      permissions: [
        {
          sid: "QueryInIgjWorkgroup",
          actions: QUERY_ACTIONS,
          resources: [workgroupArn(WORKGROUPS.igj)],
        },
        listWorkGroups,
        ...browseCatalog(
          DATABASES.aggregates,
          aggregates.map((a) => a.name),
        ),
        {
          sid: "ReadAggregatesCatalog",
          actions: CATALOG_READ_ACTIONS,
          resources: [
            glueCatalogArn(),
            glueDatabaseArn(DATABASES.aggregates),
            ...aggregates.map((a) => glueTableArn(DATABASES.aggregates, a.name)),
          ],
        },
        {
          sid: "ListAndLocateAggregates",
          actions: ["s3:ListBucket", "s3:GetBucketLocation"],
          resources: [bucketArn("aggregates")],
        },
        {
          sid: "ReadAggregates",
          actions: ["s3:GetObject"],
          resources: [objectsArn("aggregates")],
          wildcardReason: "the aggregates bucket holds nothing but the materialised aggregate tables",
        },
        ...queryResults("igj"),
        dataKeyViaS3,
      ],
    });

    this.breakGlassRole = new iam.Role(this, "BreakGlass", {
      roleName: config.breakGlassRoleName,
      description: "Break glass: the only principal that may disable or schedule deletion of the vbm keys",
      // Only with MFA: this role can make every pseudonym and every encrypted object unreadable.
      assumedBy: new iam.PrincipalWithConditions(principals(config.breakGlassPrincipals), {
        Bool: { "aws:MultiFactorAuthPresent": "true" },
      }),
      maxSessionDuration: Duration.hours(1),
    });
    new LeastPrivilegePolicy(this, "BreakGlassPolicy", {
      description: "Administer the lifecycle and the key policies of the vbm keys",
      roles: [this.breakGlassRole],
      permissions: [
        {
          // The key policies deny PutKeyPolicy, DisableKey and ScheduleKeyDeletion to everyone else.
          sid: "AdministerKeyLifecycle",
          actions: [
            "kms:DescribeKey",
            "kms:GetKeyPolicy",
            "kms:PutKeyPolicy",
            "kms:GetKeyRotationStatus",
            "kms:EnableKey",
            "kms:DisableKey",
            "kms:ScheduleKeyDeletion",
            "kms:CancelKeyDeletion",
          ],
          resources: [dataKey.keyArn, pseudonymKey.keyArn],
        },
      ],
    });

    new CfnOutput(this, "FacilitatorRoleArn", { value: this.facilitatorRole.roleArn });
    new CfnOutput(this, "IgjAnalystRoleArn", { value: this.igjRole.roleArn });
    new CfnOutput(this, "BreakGlassRoleArn", { value: this.breakGlassRole.roleArn });
  }
}

function principal(arnOrAccount: string): iam.IPrincipal {
  return /^\d{12}$/.test(arnOrAccount)
    ? new iam.AccountPrincipal(arnOrAccount)
    : new iam.ArnPrincipal(arnOrAccount);
}

/** The configured principals; none configured means the own account (its IAM policies decide who). */
function principals(list: readonly string[]): iam.IPrincipal {
  const [first, ...rest] = list.map(principal);
  if (!first) return new iam.AccountRootPrincipal();
  return rest.length === 0 ? first : new iam.CompositePrincipal(first, ...rest);
}
