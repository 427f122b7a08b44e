#!/usr/bin/env node
/**
 * Adds lockfile entries for platform-specific optional dependencies the registry mirror on our
 * build machines does not serve (e.g. `@biomejs/cli-darwin-arm64`). Without them npm 11 writes a
 * lockfile that `npm ci` then refuses ("Missing: … from lock file"). The entries carry only
 * version, `optional` and os/cpu/libc, so npm skips them on other platforms and a machine that
 * needs one resolves it normally. Run after every `npm install`: node scripts/complete-lockfile.mjs
 */
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const pkgs = lock.packages;
const platform =
  /(android|darwin|linux|win32|freebsd|openbsd|openharmony|sunos|aix)-(arm64|x64|arm|ia32|loong64|ppc64|riscv64|s390x)(?:-(gnueabihf|musleabihf|musl|gnu|msvc|eabi))?/;
let added = 0;
for (const meta of Object.values(pkgs)) {
  for (const [dep, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (pkgs[key]) continue;
    const entry = { version: String(range).replace(/^[\^~]/, ""), optional: true };
    const m = platform.exec(dep);
    if (m) {
      entry.os = [m[1]];
      entry.cpu = [m[2]];
      if (m[3] === "musl" || m[3] === "musleabihf") entry.libc = ["musl"];
      else if (m[1] === "linux") entry.libc = ["glibc"];
    }
    pkgs[key] = entry;
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform entries`);
