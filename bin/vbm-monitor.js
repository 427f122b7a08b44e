#!/usr/bin/env node
// Entry point of the `vbm-monitor` command: runs the TypeScript CLI through tsx.
import { register } from "tsx/esm/api";

register();
// A closed pipe (e.g. `| head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
const { run } = await import("../functions/cli/main.ts");
const code = await run(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  terminal: process.stderr.isTTY === true,
});
process.exitCode = code;
