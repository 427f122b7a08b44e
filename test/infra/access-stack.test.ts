import type { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aggregates } from "../../queries/aggregates.ts";
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
let access: Template;

beforeAll(() => {
  built = buildApp();
  access = built.template(built.stacks.access);
}, 60_000);
afterAll(() => built?.dispose());

function role(name: string): [string, Json] {
  const found = resourcesOf(access, "AWS::IAM::Role").find(([, r]) => props(r).RoleName === name);
  expect(found, name).toBeDefined();
  return found as [string, Json];
}

function policiesOf(roleId: string): Json[] {
  return resourcesOf(access, "AWS::IAM::ManagedPolicy")
    .filter(([, p]) => asList(props(p).Roles as Json[]).some((r) => r.Ref === roleId))
    .map(([, p]) => p);
}

function statementsOfRole(name: string): Statement[] {
  return policiesOf(role(name)[0]).flatMap((p) => statementsOf(props(p).PolicyDocument));
}

/** The AWS principals a role's trust policy names, flattened. */
function trustedPrincipals(r: Json): string[] {
  return statementsOf(props(r).AssumeRolePolicyDocument)
    .flatMap((s) => asList((s.Principal as { AWS?: unknown }).AWS).map(flat))
    .sort();
}

const dropzone = "arn:<AWS::Partition>:s3:::vbm-dropzone-<AWS::AccountId>-<AWS::Region>";

describe("upload roles", () => {
  it("exist once per location, trusting only that location's principal (with its external id)", () => {
    const locations = built.stacks.config.locations;
    const uploadRoles = resourcesOf(access, "AWS::IAM::Role").filter(([, r]) =>
      String(props(r).RoleName).startsWith("vbm-upload-"),
    );
    expect(uploadRoles).toHaveLength(locations.length);
    for (const location of locations) {
      const [, r] = role(`vbm-upload-${location.code}`);
      const trust = statementsOf(props(r).AssumeRolePolicyDocument);
      expect(trust).toHaveLength(1);
      const t = trust[0] as Statement;
      expect(t.Effect).toBe("Allow");
      expect(t.Action).toBe("sts:AssumeRole");
      expect(t.Principal).toEqual({ AWS: location.principal });
      if (location.externalId)
        expect(t.Condition).toEqual({ StringEquals: { "sts:ExternalId": location.externalId } });
      else expect(t.Condition).toBeUndefined();
    }
  });

  it("allow nothing in S3 but PutObject under the location's own prefix", () => {
    for (const { code } of built.stacks.config.locations) {
      const statements = statementsOfRole(`vbm-upload-${code}`);
      expect(statements.length).toBeGreaterThan(0);
      const s3 = statements.filter((s) => asList(s.Action).some((a) => a.startsWith("s3:")));
      expect(s3).toHaveLength(1);
      const upload = s3[0] as Statement;
      expect(upload.Effect).toBe("Allow");
      expect(asList(upload.Action)).toEqual(["s3:PutObject"]);
      const resources = asList(upload.Resource).map(flat);
      expect(resources).toEqual([`${dropzone}/${code}/*`]);
      for (const r of resources) expect(r.endsWith(`/${code}/*`)).toBe(true);
      for (const s of statements) {
        expect(s.Effect).toBe("Allow");
        for (const a of asList(s.Action))
          expect(["s3:PutObject", "kms:GenerateDataKey", "kms:Decrypt"]).toContain(a);
        expect(s.Action).not.toContain("*");
      }
    }
  });

  it("may use the data key only through S3, for the drop zone or its own prefix", () => {
    for (const { code } of built.stacks.config.locations) {
      const kms = statementsOfRole(`vbm-upload-${code}`).filter((s) =>
        asList(s.Action).some((a) => a.startsWith("kms:")),
      );
      expect(kms).toHaveLength(1);
      const s = kms[0] as Statement;
      expect(asList(s.Action).sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
      expect(flat(s.Resource)).toMatch(/^<output:.*DataKey.*Arn.*>$/);
      expect(flat(s.Condition?.StringEquals?.["kms:ViaService"])).toBe("s3.<AWS::Region>.amazonaws.com");
      expect(asList(s.Condition?.StringLike?.["kms:EncryptionContext:aws:s3:arn"]).map(flat)).toEqual([
        dropzone,
        `${dropzone}/${code}/*`,
      ]);
    }
  });
});

describe("IGJ analyst", () => {
  it("can never reach curated data: no statement mentions the curated bucket or database", () => {
    const [id, r] = role("vbm-igj-analyst");
    const documents = [
      props(r).AssumeRolePolicyDocument,
      ...policiesOf(id).map((p) => props(p).PolicyDocument),
    ];
    expect(documents.length).toBeGreaterThan(1);
    const text = JSON.stringify(documents);
    expect(text).not.toMatch(/curated/i);
    expect(text).not.toContain("vbm_curated");
    expect(props(r).Policies).toBeUndefined();
    expect(props(r).ManagedPolicyArns).toBeUndefined();
  });

  it("queries only in the IGJ workgroup and reads only the aggregates catalog and bucket", () => {
    const statements = statementsOfRole("vbm-igj-analyst");
    const resources = statements.flatMap((s) => asList(s.Resource).map(flat));
    const athena = statements
      .filter((s) => asList(s.Action).some((a) => a.startsWith("athena:") && a !== "athena:ListWorkGroups"))
      .flatMap((s) => asList(s.Resource).map(flat));
    expect(athena).toEqual(["arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:workgroup/vbm-igj"]);
    const tables = resources.filter((r) => r.includes(":table/"));
    expect(tables.sort()).toEqual(
      aggregates
        .map((a) => `arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/vbm_aggregates/${a.name}`)
        .sort(),
    );
    const buckets = new Set(
      resources.filter((r) => r.includes(":s3:::")).map((r) => /:s3:::(vbm-[a-z-]+?)-</.exec(r)?.[1]),
    );
    expect([...buckets].sort()).toEqual(["vbm-aggregates", "vbm-athena-results"]);
    const results = resources.filter((r) => r.includes("vbm-athena-results") && r.endsWith("*"));
    for (const r of results) expect(r).toMatch(/\/igj\/\*$/);
    const writes = statements.filter((s) => asList(s.Action).includes("s3:PutObject"));
    for (const s of writes)
      for (const r of asList(s.Resource).map(flat)) expect(r).toMatch(/vbm-athena-results-.*\/igj\/\*$/);
  });
});

describe("facilitator", () => {
  it("can trigger the materialiser, read the delivery log and query curated data in its workgroup", () => {
    const statements = statementsOfRole("vbm-facilitator");
    const bySid = new Map(statements.map((s) => [s.Sid, s]));
    expect(asList(bySid.get("TriggerReports")?.Action)).toEqual(["lambda:InvokeFunction"]);
    expect(asList(bySid.get("TriggerReports")?.Resource).map(flat)).toEqual(
      ["vbm-materialise", "vbm-national-report", "vbm-send-factsheets"].map(
        (f) => `arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:${f}`,
      ),
    );
    expect(asList(bySid.get("ReadCuratedTables")?.Resource).map(flat)).toContain(
      "arn:<AWS::Partition>:s3:::vbm-curated-<AWS::AccountId>-<AWS::Region>/delivery-log/*",
    );
    expect(flat(bySid.get("QueryInFacilitatorWorkgroup")?.Resource)).toBe(
      "arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:workgroup/vbm-facilitator",
    );
    // Reads curated data; never writes or deletes it, and never reads the location receipts.
    for (const s of statements) {
      const writes = asList(s.Action).some((a) => /^s3:(Put|Delete)/.test(a));
      for (const r of asList(s.Resource).map(flat)) {
        if (writes) expect(r).toMatch(/vbm-athena-results-.*\/facilitator\/\*$/);
        expect(r).not.toContain("vbm-reports-");
        expect(r).not.toContain("vbm-dropzone-");
      }
    }
  });
});

describe("break glass", () => {
  it("is the role named in the key policies, assumable only with MFA, and may administer the keys", () => {
    const name = built.stacks.config.breakGlassRoleName;
    const [, r] = role(name);
    const trust = statementsOf(props(r).AssumeRolePolicyDocument);
    for (const t of trust) expect(t.Condition).toEqual({ Bool: { "aws:MultiFactorAuthPresent": "true" } });
    const actions = statementsOfRole(name).flatMap((s) => asList(s.Action));
    expect(actions).toContain("kms:ScheduleKeyDeletion");
    expect(actions).toContain("kms:DisableKey");
  });

  it("trusts the own account when no principals are configured, and the configured ones otherwise", () => {
    expect(trustedPrincipals(role("vbm-facilitator")[1])).toEqual([
      "arn:<AWS::Partition>:iam::<AWS::AccountId>:root",
    ]);
    const other = buildApp({
      overrides: { "vbm:igjPrincipals": ["arn:aws:iam::210987654321:role/igj-analysts", "111122223333"] },
    });
    try {
      const t = other.template(other.stacks.access);
      const [, igj] = resourcesOf(t, "AWS::IAM::Role").find(
        ([, x]) => props(x).RoleName === "vbm-igj-analyst",
      ) as [string, Json];
      const principals = trustedPrincipals(igj);
      expect(principals.sort()).toEqual(
        ["arn:aws:iam::210987654321:role/igj-analysts", "arn:<AWS::Partition>:iam::111122223333:root"].sort(),
      );
    } finally {
      other.dispose();
    }
  }, 60_000);
});
