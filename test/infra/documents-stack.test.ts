import type { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { athenaEnv, mailEnv, parseEnv, storageEnv } from "../../functions/config.ts";
import {
  type Assembly,
  asList,
  flat,
  type Json,
  props,
  resourcesOf,
  type Statement,
  sharedAssembly,
  statementsOf,
} from "./assembly.ts";

let assembly: Assembly;
let documents: Template;
let access: Template;

beforeAll(async () => {
  assembly = (await sharedAssembly()).assembly;
  documents = assembly.template("VbmDocuments");
  access = assembly.template("VbmAccess");
}, 360_000);

function fn(name: string): Json {
  const found = resourcesOf(documents, "AWS::Lambda::Function").find(
    ([, r]) => props(r).FunctionName === name,
  );
  expect(found, name).toBeDefined();
  return (found as [string, Json])[1];
}

function statementsOfFunction(name: string): Statement[] {
  const roleId = (props(fn(name)).Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
  return resourcesOf(documents, "AWS::IAM::ManagedPolicy")
    .filter(([, p]) => asList(props(p).Roles as Json[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => statementsOf(props(p).PolicyDocument));
}

describe("documents stack", () => {
  it("sends the factsheets on a quarterly schedule, an hour after the aggregates", () => {
    const rules = resourcesOf(documents, "AWS::Events::Rule").map(([, r]) => props(r));
    const schedule = rules.find((r) => r.ScheduleExpression === "cron(0 7 5 1,4,7,10 ? *)");
    expect(schedule).toBeDefined();
    const target = asList(schedule?.Targets as Json[])[0] as Json;
    expect(flat(target.Arn)).toContain("SendFactsheets");
    expect((target.RetryPolicy as Json).MaximumRetryAttempts).toBe(2);
    expect(target.DeadLetterConfig).toBeDefined();
  });

  it("may send mail only from the verified identity, through the configuration set", () => {
    for (const name of ["vbm-send-factsheets", "vbm-national-report"]) {
      const ses = statementsOfFunction(name).filter((s) =>
        asList(s.Action).some((a) => a.startsWith("ses:")),
      );
      expect(ses, name).toHaveLength(1);
      expect(asList(ses[0]?.Action).sort()).toEqual(["ses:SendEmail", "ses:SendRawEmail"]);
      expect(asList(ses[0]?.Resource).map(flat).sort()).toEqual([
        "arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:configuration-set/vbm-monitor",
        "arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/example.org",
      ]);
    }
    const sets = resourcesOf(assembly.template("VbmPipeline"), "AWS::SES::ConfigurationSet");
    expect(sets.map(([, s]) => props(s).Name)).toEqual(["vbm-monitor"]);
  });

  it("reads curated data and receipts but writes only documents, never curated data or receipts", () => {
    const statements = statementsOfFunction("vbm-national-report");
    const writes = statements
      .filter((s) => asList(s.Action).some((a) => a === "s3:PutObject" || a === "s3:DeleteObject"))
      .flatMap((s) => asList(s.Resource).map(flat));
    expect(writes.sort()).toEqual([
      "arn:<AWS::Partition>:s3:::vbm-athena-results-<AWS::AccountId>-<AWS::Region>/facilitator/*",
      "arn:<AWS::Partition>:s3:::vbm-reports-<AWS::AccountId>-<AWS::Region>/documents/*",
    ]);
    const all = JSON.stringify(statements.map((s) => asList(s.Resource).map(flat)));
    expect(all).toContain("/receipts/*");
    expect(all).not.toContain("vbm-quarantine");
    expect(all).not.toContain("vbm_aggregates");
    expect(statements.flatMap((s) => asList(s.Action)).some((a) => a.startsWith("kms:GenerateMac"))).toBe(
      false,
    );
  });

  it("gives the functions exactly the configuration the code parses", () => {
    const env = (props(fn("vbm-national-report")).Environment as Json).Variables as Record<string, unknown>;
    const strings = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, typeof v === "string" ? v : flat(v)]),
    ) as Record<string, string>;
    const withRegion = { ...strings, AWS_REGION: "eu-west-1" };
    expect(() => parseEnv(storageEnv, withRegion)).not.toThrow();
    expect(() => parseEnv(athenaEnv, withRegion)).not.toThrow();
    expect(parseEnv(mailEnv, withRegion).SES_CONFIGURATION_SET).toBe("vbm-monitor");
    // The locations (names, recipients) are read from config/locations.json, not the environment.
    expect(Object.keys(strings)).not.toContain("LOCATIONS_JSON");
    expect(Object.keys(strings)).not.toContain("LOCATION_CODES");
  });

  it("lets the facilitator invoke the report function", () => {
    const invoke = resourcesOf(access, "AWS::IAM::ManagedPolicy")
      .flatMap(([, p]) => statementsOf(props(p).PolicyDocument))
      .filter((s) => asList(s.Action).includes("lambda:InvokeFunction"))
      .flatMap((s) => asList(s.Resource).map(flat));
    expect(invoke.some((r) => r.endsWith(":function:vbm-national-report"))).toBe(true);
  });
});
