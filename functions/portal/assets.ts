/**
 * The portal's static assets: one stylesheet (NL Design System tokens and components, then the
 * portal's own layout) and the browser scripts, bundled with esbuild. Locally they are built in
 * memory when `serve` starts; the CDK app writes the same files to the static-assets bucket.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Browser entry points: `client/<name>.ts` → `/static/<name>.js`. */
export const CLIENT_ENTRIES: readonly string[] = ["deliver", "occupancy", "validate-worker"];

export async function buildAssets(): Promise<Map<string, { body: Uint8Array; type: string }>> {
  const assets = new Map<string, { body: Uint8Array; type: string }>();
  const css = await Promise.all([
    readFile(require.resolve("@utrecht/design-tokens/dist/index.css"), "utf8"),
    readFile(require.resolve("@utrecht/component-library-css/dist/index.css"), "utf8"),
    readFile(here("./client/portal.css"), "utf8"),
  ]);
  assets.set("portal.css", {
    body: new TextEncoder().encode(css.join("\n")),
    type: "text/css; charset=utf-8",
  });
  if (CLIENT_ENTRIES.length > 0) {
    const { build } = await import("esbuild");
    const result = await build({
      entryPoints: Object.fromEntries(CLIENT_ENTRIES.map((e) => [e, here(`./client/${e}.ts`)])),
      bundle: true,
      format: "esm",
      // exceljs (1 MB) is imported dynamically by the reader: as its own chunk it loads only for .xlsx files.
      splitting: true,
      platform: "browser",
      target: "es2022",
      minify: true,
      write: false,
      outdir: "/static",
      logLevel: "silent",
    });
    for (const file of result.outputFiles)
      assets.set(file.path.split("/").pop() as string, {
        body: file.contents,
        type: "text/javascript; charset=utf-8",
      });
  }
  return assets;
}
