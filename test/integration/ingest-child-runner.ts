import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleLikeLambda } from "../../bench/bundle.ts";
import { INGEST_V8_FLAGS } from "../../infra/ingest-runtime.ts";

/** The bound on the ingest's peak RSS, for any input at the default limits (issue 10). */
export const MAX_RSS_MIB = 300;

/** What one ingest in a child process did (see child/ingest-child.ts). */
export interface ChildIngest {
  status: string;
  rows: number;
  codes: string[];
  /** The ingest's own time, from the event to the committed verdict. */
  ms: number;
  /** Peak RSS once the code was loaded, before the ingest, and at the end. */
  startRssMiB: number;
  peakRssMiB: number;
}

/**
 * Bundles the ingest child the way the ingest Lambda is bundled (bench/bundle.ts) and runs it with
 * the Lambda's V8 settings, so the measured process holds what the Lambda holds: no transpiler.
 */
export async function bundleIngestChild(): Promise<{
  run(file: string, key: string, maxBytes?: number): Promise<ChildIngest>;
  cleanup(): void;
}> {
  const dir = mkdtempSync(join(tmpdir(), "vbm-ingest-child-"));
  const bundle = await bundleLikeLambda(
    "test/integration/child/ingest-child.ts",
    join(dir, "ingest-child.mjs"),
  );
  let runs = 0;
  return {
    run(file, key, maxBytes) {
      const dataDir = join(dir, `data-${runs++}`);
      // With the ingest Lambda's V8 settings (its NODE_OPTIONS).
      const args = [...INGEST_V8_FLAGS, bundle, dataDir, file, key, ...(maxBytes ? [String(maxBytes)] : [])];
      return new Promise((done, fail) => {
        const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
        });
        child.stderr.on("data", (d: Buffer) => {
          err += d.toString();
        });
        child.on("error", fail);
        child.on("close", (code) => {
          const line = out.trim().split("\n").pop() ?? "";
          if (code !== 0 || !line.startsWith("{"))
            fail(new Error(`ingest child exited ${code}: ${err}${out}`));
          else done(JSON.parse(line) as ChildIngest);
        });
      });
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
