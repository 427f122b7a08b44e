import { createHmac } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../../functions/cli/main.ts";
import type { FiguresModel } from "../../schemas/figures.ts";
import { captureIo, csvBytes, tempDir } from "../helpers.ts";

/**
 * Issue point 9: a lost or replaced local key must stop the commands that pseudonymise, never be
 * replaced silently, and commands that do not pseudonymise never touch the key. Real files in a
 * temporary folder, through the CLI.
 */

let dir = "";
let cleanup = () => {};
afterEach(() => cleanup());
function setup() {
  ({ dir, cleanup } = tempDir("vbm-key-"));
}

const data = () => join(dir, "data");
const keyFile = () => join(data(), "keys", "pseudonym.key");
const recordFile = () => join(data(), "config", "pseudonym-key.json");
const cli = async (...args: string[]) => {
  const c = captureIo({});
  const code = await run([...args, "--data-dir", data()], c.io);
  return { code, out: c.out(), err: c.err() };
};
/** 100 young people, one point-in-time measure each, in the given quarter. */
function quarterFile(name: string, quarter: 1 | 2, youth = 100): string {
  const month = String((quarter - 1) * 3 + 2).padStart(2, "0");
  const rows = Array.from({ length: youth }, (_, i) => [
    `AB${String(i + 1).padStart(4, "0")}`,
    `${String((i % 28) + 1).padStart(2, "0")}.${month}.2023`,
    "10:00",
    "",
    "",
    "",
    "15",
    "1",
  ]);
  const path = join(dir, name);
  writeFileSync(path, csvBytes(rows));
  return path;
}
const deliver = (quarter: 1 | 2) =>
  cli(
    "deliver",
    quarterFile(`ab-q${quarter}.csv`, quarter),
    "--location",
    "AB",
    "--quarter",
    `2023-Q${quarter}`,
  );
/** Every file under a folder of the data dir (relative), none when it does not exist. */
const files = (sub: string) => {
  try {
    return readdirSync(join(data(), sub), { recursive: true, encoding: "utf8" }).filter((f) =>
      statSync(join(data(), sub, f)).isFile(),
    );
  } catch {
    return [];
  }
};
const fingerprint = (key: Uint8Array) =>
  createHmac("sha256", key).update("vbm-key-fingerprint").digest("hex");

describe("the local pseudonym key", () => {
  it("the first delivery into an empty data dir creates the key (0600) and its fingerprint record", async () => {
    setup();
    // Act
    const res = await deliver(1);
    // Assess
    expect(res.code).toBe(0);
    const key = readFileSync(keyFile());
    expect(key).toHaveLength(32);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    const record = JSON.parse(readFileSync(recordFile(), "utf8"));
    expect(record.fingerprint).toBe(fingerprint(key));
    const log = files("curated/delivery-log");
    expect(log).toHaveLength(1);
    const entry = JSON.parse(readFileSync(join(data(), "curated", "delivery-log", log[0] as string), "utf8"));
    expect(entry.pseudonym_key_version).toBe(`vbm-v1:local-${fingerprint(key).slice(0, 12)}`);
  });

  it("a lost key stops the next delivery with a Dutch message; restoring the backup continues", async () => {
    // Prepare: Q1 delivered, the key backed up and then lost
    setup();
    expect((await deliver(1)).code).toBe(0);
    const backup = join(dir, "backup.key");
    copyFileSync(keyFile(), backup);
    rmSync(keyFile());
    const curatedBefore = files("curated");
    // Act
    const res = await deliver(2);
    // Assess: refused, nothing of Q2 processed, no new key
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/^vbm-monitor: De sleutel voor pseudoniemen ontbreekt/);
    expect(res.err).toContain(`vingerafdruk ${fingerprint(readFileSync(backup)).slice(0, 12)}`);
    expect(res.err).toContain("back-up");
    expect(res.err).toContain("chmod 600");
    expect(res.err).toContain("Er is niets verwerkt");
    expect(res.err.split("\n")).toHaveLength(1);
    expect(existsSync(keyFile())).toBe(false);
    expect(files("curated")).toEqual(curatedBefore);
    expect(files("curated").some((f) => f.includes("2023-Q2"))).toBe(false);
    expect(files("receipts").some((f) => f.includes("2023-Q2"))).toBe(false);

    // Act: restore the backup as the message says, deliver Q2 again
    copyFileSync(backup, keyFile());
    const again = await deliver(2);
    // Assess: the same young people keep their pseudonyms
    expect(again.code).toBe(0);
    const versions = new Set(
      files("curated/delivery-log").map(
        (f) =>
          JSON.parse(readFileSync(join(data(), "curated", "delivery-log", f), "utf8")).pseudonym_key_version,
      ),
    );
    expect(versions.size).toBe(1);
    const m = JSON.parse(
      (await cli("figures", "--quarter", "2023-Q1", "--to", "2023-Q2", "--json")).out,
    ) as FiguresModel;
    expect(m.uniqueYouth).toBe(100);
  });

  it("a different key of the same length is refused, naming both fingerprints", async () => {
    // Prepare
    setup();
    expect((await deliver(1)).code).toBe(0);
    const original = readFileSync(keyFile());
    const random = new Uint8Array(32).map((_, i) => (i * 37 + 11) % 256);
    writeFileSync(keyFile(), random);
    // Act
    const res = await deliver(2);
    // Assess
    expect(res.code).toBe(2);
    expect(res.err).toContain("hoort niet bij de gegevens");
    expect(res.err).toContain(fingerprint(original).slice(0, 12));
    expect(res.err).toContain(fingerprint(random).slice(0, 12));
    expect(files("curated").some((f) => f.includes("2023-Q2"))).toBe(false);
    expect(readFileSync(keyFile())).toEqual(Buffer.from(random));
  });

  it("commands that do not pseudonymise never create or read the key", async () => {
    // Prepare: a data dir with Q1 whose key is lost, and an empty one
    setup();
    mkdirSync(join(data(), "config"), { recursive: true });
    writeFileSync(
      join(data(), "config", "locations.json"),
      JSON.stringify([{ code: "AB", name: "Locatie AB" }]),
    );
    expect((await deliver(1)).code).toBe(0);
    rmSync(keyFile());
    const q1 = quarterFile("check.csv", 1);
    const commands = [
      ["validate", q1, "--location", "AB", "--quarter", "2023-Q1"],
      ["figures", "--quarter", "2023-Q1"],
      ["report", "--from", "2023-Q1", "--to", "2023-Q1"],
      ["igj-export", "--half", "2023-H1"],
    ];
    for (const args of commands) {
      // Act
      const res = await cli(...args);
      // Assess
      expect(res.err, args[0]).toBe("");
      expect(res.code, args[0]).toBe(0);
      expect(existsSync(keyFile()), args[0]).toBe(false);
    }
    const manifest = JSON.parse(
      readFileSync(join(data(), "reports", "igj", "2023-H1", "manifest.json"), "utf8"),
    );
    expect(manifest.pseudonymKeyVersions).toHaveLength(1);

    // An empty data dir: the read-only commands make no key either
    rmSync(data(), { recursive: true });
    for (const args of commands.slice(1)) {
      await cli(...args);
      expect(existsSync(keyFile()), `${args[0]} (lege map)`).toBe(false);
    }
    expect(existsSync(recordFile())).toBe(false);
  });

  it("a rejected delivery or an occupancy load makes no key; the first accepted delivery does", async () => {
    setup();
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, csvBytes([["AB0001", "99.99.2023", "10:00", "", "", "", "15", "1"]]));
    expect((await cli("deliver", bad, "--location", "AB", "--quarter", "2023-Q1")).code).toBe(1);
    const occ = join(dir, "bezetting.csv");
    writeFileSync(occ, "Locatie;Maand;Gemiddelde bezetting\nAB;2023-01;10\n");
    expect((await cli("occupancy", occ)).code).toBe(0);
    expect(existsSync(keyFile())).toBe(false);
    expect((await deliver(1)).code).toBe(0);
    expect(readFileSync(keyFile())).toHaveLength(32);
  });
});
