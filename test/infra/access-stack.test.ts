import type { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InfraConfig } from "../../infra/config.ts";
import { aggregates } from "../../queries/aggregates.ts";
import {
  type Assembly,
  asList,
  flat,
  infraConfig,
  type Json,
  props,
  resourcesOf,
  type Statement,
  sharedAssembly,
  statementsOf,
  synthVariant,
  type Variant,
} from "./assembly.ts";

let access: Template;
let config: InfraConfig;
let variant: Variant;

beforeAll(async () => {
  const [shared, v] = await Promise.all([
    sharedAssembly(),
    // Configured IGJ principals, and a production stage with an alarm recipient.
    synthVariant({
      "vbm:igjPrincipals": ["arn:aws:iam::210987654321:role/igj-analysts", "111122223333"],
      "vbm:stage": "production",
      "vbm:alarmEmails": ["ops@example.org"],
    }),
  ]);
  access = shared.assembly.template("VbmAccess");
  config = infraConfig();
  variant = v;
}, 360_000);
afterAll(() => variant?.dispose());

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
    const locations = config.locations;
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
    for (const { code } of config.locations) {
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
    for (const { code } of config.locations) {
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
      .filter((s) => s.Sid !== "BrowseCatalogInAthena")
      .filter((s) => asList(s.Action).some((a) => a.startsWith("athena:") && a !== "athena:ListWorkGroups"))
      .flatMap((s) => asList(s.Resource).map(flat));
    expect(athena).toEqual(["arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:workgroup/vbm-igj"]);
    const tables = [...new Set(resources.filter((r) => r.includes(":table/")))];
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
    expect(asList(bySid.get("ReadCuratedTables")?.Resource).map(flat).sort()).toEqual(
      ["delivery-log/*", "measures/*", "occupancy-log/*", "occupancy/*"].map(
        (p) => `arn:<AWS::Partition>:s3:::vbm-curated-<AWS::AccountId>-<AWS::Region>/${p}`,
      ),
    );
    expect(flat(bySid.get("QueryInFacilitatorWorkgroup")?.Resource)).toBe(
      "arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:workgroup/vbm-facilitator",
    );
    // Reads curated data; never writes or deletes it, and never reads the location receipts.
    // In the reports bucket only the verdict-mail status (and the locations config) is readable,
    // and only a mail request can be written again (`vbm-monitor mail --retry`).
    const reports = "arn:<AWS::Partition>:s3:::vbm-reports-<AWS::AccountId>-<AWS::Region>";
    for (const s of statements) {
      const writes = asList(s.Action).some((a) => /^s3:(Put|Delete)/.test(a));
      for (const r of asList(s.Resource).map(flat)) {
        if (writes)
          expect(r).toMatch(/vbm-athena-results-.*\/facilitator\/\*$|vbm-reports-.*\/mail\/requests\/\*$/);
        if (r.startsWith(reports))
          expect([
            reports,
            `${reports}/mail/*`,
            `${reports}/mail/requests/*`,
            `${reports}/config/locations.json`,
          ]).toContain(r);
        expect(r).not.toContain("vbm-dropzone-");
      }
    }
  });
});

describe("break glass", () => {
  it("is the role named in the key policies, assumable only with MFA, and may administer the keys", () => {
    const name = config.breakGlassRoleName;
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
    expect(variant.assembly, variant.run.stderr).toBeDefined();
    const t = (variant.assembly as Assembly).template("VbmAccess");
    const [, igj] = resourcesOf(t, "AWS::IAM::Role").find(
      ([, x]) => props(x).RoleName === "vbm-igj-analyst",
    ) as [string, Json];
    const principals = trustedPrincipals(igj);
    expect(principals.sort()).toEqual(
      ["arn:aws:iam::210987654321:role/igj-analysts", "arn:<AWS::Partition>:iam::111122223333:root"].sort(),
    );
    // A production stage with a recipient subscribes it and names it in the output.
    const pipeline = (variant.assembly as Assembly).template("VbmPipeline");
    expect(resourcesOf(pipeline, "AWS::SNS::Subscription").map(([, x]) => props(x).Endpoint)).toEqual([
      "ops@example.org",
    ]);
    expect((pipeline.toJSON().Outputs as Json).AlarmRecipients).toMatchObject({ Value: "ops@example.org" });
  });
});

describe("browsing the catalog in the Athena console", () => {
  const glue = (kind: string, name: string) =>
    `arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:${kind}/${name}`;
  const browse = (role: string) => {
    const bySid = new Map(statementsOfRole(role).map((s) => [s.Sid, s]));
    const athena = bySid.get("BrowseCatalogInAthena") as Statement;
    const list = bySid.get("ListOwnDatabaseAndTables") as Statement;
    expect(athena, role).toBeDefined();
    expect(list, role).toBeDefined();
    expect(asList(athena.Action)).toEqual(
      expect.arrayContaining(["athena:ListDatabases", "athena:ListTableMetadata", "athena:GetTableMetadata"]),
    );
    expect(asList(athena.Resource).map(flat)).toEqual([
      "arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:datacatalog/AwsDataCatalog",
    ]);
    expect(asList(list.Action).sort()).toEqual(["glue:GetDatabases", "glue:GetTables"]);
    return asList(list.Resource).map(flat);
  };

  it("lets the facilitator list vbm_curated and its tables, nothing else", () => {
    expect(browse("vbm-facilitator").sort()).toEqual(
      [
        "arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:catalog",
        glue("database", "vbm_curated"),
        ...["current_delivery", "delivery_log", "measures", "measures_all", "occupancy"].map((t) =>
          glue("table", `vbm_curated/${t}`),
        ),
      ].sort(),
    );
  });

  it("lets the IGJ analyst list vbm_aggregates and its tables, nothing else", () => {
    expect(browse("vbm-igj-analyst").sort()).toEqual(
      [
        "arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:catalog",
        glue("database", "vbm_aggregates"),
        ...aggregates.map((a) => glue("table", `vbm_aggregates/${a.name}`)),
      ].sort(),
    );
  });
});
