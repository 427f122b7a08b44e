#!/usr/bin/env node
// Entry point of the `vbm-monitor` command. Runs the compiled CLI (dist/cli, built by
// `npm ci`/`npm run build`) when it is up to date with the sources, otherwise the TypeScript
// sources through tsx: an edited source is never run stale, only slower until the next build.
import { compiledCli } from "./compiled.js";

// A closed pipe (e.g. `| head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });

const compiled = process.env.VBM_CLI_SOURCES ? undefined : compiledCli();
let main;
if (compiled) {
  // Stack traces of unexpected errors (VBM_DEBUG) name the TypeScript sources.
  if (process.env.VBM_DEBUG) process.setSourceMapsEnabled(true);
  main = await import(compiled);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  main = await import("../functions/cli/main.ts");
}
const code = await main.run(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  terminal: process.stderr.isTTY === true,
});
process.exitCode = code;
