import { Annotations, Aws, CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
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
import { LocationsConfigDeployment } from "../constructs/locations-config.ts";
import { PipelineFunction } from "../constructs/pipeline-function.ts";
import { INGEST_MEMORY_MB, INGEST_V8_FLAGS } from "../ingest-runtime.ts";
import {
  bucketArn,
  bucketName,
  CURATED_PREFIXES,
  DATABASES,
  FUNCTIONS,
  objectsArn,
  REPORTS_PREFIXES,
  SES_CONFIGURATION_SET,
  WORKGROUPS,
} from "../naming.ts";
import {
  dataKeyThroughS3,
  facilitatorQueryPermissions,
  readCuratedTables,
  readLocationsConfig,
  sendMailFromIdentity,
} from "../permissions.ts";

export interface PipelineStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly dataKey: kms.IKey;
  readonly pseudonymKey: kms.IKey;
}

/**
 * The pipeline functions and what drives and watches them: drop-zone events → ingest, mail
 * requests in the reports bucket → send-receipt (each with retries, a dead-letter queue and
 * alarms), a quarterly schedule → materialise; and the locations config the functions read.
 */
export class PipelineStack extends Stack {
  readonly ingest: PipelineFunction;
  readonly materialise: PipelineFunction;
  readonly ingestDeadLetterQueue: sqs.Queue;
  readonly materialiseDeadLetterQueue: sqs.Queue;
  readonly sendReceipt: PipelineFunction;
  readonly sendReceiptDeadLetterQueue: sqs.Queue;
  readonly mailRequestRule: events.Rule;
  readonly locationsConfig: LocationsConfigDeployment;
  readonly alarmTopic: sns.Topic;
  readonly configurationSet: ses.ConfigurationSet;
  readonly dropZoneRule: events.Rule;
  readonly materialiseSchedule: events.Rule;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config, dataKey, pseudonymKey } = props;

    const storageEnvironment = {
      DROPZONE_BUCKET: bucketName("dropzone"),
      QUARANTINE_BUCKET: bucketName("quarantine"),
      CURATED_BUCKET: bucketName("curated"),
      REPORTS_BUCKET: bucketName("reports"),
    };

    // All mail (receipts; factsheets and reports from the documents stack) goes through this
    // configuration set, so SES events and reputation are tracked in one place. Receipts and
    // rejections quote youth numbers: SES delivers only over TLS (no plain-text fallback).
    this.configurationSet = new ses.ConfigurationSet(this, "ConfigurationSet", {
      configurationSetName: SES_CONFIGURATION_SET,
      reputationMetrics: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
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
    // A production stage without recipients is refused in config.ts; any other stage says so.
    if (config.alarmEmails.length === 0)
      Annotations.of(this).addWarningV2(
        "vbm:no-alarm-recipients",
        `Stage "${config.stage}" without vbm:alarmEmails: alarms (failed ingests, dead letters) reach nobody.`,
      );
    new CfnOutput(this, "AlarmRecipients", {
      value:
        config.alarmEmails.length > 0
          ? config.alarmEmails.join(", ")
          : "NONE - alarms reach nobody; set vbm:alarmEmails",
      description: "Who the alarm topic mails (each address must confirm its subscription)",
    });
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
        // Reads the delivered object by its version id, and copies a rejected one server-side
        // into quarantine (CopyObject reads the source version).
        sid: "ReadDeliveredFiles",
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        resources: [objectsArn("dropzone")],
        wildcardReason: "the ingest reads whatever a location delivered, under any key of the drop zone",
      },
      {
        // Without ListBucket a missing key answers 403 instead of 404 (the handler checks whether
        // a URL-decoded key exists or a delivery-log line exists), and the ingest lists the
        // attempts of a location and quarter under delivery-log/ and measures/.
        sid: "ListDropZoneAndCurated",
        actions: ["s3:ListBucket"],
        resources: [bucketArn("dropzone"), bucketArn("curated")],
      },
      {
        sid: "MissingReceiptRecordsAre404",
        actions: ["s3:ListBucket"],
        resources: [bucketArn("reports")],
        conditions: { StringLike: { "s3:prefix": [`${REPORTS_PREFIXES.receipts}*`] } },
      },
      {
        // Per-attempt measures (head: their age before collecting them), the delivery-log line
        // that commits an attempt (read back for the current delivery), occupancy and its log.
        sid: "WriteCuratedData",
        actions: ["s3:GetObject", "s3:PutObject"],
        resources: [
          CURATED_PREFIXES.measures,
          CURATED_PREFIXES.deliveryLog,
          CURATED_PREFIXES.occupancy,
          CURATED_PREFIXES.occupancyLog,
        ].map((p) => objectsArn("curated", p)),
        wildcardReason:
          "keys below these prefixes are per location, quarter and attempt id (curated layout in README); the wildcard never reaches beyond the four prefixes the ingest owns",
      },
      {
        sid: "CollectSupersededAttempts",
        actions: ["s3:DeleteObject"],
        resources: [objectsArn("curated", CURATED_PREFIXES.measures)],
        wildcardReason:
          "after a grace period the ingest deletes the per-attempt objects measures/location=<LOC>/quarter=<Q>/<attempt id>.parquet its pointer no longer names; the bucket keeps them as noncurrent versions",
      },
      {
        // Rejected files are copied server-side from the drop zone; the report is written next to them.
        sid: "QuarantineRejectedFiles",
        actions: ["s3:PutObject"],
        resources: [objectsArn("quarantine")],
        wildcardReason:
          "rejected files are kept under <LOC>/<quarter>/<attempt id>/ or _unrouted/, any key of the quarantine bucket",
      },
      {
        sid: "WriteReceipts",
        actions: ["s3:GetObject", "s3:PutObject"],
        resources: [objectsArn("reports", REPORTS_PREFIXES.receipts)],
        wildcardReason: "receipts are written per location, quarter and attempt id under receipts/ only",
      },
      {
        // The verdict is mailed by vbm-send-receipt, triggered by this request.
        sid: "RequestReceiptMail",
        actions: ["s3:PutObject"],
        resources: [objectsArn("reports", REPORTS_PREFIXES.mailRequests)],
        wildcardReason: "one mail request per attempt id under mail/requests/",
      },
      readLocationsConfig(),
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
      // Measured (infra/ingest-runtime.ts; README, "Memory of the ingest").
      memorySize: INGEST_MEMORY_MB,
      timeout: Duration.minutes(5),
      runtimeFiles: ["parquet"],
      unusedParts: ["mail", "query"],
      onFailure: this.ingestDeadLetterQueue,
      environment: {
        VBM_MODE: "aws",
        ...storageEnvironment,
        PSEUDONYM_KEY_ID: pseudonymKey.keyArn,
        PSEUDONYM_CONCURRENCY: "8",
        // The V8 heap settings the memory tests and the benchmark measure with.
        NODE_OPTIONS: INGEST_V8_FLAGS.join(" "),
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
      // The aggregate queries read the views measures and current_delivery (over measures_all and
      // delivery_log) and occupancy, with the snapshot of the run taken from the delivery and
      // occupancy logs; the materialiser writes Parquet itself (after disclosure control), so it
      // needs no rights on the aggregates catalog.
      ...readCuratedTables(),
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
      readLocationsConfig(),
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
      // Two runs for the same quarter may overlap: both write the same keys
      // (<aggregate>/quarter=<Q>/aggregate.parquet) and delete only other keys.
      runtimeFiles: ["parquet", "sql"],
      unusedParts: ["mail", "pseudonymise"],
      onFailure: this.materialiseDeadLetterQueue,
      environment: {
        VBM_MODE: "aws",
        ...storageEnvironment,
        ATHENA_WORKGROUP: WORKGROUPS.facilitator,
        ATHENA_CURATED_DATABASE: DATABASES.curated,
        ATHENA_AGGREGATES_DATABASE: DATABASES.aggregates,
        AGGREGATES_BUCKET: bucketName("aggregates"),
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

    this.sendReceiptDeadLetterQueue = deadLetterQueue(
      "SendReceiptDeadLetterQueue",
      "receipt mails that could not be sent",
    );
    const sendReceiptPermissions: Permission[] = [
      {
        sid: "ReadMailRequests",
        actions: ["s3:GetObject"],
        resources: [objectsArn("reports", REPORTS_PREFIXES.mailRequests)],
        wildcardReason: "one mail request per attempt id under mail/requests/",
      },
      {
        sid: "ReadReceipts",
        actions: ["s3:GetObject"],
        resources: [objectsArn("reports", REPORTS_PREFIXES.receipts)],
        wildcardReason: "the receipt of the attempt, under receipts/<LOC>/<quarter>/<attempt id>.json",
      },
      {
        // Claimed and updated with conditional puts (If-None-Match / If-Match), so a mail goes out once.
        sid: "TrackMailStatus",
        actions: ["s3:GetObject", "s3:PutObject"],
        resources: [objectsArn("reports", REPORTS_PREFIXES.mailStatus)],
        wildcardReason: "one status record per attempt id under mail/status/",
      },
      {
        sid: "MissingMailRecordsAre404",
        actions: ["s3:ListBucket"],
        resources: [bucketArn("reports")],
        conditions: { StringLike: { "s3:prefix": ["mail/*", `${REPORTS_PREFIXES.receipts}*`] } },
      },
      readLocationsConfig(),
      sendMailFromIdentity(config.sesIdentity),
      dataKeyThroughS3(dataKey),
    ];
    this.sendReceipt = new PipelineFunction(this, "SendReceipt", {
      ...common,
      functionName: FUNCTIONS.sendReceipt,
      description: "vbm-monitor: mails the verdict of a delivery attempt to the location (once per attempt)",
      entry: "functions/handlers/send-receipt.ts",
      memorySize: 512,
      timeout: Duration.minutes(1),
      runtimeFiles: [],
      unusedParts: ["pseudonymise", "query"],
      onFailure: this.sendReceiptDeadLetterQueue,
      environment: {
        VBM_MODE: "aws",
        ...storageEnvironment,
        MAIL_FROM: config.mailFrom,
        SES_CONFIGURATION_SET,
        // The receipt mail links to the receipt in the portal once its URL is configured.
        ...(config.portalUrl ? { PORTAL_URL: config.portalUrl } : {}),
      },
      permissions: sendReceiptPermissions,
    });
    this.mailRequestRule = new events.Rule(this, "MailRequestCreated", {
      description: "The ingest asked for a receipt mail: send it",
      eventPattern: {
        source: ["aws.s3"],
        detailType: ["Object Created"],
        detail: {
          bucket: { name: [bucketName("reports")] },
          object: { key: [{ prefix: REPORTS_PREFIXES.mailRequests }] },
        },
      },
    });
    this.mailRequestRule.addTarget(
      new targets.LambdaFunction(this.sendReceipt.function, {
        deadLetterQueue: this.sendReceiptDeadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      }),
    );
    alarmOnErrors(
      this,
      "SendReceiptErrors",
      this.sendReceipt.function,
      "Sending a receipt mail failed",
      Duration.minutes(5),
      alarmAction,
    );

    this.locationsConfig = new LocationsConfigDeployment(this, "LocationsConfig", {
      locations: config.locations,
      dataKey,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      retainLogs: config.retainData,
    });

    new CfnOutput(this, "IngestFunctionName", { value: this.ingest.function.functionName });
    new CfnOutput(this, "MaterialiseFunctionName", { value: this.materialise.function.functionName });
    new CfnOutput(this, "SendReceiptFunctionName", { value: this.sendReceipt.function.functionName });
    new CfnOutput(this, "AlarmTopicArn", { value: this.alarmTopic.topicArn });
  }

  /** The function the facilitator may invoke to (re)build the aggregates of a quarter. */
  get materialiseFunction(): lambda.IFunction {
    return this.materialise.function;
  }
}
