/**
 * One ingest in a fresh process, for the memory tests: the ingest Lambda's path
 * (`ingestDropZoneObject`) with the local adapters (folder store, HMAC key file). The test bundles
 * it as the Lambda is bundled and runs it with plain `node`, so the peak RSS is the ingest's own
 * (no TypeScript transpiler in the process).
 *
 *   node ingest-child.mjs <dataDir> <file> <drop-zone key> [maxBytes]
 *
 * The file is copied into the drop zone without passing through this process. Prints one JSON
 * line: status, rows, finding codes, the ingest's own time, and the peak RSS before and after it.
 */
import { copyFile, mkdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createFolderStore } from "../../../functions/adapters/local/folder-store.ts";
import { createLocalPseudonymiser } from "../../../functions/adapters/local/hmac-pseudonymiser.ts";
import { ingestDropZoneObject } from "../../../functions/core/ingest.ts";
import { defaultReadLimits } from "../../../functions/core/read/types.ts";

const [dataDir, file, key, maxBytes] = process.argv.slice(2) as [string, string, string, string?];
const peakMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

const target = join(dataDir, "dropzone", ...key.split("/"));
await mkdir(dirname(target), { recursive: true });
await copyFile(file, target);
const { size } = await stat(target);
const silent = { info() {}, warn() {}, error() {} };
const ports = {
  store: createFolderStore(dataDir),
  pseudonymiser: createLocalPseudonymiser(dataDir),
  clock: { now: () => new Date() },
  logger: silent,
};
const limits = maxBytes ? { ...defaultReadLimits, maxBytes: Number(maxBytes) } : defaultReadLimits;

const startRssMiB = peakMiB();
const started = performance.now();
const outcome = await ingestDropZoneObject(ports, { key, receivedAt: new Date(), size }, { limits });
const ms = Math.round(performance.now() - started);
console.log(
  JSON.stringify({
    status: outcome.status,
    rows: outcome.entry.rows,
    codes: outcome.report?.summary.map((s) => s.code) ?? [],
    ms,
    startRssMiB,
    peakRssMiB: peakMiB(),
  }),
);
