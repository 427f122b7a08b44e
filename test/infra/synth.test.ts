import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../infra/config.ts";
import { type Json, run, type SharedSynth, STACKS, sharedAssembly } from "./assembly.ts";

/**
 * `npx cdk synth` exactly as a developer or CI runs it: the CLI starts the app from cdk.json
 * with its context, the app bundles the functions with local esbuild, runs the cdk-nag packs
 * and CloudFormation's built-in rules, and writes the cloud assembly. Offline: no account, no
 * lookups, no Docker. It runs once per vitest run (assembly.ts), asynchronously.
 */
/** The CLI refuses an assembly written by a newer aws-cdk-lib than it knows. */
const CLI_TOO_OLD = /Cloud assembly schema version mismatch|not compatible with the (AWS )?CDK library/;

let synth: SharedSynth;

beforeAll(async () => {
  synth = await sharedAssembly();
}, 360_000);

/** The asset directory of each pipeline function, by function name. */
function functionAssets(): Map<string, string> {
  const out = new Map<string, string>();
  for (const stack of STACKS) {
    const resources = synth.assembly.json(stack).Resources as Record<string, Json>;
    for (const r of Object.values(resources)) {
      const name = (r.Properties as Json | undefined)?.FunctionName;
      if (r.Type !== "AWS::Lambda::Function" || typeof name !== "string") continue;
      out.set(name, join(synth.assembly.dir, String((r.Metadata as Json)["aws:asset:path"])));
    }
  }
  return out;
}

/** Strings only the code of a library holds (its service's wire protocol names, a class of nodemailer). */
const MARKERS = {
  ses: "SimpleEmailService_v2",
  nodemailer: "MailComposer",
  kms: "TrentService",
  athena: "AmazonAthena",
} as const;

/** What a bundle must not hold, by function: the parts of the AWS composition it never uses. */
const ABSENT: Record<string, (keyof typeof MARKERS)[]> = {
  "vbm-ingest": ["ses", "nodemailer", "athena"],
  "vbm-materialise": ["ses", "nodemailer", "kms"],
  "vbm-send-receipt": ["kms", "athena"],
  "vbm-send-factsheets": ["kms"],
  "vbm-national-report": ["kms"],
  // The portal derives its CSRF secret with KMS (GenerateMac on its own key), so KMS stays in;
  // it runs no query (the report and factsheets are made by their functions).
  "vbm-portal": ["ses", "nodemailer", "athena"],
};

describe("npx cdk synth", () => {
  it("runs the app and writes a template per stack", () => {
    expect(synth.run.error, synth.output).toBeUndefined();
    for (const stack of STACKS)
      expect(existsSync(join(synth.assembly.dir, `${stack}.template.json`)), synth.output).toBe(true);
  });

  it("passes cdk-nag and the built-in template validation: no error, one expected warning", () => {
    const violations = synth.assembly.validationReport().pluginReports.flatMap((p) => p.violations ?? []);
    expect(
      violations.filter((v) => v.ruleName !== "Annotation::vbm:no-alarm-recipients"),
      JSON.stringify(violations, null, 1),
    ).toEqual([]);
  });

  it("bundles each function as ESM with only the files it reads, and its source map outside the asset", () => {
    const assets = functionAssets();
    expect([...assets.keys()].sort()).toEqual(Object.keys(ABSENT).sort());
    const sql = readdirSync(join(repoRoot, "queries")).filter((f) => f.endsWith(".sql"));
    expect(sql.length).toBeGreaterThan(0);
    for (const [name, dir] of assets) {
      const files = readdirSync(dir);
      const code = readFileSync(join(dir, "index.mjs"), "utf8");
      expect(code.startsWith('import { createRequire as __cr } from "node:module";'), name).toBe(true);
      expect(code.includes("@duckdb/node-api"), name).toBe(false);
      // The map is not deployed: it is kept next to the assembly for offline use.
      expect(files, name).not.toContain("index.mjs.map");
      expect(existsSync(join(synth.assembly.dir, "sourcemaps", `${name}.mjs.map`)), name).toBe(true);
      // A runtime file travels with a bundle exactly when its code reads it.
      const uses = {
        parquet: code.includes("parquet_wasm_bg.wasm"),
        sql: code.includes("invalid query name"),
        pdf: code.includes("DejaVuSans"),
      };
      expect(files.includes("parquet_wasm_bg.wasm"), `${name}: parquet`).toBe(uses.parquet);
      for (const f of sql) expect(files.includes(f), `${name}: ${f}`).toBe(uses.sql);
      expect(files.includes("data") && files.includes("fonts"), `${name}: pdf`).toBe(uses.pdf);
      if (uses.pdf) {
        expect(readdirSync(join(dir, "data")), name).toContain("Helvetica.afm");
        expect(readdirSync(join(dir, "fonts")).sort(), name).toEqual([
          "DejaVuSans-Bold.ttf",
          "DejaVuSans.ttf",
        ]);
      }
      for (const absent of ABSENT[name] ?? [])
        expect(code.includes(MARKERS[absent]), `${name} holds ${absent}`).toBe(false);
    }
    // The ingest writes Parquet and pseudonymises; the documents draw PDFs and mail them.
    expect(readdirSync(assets.get("vbm-ingest") as string)).toContain("parquet_wasm_bg.wasm");
    expect(
      readFileSync(join(assets.get("vbm-ingest") as string, "index.mjs"), "utf8").includes(MARKERS.kms),
    ).toBe(true);
    expect(
      readFileSync(join(assets.get("vbm-national-report") as string, "index.mjs"), "utf8").includes(
        MARKERS.ses,
      ),
    ).toBe(true);
    expect(readdirSync(assets.get("vbm-send-factsheets") as string)).toContain("fonts");
  });

  it("produces bundles that load on their own in Node (no node_modules) and export `handler`", async () => {
    const sizes: string[] = [];
    for (const [name, dir] of functionAssets()) {
      const url = pathToFileURL(join(dir, "index.mjs")).href;
      const load = await run(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const t = performance.now(); const m = await import(${JSON.stringify(url)}); if (typeof m.handler !== "function") { console.error("no handler"); process.exit(3); } console.log(Math.round(performance.now() - t));`,
        ],
        { cwd: tmpdir(), env: { PATH: process.env.PATH ?? "" }, timeoutMs: 60_000 },
      );
      expect(load.status, `${name}: ${load.stderr}`).toBe(0);
      const bytes = readdirSync(dir).reduce(
        (n, f) => n + (statSync(join(dir, f)).isFile() ? statSync(join(dir, f)).size : 0),
        0,
      );
      sizes.push(
        `${name}: index.mjs ${(statSync(join(dir, "index.mjs")).size / 1e6).toFixed(2)} MB, asset files ${(bytes / 1e6).toFixed(2)} MB, import ${load.stdout.trim()} ms`,
      );
    }
    console.info(`bundles:\n${sizes.join("\n")}`);
  }, 300_000);

  it("exits 0", (ctx) => {
    if (synth.run.status !== 0 && CLI_TOO_OLD.test(synth.output))
      ctx.skip(
        "the installed aws-cdk CLI cannot read the cloud assembly of this aws-cdk-lib (schema version mismatch): upgrade the aws-cdk devDependency",
      );
    expect(synth.run.status, synth.output).toBe(0);
  });
});
