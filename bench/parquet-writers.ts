/**
 * Measurement behind the Parquet writer choice (see README, "Parquet writer").
 * Writes the same 1,000,000 curated rows with (a) parquet-wasm (arrow-rs, V1 pages)
 * and (b) DuckDB's appender + COPY ... TO, and prints time, size and page metadata.
 * Run: npx tsx bench/parquet-writers.ts
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, DuckDBTimestampValue } from "@duckdb/node-api";
import { Table, TimestampMicrosecond, makeVector, vectorFromArray, Utf8, Int32, Int16, Bool, Dictionary, tableToIPC } from "apache-arrow";
import * as pq from "parquet-wasm/node";

const n = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), "pqbench-"));
const pseudo = Array.from({ length: 1000 }, (_, i) => `p${i}`.padEnd(64, "a"));
const youth = new Int32Array(n), start = new BigInt64Array(n), type = new Int16Array(n), dur = new Int32Array(n);
const base = Date.UTC(2023, 0, 1) * 1000;
for (let i = 0; i < n; i++) { youth[i] = i % 1000; start[i] = BigInt(base + i * 60_000_000); type[i] = (i % 19) + 1; dur[i] = i % 300; }

function timeit(label: string, f: () => Promise<string> | string) {
  return (async () => { const t = performance.now(); const file = await f(); const ms = performance.now() - t;
    console.log(`${label}: ${ms.toFixed(0)} ms, ${(statSync(file).size / 1e6).toFixed(2)} MB`); return file; })();
}

const fa = await timeit("parquet-wasm", () => {
  const idx = makeVector(youth);
  const dictType = new Dictionary(new Utf8(), new Int32());
  const dict = vectorFromArray(pseudo, new Utf8());
  const pv = makeVector({ type: dictType, data: youth, dictionary: dict } as never);
  void idx;
  const t = new Table({
    youth_pseudonym: pv,
    start_ts: makeVector({ type: new TimestampMicrosecond(), data: start } as never),
    type_code: makeVector(type),
    duration_min: makeVector(dur),
  });
  const wasmTable = pq.Table.fromIPCStream(tableToIPC(t, "stream"));
  const props = new pq.WriterPropertiesBuilder().setWriterVersion(pq.WriterVersion.V1).setCompression(pq.Compression.SNAPPY).setDictionaryEnabled(true).build();
  const out = join(dir, "a.parquet");
  writeFileSync(out, pq.writeParquet(wasmTable, props));
  return out;
});

const fb = await timeit("duckdb appender+COPY", async () => {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run("create table t(youth_pseudonym varchar, start_ts timestamp, type_code smallint, duration_min integer)");
  const ap = await c.createAppender("t");
  for (let i = 0; i < n; i++) {
    ap.appendVarchar(pseudo[youth[i] as number] as string); ap.appendTimestamp(new DuckDBTimestampValue(start[i] as bigint));
    ap.appendSmallInt(type[i] as number); ap.appendInteger(dur[i] as number); ap.endRow();
  }
  ap.closeSync();
  const out = join(dir, "b.parquet");
  await c.run(`copy t to '${out}' (format parquet, compression snappy)`);
  return out;
});

const db = await DuckDBInstance.create(":memory:");
const c = await db.connect();
for (const f of [fa, fb]) {
  const r = await c.runAndReadAll(`select path_in_schema, type, encodings, any_value(compression) from parquet_metadata('${f}') group by all`);
  console.log(f, r.getRowObjectsJson());
  const s = await c.runAndReadAll(`select name, type, logical_type, converted_type from parquet_schema('${f}')`);
  console.log(s.getRowObjectsJson());
  const p = await c.runAndReadAll(`select count(*), min(start_ts), max(start_ts) from '${f}'`);
  console.log(p.getRowsJson());
}
void readFileSync;
rmSync(dir, { recursive: true });
