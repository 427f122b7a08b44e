#!/usr/bin/env node
/**
 * Compiles the CLI (functions/cli/main.ts and everything it imports) into dist/cli/ with
 * esbuild, so that `vbm-monitor` starts as plain JavaScript instead of transpiling TypeScript
 * with tsx at every start. Runs as the `prepare` script (so `npm ci` builds it) and as
 * `npm run build`.
 *
 * - One ESM bundle with code splitting: every `await import(...)` of the sources stays a
 *   separate chunk, loaded only by the command that needs it.
 * - Packages stay external (loaded from node_modules at run time, by the chunk that imports
 *   them), except the few small pure-JS ones that `validate` needs at start: bundled they cost a
 *   fraction of loading them file by file (zod alone is ~100 files).
 * - `import.meta.url` in a source file still means that source file: SQL files, the portal's
 *   stylesheet and client scripts and the fonts are found next to the sources, as under tsx.
 * - dist/cli/build.json records every input with its mtime and size; bin/vbm-monitor.js runs
 *   the bundle only while all of them are unchanged, and otherwise the sources through tsx, so
 *   an edited source is never run stale.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const defaultOutdir = join(root, "dist", "cli");

/**
 * Packages bundled into the CLI instead of loaded from node_modules: small, pure JavaScript, no
 * files of their own read at run time, and needed by `validate`. Every other package is external.
 */
export const BUNDLED_PACKAGES = ["zod", "luxon", "papaparse", "fflate"];

const packageName = (specifier) => {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
};

/** Keeps every package external except the bundled ones. */
const externalPackages = (bundled) => ({
  name: "external-packages",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      if (bundled.includes(packageName(args.path))) return undefined;
      return { path: args.path, external: true };
    });
  },
});

/**
 * Rewrites `import.meta.url` in the project's own sources to the URL of that source file,
 * computed relative to the output file (all chunks are written to one folder), so the bundle
 * keeps working when the checkout moves. `import.meta.dirname`/`filename` are refused: they
 * would silently point into dist/.
 */
const sourceUrls = (outdir) => ({
  name: "source-import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta")) return undefined;
      if (/import\.meta\.(dirname|filename)/.test(text))
        return {
          errors: [
            {
              text: "import.meta.dirname/filename would point into dist/ in the CLI bundle; use new URL(…, import.meta.url)",
            },
          ],
        };
      const rel = relative(outdir, args.path).split(sep).join("/");
      return {
        contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`),
        loader: "ts",
      };
    });
  },
});

/**
 * Builds dist/cli (or `outdir`, which must be inside the project so that the external packages
 * resolve from its node_modules) and its stamp. Returns the number of inputs.
 *
 * The new files are moved in one by one, chunks first, then main.js, then the stamp, and the
 * files of the build before are kept: a process still running the previous build (a `serve`)
 * can load its lazy chunks, and one starting meanwhile sees either build whole.
 */
export async function buildCli({ outdir = defaultOutdir, bundled = BUNDLED_PACKAGES } = {}) {
  const { build } = await import("esbuild");
  const started = Date.now();
  const tmp = `${outdir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    const result = await build({
      entryPoints: { main: join(root, "functions", "cli", "main.ts") },
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      absWorkingDir: root,
      outdir: tmp,
      chunkNames: "[name]-[hash]",
      sourcemap: "linked",
      metafile: true,
      plugins: [externalPackages(bundled), sourceUrls(outdir)],
      logLevel: "warning",
      // Bundled CommonJS packages (papaparse) may call require for Node built-ins.
      banner: {
        js: 'import { createRequire as __vbmCreateRequire } from "node:module";\nconst require = __vbmCreateRequire(import.meta.url);',
      },
    });
    const files = new Set();
    for (const input of Object.keys(result.metafile.inputs)) {
      const m = /^(.*?node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      // A bundled package counts by its package.json (its version), not by each of its files.
      files.add(m ? `${m[1]}/package.json` : input);
    }
    files.add(
      relative(root, fileURLToPath(import.meta.url))
        .split(sep)
        .join("/"),
    );
    const inputs = {};
    for (const file of [...files].sort()) {
      const s = statSync(join(root, file));
      // Changed while building: recorded as changed, so the sources run until the next build.
      inputs[file] = s.mtimeMs > started ? [-1, -1] : [s.mtimeMs, s.size];
    }
    const outputs = readdirSync(tmp).sort();
    const previous = readStamp(outdir)?.outputs ?? [];
    mkdirSync(outdir, { recursive: true });
    const entry = (f) => f === "main.js" || f === "main.js.map";
    for (const f of [...outputs.filter((f) => !entry(f)), ...outputs.filter(entry)])
      renameSync(join(tmp, f), join(outdir, f));
    writeFileSync(
      join(tmp, "build.json"),
      `${JSON.stringify({ builtAt: new Date().toISOString(), inputs, outputs }, null, 1)}\n`,
    );
    renameSync(join(tmp, "build.json"), join(outdir, "build.json"));
    const keep = new Set([...outputs, ...previous, "build.json"]);
    for (const f of readdirSync(outdir)) if (!keep.has(f)) rmSync(join(outdir, f), { force: true });
    return Object.keys(inputs).length;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function readStamp(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, "build.json"), "utf8"));
  } catch {
    return undefined;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t = performance.now();
  try {
    const n = await buildCli();
    console.log(
      `vbm-monitor: CLI gebouwd in dist/cli (${n} bronbestanden, ${Math.round(performance.now() - t)} ms).`,
    );
  } catch (e) {
    // Without esbuild (an install without dev dependencies) the command runs the sources via tsx.
    if (e?.code !== "ERR_MODULE_NOT_FOUND" || !String(e.message).includes("esbuild")) throw e;
    console.warn(
      "vbm-monitor: CLI niet gebouwd (esbuild ontbreekt); vbm-monitor draait de bronbestanden via tsx.",
    );
  }
}
