import {
  AthenaClient,
  type Row as AthenaRow,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  type AthenaEngineOptions,
  AthenaQueryError,
  createAthenaEngine,
  sqlLiteral,
} from "../../../functions/adapters/aws/athena-engine.ts";

const athena = mockClient(AthenaClient);
beforeEach(() => athena.reset());

const ID = "q-0001";

/** An engine whose sleeps take no time and are recorded. */
function engine(opts: Partial<AthenaEngineOptions> = {}) {
  const sleeps: number[] = [];
  const created = createAthenaEngine({
    client: new AthenaClient({ region: "eu-west-1" }),
    workGroup: "vbm",
    database: "vbm_curated",
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...opts,
  });
  return { engine: created, sleeps };
}

function states(...list: QueryExecutionState[]) {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
  let chain = athena.on(GetQueryExecutionCommand);
  for (const state of list)
    chain = chain.resolvesOnce({
      QueryExecution: { QueryExecutionId: ID, StatementType: "DML", Status: { State: state } },
    });
}

const cells = (...values: (string | undefined)[]): AthenaRow => ({
  Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })),
});
const column = (Name: string, Type: string): ColumnInfo => ({ Name, Type });

describe("Athena query engine", () => {
  it("runs a query and converts two pages of results by column type", async () => {
    // Prepare
    states("QUEUED", "RUNNING", "SUCCEEDED");
    const columns = [
      column("location", "varchar"),
      column("measures", "bigint"),
      column("hours", "double"),
      column("share", "decimal"),
      column("seclusion_only", "boolean"),
      column("started", "timestamp"),
      column("day", "date"),
      column("small", "integer"),
    ];
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: ID, NextToken: undefined })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns },
          Rows: [
            cells("location", "measures", "hours", "share", "seclusion_only", "started", "day", "small"),
            cells("AB", "12", "3.5", "0.25", "true", "2023-03-26 01:30:00.000", "2023-03-26", "-4"),
          ],
        },
        NextToken: "page-2",
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: ID, NextToken: "page-2" })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns },
          Rows: [
            cells("CD", undefined, "1.0E-3", undefined, "false", "2023-10-29 02:59:59.999", undefined, "0"),
          ],
        },
      });
    const { engine: e } = engine();

    // Act
    const rows = await e.query("SELECT * FROM measures WHERE quarter = ?", ["2023-Q1"]);

    // Assess
    expect(rows).toEqual([
      {
        location: "AB",
        measures: 12,
        hours: 3.5,
        share: 0.25,
        seclusion_only: true,
        started: "2023-03-26 01:30:00",
        day: "2023-03-26",
        small: -4,
      },
      {
        location: "CD",
        measures: null,
        hours: 0.001,
        share: null,
        seclusion_only: false,
        started: "2023-10-29 02:59:59",
        day: null,
        small: 0,
      },
    ]);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryString: "SELECT * FROM measures WHERE quarter = ?",
      WorkGroup: "vbm",
      QueryExecutionContext: { Database: "vbm_curated", Catalog: undefined },
      ExecutionParameters: ["'2023-Q1'"],
    });
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
    expect(e.dialect).toBe("athena");
  });

  it("keeps an empty string apart from null and returns [] for a result with only the header", async () => {
    states("SUCCEEDED", "SUCCEEDED");
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: [column("name", "varchar")] },
          Rows: [cells("name"), cells(""), cells(undefined)],
        },
      })
      .resolvesOnce({
        ResultSet: { ResultSetMetadata: { ColumnInfo: [column("name", "varchar")] }, Rows: [cells("name")] },
      });
    const { engine: e } = engine();

    expect(await e.query("SELECT name FROM t")).toEqual([{ name: "" }, { name: null }]);
    expect(await e.query("SELECT name FROM t WHERE false")).toEqual([]);
  });

  it("throws on a bigint beyond the safe integer range", async () => {
    states("SUCCEEDED");
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [column("n", "bigint")] },
        Rows: [cells("n"), cells("9007199254740993")],
      },
    });
    const { engine: e } = engine();

    await expect(e.query("SELECT n FROM t")).rejects.toThrow(
      /column n: bigint is not an integer within the safe/,
    );
  });

  it("throws on a result type it cannot convert", async () => {
    states("SUCCEEDED");
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [column("xs", "array")] },
        Rows: [cells("xs"), cells("[1, 2]")],
      },
    });
    await expect(engine().engine.query("SELECT xs FROM t")).rejects.toThrow(/unsupported result type array/);
  });

  it("returns [] for a statement without a result set and does not read results", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { QueryExecutionId: ID, StatementType: "DDL", Status: { State: "SUCCEEDED" } },
    });
    const { engine: e } = engine();

    expect(await e.query("CREATE TABLE x AS SELECT 1 AS one")).toEqual([]);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it("returns [] when the results carry no metadata", async () => {
    states("SUCCEEDED");
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
    expect(await engine().engine.query("INSERT INTO x SELECT 1")).toEqual([]);
  });

  it("fails with the reason and the query id when the query FAILED", async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    const athenaError = { ErrorCategory: 2, ErrorType: 1006, Retryable: false };
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: ID,
        Status: {
          State: "FAILED",
          StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
          AthenaError: athenaError,
        },
      },
    });

    // Act
    const error = await engine()
      .engine.query("SELECT nope FROM measures")
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AthenaQueryError);
    expect((error as Error).message).toContain(ID);
    expect((error as Error).message).toContain(
      "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
    );
    expect((error as Error).cause).toEqual(athenaError);
  });

  it("fails when the query was cancelled", async () => {
    states("RUNNING", "CANCELLED");
    await expect(engine().engine.query("SELECT 1")).rejects.toThrow(
      new AthenaQueryError(`Athena query ${ID} was cancelled`),
    );
  });

  it("polls with exponential backoff up to the maximum", async () => {
    states("QUEUED", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "SUCCEEDED");
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [column("one", "integer")] },
        Rows: [cells("one"), cells("1")],
      },
    });
    const { engine: e, sleeps } = engine();

    expect(await e.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);

    expect(sleeps).toEqual([200, 400, 800, 1600, 2000, 2000, 2000]);
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(7);
  });

  it("stops the query and fails when it runs past the timeout", async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { QueryExecutionId: ID, Status: { State: "RUNNING" } },
    });
    athena.on(StopQueryExecutionCommand).resolves({});
    const { engine: e, sleeps } = engine({ timeoutMs: 1000, pollMs: { initial: 100, max: 400 } });

    // Act
    const error = await e.query("SELECT slow()").catch((err: unknown) => err);

    // Assess
    expect(error).toBeInstanceOf(AthenaQueryError);
    expect((error as Error).message).toMatch(/q-0001 timed out after 1000 ms/);
    expect(sleeps).toEqual([100, 200, 400, 300]);
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryExecutionId: ID,
    });
  });

  it("wraps an SDK error when the query cannot start", async () => {
    const invalid = new InvalidRequestException({ message: "workgroup is disabled", $metadata: {} });
    athena.on(StartQueryExecutionCommand).rejects(invalid);

    const error = await engine()
      .engine.query("SELECT 1")
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaQueryError);
    expect((error as Error).cause).toBe(invalid);
    expect((error as Error).message).toContain("workgroup is disabled");
  });

  it("passes parameters as SQL literals, and none when there are none", async () => {
    // Prepare
    states("SUCCEEDED", "SUCCEEDED");
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
    const { engine: e } = engine({ catalog: "AwsDataCatalog" });

    // Act
    await e.query("SELECT ?, ?, ?, ?, ?, ?", ["De 'Hoeve'", 42, -1.5, true, false, null]);
    await e.query("SELECT 1", []);

    // Assess
    const [withParams, withoutParams] = athena
      .commandCalls(StartQueryExecutionCommand)
      .map((c) => c.args[0].input);
    expect(withParams?.ExecutionParameters).toEqual([
      "'De ''Hoeve'''",
      "42",
      "-1.5",
      "true",
      "false",
      "NULL",
    ]);
    expect(withParams?.QueryExecutionContext).toEqual({ Database: "vbm_curated", Catalog: "AwsDataCatalog" });
    expect(withoutParams?.ExecutionParameters).toBeUndefined();
  });

  it("refuses a non-finite number as a parameter", () => {
    expect(() => sqlLiteral(Number.NaN)).toThrow(RangeError);
    expect(sqlLiteral("")).toBe("''");
  });

  it("closes without destroying the shared client", async () => {
    const client = new AthenaClient({ region: "eu-west-1" });
    const destroy = vi.spyOn(client, "destroy");
    const e = createAthenaEngine({ client, workGroup: "vbm", database: "vbm_curated" });

    await e.close();

    expect(destroy).not.toHaveBeenCalled();
    expect(athena.calls()).toHaveLength(0);
  });
});
