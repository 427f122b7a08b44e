/**
 * `vbm-monitor figures` with VBM_MODE=aws runs on Athena (over the snapshot resolved from the
 * S3 delivery log), never on a local folder; without the Athena settings it refuses in Dutch.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../../functions/cli/main.ts";
import { captureIo, tempDir } from "../../helpers.ts";

const s3 = mockClient(S3Client);
const athena = mockClient(AthenaClient);
let cleanup = () => {};
beforeEach(() => {
  s3.reset();
  athena.reset();
});
afterEach(() => cleanup());

const storage = {
  VBM_MODE: "aws",
  AWS_REGION: "eu-west-1",
  DROPZONE_BUCKET: "vbm-dropzone-1-eu-west-1",
  QUARANTINE_BUCKET: "vbm-quarantine-1-eu-west-1",
  CURATED_BUCKET: "vbm-curated-1-eu-west-1",
  REPORTS_BUCKET: "vbm-reports-1-eu-west-1",
};
const athenaSettings = {
  ATHENA_WORKGROUP: "vbm-facilitator",
  ATHENA_CURATED_DATABASE: "vbm_curated",
  ATHENA_AGGREGATES_DATABASE: "vbm_aggregates",
  AGGREGATES_BUCKET: "vbm-aggregates-1-eu-west-1",
};

const body = (text: string) =>
  ({
    transformToByteArray: async () => new TextEncoder().encode(text),
  }) as unknown as GetObjectCommandOutput["Body"];

const logLine = {
  attempt_id: "0123456789abcdef0123",
  received_at: "2024-04-02 09:00:00.000",
  sequencer: null,
  processed_at: "2024-04-02 09:00:05.000",
  location: "AB",
  quarter: "2024-Q1",
  scope: "all",
  source_key: "AB/2024-Q1/all/export.csv",
  file_name: "export.csv",
  file_sha256: "0".repeat(64),
  file_bytes: 100,
  rows: 2,
  status: "accepted",
  errors: 0,
  warnings: 0,
  codebook_version: "2023",
  pseudonym_key_version: "k1",
  report_key: "AB/2024-Q1/0123456789abcdef0123.json",
  curated_key: "measures/location=AB/quarter=2024-Q1/0123456789abcdef0123.parquet",
  quarantine_key: null,
};

describe("figures in AWS mode", () => {
  it("runs every query on Athena, over the deliveries of one snapshot, and leaves the local folder alone", async () => {
    const t = tempDir("vbm-aws-figures-");
    cleanup = t.cleanup;
    s3.on(ListObjectsV2Command, { Prefix: "delivery-log/" }).resolves({
      Contents: [{ Key: "delivery-log/AB/2024-Q1/0123456789abcdef0123.json" }],
    });
    s3.on(ListObjectsV2Command, { Prefix: "occupancy-log/" }).resolves({ Contents: [] });
    s3.on(GetObjectCommand, { Key: "delivery-log/AB/2024-Q1/0123456789abcdef0123.json" }).resolves({
      Body: body(JSON.stringify(logLine)),
    });
    s3.on(GetObjectCommand, { Key: "config/locations.json" }).resolves({
      Body: body(JSON.stringify([{ code: "AB", name: "De Horst", emails: [] }])),
    });
    // The delivery-status query answers with the snapshot's delivery (figures refuse to run on
    // no delivery at all); every other query answers with no rows.
    athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString?: string }) => ({
      QueryExecutionId: /SELECT location, quarter, scope, rows, attempt_id/.test(input.QueryString ?? "")
        ? "status"
        : "q1",
    }));
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });
    const statusColumns = ["location", "quarter", "scope", "rows", "attempt_id"];
    athena.on(GetQueryResultsCommand, { QueryExecutionId: "status" }).resolves({
      ResultSet: {
        ResultSetMetadata: {
          ColumnInfo: statusColumns.map((Name) => ({
            Name,
            Type: Name === "rows" ? "bigint" : "varchar",
          })),
        },
        Rows: [
          { Data: statusColumns.map((c) => ({ VarCharValue: c })) },
          {
            Data: ["AB", "2024-Q1", "all", "2", "0123456789abcdef0123"].map((VarCharValue) => ({
              VarCharValue,
            })),
          },
        ],
      },
    });
    const dataDir = join(t.dir, "local");
    const c = captureIo({ ...storage, ...athenaSettings });

    const code = await run(["figures", "--quarter", "2024-Q1", "--json", "--data-dir", dataDir], c.io);

    expect(code, c.err()).toBe(0);
    const starts = athena.commandCalls(StartQueryExecutionCommand).map((call) => call.args[0].input);
    expect(starts).toHaveLength(13);
    for (const input of starts) {
      expect(input.WorkGroup).toBe("vbm-facilitator");
      expect(input.QueryExecutionContext?.Database).toBe("vbm_curated");
      // The snapshot's current delivery is in front of the query.
      expect(input.QueryString).toMatch(
        /^WITH current_delivery AS \(SELECT \* FROM \(VALUES \('AB', '2024-Q1', '0123456789abcdef0123'/m,
      );
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it("refuses in Dutch, naming the variables, when the Athena settings are missing", async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const c = captureIo({ ...storage });
    expect(await run(["figures", "--quarter", "2024-Q1"], c.io)).toBe(2);
    expect(c.err()).toContain("ATHENA_WORKGROUP");
    expect(c.err()).toMatch(/ontbreken/);
    expect(c.out()).toBe("");
  });

  it("says in Dutch when the locations config is missing from the AWS environment", async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(GetObjectCommand).rejects(Object.assign(new Error("no such key"), { name: "NoSuchKey" }));
    const c = captureIo({ ...storage, ...athenaSettings });
    expect(await run(["figures", "--quarter", "2024-Q1"], c.io)).toBe(2);
    expect(c.err()).toContain("De lijst van locaties (config/locations.json) ontbreekt in de AWS-omgeving");
    expect(c.err()).not.toMatch(/missing|instellingen ontbreken of kloppen niet: \./);
  });
});
