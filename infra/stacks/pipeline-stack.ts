import { Aws, CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as logs from "aws-cdk-lib/aws-logs";
import * as ses from "aws-cdk-lib/aws-ses";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import type { InfraConfig } from "../config.ts";
import { alarmOnErrors, deadLetterQueue as failureQueue } from "../constructs/failure-alarms.ts";
import type { Permission } from "../constructs/least-privilege-policy.ts";
import { PipelineFunction } from "../constructs/pipeline-function.ts";
import {
  bucketArn,
  bucketName,
  CURATED_TABLES,
  DATABASES,
  FUNCTIONS,
  glueCatalogArn,
  glueDatabaseArn,
  glueTableArn,
  objectsArn,
  SES_CONFIGURATION_SET,
  WORKGROUPS,
} from "../naming.ts";
import {
  dataKeyThroughS3,
  facilitatorQueryPermissions,
  locationsJson,
  sendMailFromIdentity,
} from "../permissions.ts";

export interface PipelineStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly dataKey: kms.IKey;
  readonly pseudonymKey: kms.IKey;
}

/**
 * The two functions and what drives and watches them: drop-zone events → ingest (with retries,
 * a dead-letter queue and alarms), and a quarterly schedule → materialise.
 */
export class PipelineStack extends Stack {
  readonly ingest: PipelineFunction;
  readonly materialise: PipelineFunction;
  readonly ingestDeadLetterQueue: sqs.Queue;
  readonly materialiseDeadLetterQueue: sqs.Queue;
  readonly alarmTopic: sns.Topic;
  readonly configurationSet: ses.ConfigurationSet;
  readonly dropZoneRule: events.Rule;
  readonly materialiseSchedule: events.Rule;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config, dataKey, pseudonymKey } = props;
    const locationCodes = config.locations.map((l) => l.code).join(",");

    const storageEnvironment = {
      DROPZONE_BUCKET: bucketName("dropzone"),
      QUARANTINE_BUCKET: bucketName("quarantine"),
      CURATED_BUCKET: bucketName("curated"),
      REPORTS_BUCKET: bucketName("reports"),
    };

    // Mail (receipts from the ingest; factsheets and reports from the documents stack) goes
    // through this configuration set, so SES events and reputation are tracked in one place.
    this.configurationSet = new ses.ConfigurationSet(this, "ConfigurationSet", {
      configurationSetName: SES_CONFIGURATION_SET,
      reputationMetrics: true,
    });

    this.alarmTopic = new sns.Topic(this, "AlarmTopic", {
      displayName: "vbm-monitor alarms",
      masterKey: dataKey,
      enforceSSL: true,
    });
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchAlarmsPublish",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID },
          ArnLike: {
            "aws:SourceArn": `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
          },
        },
      }),
    );
    for (const email of config.alarmEmails)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    const alarmAction = new cwActions.SnsAction(this.alarmTopic);

    const deadLetterQueue = (id: string, what: string) => failureQueue(this, id, what, dataKey, alarmAction);
    this.ingestDeadLetterQueue = deadLetterQueue(
      "IngestDeadLetterQueue",
      "drop-zone events the ingest could not process",
    );
    this.materialiseDeadLetterQueue = deadLetterQueue(
      "MaterialiseDeadLetterQueue",
      "materialise runs that failed",
    );

    const common = {
      dataKey,
      retainLogs: config.retainData,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      retryAttempts: 2,
    };

    const ingestPermissions: Permission[] = [
      {
        sid: "ReadDeliveredFiles",
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        resources: [objectsArn("dropzone")],
        wildcardReason: "the ingest reads whatever a location delivered, under any key of the drop zone",
      },
      {
        // Without ListBucket a missing key answers 403 instead of 404 (the handler checks whether
        // a URL-decoded key exists, and whether a delivery-log line exists).
        sid: "MissingKeysAre404",
        actions: ["s3:ListBucket"],
        resources: [bucketArn("dropzone"), bucketArn("curated")],
      },
      {
        sid: "MissingReceiptRecordsAre404",
        actions: ["s3:ListBucket"],
        resources: [bucketArn("reports")],
        conditions: { StringLike: { "s3:prefix": ["receipts/*"] } },
      },
      {
        sid: "WriteCuratedData",
        actions: ["s3:GetObject", "s3:PutObject"],
        resources: ["measures/", "delivery-log/", "occupancy/", "occupancy-log/"].map((p) =>
          objectsArn("curated", p),
        ),
        wildcardReason:
          "keys below these prefixes are per location, quarter and attempt id (curated layout in README); the wildcard never reaches beyond the four prefixes the ingest owns",
      },
      {
        sid: "QuarantineRejectedFiles",
        actions: ["s3:PutObject"],
        resources: [objectsArn("quarantine")],
        wildcardReason:
          "rejected files are kept under <LOC>/<quarter>/<attempt id>/ or _unrouted/, any key of the quarantine bucket",
      },
      {
        // Receipts are written, and read back to mail the verdict once (a record marks it sent).
        sid: "WriteReceipts",
        actions: ["s3:GetObject", "s3:PutObject"],
        resources: [objectsArn("reports", "receipts/")],
        wildcardReason: "receipts are written per location, quarter and attempt id under receipts/ only",
      },
      sendMailFromIdentity(config.sesIdentity),
      {
        sid: "Pseudonymise",
        actions: ["kms:GenerateMac"],
        resources: [pseudonymKey.keyArn],
      },
      dataKeyThroughS3(dataKey),
    ];

    this.ingest = new PipelineFunction(this, "Ingest", {
      ...common,
      functionName: FUNCTIONS.ingest,
      description: "vbm-monitor: validates, pseudonymises and stores a file delivered to the drop zone",
      entry: "functions/handlers/ingest.ts",
      // A 50 MB delivery of a million rows peaks at ~760 MiB (README, Benchmark); 2 GB also buys CPU.
      memorySize: 2048,
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: 5,
      onFailure: this.ingestDeadLetterQueue,
      environment: {
        VBM_MODE: "aws",
        ...storageEnvironment,
        PSEUDONYM_KEY_ID: pseudonymKey.keyArn,
        LOCATION_CODES: locationCodes,
        PSEUDONYM_CONCURRENCY: "8",
        // The verdict of each delivery is mailed to the location (its upload role cannot read).
        LOCATIONS_JSON: locationsJson(config.locations),
        MAIL_FROM: config.mailFrom,
        SES_CONFIGURATION_SET,
      },
      permissions: ingestPermissions,
    });

    this.dropZoneRule = new events.Rule(this, "DropZoneObjectCreated", {
      description: "A file arrived in the drop zone: ingest it",
      eventPattern: {
        source: ["aws.s3"],
        detailType: ["Object Created"],
        detail: { bucket: { name: [bucketName("dropzone")] } },
      },
    });
    this.dropZoneRule.addTarget(
      new targets.LambdaFunction(this.ingest.function, {
        deadLetterQueue: this.ingestDeadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      }),
    );

    alarmOnErrors(
      this,
      "IngestErrors",
      this.ingest.function,
      "The ingest function failed (a system error, not a rejected file)",
      Duration.minutes(5),
      alarmAction,
    );

    const materialisePermissions: Permission[] = [
      ...facilitatorQueryPermissions(),
      {
        // The aggregate queries read the measures table only; the materialiser writes Parquet
        // itself (after disclosure control), so it needs no rights on the aggregates catalog.
        sid: "ReadCatalog",
        actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartition", "glue:GetPartitions"],
        resources: [
          glueCatalogArn(),
          glueDatabaseArn(DATABASES.curated),
          glueTableArn(DATABASES.curated, CURATED_TABLES.measures),
          glueTableArn(DATABASES.curated, CURATED_TABLES.occupancy),
        ],
      },
      {
        sid: "ListQueriedPrefixes",
        actions: ["s3:ListBucket"],
        resources: [bucketArn("curated")],
        conditions: { StringLike: { "s3:prefix": ["measures/*", "occupancy/*"] } },
      },
      {
        sid: "ReadQueriedData",
        actions: ["s3:GetObject"],
        resources: [objectsArn("curated", "measures/"), objectsArn("curated", "occupancy/")],
        wildcardReason: "Athena reads every partition object under the measures and occupancy prefixes",
      },
      {
        sid: "LocateBuckets",
        actions: ["s3:GetBucketLocation"],
        resources: [bucketArn("curated"), bucketArn("aggregates"), bucketArn("athena-results")],
      },
      {
        sid: "ListAggregates",
        actions: ["s3:ListBucket"],
        resources: [bucketArn("aggregates")],
      },
      {
        sid: "WriteAggregates",
        actions: [
          "s3:GetObject",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts",
        ],
        resources: [objectsArn("aggregates")],
        wildcardReason:
          "the materialiser replaces <aggregate>/quarter=<Q>/aggregate.parquet for every aggregate table; the bucket holds aggregates only",
      },
      dataKeyThroughS3(dataKey),
    ];

    this.materialise = new PipelineFunction(this, "Materialise", {
      ...common,
      functionName: FUNCTIONS.materialise,
      description: 'vbm-monitor: materialises the IGJ aggregate tables for a quarter ({"quarter":"YYYY-Qn"})',
      entry: "functions/handlers/materialise.ts",
      memorySize: 512,
      // Eight aggregate queries, one after the other, each protected and written as Parquet.
      timeout: Duration.minutes(15),
      // One run at a time: two runs for the same quarter would delete each other's output.
      reservedConcurrentExecutions: 1,
      onFailure: this.materialiseDeadLetterQueue,
      environment: {
        VBM_MODE: "aws",
        ...storageEnvironment,
        ATHENA_WORKGROUP: WORKGROUPS.facilitator,
        ATHENA_CURATED_DATABASE: DATABASES.curated,
        ATHENA_AGGREGATES_DATABASE: DATABASES.aggregates,
        AGGREGATES_BUCKET: bucketName("aggregates"),
        LOCATION_CODES: locationCodes,
      },
      permissions: materialisePermissions,
    });

    // 06:00 UTC on the 5th of January, April, July and October: the quarter that just ended.
    this.materialiseSchedule = new events.Rule(this, "MaterialiseSchedule", {
      description: "Materialise the IGJ aggregates for the quarter that has just ended",
      schedule: events.Schedule.expression("cron(0 6 5 1,4,7,10 ? *)"),
    });
    this.materialiseSchedule.addTarget(
      new targets.LambdaFunction(this.materialise.function, {
        deadLetterQueue: this.materialiseDeadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(12),
      }),
    );

    alarmOnErrors(
      this,
      "MaterialiseErrors",
      this.materialise.function,
      "Materialising the IGJ aggregates failed",
      Duration.minutes(15),
      alarmAction,
    );

    new CfnOutput(this, "IngestFunctionName", { value: this.ingest.function.functionName });
    new CfnOutput(this, "MaterialiseFunctionName", { value: this.materialise.function.functionName });
    new CfnOutput(this, "AlarmTopicArn", { value: this.alarmTopic.topicArn });
  }

  /** The function the facilitator may invoke to (re)build the aggregates of a quarter. */
  get materialiseFunction(): lambda.IFunction {
    return this.materialise.function;
  }
}
