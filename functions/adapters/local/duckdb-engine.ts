/**
 * Local `QueryEngine`: an in-memory DuckDB whose tables are the objects of one snapshot of a
 * local curated folder (see duckdb-dialect.ts and functions/core/current.ts): every query of
 * the engine reads exactly the same deliveries, however many deliveries finish meanwhile.
 *
 * Each Parquet object of the snapshot is checked (its footer) when the engine opens; a damaged
 * one is left out and reported in `broken`, so the caller can refuse the figures it would touch
 * and still serve the others. Open one engine per command / figures run and close it afterwards.
 *
 * Results are plain JSON-safe values, as the Athena adapter must return them too: integers of any
 * width and decimals as numbers (an integer beyond Number.MAX_SAFE_INTEGER throws), timestamps
 * as `YYYY-MM-DD HH:MM:SS` (no zone, seconds precision), dates as `YYYY-MM-DD`.
 */
import { join } from "node:path";
import {
  type DuckDBConnection,
  type DuckDBDateValue,
  type DuckDBDecimalValue,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBTimestampMillisecondsValue,
  type DuckDBTimestampNanosecondsValue,
  type DuckDBTimestampSecondsValue,
  type DuckDBTimestampTZValue,
  type DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBValue,
} from "@duckdb/node-api";
import { type BrokenObject, resolveSnapshot, type Snapshot } from "../../core/current.ts";
import type { QueryEngine, Row, SqlValue } from "../../ports.ts";
import {
  checkParquetSql,
  deliveryLogColumnNames,
  freezeViewSql,
  insertLogSql,
  sessionSettings,
  snapshotTableSql,
} from "./duckdb-dialect.ts";
import { createFolderStore } from "./folder-store.ts";

const INSERT_BATCH = 200;

/**
 * `snapshot`: the objects to read, resolved by the caller; without it, resolved now from the
 * curated folder itself.
 */
export async function createDuckDbEngine(opts: {
  curatedDir: string;
  snapshot?: Snapshot;
}): Promise<QueryEngine> {
  const snapshot =
    opts.snapshot ??
    (await resolveSnapshot(createFolderStore(opts.curatedDir, { areaDirs: { curated: opts.curatedDir } })));
  const instance = await DuckDBInstance.create(":memory:");
  let connection: DuckDBConnection | undefined;
  const broken: BrokenObject[] = [...snapshot.broken];
  try {
    connection = await instance.connect();
    for (const setting of sessionSettings) await connection.run(setting.sql);
    const usable = async (key: string, place: { location: string | null; quarter: string | null }) => {
      try {
        await (connection as DuckDBConnection).run(checkParquetSql(join(opts.curatedDir, key)));
        return true;
      } catch {
        broken.push({
          key,
          ...place,
          problem: "ontbreekt of is geen leesbaar Parquet-bestand (afgebroken of beschadigd)",
        });
        return false;
      }
    };
    const measuresFiles: string[] = [];
    for (const d of snapshot.current)
      if (d.curated_key && (await usable(d.curated_key, d)))
        measuresFiles.push(join(opts.curatedDir, d.curated_key));
    const occupancyFiles: string[] = [];
    for (const o of snapshot.occupancy)
      if (await usable(o.key, { location: "_occupancy", quarter: null }))
        occupancyFiles.push(join(opts.curatedDir, o.key));
    for (const statement of snapshotTableSql({ measuresFiles, occupancyFiles })) {
      try {
        await connection.run(statement.sql);
      } catch (error) {
        if (statement.orElse === undefined) throw error;
        await connection.run(statement.orElse);
      }
    }
    for (let i = 0; i < snapshot.log.length; i += INSERT_BATCH) {
      const batch = snapshot.log.slice(i, i + INSERT_BATCH);
      const values = batch.flatMap((e) => deliveryLogColumnNames.map((c) => (e[c] ?? null) as SqlValue));
      await connection.run(insertLogSql(batch.length), values);
    }
    for (const [table, view] of freezeViewSql) {
      try {
        await connection.run(table);
      } catch {
        continue;
      }
      await connection.run(view);
    }
    // The queries of a run are many and small (thousands of rows): on one thread each costs
    // about a third less than spread over the cores, and it leaves the other core to the rest
    // of the command (drawing the documents). Reading the objects above used every core.
    await connection.run("SET threads = 1");
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    throw error;
  }
  return new DuckDbEngine(instance, connection, broken);
}

class DuckDbEngine implements QueryEngine {
  readonly dialect = "duckdb" as const;
  readonly broken: readonly BrokenObject[];
  /** Queries run one at a time on the single connection; callers may still start them concurrently. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statements = new Map<string, DuckDBPreparedStatement>();
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    broken: readonly BrokenObject[],
  ) {
    this.broken = broken;
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    const run = async (): Promise<Row[]> => {
      if (this.closed) throw new Error("query engine is closed");
      const reader =
        params.length > 0 ? await this.prepared(sql, params) : await this.connection.runAndReadAll(sql);
      const names = reader.columnNames();
      if (new Set(names).size !== names.length)
        throw new Error(`duplicate column names in result: ${names.join(", ")}`);
      const typeIds = names.map((_, i) => reader.columnTypeId(i));
      return reader.getRows().map((values) => {
        const row: Row = {};
        names.forEach((name, i) => {
          row[name] = toSqlValue(values[i] ?? null, typeIds[i] as DuckDBTypeId, name);
        });
        return row;
      });
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs a query with parameters as a prepared statement kept for the engine's life: a document
   * run asks the same dozen queries hundreds of times with other values, and preparing (parsing,
   * binding, planning) each time again cost more than running them on a snapshot this small.
   */
  private async prepared(sql: string, params: readonly SqlValue[]) {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = await this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    // Cleared first: a value missing from this call must fail, not reuse the previous call's.
    statement.clearBindings();
    statement.bind([...params]);
    return statement.runAndReadAll();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    for (const statement of this.statements.values()) statement.destroySync();
    this.statements.clear();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

type AnyTimestamp =
  | DuckDBTimestampValue
  | DuckDBTimestampSecondsValue
  | DuckDBTimestampMillisecondsValue
  | DuckDBTimestampNanosecondsValue
  | DuckDBTimestampTZValue;

function toSqlValue(value: DuckDBValue, typeId: DuckDBTypeId, column: string): SqlValue {
  if (value === null) return null;
  switch (typeId) {
    case DuckDBTypeId.BOOLEAN:
      return value as boolean;
    case DuckDBTypeId.VARCHAR:
      return value as string;
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
      return value as number;
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE: {
      const n = value as number;
      if (!Number.isFinite(n)) throw new Error(`column ${column}: non-finite number ${n}`);
      return n;
    }
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT: {
      const n = value as bigint;
      if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER))
        throw new Error(`column ${column}: integer ${n} is beyond the safe number range`);
      return Number(n);
    }
    case DuckDBTypeId.DECIMAL:
      return (value as DuckDBDecimalValue).toDouble();
    case DuckDBTypeId.DATE:
      return (value as DuckDBDateValue).toString();
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return formatTimestamp(value as AnyTimestamp, column);
    default:
      throw new Error(`column ${column}: unsupported result type ${DuckDBTypeId[typeId] ?? typeId}`);
  }
}

/** `YYYY-MM-DD HH:MM:SS`, seconds precision, no zone (TIMESTAMP_TZ is rendered in UTC, the session zone). */
function formatTimestamp(value: AnyTimestamp, column: string): string {
  let millis: bigint;
  if ("seconds" in value) millis = value.seconds * 1000n;
  else if ("millis" in value) millis = value.millis;
  else if ("nanos" in value) millis = floorDiv(value.nanos, 1_000_000n);
  else millis = floorDiv(value.micros, 1000n);
  const date = new Date(Number(millis));
  const iso = Number.isNaN(date.getTime()) ? "" : date.toISOString();
  // Years outside 0000-9999 (and DuckDB's infinity values) have no `YYYY-MM-DD` form.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(iso))
    throw new Error(`column ${column}: timestamp out of range`);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Integer division rounding towards minus infinity (bigint `/` truncates towards zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}
