/**
 * A `vbm-monitor` CLI process for the process-level tests: it loads the CLI, prints `ready`,
 * and runs the arguments it is given when a line `go` arrives on stdin. Loading before `go`
 * lets a test time a kill or a second process against the work itself, not the start-up.
 */
import { createInterface } from "node:readline";
import { run } from "../../../functions/cli/main.ts";

const args = process.argv.slice(2);
process.stdout.write("ready\n");
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== "go") continue;
  lines.close();
  const code = await run(args, {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    env: process.env,
  });
  process.stdout.write(`exit ${code}\n`);
  process.exitCode = code;
  break;
}
