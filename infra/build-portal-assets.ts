/**
 * Writes the portal's static assets (functions/portal/assets.ts: stylesheet and browser
 * scripts) into a directory, for the portal stack to deploy to the assets bucket:
 *
 *   node --import tsx infra/build-portal-assets.ts <outdir>
 *
 * A process of its own because building is asynchronous (esbuild) and CDK constructs are not.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildAssets } from "../functions/portal/assets.ts";

const [outdir] = process.argv.slice(2);
if (!outdir) {
  console.error("usage: build-portal-assets.ts <outdir>");
  process.exit(64);
}
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
for (const [name, asset] of await buildAssets()) writeFileSync(join(outdir, name), asset.body);
