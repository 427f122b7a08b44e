/**
 * Real `vbm-monitor` processes against one data dir: two deliveries at once, and deliveries
 * killed (SIGKILL) at random moments and right after their commit. Children are started
 * asynchronously and load the CLI before they are told to go, so no test worker blocks and the
 * timing is about the work, not the start-up. The CLI is bundled once per run with esbuild
 * (dependencies stay external, dynamic imports stay lazy), so a child starts in about half the
 * time tsx needs. They run with the browser tests (`npm run test:e2e`, also in .ci/run), which
 * use one worker at a time, so the default `npm test` stays fast on a busy machine.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../functions/cli/main.ts";
import { createRuntime } from "../../functions/compose.ts";
import { generateDeliveryCsv } from "../../functions/demo/bulk.ts";
import { captureIo, csvBytes, tempDir } from "../helpers.ts";
import { expectedCurrent, filesUnder, parquetRows, rawLog } from "../integration/integrity-helpers.ts";

const CHILD_SOURCE = join(import.meta.dirname, "..", "integration", "child", "cli-child.ts");
/** Inside node_modules, so the bundle resolves its external packages from the project. */
const CHILD_DIR = join(
  import.meta.dirname,
  "..",
  "..",
  "node_modules",
  ".cache",
  `vbm-cli-child-${process.pid}`,
);
const CHILD = join(CHILD_DIR, "cli-child.js");

interface Child {
  process: ChildProcess;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
  go(): void;
}

function startCli(args: string[]): Child {
  const child = spawn(process.execPath, [CHILD, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, VBM_DEBUG: "1" },
  });
  let out = "";
  let err = "";
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.startsWith("ready\n")) markReady();
  });
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    out: string;
    err: string;
  }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, out, err })));
  return { process: child, ready, exited, go: () => child.stdin?.write("go\n") };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await sleep(2);
  }
}

let root = "";
let cleanup = () => {};
beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir("vbm-processes-"));
  await build({
    entryPoints: [CHILD_SOURCE],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    packages: "external",
    outdir: CHILD_DIR,
    logLevel: "warning",
  });
});
afterAll(() => {
  cleanup();
  rmSync(CHILD_DIR, { recursive: true, force: true });
});

function file(name: string, body: Uint8Array): string {
  const path = join(root, name);
  writeFileSync(path, body);
  return path;
}

const deliverArgs = (path: string, dataDir: string) => [
  "deliver",
  path,
  "--location",
  "AB",
  "--quarter",
  "2023-Q1",
  "--data-dir",
  dataDir,
];

/** Delivers in this process (the first delivery creates the key, as the first ingest must). */
async function seed(dataDir: string, rows: number): Promise<void> {
  const body = csvBytes(
    Array.from({ length: rows }, (_, i) => [
      `AB000${(i % 9) + 1}`,
      "02.01.2023",
      "10:00",
      "",
      "",
      "",
      "16",
      "",
    ]),
  );
  const c = captureIo({});
  expect(await run(deliverArgs(file(`seed-${rows}.csv`, body), dataDir), c.io), c.err()).toBe(0);
}

/** The complete-state check: the status that counts and the data agree; returns its rows. */
async function assertComplete(dataDir: string, viaFigures = true): Promise<number> {
  const current = expectedCurrent(rawLog(dataDir, "AB", "2023-Q1"));
  if (!current) throw new Error("no current delivery");
  expect(await parquetRows(join(dataDir, "curated", current.curated_key as string))).toBe(current.rows);
  const runtime = createRuntime({ mode: "local", dataDir });
  const engine = await runtime.openQueryEngine();
  try {
    expect(engine.broken).toEqual([]);
    expect(await engine.query("SELECT attempt_id FROM current_delivery")).toEqual([
      { attempt_id: current.attempt_id },
    ]);
    expect(await engine.query("SELECT count(*) AS n FROM measures")).toEqual([{ n: current.rows }]);
  } finally {
    await engine.close();
  }
  if (!viaFigures) return current.rows;
  const c = captureIo({});
  const code = await run(
    ["figures", "--quarter", "2023-Q1", "--location", "AB", "--json", "--data-dir", dataDir],
    c.io,
  );
  expect(code, c.err()).toBe(0);
  const model = JSON.parse(c.out());
  expect(model.total).toBe(current.rows);
  expect(model.deliveries).toEqual([
    { location: "AB", quarter: "2023-Q1", status: "all", rows: current.rows },
  ]);
  return current.rows;
}

/** When each file's delivery-log line (its commit) was written, by file name (mtime in ns). */
function commitTimes(dataDir: string, location: string, quarter: string): Map<string, bigint> {
  const dir = join(dataDir, "curated", "delivery-log", location, quarter);
  const times = new Map<string, bigint>();
  for (const f of filesUnder(dir).filter((f) => !f.includes(".tmp-"))) {
    const line = JSON.parse(readFileSync(join(dir, f), "utf8")) as { file_name: string };
    times.set(line.file_name, statSync(join(dir, f), { bigint: true }).mtimeNs);
  }
  return times;
}

describe("two deliver processes for one location and quarter", () => {
  it("a large file first, a small one a moment later — the later upload counts", async () => {
    {
      const i = 0;
      const dataDir = join(root, `pair-${i}`);
      await seed(dataDir, 3);
      const big = file(
        `big-${i}.csv`,
        generateDeliveryCsv({ location: "AB", quarter: "2023-Q1", rows: 30_000, seed: i }),
      );
      const small = file(
        `small-${i}.csv`,
        csvBytes([["AB0001", "03.02.2023", "10:00", "", "", "", "16", ""]]),
      );
      const a = startCli(deliverArgs(big, dataDir));
      const b = startCli(deliverArgs(small, dataDir));
      await Promise.all([a.ready, b.ready]);
      const order: string[] = [];
      a.exited.then(() => order.push("big"));
      b.exited.then(() => order.push("small"));
      a.go();
      // The large file has landed in the drop zone (its upload is complete) before the small one starts.
      await until(() => existsSync(join(dataDir, "dropzone", "AB", "2023-Q1", "all", `big-${i}.csv`)));
      b.go();
      const [ra, rb] = await Promise.all([a.exited, b.exited]);
      expect(ra.code, ra.err).toBe(0);
      expect(rb.code, rb.err).toBe(0);
      expect(order).toEqual(["small", "big"]);
      expect(await assertComplete(dataDir)).toBe(1);
      // The large file's process says that the later upload counts whenever it could know: when
      // the small file's log line (its commit) was written before the large file's. Exiting first
      // does not mean committing first: the small one may commit after the large one has checked.
      const commits = commitTimes(dataDir, "AB", "2023-Q1");
      const [bigCommit, smallCommit] = [`big-${i}.csv`, `small-${i}.csv`].map((f) => commits.get(f));
      expect(bigCommit !== undefined && smallCommit !== undefined).toBe(true);
      if ((smallCommit as bigint) < (bigCommit as bigint)) expect(ra.out).toContain(`small-${i}.csv`);
    }
  }, 120_000);
});

describe("deliver killed with SIGKILL", () => {
  it("at 20 moments (random, after the Parquet object, right after the commit): always the old or the new complete state", async () => {
    const dataDir = join(root, "kills");
    await seed(dataDir, 3);
    let previous = 3;
    const measuresDir = join(dataDir, "curated", "measures", "location=AB", "quarter=2023-Q1");
    const logDir = join(dataDir, "curated", "delivery-log", "AB", "2023-Q1");
    // Objects in place (temporary files of a write in progress are not).
    const count = (dir: string) =>
      existsSync(dir) ? readdirSync(dir).filter((f) => !f.includes(".tmp-")).length : 0;
    const bodies = Array.from({ length: 20 }, (_, i) =>
      file(
        `kill-${i}.csv`,
        generateDeliveryCsv({ location: "AB", quarter: "2023-Q1", rows: 5_000 + i, seed: 100 + i }),
      ),
    );
    let next = startCli(deliverArgs(bodies[0] as string, dataDir));
    const moments: string[] = [];
    for (let i = 0; i < 20; i++) {
      const child = next;
      await child.ready;
      // Start the next child's loading meanwhile (it waits for `go`).
      if (i < 19) next = startCli(deliverArgs(bodies[i + 1] as string, dataDir));
      const logsBefore = count(logDir);
      const objectsBefore = count(measuresDir);
      child.go();
      if (i % 4 === 0) {
        moments.push("after commit");
        await until(() => count(logDir) > logsBefore);
      } else if (i % 4 === 1) {
        moments.push("after Parquet object");
        await until(() => count(measuresDir) > objectsBefore);
      } else {
        const delay = Math.floor(Math.random() * 500);
        moments.push(`${delay} ms`);
        await sleep(delay);
      }
      child.process.kill("SIGKILL");
      const result = await child.exited;
      const rows = await assertComplete(dataDir, false);
      expect([previous, 5_000 + i], `kill ${i} (${moments[i]}): ${result.err}`).toContain(rows);
      if (i % 4 === 0) expect(rows).toBe(5_000 + i);
      previous = rows;
    }
    // The next run cleans up what the killed ones left.
    const c = captureIo({});
    expect(await run(deliverArgs(file("after.csv", csvBytes([])), dataDir), c.io), c.err()).toBe(0);
    expect(filesUnder(dataDir).filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect(await assertComplete(dataDir)).toBe(0);
  }, 180_000);
});
