import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { type BucketArea, bucketName } from "../naming.ts";

export interface SecureBucketProps {
  readonly area: BucketArea;
  /**
   * Customer-managed key for SSE-KMS (with an S3 Bucket Key). Leave out only for the access-log
   * bucket, which gets SSE-S3.
   */
  readonly encryptionKey?: kms.IKey;
  /** Bucket that receives this bucket's server access logs (under `<area>/`). */
  readonly accessLogs?: s3.IBucket;
  /** Retain the bucket with its data (except when its first create rolls back); otherwise DESTROY and empty it on stack deletion. */
  readonly retain: boolean;
  /** Days an overwritten or deleted version is kept. */
  readonly noncurrentVersionDays: number;
  /** Expire current objects after this many days (data minimisation). */
  readonly expireAfterDays?: number;
  /** Send S3 events to EventBridge (sets the bucket's NotificationConfiguration; no custom resource). */
  readonly eventBridge?: boolean;
  /** Cross-origin rules (the drop zone: the portal's presigned POST uploads). */
  readonly cors?: s3.CorsRule[];
}

/**
 * An S3 bucket with the baseline every bucket of the monitor shares: a fixed name, encryption,
 * TLS 1.2+ only, no public access, bucket-owner-enforced ownership (no ACLs), versioning,
 * server access logging, lifecycle clean-up, and (for SSE-KMS buckets) a bucket policy that
 * refuses objects encrypted with anything but the data key.
 */
export class SecureBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const key = props.encryptionKey;
    const lifecycleRules: s3.LifecycleRule[] = [
      { id: "abort-incomplete-multipart-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
      {
        id: "expire-noncurrent-versions",
        noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays),
        expiredObjectDeleteMarker: true,
      },
    ];
    if (props.expireAfterDays !== undefined)
      lifecycleRules.push({ id: "expire-current-objects", expiration: Duration.days(props.expireAfterDays) });

    this.bucket = new s3.Bucket(this, "Bucket", {
      bucketName: bucketName(props.area),
      ...(key
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      ...(props.accessLogs
        ? { serverAccessLogsBucket: props.accessLogs, serverAccessLogsPrefix: `${props.area}/` }
        : {}),
      lifecycleRules,
      ...(props.cors ? { cors: props.cors } : {}),
      // Kept on update and delete, but removed when the first create rolls back (it is empty
      // then): a retained bucket of a failed first deploy would make the retry fail, its name
      // being fixed ("already exists").
      removalPolicy: props.retain ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
      autoDeleteObjects: !props.retain,
    });

    if (props.eventBridge) {
      // `eventBridgeEnabled` on the L2 bucket would deploy a notifications custom resource (a
      // Lambda function); CloudFormation supports the setting natively.
      const cfn = this.bucket.node.defaultChild as s3.CfnBucket;
      cfn.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }

    if (key) {
      const objects = this.bucket.arnForObjects("*");
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: "DenyOtherKmsKeys",
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ["s3:PutObject"],
          resources: [objects],
          // S3 compares the header as sent: uploads that name a key must name it by its ARN.
          conditions: {
            StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": key.keyArn },
          },
        }),
      );
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: "DenyOtherEncryption",
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ["s3:PutObject"],
          resources: [objects],
          conditions: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
        }),
      );
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          // `--sse aws:kms` without a key id would select the AWS managed key aws/s3.
          sid: "DenyKmsWithoutKeyId",
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ["s3:PutObject"],
          resources: [objects],
          conditions: {
            StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
            Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
          },
        }),
      );
    }

    // Acknowledged on the bucket resource itself, not on its policy.
    const nag = Validations.of(this.bucket.node.defaultChild as s3.CfnBucket);
    nag.acknowledge({
      id: "HIPAA.Security-S3BucketReplicationEnabled",
      reason:
        "Not replicated: versioning, RETAIN and the key-deletion guard protect the data in its one region; copying youth-care data to a second region is a data-residency decision for the controller, not a default.",
    });
    if (!key) {
      nag.acknowledge({
        id: "HIPAA.Security-S3DefaultEncryptionKMS",
        reason:
          "The access-log bucket uses SSE-S3 because S3 server access logging cannot deliver to buckets encrypted with SSE-KMS; it holds request metadata, not delivered data.",
      });
    }
    if (!props.accessLogs) {
      const reason =
        "This is the server-access-log bucket itself; logging it into itself would log its own log deliveries without end.";
      nag.acknowledge(
        { id: "AwsSolutions-S1", reason },
        { id: "HIPAA.Security-S3BucketLoggingEnabled", reason },
      );
    }
  }
}
