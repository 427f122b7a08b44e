import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import type { InfraConfig } from "../config.ts";
import { SecureBucket } from "../constructs/secure-bucket.ts";
import {
  type BucketArea,
  FUNCTIONS,
  functionRoleName,
  KEY_ALIASES,
  ROLES,
  roleArn,
  uploadRoleName,
} from "../naming.ts";

/** What only the break-glass role may do to a key. */
export const BREAK_GLASS_KEY_ACTIONS = [
  "kms:PutKeyPolicy",
  "kms:DisableKey",
  "kms:ScheduleKeyDeletion",
] as const;

/**
 * The roles that may decrypt with the data key: every function, the people's roles, the
 * deployment of the locations config, and the upload roles (by pattern: `vbm-upload-<LOC>`, so
 * adding a location needs no key-policy change; they need Decrypt for multipart uploads and
 * their own policy limits them to their drop-zone prefix). All are fixed names, so the key
 * policy (deployed first) needs no reference to the stacks that create them.
 */
export function dataReaderRoleArns(breakGlassRoleName: string): string[] {
  return [
    ...Object.values(FUNCTIONS).map((f) => roleArn(functionRoleName(f))),
    roleArn(ROLES.facilitator),
    roleArn(ROLES.igj),
    roleArn(ROLES.configDeployment),
    roleArn(breakGlassRoleName),
    roleArn(uploadRoleName("*")),
  ];
}

export interface DataStackProps extends StackProps {
  readonly config: InfraConfig;
}

/**
 * Where the data lives: the two customer-managed keys and every bucket. Everything here is
 * retained (keys always; buckets unless `vbm:retainData` is false) and guarded against
 * accidental deletion.
 */
export class DataStack extends Stack {
  /** Encrypts all data at rest: buckets, queues, the alarm topic, log groups. */
  readonly dataKey: kms.Key;
  /** HMAC_256 key whose GenerateMac gives the youth pseudonyms. */
  readonly pseudonymKey: kms.Key;
  readonly buckets: Record<BucketArea, s3.Bucket>;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.dataKey = new kms.Key(this, "DataKey", {
      alias: KEY_ALIASES.data,
      description: "vbm-monitor: encrypts all data at rest (S3, SQS, SNS, CloudWatch Logs)",
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // No rotation: KMS cannot rotate HMAC keys, and a new key would give every young person a
    // new pseudonym; pseudonyms must stay stable across quarters and years.
    this.pseudonymKey = new kms.Key(this, "PseudonymKey", {
      alias: KEY_ALIASES.pseudonym,
      description: "vbm-monitor: HMAC-SHA256 key for youth-number pseudonyms (GenerateMac only)",
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      enableKeyRotation: false,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The account root keeps `kms:*` (CDK's default key policy, so IAM policies can grant key
    // use), but explicit denies, which no IAM policy can override, fence the keys in:
    const breakGlass = roleArn(config.breakGlassRoleName);
    for (const key of [this.dataKey, this.pseudonymKey]) {
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          // Changing the key policy is a break-glass act too, so the denies below cannot be
          // removed quietly (README, Deploy: how a key-policy change is deployed).
          sid: "OnlyBreakGlassAdministersTheKey",
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: [...BREAK_GLASS_KEY_ACTIONS],
          resources: ["*"],
          conditions: { ArnNotEquals: { "aws:PrincipalArn": breakGlass } },
        }),
      );
      // The policy no longer lets the deploying principal (CloudFormation's execution role)
      // change it; only the break-glass role can. KMS would refuse such a policy without this flag.
      (key.node.defaultChild as kms.CfnKey).bypassPolicyLockoutSafetyCheck = true;
    }

    // A pseudonym is computable by the ingest only: not by an administrator who can grant
    // himself kms:GenerateMac, nor by anyone verifying guesses with VerifyMac.
    this.pseudonymKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "OnlyTheIngestComputesPseudonyms",
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ["kms:GenerateMac", "kms:VerifyMac"],
        resources: ["*"],
        conditions: { ArnNotEquals: { "aws:PrincipalArn": roleArn(functionRoleName(FUNCTIONS.ingest)) } },
      }),
    );

    // Reading data (S3 objects, through S3) needs kms:Decrypt: only the monitor's own roles
    // have it, whatever IAM grants. AWS services acting as themselves (CloudWatch Logs,
    // EventBridge, CloudWatch alarms) are not affected, nor is reading a dead-letter queue
    // (through SQS: events and error messages, no delivered data).
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "OnlyTheMonitorsRolesDecrypt",
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ["kms:Decrypt", "kms:ReEncryptFrom"],
        resources: ["*"],
        conditions: {
          ArnNotLike: { "aws:PrincipalArn": dataReaderRoleArns(config.breakGlassRoleName) },
          Bool: { "aws:PrincipalIsAWSService": "false" },
          StringNotEqualsIfExists: { "kms:ViaService": `sqs.${Aws.REGION}.amazonaws.com` },
        },
      }),
    );

    // AWS services that encrypt with the data key on the account's behalf.
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchLogsEncryptsLogGroups",
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"],
        conditions: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "EventBridgeWritesTheIngestDeadLetterQueue",
        principals: [new iam.ServicePrincipal("events.amazonaws.com")],
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
      }),
    );
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchAlarmsPublishToTheAlarmTopic",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
      }),
    );

    const retain = config.retainData;
    const accessLogs = new SecureBucket(this, "AccessLogs", {
      area: "access-logs",
      retain,
      noncurrentVersionDays: config.noncurrentVersionDays,
      expireAfterDays: config.accessLogDays,
    }).bucket;
    const data = (
      area: BucketArea,
      extra: { expireAfterDays?: number; noncurrentVersionDays?: number } = {},
    ) =>
      new SecureBucket(this, pascal(area), {
        area,
        encryptionKey: this.dataKey,
        accessLogs,
        retain,
        noncurrentVersionDays: extra.noncurrentVersionDays ?? config.noncurrentVersionDays,
        ...(extra.expireAfterDays !== undefined ? { expireAfterDays: extra.expireAfterDays } : {}),
        // The drop zone triggers the ingest; the reports bucket triggers send-receipt (mail/requests/).
        eventBridge: area === "dropzone" || area === "reports",
        // The portal's browsers post files straight into the drop zone (presigned POST).
        ...(area === "dropzone"
          ? {
              cors: [
                {
                  allowedMethods: [s3.HttpMethods.POST],
                  allowedOrigins: config.portalOrigins,
                  maxAge: 3600,
                },
              ],
            }
          : {}),
      }).bucket;

    // Raw files (delivered, or rejected into quarantine) hold youth numbers and reason texts:
    // they are deleted after the configured days, and an overwritten version a day later.
    const raw = { expireAfterDays: config.rawRetentionDays, noncurrentVersionDays: 1 };
    this.buckets = {
      "access-logs": accessLogs,
      dropzone: data("dropzone", raw),
      quarantine: data("quarantine", raw),
      curated: data("curated"),
      aggregates: data("aggregates"),
      reports: data("reports"),
      "athena-results": data("athena-results", { expireAfterDays: config.athenaResultsDays }),
    };

    new CfnOutput(this, "DataKeyArn", {
      value: this.dataKey.keyArn,
      description: "Pass as --sse-kms-key-id when uploading",
    });
    new CfnOutput(this, "PseudonymKeyArn", { value: this.pseudonymKey.keyArn });
    for (const [area, bucket] of Object.entries(this.buckets))
      new CfnOutput(this, `${pascal(area)}BucketName`, { value: bucket.bucketName });
  }
}

function pascal(s: string): string {
  return s
    .split("-")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}
