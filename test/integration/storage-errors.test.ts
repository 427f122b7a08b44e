/**
 * A full disk and a read-only data dir, for real: a small tmpfs mounted for the test (root on
 * Linux, as on the build machines and in CI). Where mounting is not allowed the tests are
 * skipped, and say why.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../functions/cli/main.ts";
import { generateDeliveryCsv } from "../../functions/demo/bulk.ts";
import { captureIo, csvBytes, tempDir } from "../helpers.ts";
import { expectedCurrent, filesUnder, rawLog } from "./integrity-helpers.ts";

const exec = promisify(execFile);
let root = "";
let cleanup = () => {};
let mountPoint = "";
let canMount = false;

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir("vbm-storage-"));
  mountPoint = join(root, "disk");
  mkdirSync(mountPoint);
  canMount = await exec("mount", ["-t", "tmpfs", "-o", "size=1600k", "tmpfs", mountPoint]).then(
    () => true,
    () => false,
  );
  if (!canMount)
    console.warn("storage-errors: cannot mount a tmpfs here (needs root on Linux); tests skipped");
});
afterAll(async () => {
  if (canMount) await exec("umount", ["-l", mountPoint]).catch(() => undefined);
  cleanup();
});

const deliver = async (path: string, dataDir: string) => {
  const c = captureIo({});
  const code = await run(
    ["deliver", path, "--location", "AB", "--quarter", "2023-Q1", "--data-dir", dataDir],
    c.io,
  );
  return { code, out: c.out(), err: c.err() };
};

describe("storage errors", () => {
  it("a full disk: exit 2 with a Dutch message naming the file, the old delivery still counts, nothing left behind", async (ctx) => {
    if (!canMount) ctx.skip();
    const dataDir = join(mountPoint, "data");
    const first = join(root, "first.csv");
    writeFileSync(first, csvBytes([["AB0001", "03.02.2023", "10:00", "", "", "", "16", ""]]));
    expect((await deliver(first, dataDir)).code).toBe(0);
    // About 1.4 MB: it fits in the drop zone, its Parquet object and receipt do not.
    const big = join(root, "big.csv");
    writeFileSync(big, generateDeliveryCsv({ location: "AB", quarter: "2023-Q1", rows: 20_000, seed: 3 }));
    const full = await deliver(big, dataDir);
    expect(full.code, full.err).toBe(2);
    expect(full.err).toMatch(/De schijf is vol: .+ kon niet worden opgeslagen/);
    expect(full.err).not.toMatch(/ENOSPC|no space left/);
    expect(expectedCurrent(rawLog(dataDir, "AB", "2023-Q1"))?.rows).toBe(1);
    expect(filesUnder(dataDir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("a read-only data dir: exit 2 with a Dutch message, nothing changed", async (ctx) => {
    if (!canMount) ctx.skip();
    const dataDir = join(mountPoint, "data");
    const before = filesUnder(dataDir);
    await exec("mount", ["-o", "remount,ro", mountPoint]);
    try {
      const small = join(root, "small.csv");
      writeFileSync(small, csvBytes([["AB0002", "04.02.2023", "10:00", "", "", "", "16", ""]]));
      const ro = await deliver(small, dataDir);
      expect(ro.code).toBe(2);
      expect(ro.err).toMatch(/alleen-lezen/);
      expect(ro.err).not.toMatch(/EROFS|read-only file system/);
    } finally {
      await exec("mount", ["-o", "remount,rw", mountPoint]);
    }
    expect(filesUnder(dataDir)).toEqual(before);
  });
});
