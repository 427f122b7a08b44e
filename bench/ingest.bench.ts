/**
 * `npm run bench`: ingest throughput and memory (not part of `npm test`).
 * Generates a 1,000,000-row delivery, runs it through `deliver` end to end in a fresh process,
 * and in the same run DuckDB's own CSV → Parquet conversion of the same file as the anchor.
 * Figures are reported as ratios against the anchor. Also times a typical 2,000-row delivery.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDeliveryCsv } from "../functions/demo/generate.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), "vbm-bench-"));
const child = (...args: string[]) =>
  JSON.parse(
    execFileSync(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "ingest-child.ts"), ...args],
      {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      },
    )
      .trim()
      .split("\n")
      .pop() as string,
  );

try {
  const big = join(dir, "big.csv");
  const t = performance.now();
  const bytes = generateDeliveryCsv({ location: "BM", quarter: "2023-Q1", rows: ROWS, seed: 1 });
  writeFileSync(big, bytes);
  console.log(
    `generated ${ROWS.toLocaleString("en")} rows (${(bytes.length / 1048576).toFixed(1)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const anchor = child("anchor", big, join(dir, "anchor.parquet"));
  const ingest = child("deliver", big, join(dir, "data"), "BM", "2023-Q1");
  if (ingest.status !== "accepted" || ingest.rows !== ROWS)
    throw new Error(`bench delivery not accepted: ${JSON.stringify(ingest)}`);

  const small = join(dir, "small.csv");
  writeFileSync(small, generateDeliveryCsv({ location: "BS", quarter: "2023-Q1", rows: 2000, seed: 2 }));
  const typical = child("typical", small, join(dir, "data-small"), "BS", "2023-Q1");

  const ratio = ingest.ms / anchor.ms;
  console.log("");
  console.log(
    `anchor  DuckDB CSV→Parquet: ${(anchor.ms / 1000).toFixed(2)} s, peak RSS ${anchor.peakRssMiB} MiB`,
  );
  console.log(
    `ingest  deliver end to end: ${(ingest.ms / 1000).toFixed(2)} s, ${Math.round(ROWS / (ingest.ms / 1000)).toLocaleString("en")} rows/s, peak RSS ${ingest.peakRssMiB} MiB`,
  );
  console.log(`ratio   ingest / anchor: ${ratio.toFixed(2)}x  (goal ≤ 4x)  ${ratio <= 4 ? "OK" : "OVER"}`);
  console.log(
    `memory  peak RSS ${ingest.peakRssMiB} MiB  (goal < 300 MiB)  ${ingest.peakRssMiB < 300 ? "OK" : "OVER"}`,
  );
  console.log(
    `typical 2,000-row delivery in-process: cold ${typical.coldMs.toFixed(0)} ms, warm ${typical.warmMs.toFixed(0)} ms (${(typical.coldMs / anchor.ms).toFixed(3)}x / ${(typical.warmMs / anchor.ms).toFixed(3)}x the 1M-row anchor)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
