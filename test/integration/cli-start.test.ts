/**
 * The real `vbm-monitor` command (bin/vbm-monitor.js) as a user starts it: the compiled CLI
 * (dist/cli) when it is up to date, and what each command loads. `validate` must not load the
 * heavy packages (DuckDB, exceljs, pdfkit, Vega, Parquet, Arrow, AWS, tsx): every module the
 * process loads is recorded by a loader hook (child/loaded-modules.mjs).
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compiledCli } from "../../bin/compiled.js";
import { buildCli } from "../../scripts/build-cli.mjs";
import { csvText, tempDir } from "../helpers.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(ROOT, "bin", "vbm-monitor.js");
const HOOK = join(ROOT, "test", "integration", "child", "loaded-modules.mjs");

/** Packages that only the commands making figures, documents, Parquet or AWS calls may load. */
const HEAVY = [
  "@duckdb/node-api",
  "exceljs",
  "pdfkit",
  "svg-to-pdfkit",
  "vega",
  "vega-lite",
  "parquet-wasm",
  "apache-arrow",
  "@aws-sdk",
  "nodemailer",
  "hono",
  "tsx",
  "esbuild",
];

let dir = "";
let cleanup = () => {};
let twoRows = "";
beforeAll(async () => {
  ({ dir, cleanup } = tempDir("vbm-cli-start-"));
  twoRows = join(dir, "twee.csv");
  writeFileSync(
    twoRows,
    csvText([
      ["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "", "10", "1"],
      ["AB0002", "11.01.2023", "09:00", "", "", "", "15", ""],
    ]),
  );
  // What `npm ci` (prepare) and `npm run build` make; only rebuilt when a source changed.
  if (!compiledCli()) await buildCli();
}, 120_000);
afterAll(() => cleanup());

/** Runs the bin in a fresh process; `modules` are the URLs of everything it loaded. */
function cli(args: string[], env: Record<string, string> = {}) {
  const log = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, "");
  return new Promise<{ code: number; out: string; err: string; modules: string[] }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", pathToFileURL(HOOK).href, BIN, ...args],
      { env: { ...process.env, ...env, VBM_LOADED_MODULES: log }, encoding: "utf8" },
      (error, out, err) =>
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          out,
          err,
          modules: readFileSync(log, "utf8").split("\n").filter(Boolean),
        }),
    );
  });
}

/** The packages among loaded module URLs (`…/node_modules/<name>/…`, scoped names whole). */
function packages(modules: string[]): Set<string> {
  const names = new Set<string>();
  for (const url of modules) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (m?.[1]) names.add(m[1]);
  }
  return names;
}
const heavyAmong = (names: Set<string>) =>
  [...names].filter((n) => HEAVY.some((h) => n === h || n.startsWith(`${h}/`)));

describe("the vbm-monitor command", () => {
  it("validates with the compiled CLI and loads none of the heavy packages", async () => {
    const res = await cli(["validate", twoRows, "--location", "AB", "--quarter", "2023-Q1"]);
    expect(res.err).toBe("");
    expect(res.code).toBe(0);
    expect(res.out).toContain("Dit bestand is goed en kan worden aangeleverd");
    expect(res.modules).toContain(pathToFileURL(join(ROOT, "dist", "cli", "main.js")).href);
    expect(res.modules.filter((u) => u.endsWith(".ts"))).toEqual([]);
    expect(heavyAmong(packages(res.modules))).toEqual([]);
  }, 60_000);

  it("loads DuckDB for figures, and finds the SQL next to the sources (bundled import.meta.url)", async () => {
    const data = join(dir, "data");
    const delivered = await cli([
      "deliver",
      twoRows,
      "--location",
      "AB",
      "--quarter",
      "2023-Q1",
      "--data-dir",
      data,
    ]);
    expect(delivered.code, delivered.err).toBe(0);
    const res = await cli(["figures", "--quarter", "2023-Q1", "--json", "--data-dir", data]);
    expect(res.code, res.err).toBe(0);
    expect(JSON.parse(res.out).total).toBe(2);
    // The hook sees heavy packages when they are loaded: the check above can fail.
    expect(heavyAmong(packages(res.modules))).toContain("@duckdb/node-api");
    expect(res.modules.filter((u) => u.endsWith(".ts"))).toEqual([]);
  }, 120_000);

  it("runs the TypeScript sources through tsx when asked to (VBM_CLI_SOURCES=1)", async () => {
    const res = await cli(["validate", twoRows, "--location", "AB", "--quarter", "2023-Q1"], {
      VBM_CLI_SOURCES: "1",
    });
    expect(res.code, res.err).toBe(0);
    expect(res.modules).toContain(pathToFileURL(join(ROOT, "functions", "cli", "main.ts")).href);
    expect(res.modules.some((u) => u.includes("/dist/cli/"))).toBe(false);
  }, 60_000);
});

describe("compiledCli: the compiled CLI only while every source is unchanged", () => {
  let root = "";
  let remove = () => {};
  beforeAll(() => {
    ({ dir: root, cleanup: remove } = tempDir("vbm-cli-stamp-"));
    mkdirSync(join(root, "dist", "cli"), { recursive: true });
    mkdirSync(join(root, "src"));
  });
  afterAll(() => remove());

  /** A source file and a stamp that records it as it is now. */
  function built(): string {
    const file = join(root, "src", "a.ts");
    writeFileSync(file, "export const a = 1;\n");
    const t = new Date("2024-01-01T00:00:00Z");
    utimesSync(file, t, t);
    writeFileSync(
      join(root, "dist", "cli", "build.json"),
      JSON.stringify({ inputs: { "src/a.ts": [t.getTime(), "export const a = 1;\n".length] } }),
    );
    return file;
  }
  const main = () => pathToFileURL(join(root, "dist", "cli", "main.js")).href;

  it("is used when the stamp matches", () => {
    built();
    expect(compiledCli(root)).toBe(main());
  });
  it("is not used after a source was edited (newer, or older as after a checkout)", () => {
    const file = built();
    utimesSync(file, new Date(), new Date());
    expect(compiledCli(root)).toBeUndefined();
    built();
    const older = new Date("2023-01-01T00:00:00Z");
    utimesSync(file, older, older);
    expect(compiledCli(root)).toBeUndefined();
  });
  it("is not used after a source changed size with the same mtime", () => {
    const file = built();
    writeFileSync(file, "export const a = 12;\n");
    const t = new Date("2024-01-01T00:00:00Z");
    utimesSync(file, t, t);
    expect(compiledCli(root)).toBeUndefined();
  });
  it("is not used when a source is gone, or without a stamp", () => {
    const file = built();
    rmSync(file);
    expect(compiledCli(root)).toBeUndefined();
    built();
    rmSync(join(root, "dist", "cli", "build.json"));
    expect(compiledCli(root)).toBeUndefined();
  });
});
