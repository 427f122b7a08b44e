import type { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { athenaEnv, ingestEnv, mailEnv, parseEnv, storageEnv } from "../../functions/config.ts";
import {
  asList,
  type BuiltApp,
  buildApp,
  flat,
  type Json,
  props,
  resourcesOf,
  type Statement,
  statementsOf,
} from "./build-app.ts";

let built: BuiltApp;
let pipeline: Template;

beforeAll(() => {
  built = buildApp();
  pipeline = built.template(built.stacks.pipeline);
}, 60_000);
afterAll(() => built?.dispose());

function fn(name: string): [string, Json] {
  const found = resourcesOf(pipeline, "AWS::Lambda::Function").find(
    ([, r]) => props(r).FunctionName === name,
  );
  expect(found, name).toBeDefined();
  return found as [string, Json];
}

function roleIdOf(functionName: string): string {
  const role = props(fn(functionName)[1]).Role as { "Fn::GetAtt": [string, string] };
  return role["Fn::GetAtt"][0];
}

/** All statements of the managed policies attached to a role. */
function statementsFor(t: Template, roleId: string): Statement[] {
  return resourcesOf(t, "AWS::IAM::ManagedPolicy")
    .filter(([, p]) => asList(props(p).Roles as Json[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => statementsOf(props(p).PolicyDocument));
}

function actionsOn(statements: Statement[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of statements) {
    expect(s.Effect).toBe("Allow");
    for (const a of asList(s.Action))
      out.set(a, [...(out.get(a) ?? []), ...asList(s.Resource).map(flat)].sort());
  }
  return out;
}

const queueIds = () =>
  new Map(
    resourcesOf(pipeline, "AWS::SQS::Queue").map(([id]) => [
      id.startsWith("Ingest") ? "ingest" : "materialise",
      id,
    ]),
  );

const envNames = (schemas: { shape: object }[]) =>
  [...new Set(schemas.flatMap((s) => Object.keys(s.shape)))]
    .filter((n) => n !== "AWS_REGION")
    .concat("VBM_MODE", "NODE_OPTIONS")
    .sort();

describe("functions", () => {
  it("run Node.js 22 on arm64 with X-Ray, JSON logs into their own log group, and reserved concurrency", () => {
    const expected = { "vbm-ingest": 5, "vbm-materialise": 1 };
    for (const [name, reserved] of Object.entries(expected)) {
      const p = props(fn(name)[1]);
      expect(p.Runtime).toBe("nodejs22.x");
      expect(p.Architectures).toEqual(["arm64"]);
      expect(p.TracingConfig).toEqual({ Mode: "Active" });
      expect(p.ReservedConcurrentExecutions).toBe(reserved);
      expect(p.Handler).toBe("index.handler");
      const logging = p.LoggingConfig as Json;
      expect(logging.LogFormat).toBe("JSON");
      const group = pipeline.toJSON().Resources[(logging.LogGroup as Json).Ref as string];
      expect(group.Properties.LogGroupName).toBe(`/aws/lambda/${name}`);
      expect(group.Properties.RetentionInDays).toBe(365);
      expect(flat(group.Properties.KmsKeyId)).toMatch(/^<output:.*DataKey.*Arn.*>$/);
    }
  });

  it("give ingest exactly the variables of ingestEnv (+ VBM_MODE), valid for that schema", () => {
    const env = (props(fn("vbm-ingest")[1]).Environment as { Variables: Json }).Variables;
    expect(Object.keys(env).sort()).toEqual([...envNames([ingestEnv, mailEnv]), "LOCATIONS_JSON"].sort());
    expect(env.VBM_MODE).toBe("aws");
    const parsed = parseEnv(ingestEnv, {
      AWS_REGION: "eu-central-1",
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, flat(v)])),
    });
    expect(parsed.LOCATION_CODES).toEqual(built.stacks.config.locations.map((l) => l.code));
    expect(parsed.DROPZONE_BUCKET).toBe("vbm-dropzone-<AWS::AccountId>-<AWS::Region>");
    expect(flat(env.PSEUDONYM_KEY_ID)).toMatch(/^<output:.*PseudonymKey.*Arn.*>$/);
  });

  it("give materialise exactly the variables of athenaEnv and storageEnv (+ VBM_MODE), valid for both", () => {
    const env = (props(fn("vbm-materialise")[1]).Environment as { Variables: Json }).Variables;
    expect(Object.keys(env).sort()).toEqual(envNames([athenaEnv, storageEnv]));
    expect(env.VBM_MODE).toBe("aws");
    const plain = {
      AWS_REGION: "eu-central-1",
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, flat(v)])),
    };
    const athena = parseEnv(athenaEnv, plain);
    parseEnv(storageEnv, plain);
    expect(athena).toMatchObject({
      ATHENA_WORKGROUP: "vbm-facilitator",
      ATHENA_CURATED_DATABASE: "vbm_curated",
      ATHENA_AGGREGATES_DATABASE: "vbm_aggregates",
      AGGREGATES_BUCKET: "vbm-aggregates-<AWS::AccountId>-<AWS::Region>",
    });
  });

  it("retry failed asynchronous invocations twice, then send them to their own queue", () => {
    const configs = resourcesOf(pipeline, "AWS::Lambda::EventInvokeConfig");
    expect(configs).toHaveLength(2);
    for (const [, c] of configs) {
      const p = props(c);
      const fnId = (p.FunctionName as Json).Ref as string;
      const name = props(pipeline.toJSON().Resources[fnId]).FunctionName as string;
      expect(p.MaximumRetryAttempts).toBe(2);
      const queue = name === "vbm-ingest" ? queueIds().get("ingest") : queueIds().get("materialise");
      expect(p.DestinationConfig).toEqual({ OnFailure: { Destination: { "Fn::GetAtt": [queue, "Arn"] } } });
      // Lambda checks the destination permission when the config is created.
      expect(asList(c.DependsOn as string[]).some((d) => d.includes("Policy"))).toBe(true);
    }
  });

  it("have roles with no AWS managed and no inline policies, only their own managed policy", () => {
    for (const t of built.allStacks.map((s) => built.template(s))) {
      expect(resourcesOf(t, "AWS::IAM::Policy")).toEqual([]);
      for (const [, role] of resourcesOf(t, "AWS::IAM::Role")) {
        expect(props(role).Policies).toBeUndefined();
        expect(props(role).ManagedPolicyArns).toBeUndefined();
      }
    }
  });
});

describe("ingest trigger", () => {
  it("matches Object Created events of the drop-zone bucket", () => {
    const rules = resourcesOf(pipeline, "AWS::Events::Rule").filter(([, r]) => props(r).EventPattern);
    expect(rules).toHaveLength(1);
    const pattern = props((rules[0] as [string, Json])[1]).EventPattern as Json;
    expect(pattern.source).toEqual(["aws.s3"]);
    expect(pattern["detail-type"]).toEqual(["Object Created"]);
    expect(((pattern.detail as Json).bucket as Json).name).toHaveLength(1);
    expect(flat((((pattern.detail as Json).bucket as Json).name as unknown[])[0])).toBe(
      "vbm-dropzone-<AWS::AccountId>-<AWS::Region>",
    );
  });

  it("targets the ingest with retries, a maximum event age and the dead-letter queue", () => {
    const rule = resourcesOf(pipeline, "AWS::Events::Rule").find(([, r]) => props(r).EventPattern) as [
      string,
      Json,
    ];
    const targets = props(rule[1]).Targets as Json[];
    expect(targets).toHaveLength(1);
    const target = targets[0] as Json;
    expect(target.Arn).toEqual({ "Fn::GetAtt": [fn("vbm-ingest")[0], "Arn"] });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 });
    expect(target.DeadLetterConfig).toEqual({ Arn: { "Fn::GetAtt": [queueIds().get("ingest"), "Arn"] } });
  });

  it("runs the materialiser on the 5th of the month after each quarter", () => {
    const schedules = resourcesOf(pipeline, "AWS::Events::Rule").filter(
      ([, r]) => props(r).ScheduleExpression,
    );
    expect(schedules).toHaveLength(1);
    const p = props((schedules[0] as [string, Json])[1]);
    expect(p.ScheduleExpression).toBe("cron(0 6 5 1,4,7,10 ? *)");
    expect(((p.Targets as Json[])[0] as Json).Arn).toEqual({
      "Fn::GetAtt": [fn("vbm-materialise")[0], "Arn"],
    });
  });
});

describe("dead-letter queues and alarms", () => {
  it("encrypts the queues with the data key and refuses plain HTTP", () => {
    for (const [id, q] of resourcesOf(pipeline, "AWS::SQS::Queue")) {
      expect(flat(props(q).KmsMasterKeyId)).toMatch(/^<output:.*DataKey.*Arn.*>$/);
      const policy = resourcesOf(pipeline, "AWS::SQS::QueuePolicy").find(([, p]) =>
        asList(props(p).Queues as Json[]).some((r) => r.Ref === id),
      ) as [string, Json];
      const denies = statementsOf(props(policy[1]).PolicyDocument).filter((s) => s.Effect === "Deny");
      expect(denies.map((s) => s.Condition)).toContainEqual({ Bool: { "aws:SecureTransport": "false" } });
    }
  });

  it("alarms on function errors and on any message in a dead-letter queue, notifying the alarm topic", () => {
    const alarms = resourcesOf(pipeline, "AWS::CloudWatch::Alarm").map(([, a]) => props(a));
    const topicId = resourcesOf(pipeline, "AWS::SNS::Topic")[0]?.[0];
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(a.ComparisonOperator).toBe("GreaterThanThreshold");
      expect(a.Threshold).toBe(0);
    }
    const byMetric = (metric: string, dimension: string) =>
      alarms.filter((a) => a.MetricName === metric && (a.Dimensions as Json[])[0]?.Name === dimension);
    expect(byMetric("Errors", "FunctionName")).toHaveLength(2);
    const depth = byMetric("ApproximateNumberOfMessagesVisible", "QueueName");
    expect(depth).toHaveLength(2);
    for (const a of depth) expect(a.Namespace).toBe("AWS/SQS");
  });

  it("encrypts the alarm topic with the data key and accepts only TLS", () => {
    const [, topic] = resourcesOf(pipeline, "AWS::SNS::Topic")[0] as [string, Json];
    expect(flat(props(topic).KmsMasterKeyId)).toMatch(/^<output:.*DataKey.*Arn.*>$/);
    const [, policy] = resourcesOf(pipeline, "AWS::SNS::TopicPolicy")[0] as [string, Json];
    const statements = statementsOf(props(policy).PolicyDocument);
    expect(statements.filter((s) => s.Effect === "Deny").map((s) => s.Condition)).toContainEqual({
      Bool: { "aws:SecureTransport": "false" },
    });
  });
});

describe("function permissions", () => {
  const curated = (p: string) => `arn:<AWS::Partition>:s3:::vbm-curated-<AWS::AccountId>-<AWS::Region>/${p}`;

  it("lets ingest read the drop zone, write its curated prefixes, quarantine and receipts, and MAC", () => {
    const actions = actionsOn(statementsFor(pipeline, roleIdOf("vbm-ingest")));
    expect([...actions.keys()].sort()).toEqual(
      [
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:ListBucket",
        "s3:PutObject",
        "kms:GenerateMac",
        "ses:SendEmail",
        "ses:SendRawEmail",
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "sqs:SendMessage",
      ].sort(),
    );
    expect(actions.get("s3:PutObject")).toEqual(
      [
        ...["measures/*", "delivery-log/*", "occupancy/*", "occupancy-log/*"].map(curated),
        "arn:<AWS::Partition>:s3:::vbm-quarantine-<AWS::AccountId>-<AWS::Region>/*",
        "arn:<AWS::Partition>:s3:::vbm-reports-<AWS::AccountId>-<AWS::Region>/receipts/*",
      ].sort(),
    );
    expect(actions.get("s3:GetObjectVersion")).toEqual([
      "arn:<AWS::Partition>:s3:::vbm-dropzone-<AWS::AccountId>-<AWS::Region>/*",
    ]);
    expect(actions.get("s3:ListBucket")).toEqual(
      [
        "arn:<AWS::Partition>:s3:::vbm-curated-<AWS::AccountId>-<AWS::Region>",
        "arn:<AWS::Partition>:s3:::vbm-dropzone-<AWS::AccountId>-<AWS::Region>",
        "arn:<AWS::Partition>:s3:::vbm-reports-<AWS::AccountId>-<AWS::Region>",
      ].sort(),
    );
    // The receipts it reads back (to mail the verdict once) are the only reports it can read.
    expect(actions.get("s3:GetObject")?.filter((r) => r.includes("vbm-reports-"))).toEqual([
      "arn:<AWS::Partition>:s3:::vbm-reports-<AWS::AccountId>-<AWS::Region>/receipts/*",
    ]);
    expect(
      actions
        .get("ses:SendEmail")
        ?.map((r) => r.replace(/^.*:(identity|configuration-set)\//, "$1/"))
        .sort(),
    ).toEqual(["configuration-set/vbm-monitor", "identity/example.org"]);
    expect(actions.get("kms:GenerateMac")?.[0]).toMatch(/PseudonymKey/);
    expect(actions.get("xray:PutTraceSegments")).toEqual(["*"]);
  });

  it("lets the materialiser read the measures and write aggregate objects, but change no table", () => {
    const statements = statementsFor(pipeline, roleIdOf("vbm-materialise"));
    const actions = actionsOn(statements);
    expect(actions.has("glue:CreateTable")).toBe(false);
    expect(actions.has("glue:DeleteTable")).toBe(false);
    expect((actions.get("glue:GetTable") ?? []).filter((r) => r.includes(":table/"))).toEqual([
      "arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/vbm_curated/measures",
      "arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/vbm_curated/occupancy",
    ]);
    expect(actions.get("athena:StartQueryExecution")).toEqual([
      "arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:workgroup/vbm-facilitator",
    ]);
    expect(actions.get("s3:DeleteObject")).toEqual([
      "arn:<AWS::Partition>:s3:::vbm-aggregates-<AWS::AccountId>-<AWS::Region>/*",
    ]);
    // Reads curated data, writes nothing there.
    for (const [action, resources] of actions)
      if (!["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"].includes(action))
        for (const r of resources) expect(r, action).not.toContain("vbm-curated-");
  });

  it("restricts data-key use by both functions to requests through S3 (and SQS for failures)", () => {
    for (const name of ["vbm-ingest", "vbm-materialise"]) {
      for (const s of statementsFor(pipeline, roleIdOf(name))) {
        if (!asList(s.Action).some((a) => a.startsWith("kms:") && a !== "kms:GenerateMac")) continue;
        expect(flat(s.Condition?.StringEquals?.["kms:ViaService"])).toMatch(
          /^(s3|sqs)\.<AWS::Region>\.amazonaws\.com$/,
        );
      }
    }
  });
});
