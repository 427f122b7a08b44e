import type { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AREAS } from "../../infra/naming.ts";
import {
  type Assembly,
  asList,
  flat,
  flatBucketName,
  infraConfig,
  type Json,
  props,
  resourcesOf,
  STACKS,
  type Statement,
  sharedAssembly,
  statementsForRole,
  statementsOf,
  synthVariant,
  type Variant,
} from "./assembly.ts";

let assembly: Assembly;
let data: Template;
let variant: Variant;

beforeAll(async () => {
  // The throwaway variant synthesises in parallel with (or after) the shared assembly.
  const [shared, v] = await Promise.all([
    sharedAssembly(),
    synthVariant({
      "vbm:retainData": false,
      "vbm:rawRetentionDays": 7,
      "vbm:portalUrl": "https://portaal.vbm.example/",
    }),
  ]);
  assembly = shared.assembly;
  data = assembly.template("VbmData");
  variant = v;
}, 360_000);
afterAll(() => variant?.dispose());

const role = (name: string) => `arn:<AWS::Partition>:iam::<AWS::AccountId>:role/${name}`;

/** The key resources: the data key (no KeySpec) and the HMAC pseudonym key. */
function keys(): { data: [string, Json]; pseudonym: [string, Json] } {
  const all = resourcesOf(data, "AWS::KMS::Key");
  expect(all).toHaveLength(2);
  return {
    data: all.find(([, r]) => !props(r).KeySpec) as [string, Json],
    pseudonym: all.find(([, r]) => props(r).KeySpec === "HMAC_256") as [string, Json],
  };
}

const denies = (key: [string, Json]) =>
  new Map(
    statementsOf(props(key[1]).KeyPolicy)
      .filter((s) => s.Effect === "Deny")
      .map((s) => [s.Sid, s] as const),
  );

const dataKeyId = () => keys().data[0];

/** Bucket resources by the area in their (Fn::Join) name. */
function bucketsByArea(): Map<string, [string, Json]> {
  const out = new Map<string, [string, Json]>();
  for (const [id, r] of resourcesOf(data, "AWS::S3::Bucket")) {
    const name = flat(props(r).BucketName);
    const area = AREAS.find((a) => name === flatBucketName(a));
    if (!area) throw new Error(`unexpected bucket name ${name}`);
    out.set(area, [id, r]);
  }
  return out;
}

function policyOf(bucketId: string): Statement[] {
  const policies = resourcesOf(data, "AWS::S3::BucketPolicy").filter(
    ([, r]) => (props(r).Bucket as Json).Ref === bucketId,
  );
  expect(policies).toHaveLength(1);
  return statementsOf(props((policies[0] as [string, Json])[1]).PolicyDocument);
}

describe("keys", () => {
  it("has a customer-managed data key with rotation, retained", () => {
    const key = data.toJSON().Resources[dataKeyId()];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe("Retain");
    expect(key.UpdateReplacePolicy).toBe("Retain");
  });

  it("has an HMAC_256 pseudonym key for GenerateMac, without rotation, retained", () => {
    const hmac = resourcesOf(data, "AWS::KMS::Key").filter(([, r]) => props(r).KeySpec === "HMAC_256");
    expect(hmac).toHaveLength(1);
    const [, key] = hmac[0] as [string, Json];
    expect(props(key).KeyUsage).toBe("GENERATE_VERIFY_MAC");
    expect(props(key).EnableKeyRotation).toBe(false);
    expect(key.DeletionPolicy).toBe("Retain");
  });

  it("denies changing the key policy, disabling and scheduling deletion of both keys to all but the break-glass role", () => {
    for (const key of Object.values(keys())) {
      const deny = denies(key).get("OnlyBreakGlassAdministersTheKey") as Statement;
      expect(deny).toBeDefined();
      expect(asList(deny.Action).sort()).toEqual([
        "kms:DisableKey",
        "kms:PutKeyPolicy",
        "kms:ScheduleKeyDeletion",
      ]);
      expect(deny.Principal).toEqual({ AWS: "*" });
      expect(Object.keys(deny.Condition ?? {})).toEqual(["ArnNotEquals"]);
      expect(flat(deny.Condition?.ArnNotEquals?.["aws:PrincipalArn"])).toBe(role("vbm-break-glass"));
      // Without the flag KMS refuses a policy that denies the deploying principal PutKeyPolicy.
      expect(props(key[1]).BypassPolicyLockoutSafetyCheck).toBe(true);
    }
  });

  it("denies GenerateMac and VerifyMac on the pseudonym key to every principal but the ingest role", () => {
    const { pseudonym } = keys();
    const deny = denies(pseudonym).get("OnlyTheIngestComputesPseudonyms") as Statement;
    expect(deny).toBeDefined();
    expect(asList(deny.Action).sort()).toEqual(["kms:GenerateMac", "kms:VerifyMac"]);
    expect(deny.Principal).toEqual({ AWS: "*" });
    expect(deny.Condition).toEqual({
      ArnNotEquals: { "aws:PrincipalArn": expect.anything() },
    });
    expect(flat(deny.Condition?.ArnNotEquals?.["aws:PrincipalArn"])).toBe(role("vbm-ingest-function"));
    // That ARN is the ingest's role: a fixed name in the pipeline stack, no cross-stack reference.
    const pipeline = assembly.template("VbmPipeline");
    const ingest = resourcesOf(pipeline, "AWS::Lambda::Function").find(
      ([, r]) => props(r).FunctionName === "vbm-ingest",
    ) as [string, Json];
    const roleId = (props(ingest[1]).Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
    expect(props(pipeline.toJSON().Resources[roleId]).RoleName).toBe("vbm-ingest-function");
    expect(JSON.stringify(data.toJSON())).not.toContain("Fn::ImportValue");
  });

  it("denies Decrypt with the data key to all but the monitor's roles (and AWS services, and dead-letter reads through SQS)", () => {
    const deny = denies(keys().data).get("OnlyTheMonitorsRolesDecrypt") as Statement;
    expect(deny).toBeDefined();
    expect(asList(deny.Action).sort()).toEqual(["kms:Decrypt", "kms:ReEncryptFrom"]);
    expect(deny.Principal).toEqual({ AWS: "*" });
    const readers = asList(deny.Condition?.ArnNotLike?.["aws:PrincipalArn"]).map(flat).sort();
    expect(readers).toEqual(
      [
        "vbm-ingest-function",
        "vbm-materialise-function",
        "vbm-send-factsheets-function",
        "vbm-national-report-function",
        "vbm-send-receipt-function",
        // Reads receipts and documents for the pages; signs the presigned uploads (SSE-KMS).
        "vbm-portal-function",
        "vbm-facilitator",
        "vbm-igj-analyst",
        "vbm-config-deployment",
        "vbm-break-glass",
        "vbm-upload-*",
      ]
        .map(role)
        .sort(),
    );
    expect(deny.Condition?.Bool).toEqual({ "aws:PrincipalIsAWSService": "false" });
    expect(flat(deny.Condition?.StringNotEqualsIfExists?.["kms:ViaService"])).toBe(
      "sqs.<AWS::Region>.amazonaws.com",
    );
    // Every role of the app that is given data-key rights is one of the readers (a role without
    // them, such as the portal's static-files deployment, needs no place in the key policy).
    const roleNames = STACKS.flatMap((s) => {
      const t = assembly.template(s);
      return resourcesOf(t, "AWS::IAM::Role")
        .filter(([id]) =>
          statementsForRole(t, id).some(
            (st) =>
              asList(st.Action).some((a) => a.startsWith("kms:")) &&
              asList(st.Resource).some((r) => /DataKey/.test(flat(r))),
          ),
        )
        .map(([, r]) => String(props(r).RoleName));
    });
    expect(roleNames).toContain("vbm-portal-function");
    for (const name of roleNames)
      expect(
        readers.some((r) =>
          new RegExp(`^${r.replace(/[.<>:]/g, "\\$&").replace("*", ".*")}$`).test(role(name)),
        ),
        name,
      ).toBe(true);
  });

  it("lets only the break-glass role's own policy allow PutKeyPolicy, DisableKey or ScheduleKeyDeletion", () => {
    const guarded = ["kms:PutKeyPolicy", "kms:DisableKey", "kms:ScheduleKeyDeletion"];
    const holders = new Set<string>();
    for (const stack of STACKS) {
      const t = assembly.template(stack);
      for (const [id, r] of resourcesOf(t, "AWS::IAM::Role"))
        for (const s of statementsForRole(t, id))
          if (s.Effect === "Allow" && asList(s.Action).some((a) => guarded.includes(a) || a === "kms:*"))
            holders.add(String(props(r).RoleName));
    }
    expect([...holders]).toEqual(["vbm-break-glass"]);
  });

  it("lets only CloudWatch Logs, EventBridge and CloudWatch alarms use the data key on the account's behalf", () => {
    const key = data.toJSON().Resources[dataKeyId()];
    const services = statementsOf(key.Properties.KeyPolicy)
      .filter((s) => s.Effect === "Allow" && (s.Principal as Json).Service)
      .map((s) => flat((s.Principal as Json).Service));
    expect(services.sort()).toEqual([
      "cloudwatch.amazonaws.com",
      "events.amazonaws.com",
      "logs.<AWS::Region>.amazonaws.com",
    ]);
  });
});

describe("buckets", () => {
  it("has the seven buckets, named by area, account and region", () => {
    expect([...bucketsByArea().keys()].sort()).toEqual([...AREAS].sort());
  });

  it("encrypts every data bucket with the data key (SSE-KMS + bucket key), the log bucket with SSE-S3", () => {
    for (const [area, [, bucket]] of bucketsByArea()) {
      const rule = (props(bucket).BucketEncryption as Json).ServerSideEncryptionConfiguration as Json[];
      expect(rule).toHaveLength(1);
      const sse = (rule[0] as Json).ServerSideEncryptionByDefault as Json;
      if (area === "access-logs") {
        expect(sse).toEqual({ SSEAlgorithm: "AES256" });
      } else {
        expect(sse.SSEAlgorithm).toBe("aws:kms");
        expect(sse.KMSMasterKeyID).toEqual({ "Fn::GetAtt": [dataKeyId(), "Arn"] });
        expect((rule[0] as Json).BucketKeyEnabled).toBe(true);
      }
    }
  });

  it("blocks public access, enforces bucket-owner ownership, versions, logs access and is retained", () => {
    const [logsId] = bucketsByArea().get("access-logs") as [string, Json];
    for (const [area, [, bucket]] of bucketsByArea()) {
      const p = props(bucket);
      expect(p.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(p.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] });
      expect(p.VersioningConfiguration).toEqual({ Status: "Enabled" });
      // Retained, except when the first create rolls back (the fixed name would block the retry).
      expect(bucket.DeletionPolicy).toBe("RetainExceptOnCreate");
      expect(bucket.UpdateReplacePolicy).toBe("Retain");
      if (area === "access-logs") expect(p.LoggingConfiguration).toBeUndefined();
      else
        expect(p.LoggingConfiguration).toEqual({
          DestinationBucketName: { Ref: logsId },
          LogFilePrefix: `${area}/`,
        });
    }
  });

  it("refuses plain HTTP and TLS below 1.2 on every bucket", () => {
    for (const [, [id]] of bucketsByArea()) {
      const denies = policyOf(id).filter((s) => s.Effect === "Deny" && asList(s.Action).includes("s3:*"));
      const conditions = denies.map((s) => s.Condition);
      expect(conditions).toContainEqual({ Bool: { "aws:SecureTransport": "false" } });
      expect(conditions).toContainEqual({ NumericLessThan: { "s3:TlsVersion": 1.2 } });
    }
  });

  it("refuses objects encrypted with any other key or without SSE-KMS on every data bucket", () => {
    for (const [area, [id]] of bucketsByArea()) {
      const puts = policyOf(id).filter(
        (s) => s.Effect === "Deny" && asList(s.Action).includes("s3:PutObject"),
      );
      if (area === "access-logs") {
        expect(puts).toEqual([]);
        continue;
      }
      const bySid = new Map(puts.map((s) => [s.Sid, s]));
      expect(bySid.get("DenyOtherKmsKeys")?.Condition).toEqual({
        StringNotEqualsIfExists: {
          "s3:x-amz-server-side-encryption-aws-kms-key-id": { "Fn::GetAtt": [dataKeyId(), "Arn"] },
        },
      });
      expect(bySid.get("DenyOtherEncryption")?.Condition).toEqual({
        StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" },
      });
      expect(bySid.get("DenyKmsWithoutKeyId")?.Condition).toEqual({
        StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
      });
      for (const s of puts) expect(s.Principal).toEqual({ AWS: "*" });
    }
  });

  it("aborts incomplete uploads and expires old versions everywhere; raw files and results expire", () => {
    const expected: Partial<Record<string, number>> = {
      dropzone: 30,
      quarantine: 30,
      "athena-results": 30,
      "access-logs": 365,
    };
    for (const [area, [, bucket]] of bucketsByArea()) {
      const rules = (props(bucket).LifecycleConfiguration as { Rules: Json[] }).Rules;
      expect(rules).toContainEqual({
        Id: "abort-incomplete-multipart-uploads",
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: "Enabled",
      });
      const noncurrent = rules.find((r) => r.NoncurrentVersionExpiration);
      expect((noncurrent?.NoncurrentVersionExpiration as Json | undefined)?.NoncurrentDays).toBe(
        area === "dropzone" || area === "quarantine" ? 1 : 90,
      );
      const expiry = rules.find((r) => r.ExpirationInDays !== undefined);
      expect(expiry?.ExpirationInDays).toBe(expected[area]);
    }
  });

  it("lets the portal's pages read the drop zone's answer to a presigned POST (CORS), and nothing else cross-origin", () => {
    for (const [area, [, bucket]] of bucketsByArea()) {
      const cors = props(bucket).CorsConfiguration as Json | undefined;
      if (area !== "dropzone") {
        expect(cors, area).toBeUndefined();
        continue;
      }
      expect(cors?.CorsRules).toEqual([
        { AllowedMethods: ["POST"], AllowedOrigins: ["https://*.cloudfront.net"], MaxAge: 3600 },
      ]);
    }
  });

  it("sends drop-zone and reports events to EventBridge natively: no notification custom resource anywhere", () => {
    for (const [area, [, bucket]] of bucketsByArea()) {
      const config = props(bucket).NotificationConfiguration;
      if (area === "dropzone" || area === "reports")
        expect(config, area).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
      else expect(config, area).toBeUndefined();
    }
    for (const stack of STACKS) {
      const t = assembly.template(stack);
      expect(Object.keys(t.findResources("Custom::S3BucketNotifications"))).toEqual([]);
      if (stack === "VbmData" || stack === "VbmCatalog" || stack === "VbmAccess")
        expect(Object.keys(t.findResources("AWS::Lambda::Function"))).toEqual([]);
    }
  });
});

describe("context", () => {
  it("destroys and empties data buckets only when vbm:retainData is false; keys stay retained", () => {
    expect(variant.assembly, variant.run.stderr).toBeDefined();
    const t = (variant.assembly as Assembly).template("VbmData");
    const buckets = resourcesOf(t, "AWS::S3::Bucket");
    expect(buckets).toHaveLength(AREAS.length);
    for (const [, b] of buckets) expect(b.DeletionPolicy).toBe("Delete");
    for (const [, k] of resourcesOf(t, "AWS::KMS::Key")) expect(k.DeletionPolicy).toBe("Retain");
    expect(resourcesOf(t, "Custom::S3AutoDeleteObjects")).toHaveLength(AREAS.length);
    const dropzone = buckets.find(([, b]) => flat(props(b).BucketName) === flatBucketName("dropzone"));
    const rules = (props((dropzone as [string, Json])[1]).LifecycleConfiguration as { Rules: Json[] }).Rules;
    expect(rules.find((r) => r.Id === "expire-current-objects")?.ExpirationInDays).toBe(7);
  });

  it("gives the mail-sending functions the portal's URL once vbm:portalUrl is set (and not before)", () => {
    expect(variant.assembly, variant.run.stderr).toBeDefined();
    const envOf = (a: Assembly, stack: string, name: string) => {
      const found = resourcesOf(a.template(stack), "AWS::Lambda::Function").find(
        ([, r]) => props(r).FunctionName === name,
      );
      expect(found, name).toBeDefined();
      return ((props((found as [string, Json])[1]).Environment as Json).Variables ?? {}) as Json;
    };
    for (const [stack, name] of [
      ["VbmPipeline", "vbm-send-receipt"],
      ["VbmDocuments", "vbm-send-factsheets"],
    ] as const) {
      expect(envOf(variant.assembly as Assembly, stack, name).PORTAL_URL, name).toBe(
        "https://portaal.vbm.example",
      );
      expect(envOf(assembly, stack, name).PORTAL_URL, name).toBeUndefined();
    }
    expect(() => infraConfig({ "vbm:portalUrl": "http://portaal.vbm.example" })).toThrow(/vbm:portalUrl/);
  });

  it("refuses an invalid context value with the key in the message", () => {
    expect(() => infraConfig({ "vbm:rawRetentionDays": 0 })).toThrow(/vbm:rawRetentionDays/);
    expect(() => infraConfig({ "vbm:facilitatorPrincipals": ["*"] })).toThrow(/vbm:facilitatorPrincipals/);
  });
});
