import {
  Bool,
  type Data,
  type DataType,
  Dictionary,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  makeData,
  makeVector,
  Table,
  TimestampMicrosecond,
  tableFromIPC,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import * as parquet from "parquet-wasm/node";

/**
 * Parquet encoding of the curated tables with parquet-wasm (arrow-rs): V1 data pages, snappy,
 * dictionary encoding, INT64 timestamps in microseconds with isAdjustedToUTC=false (local wall
 * time), no INT96 — readable by DuckDB and Athena engine v3. Chosen by measurement, see README.
 */

/** Packs a 0/1 array into an Arrow bitmap. */
function bitmap(bits: ArrayLike<number>, length: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(length / 8));
  for (let i = 0; i < length; i++) if (bits[i]) out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7));
  return out;
}

interface Nulls {
  nullBitmap?: Uint8Array;
  nullCount: number;
}

/**
 * The validity bitmap of a column whose value at i is null where `marks[i]` is negative (or NaN
 * with `nan`). Plain loops over typed arrays: a callback per row cost several times as much.
 */
function nullsWhere(marks: ArrayLike<number>, nan = false): Nulls {
  const length = marks.length;
  let nullCount = 0;
  if (nan) {
    for (let i = 0; i < length; i++) if (Number.isNaN(marks[i])) nullCount++;
  } else for (let i = 0; i < length; i++) if ((marks[i] as number) < 0) nullCount++;
  if (nullCount === 0) return { nullCount };
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  for (let i = 0; i < length; i++) {
    const mark = marks[i] as number;
    if (nan ? !Number.isNaN(mark) : mark >= 0)
      nullBitmap[i >> 3] = (nullBitmap[i >> 3] as number) | (1 << (i & 7));
  }
  return { nullCount, nullBitmap };
}

/**
 * A string column as dictionary indices into `values`; index -1 means null. Int8 indices (up to
 * 127 values) keep low-cardinality columns at one byte per row all the way into the writer.
 */
export function dictionaryColumn(values: readonly string[], indices: Int32Array | Int8Array): Vector {
  const length = indices.length;
  const { nullBitmap, nullCount } = nullsWhere(indices);
  let data = indices;
  if (nullCount > 0) {
    data = indices.slice();
    for (let i = 0; i < length; i++) if ((data[i] as number) < 0) data[i] = 0;
  }
  return makeVector(
    makeData({
      type: new Dictionary(new Utf8(), indices instanceof Int8Array ? new Int8() : new Int32()),
      length,
      nullCount,
      ...(nullBitmap ? { nullBitmap } : {}),
      data,
      dictionary: vectorFromArray(values as string[], new Utf8()),
    }),
  );
}

/** Same string in every row. */
export function constantColumn(value: string, length: number): Vector {
  return dictionaryColumn([value], new Int8Array(length));
}

/** Int32 values; with `negativeIsNull`, negative values are null. */
export function int32Column(values: Int32Array, negativeIsNull = false): Vector {
  const { nullBitmap, nullCount }: Nulls = negativeIsNull ? nullsWhere(values) : { nullCount: 0 };
  return makeVector(
    makeData({
      type: new Int32(),
      length: values.length,
      nullCount,
      ...(nullBitmap ? { nullBitmap } : {}),
      data: values,
    }),
  );
}

export function int16Column(values: Int16Array): Vector {
  return makeVector(makeData({ type: new Int16(), length: values.length, nullCount: 0, data: values }));
}

export function float64Column(values: Float64Array): Vector {
  return makeVector(makeData({ type: new Float64(), length: values.length, nullCount: 0, data: values }));
}

/** Booleans from 0/1 values; with `nullWhere`, rows where it is negative are null. */
export function boolColumn(values: ArrayLike<number>, length: number, nullWhere?: ArrayLike<number>): Vector {
  const { nullBitmap, nullCount }: Nulls = nullWhere ? nullsWhere(nullWhere) : { nullCount: 0 };
  return makeVector(
    makeData({
      type: new Bool(),
      length,
      nullCount,
      ...(nullBitmap ? { nullBitmap } : {}),
      data: bitmap(values, length),
    }),
  );
}

/** Timestamps (local wall time) from wall milliseconds; NaN means null. */
export function timestampColumn(wallMs: Float64Array): Vector {
  const length = wallMs.length;
  const micros = new BigInt64Array(length);
  // Write the int64 microseconds as two little-endian 32-bit halves: exact for |µs| < 2^53
  // (until the year 287396), and much faster than a BigInt per row.
  const halves = new Uint32Array(micros.buffer);
  for (let i = 0; i < length; i++) {
    const v = wallMs[i] as number;
    if (Number.isNaN(v)) continue;
    const us = v * 1000;
    const hi = Math.floor(us / 4294967296);
    halves[2 * i] = us - hi * 4294967296;
    halves[2 * i + 1] = hi;
  }
  const { nullBitmap, nullCount } = nullsWhere(wallMs, true);
  return makeVector(
    makeData({
      type: new TimestampMicrosecond(),
      length,
      nullCount,
      ...(nullBitmap ? { nullBitmap } : {}),
      data: micros,
    } as {
      type: TimestampMicrosecond;
      length: number;
      nullCount: number;
      data: BigInt64Array;
    }) as Data<DataType>,
  );
}

/** Per-column writer settings beyond the defaults (dictionary encoding, chunk statistics). */
export interface ColumnSettings {
  /** Nearly unique values, where a dictionary only costs time: written plain. */
  plain?: readonly string[];
  /**
   * Columns whose min/max statistics nobody filters on (pseudonyms, labels): written without them.
   * Statistics of string columns cost a quarter of the writer's time.
   */
  withoutStatistics?: readonly string[];
}

/**
 * Writes the columns (in the given order) as one Parquet file. Dictionary encoding is on except
 * for `settings.plain` columns; statistics are kept per column chunk (what Athena and DuckDB use to
 * skip data), not per page, except for `settings.withoutStatistics`.
 */
export function writeParquet(columns: Record<string, Vector>, settings: ColumnSettings = {}): Uint8Array {
  const table = new Table(columns);
  const wasmTable = parquet.Table.fromIPCStream(tableToIPC(table, "stream"));
  return parquet.writeParquet(wasmTable, writerProperties(settings));
}

function writerProperties(settings: ColumnSettings, rowGroupRows?: number): parquet.WriterProperties {
  let builder = new parquet.WriterPropertiesBuilder()
    .setWriterVersion(parquet.WriterVersion.V1)
    .setCompression(parquet.Compression.SNAPPY)
    .setDictionaryEnabled(true)
    .setStatisticsEnabled(parquet.EnabledStatistics.Chunk)
    .setCreatedBy("vbm-monitor");
  if (rowGroupRows !== undefined) builder = builder.setMaxRowGroupSize(rowGroupRows);
  for (const c of settings.plain ?? []) builder = builder.setColumnDictionaryEnabled(c, false);
  for (const c of settings.withoutStatistics ?? [])
    builder = builder.setColumnStatisticsEnabled(c, parquet.EnabledStatistics.None);
  return builder.build();
}

/**
 * Writes row groups as one Parquet file, with the same settings as `writeParquet`: each group's
 * columns are built (by `groups`, lazily) only when the writer is ready for them, converted and
 * written as one row group of at most `rowGroupRows` rows, and then dropped, so only one row group
 * is in memory at a time besides the Parquet bytes written so far. `groups` yields at least one group.
 */
export async function writeParquetRowGroups(
  groups: Iterable<Record<string, Vector>>,
  rowGroupRows: number,
  settings: ColumnSettings = {},
): Promise<Uint8Array> {
  const iterator = groups[Symbol.iterator]();
  const batches = new ReadableStream<parquet.RecordBatch>({
    pull(controller) {
      const next = iterator.next();
      if (next.done) {
        controller.close();
        return;
      }
      const wasmTable = parquet.Table.fromIPCStream(tableToIPC(new Table(next.value), "stream"));
      for (const batch of wasmTable.recordBatches()) controller.enqueue(batch);
      wasmTable.free();
    },
  });
  const bytes = await parquet.transformParquetStream(batches, writerProperties(settings, rowGroupRows));
  const parts: Uint8Array[] = [];
  let length = 0;
  const reader = (bytes as ReadableStream<Uint8Array>).getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    parts.push(part.value);
    length += part.value.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * How often each value occurs in one string column of a Parquet file (e.g. the pseudonyms of an
 * earlier delivery), null values left out. The column is read 64 Ki rows at a time by parquet-wasm's
 * file reader, which reads only that column's pages: `readParquet` of one column of a 1,000,000-row
 * delivery (20 MB) took 180 MiB more and 2-3 s, this takes 20 MiB and under a second.
 */
export async function countStrings(bytes: Uint8Array, column: string): Promise<Map<string, number>> {
  const file = await parquet.ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const batches = (await file.stream({
    columns: [column],
    batchSize: 64 * 1024,
  })) as ReadableStream<parquet.RecordBatch>;
  const counts = new Map<string, number>();
  const reader = batches.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    const vector = tableFromIPC(next.value.intoIPCStream()).getChild(column);
    if (!vector) throw new Error(`column ${column} not found`);
    for (let i = 0; i < vector.length; i++) {
      const value = vector.get(i);
      if (value !== null) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
    }
  }
  return counts;
}

export type ColumnType = "string" | "bigint" | "int" | "smallint" | "double" | "boolean";

/**
 * A small table of plain rows (e.g. an aggregate) as Parquet, with the given column types; null
 * values stay null. For row-level data use the typed column builders above.
 */
export function writeRowsParquet(
  columns: readonly { name: string; type: ColumnType }[],
  rows: readonly Record<string, string | number | boolean | null>[],
): Uint8Array {
  const arrowType = {
    string: () => new Utf8(),
    bigint: () => new Int64(),
    int: () => new Int32(),
    smallint: () => new Int16(),
    double: () => new Float64(),
    boolean: () => new Bool(),
  } as const;
  const vectors: Record<string, Vector> = {};
  for (const c of columns) {
    const values = rows.map((r) => {
      const v = r[c.name] ?? null;
      if (v === null) return null;
      return c.type === "bigint" ? BigInt(v as number) : v;
    });
    vectors[c.name] = vectorFromArray(values as never[], arrowType[c.type]());
  }
  return writeParquet(vectors);
}
