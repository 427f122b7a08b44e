import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createAwsRuntime } from "../../functions/compose-aws.ts";
import { ConfigError } from "../../functions/config.ts";

/**
 * The functions read the locations (codes, names, recipients) from `config/locations.json` in
 * the reports bucket, deployed there by the CDK app, instead of from their environment.
 */
const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

const env = {
  VBM_MODE: "aws",
  AWS_REGION: "eu-west-1",
  DROPZONE_BUCKET: "vbm-dropzone-1-eu-west-1",
  QUARANTINE_BUCKET: "vbm-quarantine-1-eu-west-1",
  CURATED_BUCKET: "vbm-curated-1-eu-west-1",
  REPORTS_BUCKET: "vbm-reports-1-eu-west-1",
};

const locations = [
  { code: "AB", name: "De Horst", emails: ["registratie@horst.example.nl"] },
  { code: "CD", name: "Het Anker", emails: [] },
];

function body(text: string): GetObjectCommandOutput["Body"] {
  const bytes = new TextEncoder().encode(text);
  return { transformToByteArray: async () => bytes } as unknown as GetObjectCommandOutput["Body"];
}

const configObject = { Bucket: env.REPORTS_BUCKET, Key: "config/locations.json" };

describe("loadLocations (AWS)", () => {
  it("reads config/locations.json from the reports bucket, validated, once per container", async () => {
    s3.on(GetObjectCommand, configObject).resolves({ Body: body(JSON.stringify(locations)) });
    const runtime = await createAwsRuntime(env);
    expect(await runtime.loadLocations()).toEqual(locations);
    expect(await runtime.loadLocations()).toEqual(locations);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toMatchObject(configObject);
  });

  it("fails when the object does not exist, instead of running without a location check", async () => {
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: "no such key", $metadata: { httpStatusCode: 404 } }),
    );
    const runtime = await createAwsRuntime(env);
    await expect(runtime.loadLocations()).rejects.toThrow(/locations\.json is missing/);
  });

  it("refuses an invalid config, naming the field, and tries again on the next call", async () => {
    s3.on(GetObjectCommand)
      .resolvesOnce({ Body: body(JSON.stringify([{ code: "abc", name: "x" }])) })
      .resolvesOnce({ Body: body("{not json") })
      .resolves({ Body: body(JSON.stringify(locations)) });
    const runtime = await createAwsRuntime(env);
    await expect(runtime.loadLocations()).rejects.toThrow(ConfigError);
    await expect(runtime.loadLocations()).rejects.toThrow(/not valid JSON/);
    expect(await runtime.loadLocations()).toEqual(locations);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(3);
  });

  it("fails on a denied read instead of running without locations", async () => {
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: "AccessDenied",
        $fault: "client",
        message: "Access Denied",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const runtime = await createAwsRuntime(env);
    await expect(runtime.loadLocations()).rejects.toThrow();
  });

  it("ignores LOCATIONS_JSON and LOCATION_CODES in the environment", async () => {
    s3.on(GetObjectCommand, configObject).resolves({ Body: body(JSON.stringify(locations)) });
    const runtime = await createAwsRuntime({
      ...env,
      LOCATIONS_JSON: JSON.stringify([{ code: "ZZ", name: "old", emails: [] }]),
      LOCATION_CODES: "ZZ",
    });
    expect((await runtime.loadLocations()).map((l) => l.code)).toEqual(["AB", "CD"]);
  });
});

describe("lazy adapters (AWS)", () => {
  it("loads the KMS pseudonymiser only for a function given the pseudonym key", async () => {
    const ingest = await createAwsRuntime({
      ...env,
      PSEUDONYM_KEY_ID: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    });
    expect(ingest.ports.pseudonymiser.keyVersion).toMatch(/kms-1234abcd-12ab-34cd-56ef-1234567890ab$/);
    const other = await createAwsRuntime(env);
    expect(() => other.ports.pseudonymiser.keyVersion).toThrow(/PSEUDONYM_KEY_ID/);
  });
});
