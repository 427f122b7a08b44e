/**
 * `QueryEngine` on Athena. Results are converted to the same plain values as the DuckDB engine:
 * integers and decimals as numbers (an integer beyond Number.MAX_SAFE_INTEGER throws),
 * timestamps as `YYYY-MM-DD HH:MM:SS` (fractional seconds dropped), dates as `YYYY-MM-DD`.
 */
import {
  type AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import {
  type CurrentDelivery,
  currentDeliveryColumns,
  measureColumns,
  measuresViewSql,
} from "../../../schemas/curated.ts";
import type { Snapshot } from "../../core/current.ts";
import type { QueryEngine, Row, SqlValue } from "../../ports.ts";
import { describeError } from "./describe-error.ts";

/** An Athena query failed, was cancelled or timed out, or its result could not be converted. */
export class AthenaQueryError extends Error {
  override readonly name = "AthenaQueryError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface AthenaEngineOptions {
  /** May be shared: `close()` leaves it alone. */
  client: AthenaClient;
  workGroup: string;
  database: string;
  /** Data catalog; Athena's default (`AwsDataCatalog`) when not given. */
  catalog?: string;
  /** Wait between status polls: starts at `initial`, doubles up to `max` (default 200 ms → 2 s). */
  pollMs?: { initial: number; max: number };
  /** Stop the query and fail after this long (default 5 minutes). */
  timeoutMs?: number;
  /** Injectable for tests; the time it is asked to sleep counts towards the timeout. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * The deliveries every query of this engine reads (resolved once from the delivery log): each
   * query gets `current_delivery` and `measures` as CTEs over exactly these, so a run's queries
   * agree even while deliveries are committed. Without it the Glue views are read as they are.
   */
  snapshot?: Pick<Snapshot, "current">;
}

const sqlText = (v: string | null) => (v === null ? "CAST(NULL AS VARCHAR)" : `'${v.replaceAll("'", "''")}'`);

/**
 * Puts the snapshot in front of a query as CTEs named like the views they replace (a CTE
 * shadows a table of the same name in Trino), keeping the query's own WITH list.
 */
export function withSnapshot(sql: string, current: readonly CurrentDelivery[]): string {
  const cols = currentDeliveryColumns;
  const value = (d: CurrentDelivery, c: (typeof cols)[number]) =>
    c === "rows" ? String(Math.trunc(d.rows)) : sqlText(d[c] as string | null);
  const currentSql =
    current.length > 0
      ? `SELECT * FROM (VALUES ${current.map((d) => `(${cols.map((c) => value(d, c)).join(", ")})`).join(", ")}) AS t(${cols.join(", ")})`
      : `SELECT ${cols.map((c) => `${c === "rows" ? "CAST(NULL AS INTEGER)" : "CAST(NULL AS VARCHAR)"} AS ${c}`).join(", ")} WHERE false`;
  const measuresSql = measuresViewSql([...measureColumns.map((c) => c.name), "location", "quarter"]);
  const ctes = `current_delivery AS (${currentSql}), measures AS (${measuresSql})`;
  const lines = sql.split("\n");
  let i = 0;
  while (i < lines.length && (/^\s*--/.test(lines[i] as string) || /^\s*$/.test(lines[i] as string))) i++;
  const head = lines.slice(0, i).join("\n");
  const body = lines.slice(i).join("\n");
  const rest = /^\s*with\s/i.test(body) ? `, ${body.replace(/^\s*with\s+/i, "")}` : `\n${body}`;
  return `${head}${head ? "\n" : ""}WITH ${ctes}${rest}`;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAthenaEngine(opts: AthenaEngineOptions): QueryEngine {
  const { client, workGroup } = opts;
  const poll = opts.pollMs ?? { initial: 200, max: 2000 };
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const sleep = opts.sleep ?? realSleep;

  const call = async <T>(what: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (e) {
      throw new AthenaQueryError(`Athena ${what} failed: ${describeError(e)}`, { cause: e });
    }
  };

  /** Polls until the query ends; returns the execution when it SUCCEEDED, throws otherwise. */
  const waitFor = async (id: string): Promise<QueryExecution> => {
    const started = Date.now();
    let waited = 0;
    let delay = poll.initial;
    for (;;) {
      // Real time in production; the sum of the sleeps when an instant sleep is injected.
      const elapsed = Math.max(waited, Date.now() - started);
      if (elapsed >= timeoutMs) {
        const stop = await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).then(
          () => undefined,
          (e: unknown) => e,
        );
        throw new AthenaQueryError(
          `Athena query ${id} timed out after ${timeoutMs} ms${stop ? "; stopping it failed" : " and was stopped"}`,
          stop ? { cause: stop } : undefined,
        );
      }
      const pause = Math.min(delay, timeoutMs - elapsed);
      await sleep(pause);
      waited += pause;
      delay = Math.min(delay * 2, poll.max);
      const { QueryExecution: execution } = await call(`GetQueryExecution ${id}`, () =>
        client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      const status = execution?.Status;
      switch (status?.State) {
        case "SUCCEEDED":
          return execution as QueryExecution;
        case "FAILED":
          throw new AthenaQueryError(
            `Athena query ${id} failed: ${status.StateChangeReason ?? "no reason given"}`,
            status.AthenaError ? { cause: status.AthenaError } : undefined,
          );
        case "CANCELLED":
          throw new AthenaQueryError(
            `Athena query ${id} was cancelled${status.StateChangeReason ? `: ${status.StateChangeReason}` : ""}`,
          );
      }
    }
  };

  const readResults = async (id: string): Promise<Row[]> => {
    const rows: Row[] = [];
    let columns: ColumnInfo[] | undefined;
    let token: string | undefined;
    let first = true;
    do {
      const page = await call(`GetQueryResults ${id}`, () =>
        client.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token })),
      );
      if (first) {
        columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo;
        if (!columns) return [];
        const names = columns.map((c) => c.Name);
        if (new Set(names).size !== names.length)
          throw new AthenaQueryError(`Athena query ${id}: duplicate column names: ${names.join(", ")}`);
      }
      const data = page.ResultSet?.Rows ?? [];
      // The first row of the first page repeats the column names.
      for (const { Data: cells = [] } of first ? data.slice(1) : data) {
        const row: Row = {};
        (columns as ColumnInfo[]).forEach((column, i) => {
          row[column.Name as string] = toSqlValue(cells[i]?.VarCharValue, column, id);
        });
        rows.push(row);
      }
      first = false;
      token = page.NextToken;
    } while (token);
    return rows;
  };

  return {
    dialect: "athena",
    broken: [],
    async query(rawSql, params = []) {
      const sql = opts.snapshot ? withSnapshot(rawSql, opts.snapshot.current) : rawSql;
      const { QueryExecutionId: id } = await call("StartQueryExecution", () =>
        client.send(
          new StartQueryExecutionCommand({
            QueryString: sql,
            WorkGroup: workGroup,
            QueryExecutionContext: { Database: opts.database, Catalog: opts.catalog },
            ExecutionParameters: params.length > 0 ? params.map(sqlLiteral) : undefined,
          }),
        ),
      );
      if (!id) throw new AthenaQueryError("Athena StartQueryExecution returned no QueryExecutionId");
      const execution = await waitFor(id);
      // CTAS, DDL and utility statements have no result set to read.
      if (execution.StatementType === "DDL" || execution.StatementType === "UTILITY") return [];
      return readResults(id);
    },
    async close() {},
  };
}

/** Athena execution parameters are SQL literals written as strings. */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`cannot pass ${value} as an Athena parameter`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

const INTEGER_TYPES = new Set(["tinyint", "smallint", "integer", "bigint"]);
const NUMBER_TYPES = new Set(["double", "float", "real", "decimal"]);
const STRING_TYPES = new Set(["varchar", "char", "string"]);

function toSqlValue(text: string | undefined, column: ColumnInfo, id: string): SqlValue {
  if (text === undefined) return null;
  const type = (column.Type ?? "").toLowerCase();
  const bad = (what: string) =>
    new AthenaQueryError(`Athena query ${id}, column ${column.Name}: ${what}: ${JSON.stringify(text)}`);
  if (STRING_TYPES.has(type)) return text;
  if (INTEGER_TYPES.has(type)) {
    const n = Number(text);
    if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n))
      throw bad(`${type} is not an integer within the safe number range`);
    return n;
  }
  if (NUMBER_TYPES.has(type)) {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n)) throw bad(`${type} is not a finite number`);
    return n;
  }
  if (type === "boolean") {
    if (text !== "true" && text !== "false") throw bad("not a boolean");
    return text === "true";
  }
  if (type === "date") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw bad("not a YYYY-MM-DD date");
    return text;
  }
  if (type === "timestamp") {
    const match = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(text);
    if (!match) throw bad("not a YYYY-MM-DD HH:MM:SS timestamp");
    return match[1] as string;
  }
  throw bad(`unsupported result type ${column.Type}`);
}
