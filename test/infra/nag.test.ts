import { createRequire } from "node:module";
import { App, Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import { AwsSolutionsChecks, HIPAASecurityChecks } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeVbm } from "../../infra/compose.ts";
import { flattenCfnReference, LeastPrivilegePolicy } from "../../infra/constructs/least-privilege-policy.ts";
import { type BuiltApp, buildApp, cdkJsonContext, type Json } from "./build-app.ts";

let built: BuiltApp;

beforeAll(() => {
  built = buildApp();
}, 60_000);
afterAll(() => built?.dispose());

/** Every acknowledgement written into the templates' metadata (`cdk_nag.rules_to_suppress`). */
function acknowledgements(): { stack: string; resource: string; id: string; reason: string }[] {
  const out: { stack: string; resource: string; id: string; reason: string }[] = [];
  for (const stack of built.allStacks) {
    const resources = built.template(stack).toJSON().Resources as Record<string, Json>;
    for (const [resource, r] of Object.entries(resources)) {
      const rules = ((r.Metadata as Json | undefined)?.cdk_nag as Json | undefined)?.rules_to_suppress;
      for (const rule of (rules ?? []) as { id: string; reason: string }[])
        out.push({ stack: stack.stackName, resource, ...rule });
    }
  }
  return out;
}

describe("cdk-nag", () => {
  for (const Pack of [AwsSolutionsChecks, HIPAASecurityChecks]) {
    it(`${Pack.name}: no unacknowledged errors and no warnings in any stack`, () => {
      const report = new Pack().validateScope(built.app);
      const describe = (severity: string) =>
        report.violations
          .filter((v) => v.severity === severity)
          .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(", ")}`);
      expect(describe("error")).toEqual([]);
      expect(describe("warning")).toEqual([]);
      expect(report.success).toBe(true);
    });
  }

  it("runs both packs during synthesis and fails it on a finding", () => {
    const app = new App({
      builtinCloudFormationValidation: false,
      context: { ...cdkJsonContext(), "aws:cdk:bundling-stacks": [] },
    });
    composeVbm(app);
    const careless = new Stack(app, "Careless");
    new s3.Bucket(careless, "Plain", { encryption: s3.BucketEncryption.S3_MANAGED });
    expect(() => app.synth()).toThrow(
      /AwsSolutions-S1[\s\S]*HIPAA\.Security-S3BucketLoggingEnabled|HIPAA\.Security-S3BucketLoggingEnabled[\s\S]*AwsSolutions-S1/,
    );
  }, 60_000);

  it("acknowledges only on resources, each with a reason specific to this design", () => {
    const acks = acknowledgements();
    expect(acks.length).toBeGreaterThan(10);
    for (const a of acks) {
      expect(a.id).toMatch(/^(AwsSolutions|HIPAA\.Security)-/);
      expect(a.reason.length, `${a.stack}/${a.resource} ${a.id}`).toBeGreaterThanOrEqual(60);
    }
    // No blanket acknowledgements on the app or a stack.
    for (const scope of [built.app, ...built.allStacks])
      expect(
        scope.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY),
      ).toEqual([]);
  });

  it("acknowledges IAM wildcards one by one, never a wildcard action", () => {
    const wildcards = acknowledgements().filter((a) => a.id.startsWith("AwsSolutions-IAM5"));
    expect(wildcards.length).toBeGreaterThan(0);
    for (const a of wildcards) expect(a.id).toMatch(/^AwsSolutions-IAM5\[Resource::/);
    const anywhere = wildcards.filter((a) => a.id === "AwsSolutions-IAM5[Resource::*]");
    // X-Ray (two functions) and athena:ListWorkGroups (facilitator, IGJ) only.
    expect(anywhere.map((a) => a.reason.split(":")[0]).sort()).toEqual([
      "ListWorkGroups",
      "ListWorkGroups",
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
