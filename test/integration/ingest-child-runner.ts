import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

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

const root = resolve(import.meta.dirname, "../..");
/** infra/constructs/pipeline-function.ts: free `require` and `__dirname` for CommonJS parts of the bundle. */
const ESM_BANNER =
  'import { createRequire as __cr } from "node:module"; import { fileURLToPath as __fu } from "node:url"; import { dirname as __dn } from "node:path"; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);';

/**
 * Bundles the ingest child the way the ingest Lambda is bundled (ESM, minified, parquet-wasm's
 * binary next to it), so the measured process holds what the Lambda holds: no transpiler.
 */
export async function bundleIngestChild(): Promise<{
  run(file: string, key: string, maxBytes?: number): Promise<ChildIngest>;
  cleanup(): void;
}> {
  const dir = mkdtempSync(join(tmpdir(), "vbm-ingest-child-"));
  const { build } = await import("esbuild");
  const bundle = join(dir, "ingest-child.mjs");
  await build({
    entryPoints: [join(root, "test/integration/child/ingest-child.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: bundle,
    banner: { js: ESM_BANNER },
    mainFields: ["module", "main"],
    external: ["@duckdb/node-api"],
    minify: true,
    keepNames: true,
    logLevel: "warning",
  });
  copyFileSync(
    join(root, "node_modules/parquet-wasm/node/parquet_wasm_bg.wasm"),
    join(dir, "parquet_wasm_bg.wasm"),
  );
  let runs = 0;
  return {
    run(file, key, maxBytes) {
      const dataDir = join(dir, `data-${runs++}`);
      const args = [bundle, dataDir, file, key, ...(maxBytes ? [String(maxBytes)] : [])];
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
