import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../infra/config.ts";

/**
 * `npx cdk synth` exactly as a developer or CI runs it: the CLI starts the app from cdk.json
 * with its context, the app bundles the functions with local esbuild, runs the cdk-nag packs
 * and CloudFormation's built-in rules, and writes the cloud assembly. Offline: no account, no
 * lookups, no Docker.
 */
const STACKS = ["VbmData", "VbmCatalog", "VbmPipeline", "VbmAccess", "VbmDocuments"];
/** The CLI refuses an assembly written by a newer aws-cdk-lib than it knows. */
const CLI_TOO_OLD = /Cloud assembly schema version mismatch|not compatible with the (AWS )?CDK library/;

let outdir: string;
let run: { status: number | null; stdout: string; stderr: string; error?: Error };

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), "vbm-cdk-synth-"));
  const result = spawnSync("npx", ["cdk", "synth", "--quiet", "--no-notices", "-o", outdir], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 120_000,
    env: {
      ...process.env,
      CI: "true",
      CDK_DISABLE_VERSION_CHECK: "true",
      CDK_DISABLE_CLI_TELEMETRY: "true",
      // Keep the child from inheriting an assembly directory of a parent CDK process.
      CDK_OUTDIR: "",
    },
  });
  run = { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
  if (result.error) run.error = result.error;
}, 150_000);
afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

const output = () => `${run.stdout}\n${run.stderr}`;

function template(stack: string): {
  Resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }>;
} {
  return JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), "utf8"));
}

/** The asset directory of each Lambda function, by function name. */
function functionAssets(): Map<string, string> {
  const out = new Map<string, string>();
  const resources = { ...template("VbmPipeline").Resources, ...template("VbmDocuments").Resources };
  for (const [, r] of Object.entries(resources)) {
    if (r.Type !== "AWS::Lambda::Function") continue;
    const name = (r as unknown as { Properties: { FunctionName: string } }).Properties.FunctionName;
    out.set(name, join(outdir, String(r.Metadata?.["aws:asset:path"])));
  }
  return out;
}

describe("npx cdk synth", () => {
  it("runs the app and writes a template per stack", () => {
    expect(run.error, output()).toBeUndefined();
    for (const stack of STACKS)
      expect(existsSync(join(outdir, `${stack}.template.json`)), output()).toBe(true);
    expect(existsSync(join(outdir, "manifest.json"))).toBe(true);
  });

  it("passes cdk-nag and the built-in template validation without a violation", () => {
    const report = JSON.parse(readFileSync(join(outdir, "validation-report.json"), "utf8")) as {
      pluginReports: { violations?: unknown[] }[];
    };
    const violations = report.pluginReports.flatMap((p) => p.violations ?? []);
    expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
  });

  it("bundles each function as ESM with its source map, the parquet-wasm binary and the SQL files", () => {
    const assets = functionAssets();
    expect([...assets.keys()].sort()).toEqual([
      "vbm-ingest",
      "vbm-materialise",
      "vbm-national-report",
      "vbm-send-factsheets",
    ]);
    const sql = readdirSync(join(repoRoot, "queries")).filter((f) => f.endsWith(".sql"));
    expect(sql.length).toBeGreaterThan(0);
    for (const [name, dir] of assets) {
      const files = readdirSync(dir);
      for (const f of ["index.mjs", "index.mjs.map", "parquet_wasm_bg.wasm", ...sql])
        expect(files, name).toContain(f);
      // pdfkit's metrics and the report fonts travel with every bundle (the documents need them).
      expect(readdirSync(join(dir, "data")), name).toContain("Helvetica.afm");
      expect(readdirSync(join(dir, "fonts")).sort(), name).toEqual(["DejaVuSans-Bold.ttf", "DejaVuSans.ttf"]);
      const code = readFileSync(join(dir, "index.mjs"), "utf8");
      expect(code.startsWith('import { createRequire as __cr } from "node:module";'), name).toBe(true);
      expect(code, name).not.toContain("@duckdb/node-api");
    }
  });

  it("produces bundles that load on their own in Node (no node_modules) and export `handler`", () => {
    for (const [name, dir] of functionAssets()) {
      const url = pathToFileURL(join(dir, "index.mjs")).href;
      const load = spawnSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(url)}); if (typeof m.handler !== "function") { console.error("no handler"); process.exit(3); }`,
        ],
        { cwd: tmpdir(), encoding: "utf8", timeout: 30_000, env: { PATH: process.env.PATH ?? "" } },
      );
      expect(load.status, `${name}: ${load.stderr}`).toBe(0);
    }
  });

  it("exits 0", (ctx) => {
    if (run.status !== 0 && CLI_TOO_OLD.test(output()))
      ctx.skip(
        "the installed aws-cdk CLI cannot read the cloud assembly of this aws-cdk-lib (schema version mismatch): upgrade the aws-cdk devDependency",
      );
    expect(run.status, output()).toBe(0);
  });
});
