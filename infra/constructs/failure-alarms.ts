import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/**
 * How every function's failures are kept and noticed: an encrypted dead-letter queue with an alarm
 * as soon as one message waits, and an alarm on function errors. Shared by all stacks with functions.
 */
export function deadLetterQueue(
  scope: Construct,
  id: string,
  what: string,
  dataKey: kms.IKey,
  alarmAction: cloudwatch.IAlarmAction,
): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: dataKey,
    dataKeyReuse: Duration.hours(1),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  Validations.of(queue.node.defaultChild as sqs.CfnQueue).acknowledge({
    id: "AwsSolutions-SQS3",
    reason: `This queue is itself the dead-letter queue (${what}); a dead-letter queue of a dead-letter queue would only move the same messages once more.`,
  });
  new cloudwatch.Alarm(scope, `${id}NotEmpty`, {
    alarmDescription: `${what}: at least one message is waiting; inspect and redrive it`,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: "Maximum",
    }),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 0,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  }).addAlarmAction(alarmAction);
  return queue;
}

export function alarmOnErrors(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  description: string,
  period: Duration,
  alarmAction: cloudwatch.IAlarmAction,
): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric: fn.metricErrors({ period, statistic: "Sum" }),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 0,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(alarmAction);
  return alarm;
}
