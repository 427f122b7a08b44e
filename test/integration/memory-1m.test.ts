import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultReadLimits } from "../../functions/core/read/types.ts";
import { generateDeliveryCsv } from "../../functions/demo/generate.ts";
import { tempDir } from "../helpers.ts";
import { bundleIngestChild, MAX_RSS_MIB } from "./ingest-child-runner.ts";

/**
 * Bounded memory (issue 10) for the largest delivery: 1,000,000 rows (a 72 MB CSV, over the 50 MB
 * limit, which is raised for it), ingested in a fresh process bundled as the ingest Lambda is. The
 * file is generated here, before the child starts, so the child's peak RSS is the ingest's own.
 */
let child: Awaited<ReturnType<typeof bundleIngestChild>>;
const temp = tempDir("vbm-memory-1m-");

beforeAll(async () => {
  child = await bundleIngestChild();
}, 60_000);
afterAll(() => {
  child?.cleanup();
  temp.cleanup();
});

describe("bounded memory of the ingest, 1,000,000 rows", () => {
  it("ingests a 1,000,000-row delivery with every row checked, in under 300 MiB", async () => {
    // Prepare
    const file = join(temp.dir, "miljoen.csv");
    writeFileSync(
      file,
      generateDeliveryCsv({ location: "BM", quarter: "2023-Q1", rows: 1_000_000, seed: 1 }),
    );
    const bytes = statSync(file).size;

    // Act
    const result = await child.run(file, "BM/2023-Q1/all/miljoen.csv", 2 * bytes);
    console.info(`1,000,000-row CSV of ${bytes} bytes: ${JSON.stringify(result)}`);

    // Assess
    expect(bytes).toBeGreaterThan(defaultReadLimits.maxBytes);
    expect(result).toMatchObject({ status: "accepted", rows: 1_000_000, codes: [] });
    expect(result.peakRssMiB).toBeLessThan(MAX_RSS_MIB);
  }, 120_000);
});
