#!/usr/bin/env node
import { spawnSync } from "node:child_process";
/**
 * Start-up time of the CLI: `vbm-monitor validate` of a 2-row CSV, run N times as a fresh
 * process (as a user runs it). Prints min and median of the wall time and of the CPU time
 * (user + sys, from /usr/bin/time when present: less sensitive to other work on the machine),
 * the same for `node -e 0` (Node's own start), and the load average before and after.
 *
 *   node scripts/measure-cli-start.mjs [runs=10] [--sources | --compare]
 *
 * `--sources` measures the TypeScript sources through tsx (VBM_CLI_SOURCES=1), as before the
 * CLI was compiled; `--compare` both, in turn.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compiledCli } from "../bin/compiled.js";

const bin = fileURLToPath(new URL("../bin/vbm-monitor.js", import.meta.url));
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10);
const sources = process.argv.includes("--sources");
const compare = process.argv.includes("--compare");
const TIME = "/usr/bin/time";
const dir = mkdtempSync(join(tmpdir(), "vbm-start-"));
const file = join(dir, "twee-regels.csv");
writeFileSync(
  file,
  [
    "Nummer jongere;Datum start;Tijd start;Datum eind;Tijd eind;Aanleiding;Type VBM;Hulpverleningsplan",
    "AB0001;10.01.2023;14:00;10.01.2023;14:30;;10;1",
    "AB0002;11.01.2023;09:00;;;;15;",
    "",
  ].join("\r\n"),
);

/** Wall and CPU time (ms) of one run of `node ...args`. */
function once(args, env) {
  const cpuFile = join(dir, "cpu.txt");
  const timed = existsSync(TIME);
  const [command, argv] = timed
    ? [TIME, ["-o", cpuFile, "-f", "%U %S", process.execPath, ...args]]
    : [process.execPath, args];
  const start = process.hrtime.bigint();
  const r = spawnSync(command, argv, { encoding: "utf8", env: { ...process.env, ...env } });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}${r.stdout}`);
  const cpu = timed
    ? readFileSync(cpuFile, "utf8")
        .trim()
        .split("\n")
        .at(-1)
        .split(" ")
        .reduce((s, x) => s + Number(x) * 1000, 0)
    : Number.NaN;
  return { wall, cpu };
}

/** Runs each case once per round, in turn, so that they all see the same load. */
function rounds(cases) {
  const times = cases.map(() => ({ wall: [], cpu: [] }));
  for (let i = 0; i < runs; i++)
    cases.forEach(([args, env], c) => {
      const t = once(args, env);
      times[c].wall.push(t.wall);
      times[c].cpu.push(t.cpu);
    });
  return times.map((t) => ({ wall: stats(t.wall), cpu: stats(t.cpu) }));
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length / 2;
  const median = s.length % 2 ? s[Math.floor(mid)] : (s[mid - 1] + s[mid]) / 2;
  return `min ${Math.round(s[0])} ms, median ${Math.round(median)} ms`;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const before = load();
try {
  const validate = [bin, "validate", file, "--location", "AB", "--quarter", "2023-Q1"];
  const cases = [["node -e 0 (Node alone)", ["-e", "0"], {}]];
  if (!sources) cases.push(["validate, compiled (dist/cli)", validate, { VBM_CLI_SOURCES: "" }]);
  if (sources || compare) cases.push(["validate, sources via tsx", validate, { VBM_CLI_SOURCES: "1" }]);
  const results = rounds(cases.map(([, args, env]) => [args, env]));
  if (!sources && !compiledCli())
    console.log(
      "(dist/cli is not up to date with the sources: the compiled case ran the sources; npm run build)",
    );
  console.log(`2-row CSV, ${runs} runs per case, in turn:`);
  for (const [c, [name]] of cases.entries())
    console.log(`  ${name}: wall ${results[c].wall}; CPU ${results[c].cpu}`);
  console.log(
    `load average (1, 5, 15 min) before: ${before}; after: ${load()}; ${process.arch}, Node ${process.version}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
