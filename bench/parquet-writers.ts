/**
 * The measurement behind the Parquet writer choice (README, "Parquet writer").
 * Writes the same curated-like rows with (a) parquet-wasm (arrow-rs, V1 pages) via the
 * project's own encoder helpers and (b) DuckDB's appender + COPY … TO, and prints time, size
 * and the page/type metadata DuckDB reads back. Run: npx tsx bench/parquet-writers.ts [rows]
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, DuckDBTimestampValue } from "@duckdb/node-api";
import {
  dictionaryColumn,
  int16Column,
  int32Column,
  timestampColumn,
  writeParquet,
} from "../functions/core/parquet.ts";

const n = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), "pqbench-"));
const pseudonyms = Array.from({ length: 1000 }, (_, i) => `p${i}`.padEnd(64, "a"));
const youth = new Int32Array(n);
const startMs = new Float64Array(n);
const type = new Int16Array(n);
const duration = new Int32Array(n);
const base = Date.UTC(2023, 0, 1);
for (let i = 0; i < n; i++) {
  youth[i] = i % 1000;
  startMs[i] = base + i * 60_000;
  type[i] = (i % 19) + 1;
  duration[i] = i % 300;
}

async function measure(label: string, write: (file: string) => Promise<void> | void): Promise<string> {
  const file = join(dir, `${label}.parquet`);
  const t = performance.now();
  await write(file);
  const ms = performance.now() - t;
  console.log(
    `${label.padEnd(22)} ${ms.toFixed(0).padStart(6)} ms  ${(statSync(file).size / 1e6).toFixed(2)} MB`,
  );
  return file;
}

try {
  const a = await measure("parquet-wasm", (file) =>
    writeFileSync(
      file,
      writeParquet({
        youth_pseudonym: dictionaryColumn(pseudonyms, youth),
        start_ts: timestampColumn(startMs),
        type_code: int16Column(type),
        duration_min: int32Column(duration),
      }),
    ),
  );
  const b = await measure("duckdb-appender-copy", async (file) => {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(
      "CREATE TABLE t (youth_pseudonym VARCHAR, start_ts TIMESTAMP, type_code SMALLINT, duration_min INTEGER)",
    );
    const ap = await c.createAppender("t");
    for (let i = 0; i < n; i++) {
      ap.appendVarchar(pseudonyms[youth[i] as number] as string);
      ap.appendTimestamp(new DuckDBTimestampValue(BigInt(startMs[i] as number) * 1000n));
      ap.appendSmallInt(type[i] as number);
      ap.appendInteger(duration[i] as number);
      ap.endRow();
    }
    ap.closeSync();
    await c.run(`COPY t TO '${file}' (FORMAT parquet, COMPRESSION snappy)`);
    c.closeSync();
  });
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  for (const f of [a, b]) {
    const enc = await c.runAndReadAll(
      `SELECT path_in_schema, encodings FROM parquet_metadata('${f}') GROUP BY ALL ORDER BY ALL`,
    );
    const ts = await c.runAndReadAll(
      `SELECT logical_type FROM parquet_schema('${f}') WHERE name = 'start_ts'`,
    );
    console.log(f.split("/").pop(), JSON.stringify(enc.getRowsJson()), JSON.stringify(ts.getRowsJson()));
  }
  c.closeSync();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
