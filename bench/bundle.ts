import { copyFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
/** infra/constructs/pipeline-function.ts: free `require` and `__dirname` for CommonJS parts of the bundle. */
const ESM_BANNER =
  'import { createRequire as __cr } from "node:module"; import { fileURLToPath as __fu } from "node:url"; import { dirname as __dn } from "node:path"; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);';

/**
 * Bundles a script the way the pipeline Lambdas are bundled (infra/constructs/pipeline-function.ts:
 * ESM, module main fields, minified, names kept; parquet-wasm's binary next to the bundle), so a
 * process measured with it runs what a Lambda runs: no TypeScript transpiler, and the code as
 * esbuild lays it out. DuckDB and the local engine that loads it stay outside, as in the Lambdas;
 * a bundle outside the repository must not use them.
 */
export async function bundleLikeLambda(entry: string, outfile: string): Promise<string> {
  const { build } = await import("esbuild");
  await build({
    entryPoints: [resolve(root, entry)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    banner: { js: ESM_BANNER },
    mainFields: ["module", "main"],
    external: ["@duckdb/node-api", "*/adapters/local/duckdb-engine.ts"],
    minify: true,
    keepNames: true,
    logLevel: "warning",
  });
  copyFileSync(
    join(root, "node_modules/parquet-wasm/node/parquet_wasm_bg.wasm"),
    join(dirname(outfile), "parquet_wasm_bg.wasm"),
  );
  return outfile;
}
