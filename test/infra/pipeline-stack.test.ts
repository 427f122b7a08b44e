import type { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { athenaEnv, ingestEnv, mailEnv, parseEnv, storageEnv } from "../../functions/config.ts";
import { INGEST_MEMORY_MB, INGEST_V8_FLAGS } from "../../infra/ingest-runtime.ts";
import {
  type Assembly,
  actionsOn,
  asList,
  flat,
  infraConfig,
  type Json,
  props,
  resourcesOf,
  STACKS,
  sharedAssembly,
  statementsForFunction,
  statementsOf,
} from "./assembly.ts";

let assembly: Assembly;
let pipeline: Template;

beforeAll(async () => {
  assembly = (await sharedAssembly()).assembly;
  pipeline = assembly.template("VbmPipeline");
}, 360_000);

function fn(name: string): [string, Json] {
  const found = resourcesOf(pipeline, "AWS::Lambda::Function").find(
    ([, r]) => props(r).FunctionName === name,
  );
  expect(found, name).toBeDefined();
  return found as [string, Json];
}

const statementsFor = (name: string) => statementsForFunction(pipeline, name);

const queueIds = () =>
  new Map(
    resourcesOf(pipeline, "AWS::SQS::Queue").map(([id]) => [
      id.startsWith("Ingest") ? "ingest" : id.startsWith("SendReceipt") ? "send-receipt" : "materialise",
      id,
    ]),
  );

/** Variables of the schemas (without the optional LOCATION_CODES the app no longer sets), plus VBM_MODE. */
const envNames = (schemas: { shape: object }[]) =>
  [...new Set(schemas.flatMap((s) => Object.keys(s.shape)))]
    .filter((n) => n !== "AWS_REGION" && n !== "LOCATION_CODES" && n !== "PSEUDONYM_CONCURRENCY")
    .concat("VBM_MODE")
    .sort();

/** Every Lambda function of the app, with its stack. */
function allFunctions(): { stack: string; id: string; fn: Json }[] {
  return STACKS.flatMap((stack) =>
    resourcesOf(assembly.template(stack), "AWS::Lambda::Function").map(([id, fn]) => ({ stack, id, fn })),
  );
}

describe("functions", () => {
  it("run Node.js 22 on arm64 with X-Ray, JSON logs into their own log group, with a fixed role name", () => {
    for (const name of ["vbm-ingest", "vbm-materialise", "vbm-send-receipt"]) {
      const p = props(fn(name)[1]);
      expect(p.Runtime).toBe("nodejs22.x");
      expect(p.Architectures).toEqual(["arm64"]);
      expect(p.TracingConfig).toEqual({ Mode: "Active" });
      expect(p.Handler).toBe("index.handler");
      const logging = p.LoggingConfig as Json;
      expect(logging.LogFormat).toBe("JSON");
      const group = pipeline.toJSON().Resources[(logging.LogGroup as Json).Ref as string];
      expect(group.Properties.LogGroupName).toBe(`/aws/lambda/${name}`);
      expect(group.Properties.RetentionInDays).toBe(365);
      expect(flat(group.Properties.KmsKeyId)).toMatch(/^<output:.*DataKey.*Arn.*>$/);
      const roleId = (p.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
      expect(props(pipeline.toJSON().Resources[roleId]).RoleName).toBe(`${name}-function`);
    }
  });

  it("reserve no concurrency anywhere: AWS keeps 10 unreserved, so any reservation fails on a default account", () => {
    const functions = allFunctions();
    expect(functions.length).toBeGreaterThanOrEqual(6);
    for (const { stack, fn: f } of functions)
      expect(props(f).ReservedConcurrentExecutions, `${stack} ${props(f).FunctionName}`).toBeUndefined();
  });

  it("keep their log groups on update and delete, but not after a rolled-back first create", () => {
    let groups = 0;
    for (const stack of STACKS)
      for (const [id, g] of resourcesOf(assembly.template(stack), "AWS::Logs::LogGroup")) {
        groups++;
        expect(g.DeletionPolicy, `${stack} ${id}`).toBe("RetainExceptOnCreate");
        expect(g.UpdateReplacePolicy, `${stack} ${id}`).toBe("Retain");
      }
    expect(groups).toBeGreaterThanOrEqual(6);
  });

  it("start without source maps: NODE_OPTIONS only in the ingest, with its measured heap limit", () => {
    for (const { fn: f } of allFunctions()) {
      const env = ((props(f).Environment as Json | undefined)?.Variables ?? {}) as Json;
      const name = String(props(f).FunctionName);
      if (name === "vbm-ingest") expect(env.NODE_OPTIONS, name).toBe(INGEST_V8_FLAGS.join(" "));
      else expect(env.NODE_OPTIONS, name).toBeUndefined();
    }
  });

  it("give the ingest the memory derived from the measured peaks (infra/ingest-runtime.ts)", () => {
    expect(props(fn("vbm-ingest")[1]).MemorySize).toBe(INGEST_MEMORY_MB);
  });

  it("hold no location e-mail addresses in any environment: they are read from config/locations.json", () => {
    const addresses = infraConfig().locations.flatMap((l) => l.emails);
    expect(addresses.length).toBeGreaterThan(0);
    for (const { fn: f } of allFunctions()) {
      const text = JSON.stringify(props(f).Environment ?? {});
      expect(text, String(props(f).FunctionName)).not.toMatch(/LOCATIONS_JSON|LOCATION_CODES/);
      for (const a of addresses) expect(text, String(props(f).FunctionName)).not.toContain(a);
    }
  });

  it("give ingest exactly the variables of ingestEnv (+ VBM_MODE), valid for that schema, and no mail settings", () => {
    const env = (props(fn("vbm-ingest")[1]).Environment as { Variables: Json }).Variables;
    expect(Object.keys(env).sort()).toEqual(
      [...envNames([ingestEnv]), "PSEUDONYM_CONCURRENCY", "NODE_OPTIONS"].sort(),
    );
    expect(env.VBM_MODE).toBe("aws");
    const parsed = parseEnv(ingestEnv, {
      AWS_REGION: "eu-central-1",
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, flat(v)])),
    });
    expect(parsed.DROPZONE_BUCKET).toBe("vbm-dropzone-<AWS::AccountId>-<AWS::Region>");
    expect(flat(env.PSEUDONYM_KEY_ID)).toMatch(/^<output:.*PseudonymKey.*Arn.*>$/);
    expect(mailEnv.safeParse(env).success).toBe(false);
  });

  it("give send-receipt the storage and mail variables (+ VBM_MODE), valid for both", () => {
    const env = (props(fn("vbm-send-receipt")[1]).Environment as { Variables: Json }).Variables;
    expect(Object.keys(env).sort()).toEqual(envNames([storageEnv, mailEnv]));
    const plain = {
      AWS_REGION: "eu-central-1",
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, flat(v)])),
    };
    parseEnv(storageEnv, plain);
    expect(parseEnv(mailEnv, plain)).toEqual({
      MAIL_FROM: infraConfig().mailFrom,
      SES_CONFIGURATION_SET: "vbm-monitor",
    });
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
    expect(configs).toHaveLength(3);
    for (const [, c] of configs) {
      const p = props(c);
      const fnId = (p.FunctionName as Json).Ref as string;
      const name = props(pipeline.toJSON().Resources[fnId]).FunctionName as string;
      expect(p.MaximumRetryAttempts).toBe(2);
      const queue = queueIds().get(name.replace(/^vbm-/, ""));
      expect(p.DestinationConfig).toEqual({ OnFailure: { Destination: { "Fn::GetAtt": [queue, "Arn"] } } });
      // Lambda checks the destination permission when the config is created.
      expect(asList(c.DependsOn as string[]).some((d) => d.includes("Policy"))).toBe(true);
    }
  });

  it("have roles with no AWS managed and no inline policies, only their own managed policy", () => {
    for (const t of STACKS.map((s) => assembly.template(s))) {
      expect(resourcesOf(t, "AWS::IAM::Policy")).toEqual([]);
      for (const [, role] of resourcesOf(t, "AWS::IAM::Role")) {
        expect(props(role).Policies).toBeUndefined();
        expect(props(role).ManagedPolicyArns).toBeUndefined();
      }
    }
  });
});

describe("ingest trigger", () => {
  const dropZoneRule = () =>
    resourcesOf(pipeline, "AWS::Events::Rule").find(([, r]) =>
      JSON.stringify(props(r).EventPattern ?? {}).includes("vbm-dropzone-"),
    ) as [string, Json];

  it("matches Object Created events of the drop-zone bucket", () => {
    const rules = resourcesOf(pipeline, "AWS::Events::Rule").filter(([, r]) => props(r).EventPattern);
    expect(rules).toHaveLength(2);
    const pattern = props(dropZoneRule()[1]).EventPattern as Json;
    expect(pattern.source).toEqual(["aws.s3"]);
    expect(pattern["detail-type"]).toEqual(["Object Created"]);
    expect(((pattern.detail as Json).bucket as Json).name).toHaveLength(1);
    expect(flat((((pattern.detail as Json).bucket as Json).name as unknown[])[0])).toBe(
      "vbm-dropzone-<AWS::AccountId>-<AWS::Region>",
    );
  });

  it("targets the ingest with retries, a maximum event age and the dead-letter queue", () => {
    const targets = props(dropZoneRule()[1]).Targets as Json[];
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
    expect(byMetric("Errors", "FunctionName")).toHaveLength(3);
    const depth = byMetric("ApproximateNumberOfMessagesVisible", "QueueName");
    expect(depth).toHaveLength(3);
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

  const reports = (p: string) => `arn:<AWS::Partition>:s3:::vbm-reports-<AWS::AccountId>-<AWS::Region>/${p}`;
  const bucket = (area: string) => `arn:<AWS::Partition>:s3:::vbm-${area}-<AWS::AccountId>-<AWS::Region>`;

  it("lets ingest read the drop zone (by version), copy into quarantine, keep per-attempt curated data, and MAC; no mail", () => {
    const actions = actionsOn(statementsFor("vbm-ingest"));
    expect([...actions.keys()].sort()).toEqual(
      [
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:ListBucket",
        "s3:PutObject",
        "s3:DeleteObject",
        "kms:GenerateMac",
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
        `${bucket("quarantine")}/*`,
        reports("receipts/*"),
        reports("mail/requests/*"),
      ].sort(),
    );
    // The delivery log is read back (current delivery); measures objects are headed before collection.
    expect(actions.get("s3:GetObject")).toContain(curated("delivery-log/*"));
    expect(actions.get("s3:GetObject")).toContain(curated("measures/*"));
    expect(actions.get("s3:GetObject")).toContain(`${bucket("dropzone")}/*`);
    expect(actions.get("s3:GetObjectVersion")).toEqual([`${bucket("dropzone")}/*`]);
    // Superseded per-attempt objects are collected; nothing else can be deleted.
    expect(actions.get("s3:DeleteObject")).toEqual([curated("measures/*")]);
    expect(actions.get("s3:ListBucket")).toEqual(
      [bucket("curated"), bucket("dropzone"), bucket("reports")].sort(),
    );
    expect(actions.get("s3:GetObject")?.filter((r) => r.includes("vbm-reports-"))).toEqual(
      [reports("config/locations.json"), reports("receipts/*")].sort(),
    );
    expect(actions.get("kms:GenerateMac")?.[0]).toMatch(/PseudonymKey/);
    expect(actions.get("xray:PutTraceSegments")).toEqual(["*"]);
    expect([...actions.keys()].some((a) => a.startsWith("ses:"))).toBe(false);
  });

  it("lets send-receipt read its requests and receipts, keep the mail status and mail from the identity only", () => {
    const actions = actionsOn(statementsFor("vbm-send-receipt"));
    expect(actions.get("s3:GetObject")).toEqual(
      ["mail/requests/*", "receipts/*", "mail/status/*", "config/locations.json"].map(reports).sort(),
    );
    expect(actions.get("s3:PutObject")).toEqual([reports("mail/status/*")]);
    expect(actions.has("s3:DeleteObject")).toBe(false);
    expect(
      actions
        .get("ses:SendRawEmail")
        ?.map((r) => r.replace(/^.*:(identity|configuration-set)\//, "$1/"))
        .sort(),
    ).toEqual(["configuration-set/vbm-monitor", "identity/example.org"]);
    expect(actions.has("kms:GenerateMac")).toBe(false);
    for (const [action, resources] of actions)
      if (action.startsWith("s3:")) for (const r of resources) expect(r, action).toMatch(/vbm-reports-/);
  });

  it("triggers send-receipt on Object Created under mail/requests/ of the reports bucket, with retries and a dead-letter queue", () => {
    const rule = resourcesOf(pipeline, "AWS::Events::Rule").find(([, r]) =>
      JSON.stringify(props(r).EventPattern ?? {}).includes("mail/requests/"),
    ) as [string, Json];
    expect(rule).toBeDefined();
    const pattern = props(rule[1]).EventPattern as Json;
    expect(pattern["detail-type"]).toEqual(["Object Created"]);
    const detail = pattern.detail as { bucket: { name: unknown[] }; object: { key: unknown[] } };
    expect(detail.bucket.name.map(flat)).toEqual(["vbm-reports-<AWS::AccountId>-<AWS::Region>"]);
    expect(detail.object.key).toEqual([{ prefix: "mail/requests/" }]);
    const target = (props(rule[1]).Targets as Json[])[0] as Json;
    expect(target.Arn).toEqual({ "Fn::GetAtt": [fn("vbm-send-receipt")[0], "Arn"] });
    expect(target.DeadLetterConfig).toEqual({
      Arn: { "Fn::GetAtt": [queueIds().get("send-receipt"), "Arn"] },
    });
  });

  it("lets the materialiser read the measures and write aggregate objects, but change no table", () => {
    const actions = actionsOn(statementsFor("vbm-materialise"));
    expect(actions.has("glue:CreateTable")).toBe(false);
    expect(actions.has("glue:DeleteTable")).toBe(false);
    expect((actions.get("glue:GetTable") ?? []).filter((r) => r.includes(":table/"))).toEqual(
      ["current_delivery", "delivery_log", "measures", "measures_all", "occupancy"].map(
        (t) => `arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/vbm_curated/${t}`,
      ),
    );
    // The run's snapshot comes from the delivery and occupancy logs.
    expect(actions.get("s3:GetObject")).toEqual(
      expect.arrayContaining([curated("delivery-log/*"), curated("occupancy-log/*")]),
    );
    expect([...actions.keys()].some((a) => a.startsWith("ses:"))).toBe(false);
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

  it("restricts data-key use by the functions to requests through S3 (and SQS for failures)", () => {
    for (const name of ["vbm-ingest", "vbm-materialise", "vbm-send-receipt"]) {
      for (const s of statementsFor(name)) {
        if (!asList(s.Action).some((a) => a.startsWith("kms:") && a !== "kms:GenerateMac")) continue;
        expect(flat(s.Condition?.StringEquals?.["kms:ViaService"])).toMatch(
          /^(s3|sqs)\.<AWS::Region>\.amazonaws\.com$/,
        );
      }
    }
  });
});

describe("mail", () => {
  it("sends through a configuration set that requires TLS (receipts quote youth numbers)", () => {
    const sets = resourcesOf(pipeline, "AWS::SES::ConfigurationSet");
    expect(sets).toHaveLength(1);
    const set = props((sets[0] as [string, Json])[1]);
    expect(set.Name).toBe("vbm-monitor");
    expect(set.DeliveryOptions).toEqual({ TlsPolicy: "REQUIRE" });
  });
});

describe("locations config", () => {
  it("deploys config/locations.json (codes, names and recipients only) into the reports bucket", () => {
    const deployments = resourcesOf(pipeline, "Custom::CDKBucketDeployment");
    expect(deployments).toHaveLength(1);
    const p = props((deployments[0] as [string, Json])[1]);
    expect(flat(p.DestinationBucketName)).toBe("vbm-reports-<AWS::AccountId>-<AWS::Region>");
    expect(p.DestinationBucketKeyPrefix).toBe("config/");
    expect(p.Prune).toBe(false);
    // The handler runs under the named deployment role, with only its managed policy.
    const handler = resourcesOf(pipeline, "AWS::Lambda::Function").find(([id]) =>
      id.includes("CDKBucketDeployment"),
    );
    expect(handler).toBeDefined();
    const roleId = (props((handler as [string, Json])[1]).Role as { "Fn::GetAtt": [string, string] })[
      "Fn::GetAtt"
    ][0];
    const role = pipeline.toJSON().Resources[roleId];
    expect(role.Properties.RoleName).toBe("vbm-config-deployment");
    const actions = actionsOn(
      resourcesOf(pipeline, "AWS::IAM::ManagedPolicy")
        .filter(([, m]) => asList(props(m).Roles as Json[]).some((r) => r.Ref === roleId))
        .flatMap(([, m]) => statementsOf(props(m).PolicyDocument)),
    );
    expect(actions.get("s3:PutObject")).toEqual([
      "arn:<AWS::Partition>:s3:::vbm-reports-<AWS::AccountId>-<AWS::Region>/config/locations.json",
    ]);
    expect(actions.has("s3:DeleteObject")).toBe(false);
  });

  it("lets every function that needs the locations read that one object", () => {
    const object =
      "arn:<AWS::Partition>:s3:::vbm-reports-<AWS::AccountId>-<AWS::Region>/config/locations.json";
    for (const [stack, name] of [
      ["VbmPipeline", "vbm-ingest"],
      ["VbmPipeline", "vbm-materialise"],
      ["VbmPipeline", "vbm-send-receipt"],
      ["VbmDocuments", "vbm-send-factsheets"],
      ["VbmDocuments", "vbm-national-report"],
    ] as const)
      expect(
        actionsOn(statementsForFunction(assembly.template(stack), name)).get("s3:GetObject"),
        name,
      ).toContain(object);
  });
});

describe("alarm recipients", () => {
  it("says in the synth and deploy output when alarms reach nobody (stage test without vbm:alarmEmails)", () => {
    expect(infraConfig().stage).toBe("test");
    const outputs = pipeline.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(String(outputs.AlarmRecipients?.Value)).toMatch(/^NONE - alarms reach nobody/);
    const warnings = assembly
      .validationReport()
      .pluginReports.flatMap((r) => r.violations ?? [])
      .filter((v) => v.ruleName === "Annotation::vbm:no-alarm-recipients");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.severity).toBe("warning");
  });

  it("refuses to synthesise a production stage without an alarm recipient", () => {
    expect(() => infraConfig({ "vbm:stage": "production", "vbm:alarmEmails": [] })).toThrow(
      /vbm:alarmEmails: a production stage needs at least one alarm recipient/,
    );
    expect(
      infraConfig({ "vbm:stage": "production", "vbm:alarmEmails": "ops@example.org" }).alarmEmails,
    ).toEqual(["ops@example.org"]);
    // Without vbm:stage the stage is production: forgetting it is refused too.
    expect(() => infraConfig({ "vbm:stage": undefined })).toThrow(/vbm:alarmEmails/);
  });
});
