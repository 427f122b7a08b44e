/**
 * `vbm-monitor trend` with VBM_MODE=aws runs its two queries on Athena (over the snapshot
 * resolved from the S3 delivery log) and fits the models on what Athena answers; the local
 * folder is left alone. Athena answers here with the R reference data set, so the result must
 * be R's.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  AthenaClient,
  type ColumnInfo,
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
import type { TrendModelOk, TrendResult } from "../../../functions/core/trend.ts";
import { captureIo, tempDir } from "../../helpers.ts";
import { deviation, FIXTURES, type RModel, readCsv, readReference } from "../stats/reference.ts";

const s3 = mockClient(S3Client);
const athena = mockClient(AthenaClient);
let cleanup = () => {};
beforeEach(() => {
  s3.reset();
  athena.reset();
});
afterEach(() => cleanup());

const env = {
  VBM_MODE: "aws",
  AWS_REGION: "eu-west-1",
  DROPZONE_BUCKET: "vbm-dropzone-1-eu-west-1",
  QUARANTINE_BUCKET: "vbm-quarantine-1-eu-west-1",
  CURATED_BUCKET: "vbm-curated-1-eu-west-1",
  REPORTS_BUCKET: "vbm-reports-1-eu-west-1",
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
  received_at: "2020-01-10 09:00:00.000",
  sequencer: null,
  processed_at: "2020-01-10 09:00:05.000",
  location: "LA",
  quarter: "2019-Q4",
  scope: "seclusion",
  source_key: "LA/2019-Q4/seclusion/export.csv",
  file_name: "export.csv",
  file_sha256: "0".repeat(64),
  file_bytes: 100,
  rows: 13,
  status: "accepted",
  errors: 0,
  warnings: 0,
  codebook_version: "2023",
  pseudonym_key_version: "k1",
  report_key: "LA/2019-Q4/0123456789abcdef0123.json",
  curated_key: "measures/location=LA/quarter=2019-Q4/0123456789abcdef0123.parquet",
  quarantine_key: null,
};

/** An Athena result set: header row first, values as text (null = no VarCharValue). */
function resultSet(columns: [string, string][], rows: (string | null)[][]) {
  const info: ColumnInfo[] = columns.map(([Name, Type]) => ({ Name, Type }));
  const cell = (v: string | null) => (v === null ? {} : { VarCharValue: v });
  return {
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: info },
      Rows: [{ Data: columns.map(([n]) => cell(n)) }, ...rows.map((r) => ({ Data: r.map(cell) }))],
    },
  };
}

describe("trend in AWS mode", () => {
  it("queries Athena over the snapshot and fits the models on its answer", async () => {
    // Prepare: Athena answers with the reference data set of stats/reference.
    const t = tempDir("vbm-aws-trend-");
    cleanup = t.cleanup;
    s3.on(ListObjectsV2Command, { Prefix: "delivery-log/" }).resolves({
      Contents: [{ Key: "delivery-log/LA/2019-Q4/0123456789abcdef0123.json" }],
    });
    s3.on(ListObjectsV2Command, { Prefix: "occupancy-log/" }).resolves({ Contents: [] });
    s3.on(GetObjectCommand, { Key: "delivery-log/LA/2019-Q4/0123456789abcdef0123.json" }).resolves({
      Body: body(JSON.stringify(logLine)),
    });
    const months = readCsv(join(FIXTURES, "months.csv"));
    const measures = readCsv(join(FIXTURES, "measures.csv"));
    athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => ({
      QueryExecutionId: input.QueryString.includes("AS seclusions") ? "months" : "measures",
    }));
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    athena.on(GetQueryResultsCommand, { QueryExecutionId: "months" }).resolves(
      resultSet(
        [
          ["location", "varchar"],
          ["month", "varchar"],
          ["quarter", "varchar"],
          ["scope", "varchar"],
          ["occupancy", "double"],
          ["seclusions", "bigint"],
        ],
        months.map((r) => [
          String(r.location),
          String(r.month),
          "",
          "seclusion",
          String(r.occupancy),
          String(r.seclusions),
        ]),
      ),
    );
    athena.on(GetQueryResultsCommand, { QueryExecutionId: "measures" }).resolves(
      resultSet(
        [
          ["location", "varchar"],
          ["month", "varchar"],
          ["duration_min", "integer"],
          ["type_code", "smallint"],
          ["room", "varchar"],
          ["n", "bigint"],
        ],
        measures.map((r) => [
          String(r.location),
          String(r.month),
          r.durationMin === "" ? null : String(r.durationMin),
          r.isolation === "1" ? "6" : "10",
          r.isolation === "1" ? "isoleer_separeerruimte" : "eigen_kamer",
          "1",
        ]),
      ),
    );
    const dataDir = join(t.dir, "local");
    const c = captureIo(env);

    // Act
    const code = await run(
      [
        "trend",
        "--from",
        "2019-Q4",
        "--to",
        "2023-Q3",
        "--periods",
        "2019-10..2020-03,2020-09..2021-08,2021-09..2022-09,2022-10..2023-09",
        "--json",
        "--data-dir",
        dataDir,
      ],
      c.io,
    );

    // Assess
    expect(code, c.err()).toBe(0);
    const starts = athena.commandCalls(StartQueryExecutionCommand).map((call) => call.args[0].input);
    expect(starts).toHaveLength(2);
    for (const input of starts) {
      expect(input.WorkGroup).toBe("vbm-facilitator");
      expect(input.QueryString).toMatch(
        /^WITH current_delivery AS \(SELECT \* FROM \(VALUES \('LA', '2019-Q4'/m,
      );
      expect(input.ExecutionParameters?.slice(0, 2)).toEqual(["'2019-Q4'", "'2023-Q3'"]);
    }
    const result = JSON.parse(c.out()) as TrendResult;
    const count = result.models[0] as TrendModelOk;
    const r = readReference(FIXTURES).models.count as RModel;
    expect(count.n).toBe(r.n);
    expect(deviation(count.theta as number, r.theta as number)).toBeLessThan(5e-5);
    expect(deviation(count.terms[1]?.estimate as number, r.terms.periodP2?.ratio as number)).toBeLessThan(
      5e-5,
    );
    expect(result.models.every((m) => m.status === "ok")).toBe(true);
    expect(existsSync(dataDir)).toBe(false);
  });
});
