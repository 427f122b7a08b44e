// Whether the compiled CLI (dist/cli, made by scripts/build-cli.mjs) may run: its stamp lists
// every source it was built from with mtime and size, and all of them must be unchanged. Plain
// JavaScript with synchronous stats only: it runs at every start (a few ms for ~110 files).
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The file URL of dist/cli/main.js when it is up to date with its sources, else undefined. */
export function compiledCli(root = ROOT) {
  const dir = join(root, "dist", "cli");
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(dir, "build.json"), "utf8"));
  } catch {
    return undefined;
  }
  const inputs = Object.entries(stamp?.inputs ?? {});
  if (inputs.length === 0) return undefined;
  for (const [file, [mtimeMs, size]] of inputs) {
    const s = statSync(join(root, file), { throwIfNoEntry: false });
    if (!s || s.mtimeMs !== mtimeMs || s.size !== size) return undefined;
  }
  return pathToFileURL(join(dir, "main.js")).href;
}
