import { createRequire } from "node:module";
import { App, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flattenCfnReference, LeastPrivilegePolicy } from "../../infra/constructs/least-privilege-policy.ts";
import { type Assembly, type Json, STACKS, sharedAssembly, synthVariant, type Variant } from "./assembly.ts";

let assembly: Assembly;
let careless: Variant;

beforeAll(async () => {
  const [shared, v] = await Promise.all([sharedAssembly(), synthVariant({}, ["--careless"])]);
  assembly = shared.assembly;
  careless = v;
}, 360_000);
afterAll(() => careless?.dispose());

/** Every acknowledgement written into the templates' metadata (`cdk_nag.rules_to_suppress`). */
function acknowledgements(): { stack: string; resource: string; id: string; reason: string }[] {
  const out: { stack: string; resource: string; id: string; reason: string }[] = [];
  for (const stack of STACKS) {
    const resources = assembly.template(stack).toJSON().Resources as Record<string, Json>;
    for (const [resource, r] of Object.entries(resources)) {
      const rules = ((r.Metadata as Json | undefined)?.cdk_nag as Json | undefined)?.rules_to_suppress;
      for (const rule of (rules ?? []) as { id: string; reason: string }[])
        out.push({ stack, resource, ...rule });
    }
  }
  return out;
}

describe("cdk-nag", () => {
  it("AwsSolutions and HIPAA Security: no unacknowledged error and no warning in any stack", () => {
    const violations = assembly
      .validationReport()
      .pluginReports.flatMap((r) => (r.violations ?? []).map((v) => ({ plugin: r.pluginName, ...v })))
      // The one expected warning: the test stage has no alarm recipient (pipeline-stack.test.ts).
      .filter((v) => v.ruleName !== "Annotation::vbm:no-alarm-recipients");
    expect(violations).toEqual([]);
  });

  it("runs both packs during synthesis and fails it on a finding", () => {
    expect(careless.run.status, careless.run.stderr).toBe(2);
    expect(careless.run.stdout + careless.run.stderr).toMatch(
      /AwsSolutions-S1[\s\S]*HIPAA\.Security-S3BucketLoggingEnabled|HIPAA\.Security-S3BucketLoggingEnabled[\s\S]*AwsSolutions-S1/,
    );
  });

  it("acknowledges only on resources, each with a reason specific to this design", () => {
    const acks = acknowledgements();
    expect(acks.length).toBeGreaterThan(10);
    for (const a of acks) {
      expect(a.id).toMatch(/^(AwsSolutions|HIPAA\.Security)-/);
      expect(a.reason.length, `${a.stack}/${a.resource} ${a.id}`).toBeGreaterThanOrEqual(60);
    }
    // No blanket acknowledgements on a stack.
    for (const stack of STACKS)
      expect(
        (assembly.metadata(stack)[`/${stack}`] ?? []).map((m) => m.type),
        stack,
      ).not.toContain("aws:cdk:acknowledged-rules");
  });

  it("acknowledges IAM wildcards one by one, never a wildcard action", () => {
    const wildcards = acknowledgements().filter((a) => a.id.startsWith("AwsSolutions-IAM5"));
    expect(wildcards.length).toBeGreaterThan(0);
    for (const a of wildcards) expect(a.id).toMatch(/^AwsSolutions-IAM5\[Resource::/);
    const anywhere = wildcards.filter((a) => a.id === "AwsSolutions-IAM5[Resource::*]");
    // X-Ray (six functions) and athena:ListWorkGroups (facilitator, IGJ) only.
    expect(anywhere.map((a) => a.reason.split(":")[0]).sort()).toEqual([
      "ListWorkGroups",
      "ListWorkGroups",
      "Tracing",
      "Tracing",
      "Tracing",
      "Tracing",
      "Tracing",
      "Tracing",
    ]);
  });
});

describe("LeastPrivilegePolicy", () => {
  const policy = () => {
    const stack = new Stack(new App(), "S");
    const role = new iam.Role(stack, "R", { assumedBy: new iam.AccountRootPrincipal() });
    return new LeastPrivilegePolicy(stack, "P", { description: "test", roles: [role], permissions: [] });
  };

  it("refuses a wildcard without a reason, and a reason without a wildcard", () => {
    expect(() =>
      policy().allow({ sid: "A", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }),
    ).toThrow(/wildcard .* without a reason/);
    expect(() => policy().allow({ sid: "B", actions: ["s3:Get*"], resources: ["arn:aws:s3:::b/k"] })).toThrow(
      /without a reason/,
    );
    expect(() =>
      policy().allow({
        sid: "C",
        actions: ["s3:GetObject"],
        resources: ["arn:aws:s3:::b/k"],
        wildcardReason: "x",
      }),
    ).toThrow(/no wildcard/);
  });

  it("flattens CloudFormation values exactly like cdk-nag does", () => {
    const require = createRequire(import.meta.url);
    const cdkNagFlatten = (
      require(require.resolve("cdk-nag").replace(/index\.js$/, "utils/flatten-cfn-reference.js")) as {
        flattenCfnReference: (v: unknown) => string;
      }
    ).flattenCfnReference;
    const samples: unknown[] = [
      "*",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Fn::Sub placeholder
      { "Fn::Sub": "arn:${AWS::Partition}:s3:::b/*" },
      {
        "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":s3:::b-", { Ref: "AWS::AccountId" }, "/k/*"]],
      },
      { "Fn::GetAtt": ["Bucket1", "Arn"] },
      { "Fn::ImportValue": "Stack:Export" },
      { Unknown: [1, 2] },
    ];
    for (const v of samples) expect(flattenCfnReference(v)).toBe(cdkNagFlatten(v));
  });
});
