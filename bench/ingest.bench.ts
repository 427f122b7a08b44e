/**
 * `npm run bench`: ingest throughput and memory (not part of `npm test`).
 * Generates a 1,000,000-row delivery and, alternating, runs it three times through `deliver` end to
 * end in a fresh process and three times through DuckDB's own CSV → Parquet conversion of the same
 * file (the anchor), every process pinned to the same one core (taskset, when the machine has it). Reports the minimum of the three for both, and the ratio; and the highest peak RSS of
 * `deliver`, which runs with the ingest Lambda's V8 settings (infra/ingest-runtime.ts). Also times a typical 2,000-row delivery. `BENCH_ROWS` and `BENCH_RUNS` change the size
 * and the number of runs.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { generateDeliveryCsv } from "../functions/demo/generate.ts";
import { INGEST_V8_FLAGS } from "../infra/ingest-runtime.ts";
import { bundleLikeLambda } from "./bundle.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** The last core: one core for every measured process, the same one for both sides. */
const core = String(availableParallelism() - 1);
const taskset = ["/usr/bin/taskset", "/bin/taskset"].find((path) => existsSync(path));

interface Run {
  ms: number;
  cpuMs: number;
  peakRssMiB: number;
  status?: string;
  rows?: number;
  coldMs?: number;
  warmMs?: number;
}

const dir = mkdtempSync(join(tmpdir(), "vbm-bench-"));
/**
 * `deliver` runs bench/ingest-child.ts bundled as the ingest Lambda is bundled (bench/bundle.ts),
 * with the Lambda's V8 settings (infra/ingest-runtime.ts). Under tsx the same `deliver` took 2-2.5 s
 * longer and 60-70 MiB more: that is the transpiler's, not the ingest's. The anchor (DuckDB, native)
 * runs from the source under tsx; its time starts after loading.
 */
const bundled = await bundleLikeLambda("bench/ingest-child.ts", join(dir, "bundle", "ingest-child.mjs"));
const child = (...args: string[]): Run => {
  const script = join(import.meta.dirname, "ingest-child.ts");
  const command =
    args[0] === "anchor"
      ? [process.execPath, "--import", "tsx", script, ...args]
      : [process.execPath, ...INGEST_V8_FLAGS, bundled, ...args];
  const [program, ...rest] = taskset ? [taskset, "-c", core, ...command] : command;
  const out = execFileSync(program as string, rest, { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split("\n").pop() as string) as Run;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

try {
  const big = join(dir, "big.csv");
  const t = performance.now();
  const bytes = generateDeliveryCsv({ location: "BM", quarter: "2023-Q1", rows: ROWS, seed: 1 });
  writeFileSync(big, bytes);
  console.log(
    `generated ${ROWS.toLocaleString("en")} rows (${(bytes.length / 1048576).toFixed(1)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s; ${RUNS} runs each on core ${core}${taskset ? "" : " (no taskset: not pinned)"}`,
  );

  const anchors: Run[] = [];
  const ingests: Run[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const anchor = child("anchor", big, join(dir, `anchor-${run}.parquet`));
    const ingest = child("deliver", big, join(dir, `data-${run}`), "BM", "2023-Q1");
    if (ingest.status !== "accepted" || ingest.rows !== ROWS)
      throw new Error(`bench delivery not accepted: ${JSON.stringify(ingest)}`);
    console.log(
      `run ${run}: anchor ${seconds(anchor.ms)} (CPU ${seconds(anchor.cpuMs)}, ${anchor.peakRssMiB} MiB), ` +
        `deliver ${seconds(ingest.ms)} (CPU ${seconds(ingest.cpuMs)}, ${ingest.peakRssMiB} MiB)`,
    );
    anchors.push(anchor);
    ingests.push(ingest);
  }

  const small = join(dir, "small.csv");
  writeFileSync(small, generateDeliveryCsv({ location: "BS", quarter: "2023-Q1", rows: 2000, seed: 2 }));
  const typical = child("typical", small, join(dir, "data-small"), "BS", "2023-Q1");

  const anchorMs = Math.min(...anchors.map((r) => r.ms));
  const ingestMs = Math.min(...ingests.map((r) => r.ms));
  const peak = Math.max(...ingests.map((r) => r.peakRssMiB));
  const ratio = ingestMs / anchorMs;
  const cpuRatio = Math.min(...ingests.map((r) => r.cpuMs)) / Math.min(...anchors.map((r) => r.cpuMs));
  console.log("");
  console.log(`anchor  DuckDB CSV→Parquet, min of ${RUNS}: ${seconds(anchorMs)}`);
  console.log(
    `ingest  deliver end to end, min of ${RUNS}: ${seconds(ingestMs)}, ${Math.round(ROWS / (ingestMs / 1000)).toLocaleString("en")} rows/s`,
  );
  console.log(`ratio   ingest / anchor: ${ratio.toFixed(2)}x  (goal ≤ 4x)  ${ratio <= 4 ? "OK" : "OVER"}`);
  console.log(
    `        in CPU time (min of ${RUNS} each; not inflated by other processes): ${cpuRatio.toFixed(2)}x`,
  );
  console.log(
    `memory  highest peak RSS of deliver: ${peak} MiB  (goal < 300 MiB)  ${peak < 300 ? "OK" : "OVER"}`,
  );
  console.log(
    `typical 2,000-row delivery in-process: cold ${(typical.coldMs ?? 0).toFixed(0)} ms, warm ${(typical.warmMs ?? 0).toFixed(0)} ms (${((typical.coldMs ?? 0) / anchorMs).toFixed(3)}x / ${((typical.warmMs ?? 0) / anchorMs).toFixed(3)}x the 1M-row anchor)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
