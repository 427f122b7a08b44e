/**
 * One measured run in a fresh process (so peak RSS is this run's own):
 *   deliver <csv> <dataDir> <location> <quarter>   — the full `deliver` path (drop zone → ingest)
 *   anchor <csv> <outParquet>                     — DuckDB's own CSV → Parquet conversion
 *   typical <csv> <dataDir> <location> <quarter>  — the same delivery twice in one process (cold, warm)
 * Prints one JSON line.
 */
import { readFileSync } from "node:fs";
import { deliverFile } from "../functions/cli/actions.ts";
import { createRuntime } from "../functions/compose.ts";
import { defaultReadLimits } from "../functions/core/read/types.ts";
import { deliveryKey } from "../schemas/delivery.ts";

const [mode, file, target, location, quarter] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** CPU time (user + system, all threads) since `from`, in ms: unlike wall time, not inflated by other processes. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

async function deliverOnce(
  dataDir: string,
): Promise<{ ms: number; cpuMs: number; status: string; rows: number }> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const runtime = createRuntime({ mode: "local", dataDir });
  const load = async () => {
    const buf = readFileSync(file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  };
  // The benchmark file is larger than the default 50 MB delivery limit on purpose.
  const limits = { ...defaultReadLimits, maxBytes: 1024 * 1024 * 1024 };
  const outcome = await deliverFile(runtime, {
    load,
    key: deliveryKey(location, quarter, "all", "bench.csv"),
    limits,
  });
  return { ms: performance.now() - t, cpuMs: cpuMs(cpu), status: outcome.status, rows: outcome.entry.rows };
}

if (mode === "anchor") {
  const t = performance.now();
  const cpu = process.cpuUsage();
  // Two threads, as this bench has always run DuckDB (its default on the 2-core build machine);
  // both share the one core the process is pinned to.
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:", { threads: "2" });
  const c = await db.connect();
  await c.run(
    `COPY (SELECT * FROM read_csv('${file}', delim = ';', header = true, all_varchar = true)) TO '${target}' (FORMAT parquet)`,
  );
  c.closeSync();
  console.log(JSON.stringify({ ms: performance.now() - t, cpuMs: cpuMs(cpu), peakRssMiB: rss() }));
} else if (mode === "deliver") {
  const r = await deliverOnce(target);
  console.log(JSON.stringify({ ...r, peakRssMiB: rss() }));
} else if (mode === "typical") {
  const cold = await deliverOnce(target);
  const warm = await deliverOnce(target);
  console.log(
    JSON.stringify({
      coldMs: cold.ms,
      warmMs: warm.ms,
      status: warm.status,
      rows: warm.rows,
      peakRssMiB: rss(),
    }),
  );
}
