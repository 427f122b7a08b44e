/**
 * Synthesises the app into a directory, in a process of its own so no test worker is blocked
 * while CDK and cdk-nag work (test/infra/assembly.ts starts it asynchronously):
 *
 *   node --import tsx test/infra/synth-app.ts <outdir> [<context overrides as JSON>] [--careless]
 *
 * The context is cdk.json's plus the overrides; no function is bundled (a placeholder asset
 * stands in) and CloudFormation's built-in rules are off: `npx cdk synth` (the shared assembly)
 * does both. `--careless` adds a stack with an unencrypted, unlogged bucket, to show that a
 * cdk-nag finding fails the synthesis. Exit code 0: synthesised; 2: the app refused (message on
 * stderr).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { composeVbm } from "../../infra/compose.ts";
import { repoRoot } from "../../infra/config.ts";

const [outdir, overrides = "{}", ...flags] = process.argv.slice(2);
if (!outdir) {
  console.error("usage: synth-app.ts <outdir> [<overrides JSON>] [--careless]");
  process.exit(64);
}
try {
  const context = JSON.parse(readFileSync(join(repoRoot, "cdk.json"), "utf8")).context;
  const app = new App({
    outdir,
    builtinCloudFormationValidation: false,
    context: { ...context, ...JSON.parse(overrides), "aws:cdk:bundling-stacks": [] },
  });
  composeVbm(app);
  if (flags.includes("--careless")) {
    const careless = new Stack(app, "Careless");
    new s3.Bucket(careless, "Plain", { encryption: s3.BucketEncryption.S3_MANAGED });
  }
  app.synth();
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
