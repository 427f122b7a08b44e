import { Aws, DefaultStackSynthesizer, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import type { LocationConfig } from "../../schemas/locations.ts";
import { bucketArn, bucketName, LOCATIONS_CONFIG_KEY, REPORTS_PREFIXES, ROLES } from "../naming.ts";
import { dataKeyThroughS3 } from "../permissions.ts";
import { LeastPrivilegePolicy } from "./least-privilege-policy.ts";

export interface LocationsConfigDeploymentProps {
  readonly locations: readonly LocationConfig[];
  readonly dataKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly retainLogs: boolean;
}

/**
 * The locations config the functions read at run time (`config/locations.json` in the reports
 * bucket, the `config` area of the code): codes, names and recipients only, never the upload
 * principals or external ids. Written on every deploy by a CDK BucketDeployment whose role may
 * write that one object and read the deployment's asset, nothing else. Keeping it out of the
 * functions' environment keeps them far from Lambda's 4 KB limit (the addresses of 16
 * locations took 3 KB) and out of every `GetFunctionConfiguration`.
 */
export class LocationsConfigDeployment extends Construct {
  readonly deployment: s3deploy.BucketDeployment;
  readonly role: iam.Role;
  /** The JSON that is deployed. */
  readonly content: { code: string; name: string; emails: string[] }[];

  constructor(scope: Construct, id: string, props: LocationsConfigDeploymentProps) {
    super(scope, id);
    this.content = props.locations.map(({ code, name, emails }) => ({ code, name, emails: [...emails] }));

    const logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      encryptionKey: props.dataKey,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, "Role", {
      roleName: ROLES.configDeployment,
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Deploys ${LOCATIONS_CONFIG_KEY} into the reports bucket`,
    });
    const assetsBucket = `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    const policy = new LeastPrivilegePolicy(this, "Policy", {
      description: `Write ${LOCATIONS_CONFIG_KEY} from the deployment asset`,
      roles: [this.role],
      permissions: [
        {
          sid: "WriteOwnLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [logGroup.logGroupArn],
        },
        {
          sid: "ReadDeploymentAsset",
          actions: ["s3:GetObject"],
          resources: [`arn:${Aws.PARTITION}:s3:::${assetsBucket}/*`],
          wildcardReason:
            "the CDK bootstrap assets bucket names the zipped config by its content hash, known only after synthesis",
        },
        {
          sid: "SyncConfigPrefix",
          actions: ["s3:ListBucket"],
          resources: [bucketArn("reports")],
          conditions: { StringLike: { "s3:prefix": [`${REPORTS_PREFIXES.config}*`] } },
        },
        {
          sid: "WriteLocationsConfig",
          actions: ["s3:PutObject"],
          resources: [`${bucketArn("reports")}/${LOCATIONS_CONFIG_KEY}`],
        },
        dataKeyThroughS3(props.dataKey),
      ],
    });

    const reports = s3.Bucket.fromBucketName(this, "Reports", bucketName("reports"));
    this.deployment = new s3deploy.BucketDeployment(this, "Deployment", {
      sources: [
        s3deploy.Source.jsonData(LOCATIONS_CONFIG_KEY.slice(REPORTS_PREFIXES.config.length), this.content),
      ],
      destinationBucket: reports,
      destinationKeyPrefix: REPORTS_PREFIXES.config,
      // Only this one object is managed here; nothing else under config/ is deleted.
      prune: false,
      retainOnDelete: true,
      contentType: "application/json",
      // All permissions are in the managed policy above (no inline policies from grants).
      role: this.role.withoutPolicyUpdates(),
      logGroup,
    });
    this.deployment.node.addDependency(policy.policy);

    acknowledgeBucketDeploymentProvider(Stack.of(this), "one object");
  }
}

/**
 * The cdk-nag acknowledgements of the Lambda function that CDK's BucketDeployment creates (a
 * singleton per stack): the same reasons wherever a stack deploys files with it.
 */
export function acknowledgeBucketDeploymentProvider(stack: Stack, copies: string): void {
  for (const c of stack.node.findAll()) {
    const cfn = c as lambda.CfnFunction;
    if (cfn.cfnResourceType !== "AWS::Lambda::Function" || !c.node.path.includes("CDKBucketDeployment"))
      continue;
    Validations.of(cfn).acknowledge(
      {
        id: "HIPAA.Security-LambdaConcurrency",
        reason:
          "The CDK BucketDeployment provider runs once per deployment, called by CloudFormation; a concurrency reservation would only take executions from the account's unreserved pool.",
      },
      {
        id: "HIPAA.Security-LambdaDLQ",
        reason:
          "The CDK BucketDeployment provider is invoked synchronously by CloudFormation, which reports a failure as a failed deployment; there is no asynchronous event to keep.",
      },
      {
        id: "HIPAA.Security-LambdaInsideVPC",
        reason: `The CDK BucketDeployment provider only copies ${copies} between two S3 buckets under IAM; a VPC would add endpoints without narrowing access.`,
      },
      {
        id: "AwsSolutions-L1",
        reason:
          "The runtime of the CDK BucketDeployment provider is chosen and tested by aws-cdk-lib together with its AWS CLI layer, not by this project.",
      },
    );
  }
}
