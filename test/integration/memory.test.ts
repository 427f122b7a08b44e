import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultReadLimits } from "../../functions/core/read/types.ts";
import { generateDeliveryCsv } from "../../functions/demo/generate.ts";
import { tempDir } from "../helpers.ts";
import { bundleIngestChild } from "./ingest-child-runner.ts";

/**
 * Bounded memory (issue 10): the files that used to knock the ingest over, and the largest CSV the
 * default size limit lets through, are each ingested in a fresh process, bundled as the ingest
 * Lambda is (no transpiler in the process), and the peak RSS is read there. The 1,000,000-row file
 * (about 70 MB, over the limit) is run by `npm run bench`.
 */
const MAX_RSS_MIB = 300;
let child: Awaited<ReturnType<typeof bundleIngestChild>>;
const temp = tempDir("vbm-memory-");

beforeAll(async () => {
  child = await bundleIngestChild();
}, 60_000);
afterAll(() => {
  child?.cleanup();
  temp.cleanup();
});

describe("bounded memory of the ingest", () => {
  it("ingests a CSV just under the 50 MB limit (695,000 rows) in bounded memory", async () => {
    // Prepare: as many rows as fit under the default limit
    const file = join(temp.dir, "groot.csv");
    writeFileSync(file, generateDeliveryCsv({ location: "BM", quarter: "2023-Q1", rows: 695_000, seed: 1 }));
    const bytes = statSync(file).size;

    // Act
    const result = await child.run(file, "BM/2023-Q1/all/groot.csv");
    console.info(`CSV of ${bytes} bytes: ${JSON.stringify(result)}`);

    // Assess
    expect(bytes).toBeLessThanOrEqual(defaultReadLimits.maxBytes);
    expect(bytes).toBeGreaterThan(0.98 * defaultReadLimits.maxBytes);
    expect(result).toMatchObject({ status: "accepted", rows: 695_000 });
    expect(result.peakRssMiB).toBeLessThan(MAX_RSS_MIB);
  }, 60_000);
});
