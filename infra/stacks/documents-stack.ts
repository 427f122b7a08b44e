import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as logs from "aws-cdk-lib/aws-logs";
import type * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import type { InfraConfig } from "../config.ts";
import { alarmOnErrors, deadLetterQueue as failureQueue } from "../constructs/failure-alarms.ts";
import type { Permission } from "../constructs/least-privilege-policy.ts";
import { PipelineFunction } from "../constructs/pipeline-function.ts";
import {
  bucketArn,
  bucketName,
  DATABASES,
  FUNCTIONS,
  objectsArn,
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

export interface DocumentsStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly dataKey: kms.IKey;
  readonly alarmTopic: sns.ITopic;
}

/**
 * The documents people act on: a schedule that sends every location its quarterly factsheet
 * (or a reminder) through SES, and the national report function the facilitator invokes.
 * Both read the figures through Athena like the facilitator does, read a location's receipt
 * (for its own signals) and may send mail only from the one verified SES identity (the SES
 * configuration set lives in the pipeline stack, which mails the receipts). The locations
 * (names, recipients) come from `config/locations.json`, not from the environment.
 */
export class DocumentsStack extends Stack {
  readonly sendFactsheets: PipelineFunction;
  readonly nationalReport: PipelineFunction;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: DocumentsStackProps) {
    super(scope, id, props);
    const { config, dataKey } = props;

    const alarmAction = new cwActions.SnsAction(props.alarmTopic);
    const deadLetterQueue = failureQueue(
      this,
      "DocumentsDeadLetterQueue",
      "factsheet and report runs that failed",
      dataKey,
      alarmAction,
    );

    const permissions: Permission[] = [
      ...facilitatorQueryPermissions(),
      ...readCuratedTables(),
      {
        sid: "LocateBuckets",
        actions: ["s3:GetBucketLocation"],
        resources: [bucketArn("curated"), bucketArn("athena-results"), bucketArn("reports")],
      },
      {
        sid: "ListDocuments",
        actions: ["s3:ListBucket"],
        resources: [bucketArn("reports")],
        conditions: { StringLike: { "s3:prefix": ["documents/*"] } },
      },
      {
        sid: "ReadReceipts",
        actions: ["s3:GetObject"],
        resources: [objectsArn("reports", "receipts/")],
        wildcardReason:
          "a location's factsheet shows the signals kept in its own receipt (receipts/<LOC>/<quarter>/<attempt id>.json)",
      },
      {
        sid: "WriteDocuments",
        actions: ["s3:GetObject", "s3:PutObject"],
        resources: [objectsArn("reports", "documents/")],
        wildcardReason:
          "factsheets, reports and sent-mail records are stored per quarter and location under documents/",
      },
      readLocationsConfig(),
      dataKeyThroughS3(dataKey),
      sendMailFromIdentity(config.sesIdentity),
    ];

    const environment = {
      VBM_MODE: "aws",
      DROPZONE_BUCKET: bucketName("dropzone"),
      QUARANTINE_BUCKET: bucketName("quarantine"),
      CURATED_BUCKET: bucketName("curated"),
      REPORTS_BUCKET: bucketName("reports"),
      ATHENA_WORKGROUP: WORKGROUPS.facilitator,
      ATHENA_CURATED_DATABASE: DATABASES.curated,
      ATHENA_AGGREGATES_DATABASE: DATABASES.aggregates,
      AGGREGATES_BUCKET: bucketName("aggregates"),
      MAIL_FROM: config.mailFrom,
      SES_CONFIGURATION_SET,
      FACILITATOR_EMAILS: config.facilitatorEmails.join(","),
      // Reminders link to the portal's delivery page once its URL is configured.
      ...(config.portalUrl ? { PORTAL_URL: config.portalUrl } : {}),
    };
    const common = {
      dataKey,
      retainLogs: config.retainData,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      retryAttempts: 0,
      onFailure: deadLetterQueue,
      permissions,
      environment,
      // Rendering a PDF with charts takes about a second; 16 locations fit easily.
      memorySize: 1024,
      timeout: Duration.minutes(10),
      runtimeFiles: ["sql", "pdf"],
      unusedParts: ["pseudonymise"],
    } as const;
    this.sendFactsheets = new PipelineFunction(this, "SendFactsheets", {
      ...common,
      functionName: FUNCTIONS.sendFactsheets,
      description: "vbm-monitor: factsheet per location (or a reminder) for the quarter that just ended",
      entry: "functions/handlers/send-factsheets.ts",
    });
    this.nationalReport = new PipelineFunction(this, "NationalReport", {
      ...common,
      functionName: FUNCTIONS.nationalReport,
      description: 'vbm-monitor: national report for a range of quarters ({"from":"YYYY-Qn","to":"YYYY-Qn"})',
      entry: "functions/handlers/national-report.ts",
    });

    // 07:00 UTC on the 5th of January, April, July and October, after the aggregates (06:00).
    this.schedule = new events.Rule(this, "FactsheetSchedule", {
      description: "Send every location its factsheet (or a reminder) for the quarter that has just ended",
      schedule: events.Schedule.expression("cron(0 7 5 1,4,7,10 ? *)"),
    });
    this.schedule.addTarget(
      new targets.LambdaFunction(this.sendFactsheets.function, {
        deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(12),
      }),
    );
    for (const [id, fn] of [
      ["SendFactsheetsErrors", this.sendFactsheets],
      ["NationalReportErrors", this.nationalReport],
    ] as const)
      alarmOnErrors(
        this,
        id,
        fn.function,
        `${fn.function.node.id}: a run failed`,
        Duration.minutes(15),
        alarmAction,
      );

    new CfnOutput(this, "NationalReportFunctionName", { value: this.nationalReport.function.functionName });
  }
}
