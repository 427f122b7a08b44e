import { join } from "node:path";
import { Aws, type Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import { LogLevel, NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { repoRoot } from "../config.ts";
import { functionRoleName } from "../naming.ts";
import { LeastPrivilegePolicy, type Permission } from "./least-privilege-policy.ts";

/**
 * The functions are ESM; some of their dependencies are CommonJS and use `require`,
 * `__filename` or `__dirname` (parquet-wasm's Node build reads its .wasm from `__dirname`).
 * esbuild leaves those free in an ESM bundle, so the banner defines them for the bundle's
 * own location.
 */
export const ESM_BANNER =
  'import { createRequire as __cr } from "node:module"; import { fileURLToPath as __fu } from "node:url"; import { dirname as __dn } from "node:path"; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);';

/**
 * Files a function reads next to its bundle at run time, copied into the output after bundling:
 * - `parquet`: the parquet-wasm binary (read from `__dirname`) for functions that write Parquet;
 * - `sql`: the reviewed SQL (`queries/index.ts` reads `./<name>.sql` relative to `import.meta.url`);
 * - `pdf`: pdfkit's font metrics and ICC profile (read from `./data`) and the report fonts
 *   (read from `./fonts`, functions/reports/fonts.ts).
 * Each function gets only the ones it uses (the synth test checks this against the bundle).
 */
export type RuntimeFile = "parquet" | "sql" | "pdf";

export function copyRuntimeFiles(
  files: readonly RuntimeFile[],
  inputDir: string,
  outputDir: string,
): string[] {
  const commands: string[] = [];
  if (files.includes("parquet"))
    commands.push(`cp "${inputDir}/node_modules/parquet-wasm/node/parquet_wasm_bg.wasm" "${outputDir}/"`);
  if (files.includes("sql")) commands.push(`cp "${inputDir}/queries/"*.sql "${outputDir}/"`);
  if (files.includes("pdf"))
    commands.push(
      `mkdir -p "${outputDir}/data" "${outputDir}/fonts"`,
      `cp "${inputDir}/node_modules/pdfkit/js/data/"* "${outputDir}/data/"`,
      `cp "${inputDir}/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf" "${inputDir}/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf" "${outputDir}/fonts/"`,
    );
  return commands;
}

/** Where the source maps go: next to the assets in the cloud assembly, never into the deployed code. */
export const SOURCE_MAP_DIR = "sourcemaps";

/**
 * Moves the bundle's source map out of the deployed asset into `<cloud assembly>/sourcemaps/`:
 * the function starts without loading or applying it (no `--enable-source-maps`), and a stack
 * trace from the logs (minified, with the real function names: `keepNames`) is resolved offline
 * against the map of the same synth.
 */
export function moveSourceMap(functionName: string, outputDir: string): string[] {
  return [
    `mkdir -p "${outputDir}/../${SOURCE_MAP_DIR}"`,
    `mv "${outputDir}/index.mjs.map" "${outputDir}/../${SOURCE_MAP_DIR}/${functionName}.mjs.map"`,
  ];
}

/**
 * Modules only reached through a lazy `import()` of a part of the composition a function never
 * uses (functions/compose-aws.ts builds each adapter on first use, from the variables the
 * function was given). Marked external, they stay out of that function's bundle; the
 * `import()` stays in the code and is never taken.
 */
export const LAZY_MODULES = {
  /** Sending mail: the SES adapter, the MIME composer (nodemailer) and the SES client. */
  mail: ["*/adapters/aws/ses-mailer.ts", "*/adapters/local/outbox-mailer.ts", "@aws-sdk/client-sesv2"],
  /** Pseudonymising: the KMS adapter and client (the ingest only). */
  pseudonymise: ["*/adapters/aws/kms-pseudonymiser.ts", "@aws-sdk/client-kms"],
  /** Querying: the Athena engine and client. */
  query: ["*/adapters/aws/athena-engine.ts", "@aws-sdk/client-athena"],
} as const;
export type LazyPart = keyof typeof LAZY_MODULES;

export interface PipelineFunctionProps {
  /** Physical function name (operators invoke the materialiser by name). */
  readonly functionName: string;
  readonly description: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly environment: Record<string, string>;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  /** Files the function reads next to its bundle. */
  readonly runtimeFiles: readonly RuntimeFile[];
  /** Parts of the composition the function never uses: left out of its bundle. */
  readonly unusedParts: readonly LazyPart[];
  /** The data key: encrypts the log group (its key policy admits CloudWatch Logs) and is the key of the failure queue. */
  readonly dataKey: kms.IKey;
  readonly retainLogs: boolean;
  /**
   * Queue for asynchronous invocations that failed after all retries (Lambda on-failure
   * destination). Leave out only for a function that is invoked synchronously alone (the
   * portal behind API Gateway): its caller gets the error, there is no event to keep.
   */
  readonly onFailure?: sqs.IQueue;
  /** Retries of a failed asynchronous invocation (0-2). */
  readonly retryAttempts: number;
  /** Everything the function may do besides logging, tracing and reporting failures. */
  readonly permissions: readonly Permission[];
}

/**
 * A Lambda function with the defaults every function of the pipeline shares: Node.js 22 on
 * arm64, an ESM bundle built by local esbuild (never Docker) holding only what the function
 * uses, its source map kept out of the deployed code, JSON logs into an encrypted log group
 * with retention, X-Ray tracing, an on-failure queue, and a role with a fixed name whose only
 * permissions are the ones listed (a managed policy written out statement by statement). The
 * function sees its role read-only, so CDK `grant*` calls naming the function add nothing:
 * give it a `Permission` instead. No reserved concurrency (README, Deploy): the functions share
 * the account's unreserved pool.
 */
export class PipelineFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly policy: LeastPrivilegePolicy;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, "Logs", {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      encryptionKey: props.dataKey,
      // Kept on update and delete, but removed when the first create rolls back: a retained
      // log group of a failed first deploy would make the retry fail ("already exists").
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, "Role", {
      // Named, so the key policies can name it (data stack) without a cross-stack reference.
      roleName: functionRoleName(props.functionName),
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of ${props.functionName}`,
    });

    this.policy = new LeastPrivilegePolicy(this, "Policy", {
      description: `What ${props.functionName} may do`,
      roles: [this.role],
      permissions: [
        {
          sid: "WriteOwnLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [this.logGroup.logGroupArn],
        },
        {
          sid: "Tracing",
          actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          resources: ["*"],
          wildcardReason: "X-Ray trace segment and telemetry APIs do not support resource-level permissions",
        },
        ...(props.onFailure
          ? [
              {
                sid: "ReportFailedInvocations",
                actions: ["sqs:SendMessage"],
                resources: [props.onFailure.queueArn],
              },
              {
                // The failure queue is encrypted with the data key: sending to it needs the key, via SQS only.
                sid: "EncryptFailureRecords",
                actions: ["kms:GenerateDataKey", "kms:Decrypt"],
                resources: [props.dataKey.keyArn],
                conditions: { StringEquals: { "kms:ViaService": `sqs.${Aws.REGION}.amazonaws.com` } },
              },
            ]
          : []),
        ...props.permissions,
      ],
    });

    this.function = new NodejsFunction(this, "Function", {
      functionName: props.functionName,
      description: props.description,
      entry: join(repoRoot, props.entry),
      handler: "handler",
      projectRoot: repoRoot,
      depsLockFilePath: join(repoRoot, "package-lock.json"),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      // Every permission is in the managed policy above: the role is handed over read-only, so
      // `tracing`, the destination and later `grant*` calls cannot attach an inline policy.
      role: this.role.withoutPolicyUpdates(),
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      retryAttempts: props.retryAttempts,
      ...(props.onFailure ? { onFailure: new SqsDestination(props.onFailure) } : {}),
      // No NODE_OPTIONS=--enable-source-maps: loading and applying the map cost every cold
      // start about 1.3 s and 140 MiB. The map is kept next to the assembly (moveSourceMap).
      environment: props.environment,
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: "node22",
        mainFields: ["module", "main"],
        banner: ESM_BANNER,
        sourceMap: true,
        minify: true,
        keepNames: true,
        logLevel: LogLevel.WARNING,
        // The SDK clients are bundled, not taken from the runtime: the code is tested against the
        // versions pinned in package-lock.json, and the runtime's SDK version is not guaranteed.
        // DuckDB (a native module) is only reached through the local composition's lazy
        // `import("./adapters/local/duckdb-engine.ts")`, which AWS mode never takes. Bundled, its
        // `@duckdb/node-api` import would be hoisted to a static top-level import and fail at
        // load; as externals the lazy import stays lazy and the package stays out.
        // The parts of the AWS composition this function never uses stay out as well (LAZY_MODULES).
        externalModules: [
          "@duckdb/node-api",
          "*/adapters/local/duckdb-engine.ts",
          ...props.unusedParts.flatMap((part) => LAZY_MODULES[part]),
        ],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [
            ...copyRuntimeFiles(props.runtimeFiles, inputDir, outputDir),
            ...moveSourceMap(props.functionName, outputDir),
          ],
        },
      },
    });
    // The function (and its event invoke config, which Lambda validates against the role) must
    // not be created before its permissions exist.
    this.function.node.addDependency(this.policy.policy);

    Validations.of(this.function.node.defaultChild as lambda.CfnFunction).acknowledge(
      {
        id: "HIPAA.Security-LambdaDLQ",
        reason: props.onFailure
          ? "Failed asynchronous invocations go to an SQS on-failure destination (with request and error), which replaces the older dead-letter config; both would deliver every failure twice."
          : "Invoked synchronously only (API Gateway waits for the answer and returns the error to the browser); there is no asynchronous event that a dead-letter queue could keep.",
      },
      {
        id: "HIPAA.Security-LambdaInsideVPC",
        reason:
          "The function only calls AWS APIs (S3, KMS, Athena, Glue, SQS) under IAM and bucket policies; there is no VPC resource to reach, and a VPC would add NAT or endpoints without narrowing access.",
      },
      {
        id: "HIPAA.Security-LambdaConcurrency",
        reason: props.onFailure
          ? "No reserved concurrency: AWS keeps 10 executions unreserved, so any reservation fails on an account at the default limit of 10, and no function needs one (the ingest orders deliveries with conditional writes; the scheduled runs are idempotent). Throttled events are retried by EventBridge and the asynchronous invoke."
          : "No reserved concurrency: AWS keeps 10 executions unreserved, so any reservation fails on an account at the default limit of 10; the API Gateway stage throttles the requests that reach this synchronous function instead.",
      },
      {
        id: "AwsSolutions-L1",
        reason:
          "Pinned to nodejs22.x, the Node.js line the code, its ESM bundle (esbuild target node22) and its tests are built for; moving to a newer runtime is a deliberate upgrade, not a default.",
      },
    );
  }
}
